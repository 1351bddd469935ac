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

    def has_role(self, roles) -> bool:
        return any(g.role in roles for g in self.role_grants)

    def is_leader_of(self, team: Team) -> bool:
        return self.id in team.leader_ids()

    def home_units(self) -> list[Unit]:
        return [g.unit for g in self.role_grants]

    # Account management: who may act on whom.
    def can_manage_user(self, other: User) -> bool:
        """Admins manage anyone whose units lie in their subtree; coordinators manage members."""
        if other.id == self.id or not other.role_grants:
            return False
        required = MANAGER_ROLES if not other.has_role(STAFF_ROLES) else (Role.ADMIN,)
        return all(self.has_role_over(u, required) for u in other.home_units())

    def can_see_user(self, other: User) -> bool:
        return other.id == self.id or any(self.has_role_over(u, STAFF_ROLES) for u in other.home_units())


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

    def unusable_reason(self, now: datetime | None = None) -> str | None:
        now = now or utcnow()
        if self.revoked_at is not None:
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
