"""Alerts (预警 / 通知): an officer or coordinator tells an audience something now, and sees who answered."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.access import MANAGER_ROLES, OVERSIGHT_ROLES, Principal, Role, UnitScoped
from app.core.models import Base, JSONDocument, enum_column

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.core.photos import Photo
    from app.notifications.models import Notification
    from app.orgs.models import Area, Team


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    URGENT = "urgent"


# Coordinators send to their own teams, up to this severity; officers and admins any.
COORDINATOR_MAX_SEVERITY = Severity.WARNING
SEVERITY_ORDER = [Severity.INFO, Severity.WARNING, Severity.URGENT]


class CapCategory(enum.StrEnum):
    """OASIS CAP 1.2 ``category`` values."""

    GEO = "Geo"
    MET = "Met"
    SAFETY = "Safety"
    SECURITY = "Security"
    RESCUE = "Rescue"
    FIRE = "Fire"
    HEALTH = "Health"
    ENV = "Env"
    TRANSPORT = "Transport"
    INFRA = "Infra"
    CBRNE = "CBRNE"
    OTHER = "Other"


class AlertStatus(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class AudienceKind(enum.StrEnum):
    UNIT = "unit"  # everyone with a role in a unit's subtree
    TEAMS = "teams"  # the members of some teams
    ROLES = "roles"  # holders of some roles in a unit's subtree
    AREA = "area"  # the members granted on a patrol area's unit
    ON_DUTY = "on_duty"  # those checked in right now in a unit's subtree
    AREA_TODAY = "area_today"  # those on a shift in a patrol area today


class Answer(enum.StrEnum):
    ON_MY_WAY = "on_my_way"
    CANNOT_COME = "cannot_come"


class Alert(UnitScoped, Base):
    """``unit_id`` is where the audience lies: it scopes who may read and manage the alert."""

    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint("radius_m IS NULL OR (radius_m > 0 AND lon IS NOT NULL)", name="radius_needs_point"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    category: Mapped[CapCategory] = mapped_column(enum_column(CapCategory), default=CapCategory.SECURITY)
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    lon: Mapped[float | None]
    lat: Mapped[float | None]
    radius_m: Mapped[int | None]
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    audience: Mapped[dict] = mapped_column(JSONDocument)
    is_test: Mapped[bool] = mapped_column(default=False)
    status: Mapped[AlertStatus] = mapped_column(enum_column(AlertStatus), default=AlertStatus.ACTIVE, index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    expires_at: Mapped[datetime]
    # Bumped by every update; CAP messages of an update reference the earlier ones.
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    recipients_total: Mapped[int] = mapped_column(default=0)
    delivered_at: Mapped[datetime | None]
    # Urgent alerts remind, once, those who have not answered.
    reminded_at: Mapped[datetime | None]
    # One photo (a missing child, a suspect), through the same pipeline as report photos.
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"))

    sender: Mapped[User] = relationship()
    area: Mapped[Area | None] = relationship()
    stored_photo: Mapped[Photo | None] = relationship()

    @property
    def photo(self) -> dict | None:
        """The photo as the API shows it (its URLs name the alert)."""
        if self.stored_photo is None:
            return None
        return {
            "alert_id": self.id,
            "content_id": self.stored_photo.content_id,
            "width": self.stored_photo.width,
            "height": self.stored_photo.height,
        }

    @property
    def is_open(self) -> bool:
        """Answers are taken while the alert is neither cancelled nor expired."""
        return self.status == AlertStatus.ACTIVE and self.expires_at > clock.now()

    def can_manage(self, principal: Principal) -> bool:
        """Its sender, and the officers and admins over its audience, cancel and update it."""
        return principal.id == self.sender_id or principal.has_role_over(self.unit, OVERSIGHT_ROLES)

    def can_read_tally(self, principal: Principal) -> bool:
        return self.can_manage(principal) or principal.has_role_over(self.unit, MANAGER_ROLES)


class AlertRecipient(Base):
    __tablename__ = "alert_recipients"
    __table_args__ = (
        UniqueConstraint("alert_id", "user_id"),
        Index("ix_alert_recipients_alert_answer", "alert_id", "answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"))
    # The recipient's team (for the tally per team); none for staff without one.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    seen_at: Mapped[datetime | None]
    answer: Mapped[Answer | None] = mapped_column(enum_column(Answer))
    answered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]

    alert: Mapped[Alert] = relationship()
    user: Mapped[User] = relationship()
    team: Mapped[Team | None] = relationship()
    notification: Mapped[Notification] = relationship()


def may_send_alerts(principal: Principal) -> bool:
    return principal.has_role(OVERSIGHT_ROLES) or principal.has_role((Role.COORDINATOR,))
