"""Organisation: units (district → street → community), teams, patrol areas."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.core.models import Base, JSONDocument, TimestampMixin, utcnow

if TYPE_CHECKING:
    from app.accounts.models import User


class UnitKind(enum.StrEnum):
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"


# The kind a parent must have; a district is the root of its tree.
PARENT_KIND = {
    UnitKind.DISTRICT: None,
    UnitKind.STREET: UnitKind.DISTRICT,
    UnitKind.COMMUNITY: UnitKind.STREET,
}


def enum_column(enum_class):
    return Enum(enum_class, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Unit(TimestampMixin, Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Materialised path of ids, "/1/4/9/": a subtree is a prefix match.
    path: Mapped[str] = mapped_column(String(200), index=True, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    @property
    def unit(self) -> Unit:
        """A unit is in scope where a unit-owned row would be: scope helpers read ``row.unit``."""
        return self


class Team(TimestampMixin, Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit] = relationship(lazy="joined")
    memberships: Mapped[list[TeamMembership]] = relationship(back_populates="team", cascade="all, delete-orphan")


class TeamMembership(Base):
    __tablename__ = "team_memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_leader: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    team: Mapped[Team] = relationship(back_populates="memberships", lazy="joined")
    user: Mapped[User] = relationship(back_populates="memberships")


Team.member_count = column_property(
    select(func.count(TeamMembership.id)).where(TeamMembership.team_id == Team.id).scalar_subquery(),
    deferred=True,
)


class Area(TimestampMixin, Base):
    """A patrol area (网格 / 巡逻区域): a GeoJSON Polygon or MultiPolygon in WGS 84."""

    __tablename__ = "areas"
    __table_args__ = (CheckConstraint("name <> ''", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    geometry: Mapped[dict] = mapped_column(JSONDocument)
    is_active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit] = relationship(lazy="joined")
