"""Accounts: users, their unit-scoped roles, invites and password resets."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.access import ADMIN_ROLES, MANAGER_ROLES, OVERSIGHT_ROLES, STAFF_ROLES, Principal, Role, UnitScoped
from app.core.models import Base, TimestampMixin, enum_column
from app.orgs.models import Team, TeamMembership, Unit


class UserStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    DEACTIVATED = "deactivated"


# action -> (statuses it applies to, the status it leads to, the error otherwise)
STATUS_TRANSITIONS = {
    "approve": ({UserStatus.PENDING}, UserStatus.ACTIVE, "not_pending"),
    "reject": ({UserStatus.PENDING}, UserStatus.REJECTED, "not_pending"),
    "deactivate": ({UserStatus.PENDING, UserStatus.ACTIVE}, UserStatus.DEACTIVATED, "not_active"),
    "reactivate": ({UserStatus.DEACTIVATED}, UserStatus.ACTIVE, "not_deactivated"),
}


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)  # E.164
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    status: Mapped[UserStatus] = mapped_column(enum_column(UserStatus), default=UserStatus.PENDING, index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    last_login_at: Mapped[datetime | None]

    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan", order_by="RoleGrant.id"
    )
    memberships: Mapped[list[TeamMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="TeamMembership.id"
    )

    @property
    def is_active(self) -> bool:
        return self.status in (UserStatus.ACTIVE, UserStatus.PENDING)

    @property
    def home_unit_id(self) -> int | None:
        """Where events about this account belong: the unit of its grant nearest the root."""
        if not self.role_grants:
            return None
        return min(self.role_grants, key=lambda grant: grant.unit.path.count("/")).unit_id

    def is_visible_to(self, principal: Principal) -> bool:
        return self.id == principal.id or any(g.is_visible_to(principal) for g in self.role_grants)

    def phone_visible_to(self, principal: Principal) -> bool:
        """Phone numbers are shown where the account is, and never through a member role to
        someone who may not see the staff role the same person holds elsewhere (as in rosters)."""
        return self.is_visible_to(principal) and all(
            grant.is_visible_to(principal) for grant in self.role_grants if grant.role in STAFF_ROLES
        )

    def can_be_managed_by(self, principal: Principal) -> bool:
        """Every role this account holds must be one the principal outranks; never oneself."""
        return (
            self.id != principal.id
            and bool(self.role_grants)
            and all(g.is_outranked_by(principal) for g in self.role_grants)
        )


class RoleGrant(UnitScoped, TimestampMixin, Base):
    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "unit_id"),
        # A handler works for one department (reports.Department); no other role has one.
        CheckConstraint(
            "(role = 'handler' AND department_id IS NOT NULL) OR (role <> 'handler' AND department_id IS NULL)",
            name="department_iff_handler",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)

    user: Mapped[User] = relationship(back_populates="role_grants")

    def is_visible_to(self, principal: Principal) -> bool:
        """Officers and admins see every role in their subtree; coordinators see its members."""
        if principal.has_role_over(self.unit, OVERSIGHT_ROLES):
            return True
        return self.role == Role.MEMBER and principal.has_role_over(self.unit, (Role.COORDINATOR,))

    def is_outranked_by(self, principal: Principal) -> bool:
        """May the principal act on the holder of this grant, as far as this grant goes?

        Coordinators and admins act on members; admins on coordinators and officers;
        another admin only from a unit strictly above theirs, so peers can't take over
        each other's accounts.
        """
        if self.role == Role.MEMBER:
            return principal.has_role_over(self.unit, MANAGER_ROLES)
        if self.role == Role.ADMIN:
            path = self.unit.path
            return any(path.startswith(p) and path != p for p in principal.unit_paths(ADMIN_ROLES))
        return principal.has_role_over(self.unit, ADMIN_ROLES)

    def can_be_revoked_by(self, principal: Principal) -> bool:
        return (
            self.user_id != principal.id
            and principal.has_role_over(self.unit, ADMIN_ROLES)
            and self.is_outranked_by(principal)
        )


def can_grant_role(actor: Principal, user: User, unit: Unit) -> bool:
    """Admins give roles on units they administer, to accounts other than their own."""
    return user.id != actor.id and actor.has_role_over(unit, ADMIN_ROLES)


class Invite(UnitScoped, TimestampMixin, Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Shared openly as a link, so stored as is; revocation is the defence.
    token: Mapped[str] = mapped_column(String(43), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    max_uses: Mapped[int]
    use_count: Mapped[int] = mapped_column(default=0)
    auto_approve: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None]

    team: Mapped[Team] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship()

    def can_manage(self, principal: Principal) -> bool:
        return principal.has_role_over(self.unit, MANAGER_ROLES)

    def unusable_reason(self) -> str | None:
        now = clock.now()
        # An invite speaks for the coordinator who made it: it ends with their account.
        if self.revoked_at is not None or self.created_by.status != UserStatus.ACTIVE:
            return "invite_revoked"
        if self.expires_at <= now:
            return "invite_expired"
        if self.use_count >= self.max_uses:
            return "invite_used_up"
        if not (self.team.is_active and self.unit.is_active):
            return "invite_revoked"
        return None

    @property
    def is_usable(self) -> bool:
        return self.unusable_reason() is None


class UserSession(TimestampMixin, Base):
    """A signed-in device. The cookie holds a random key; only its SHA-256 is stored.

    Ending the row ends the session everywhere the cookie was copied to.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(index=True)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ip: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship()


class PasswordReset(TimestampMixin, Base):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only the SHA-256 of the token is kept: a database leak must not reset passwords.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
