"""Accounts: users, their unit-scoped roles, invites and password resets."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, TimestampMixin, utcnow
from app.orgs.models import Team, TeamMembership, Unit, enum_column


class Role(enum.StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"
    OFFICER = "officer"
    ADMIN = "admin"


STAFF_ROLES = (Role.COORDINATOR, Role.OFFICER, Role.ADMIN)
MANAGER_ROLES = (Role.COORDINATOR, Role.ADMIN)
OVERSIGHT_ROLES = (Role.OFFICER, Role.ADMIN)


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


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)  # E.164
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    status: Mapped[UserStatus] = mapped_column(enum_column(UserStatus), default=UserStatus.PENDING, index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Part of the session id: bumping it signs the user out everywhere.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None]

    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan", order_by="RoleGrant.id"
    )
    memberships: Mapped[list[TeamMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="TeamMembership.id"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.status in (UserStatus.ACTIVE, UserStatus.PENDING)

    @property
    def is_pending(self) -> bool:
        return self.status == UserStatus.PENDING

    def end_sessions(self) -> None:
        self.session_version += 1

    def unit_paths(self, roles=None) -> list[str]:
        return [g.unit.path for g in self.role_grants if roles is None or g.role in roles]

    def can_see(self, unit: Unit) -> bool:
        return any(unit.path.startswith(p) for p in self.unit_paths())

    def has_role_over(self, unit: Unit, roles) -> bool:
        return any(unit.path.startswith(p) for p in self.unit_paths(roles))

    def is_leader_of(self, team: Team) -> bool:
        # memberships come with the signed-in user (accounts/login.py): no query here
        return any(m.team_id == team.id and m.is_leader for m in self.memberships)

    # Who may see and act on whom -------------------------------------------------

    def can_see_grant(self, grant: RoleGrant) -> bool:
        """Officers and admins see every role in their subtree; coordinators see its members."""
        if self.has_role_over(grant.unit, OVERSIGHT_ROLES):
            return True
        return grant.role == Role.MEMBER and self.has_role_over(grant.unit, (Role.COORDINATOR,))

    def can_see_membership(self, membership: TeamMembership) -> bool:
        return self.has_role_over(membership.team.unit, STAFF_ROLES)

    def can_see_user(self, other: User) -> bool:
        return other.id == self.id or any(self.can_see_grant(g) for g in other.role_grants)

    def outranks(self, grant: RoleGrant) -> bool:
        """May act on the holder of ``grant`` as far as that grant goes.

        Coordinators and admins act on members; admins on coordinators and officers;
        another admin only from a unit strictly above theirs, so peers can't take
        over each other's accounts.
        """
        if grant.role == Role.MEMBER:
            return self.has_role_over(grant.unit, MANAGER_ROLES)
        if grant.role == Role.ADMIN:
            return any(grant.unit.path.startswith(p) and grant.unit.path != p for p in self.unit_paths((Role.ADMIN,)))
        return self.has_role_over(grant.unit, (Role.ADMIN,))

    def can_manage_user(self, other: User) -> bool:
        """Every role the other account holds must be one I outrank; never myself."""
        return other.id != self.id and bool(other.role_grants) and all(self.outranks(g) for g in other.role_grants)


class RoleGrant(TimestampMixin, Base):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    user: Mapped[User] = relationship(back_populates="role_grants")
    unit: Mapped[Unit] = relationship(lazy="joined")


class Invite(TimestampMixin, Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Shared openly as a link, so stored as is; revocation is the defence.
    token: Mapped[str] = mapped_column(String(43), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    max_uses: Mapped[int]
    use_count: Mapped[int] = mapped_column(default=0)
    auto_approve: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None]

    team: Mapped[Team] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship()

    def unusable_reason(self, now: datetime | None = None) -> str | None:
        now = now or utcnow()
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
