"""Organisation: units (district → street → community), teams, patrol areas."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from shapely.geometry import shape
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship, validates

from app.core import clock
from app.core.access import ADMIN_ROLES, MANAGER_ROLES, STAFF_ROLES, Principal, UnitScoped
from app.core.models import Base, JSONDocument, TimestampMixin, enum_column

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


class Administered:
    """Units, teams and areas are created and changed by the admins above them."""

    def can_administer(self, principal: Principal) -> bool:
        return principal.has_role_over(self.scope_unit, ADMIN_ROLES)


class Unit(Administered, TimestampMixin, Base):
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
    def scope_unit(self) -> Unit:
        """A unit is in its own scope: those who see it are those with a role on it or above."""
        return self


class Team(Administered, UnitScoped, TimestampMixin, Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(default=True)

    memberships: Mapped[list[TeamMembership]] = relationship(back_populates="team", cascade="all, delete-orphan")

    def can_view_roster(self, principal: Principal) -> bool:
        """Staff over the team and its leaders see the roster, phone numbers included."""
        return principal.has_role_over(self.unit, STAFF_ROLES) or principal.leads(self.id)

    def can_manage_members(self, principal: Principal) -> bool:
        """Coordinators and admins invite, approve and appoint leaders."""
        return principal.has_role_over(self.unit, MANAGER_ROLES)


class MembershipStatus(enum.StrEnum):
    PENDING = "pending"  # an existing account asked to join through an invite that needs approval
    ACTIVE = "active"


class TeamMembership(Base):
    """A member of a team. An active membership lives only while one of the user's
    ``member`` grants covers the team's unit (``orgs.services.end_memberships_outside``)."""

    __tablename__ = "team_memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_leader: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus), default=MembershipStatus.ACTIVE, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(default=clock.now)

    team: Mapped[Team] = relationship(back_populates="memberships", lazy="joined")
    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def scope_unit(self) -> Unit:
        return self.team.unit

    def is_visible_to(self, principal: Principal) -> bool:
        return principal.has_role_over(self.team.unit, STAFF_ROLES)


Team.member_count = column_property(
    select(func.count(TeamMembership.id))
    .where(TeamMembership.team_id == Team.id, TeamMembership.status == MembershipStatus.ACTIVE)
    .scalar_subquery(),
    deferred=True,
)


class Area(Administered, UnitScoped, TimestampMixin, Base):
    """A patrol area (网格 / 巡逻区域): a GeoJSON Polygon or MultiPolygon in WGS 84."""

    __tablename__ = "areas"
    __table_args__ = (CheckConstraint("name <> ''", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    geometry: Mapped[dict] = mapped_column(JSONDocument)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Kept with the geometry, for SQL to pre-filter and order by distance without PostGIS.
    min_lon: Mapped[float]
    min_lat: Mapped[float]
    max_lon: Mapped[float]
    max_lat: Mapped[float]
    centroid_lon: Mapped[float]
    centroid_lat: Mapped[float]

    @validates("geometry")
    def _keep_bounds(self, key, geometry: dict) -> dict:
        outline = shape(geometry)
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = outline.bounds
        # A U-shaped area's centroid can lie outside it; then a point inside stands for it.
        centre = outline.centroid if outline.centroid.within(outline) else outline.representative_point()
        self.centroid_lon, self.centroid_lat = centre.x, centre.y
        return geometry
