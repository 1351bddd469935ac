"""Attendance (签到 / 签退): who came to which shift, when, where, and the minutes credited."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.access import MANAGER_ROLES, OVERSIGHT_ROLES, Principal
from app.core.models import Base, enum_column

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.orgs.models import Unit
    from app.scheduling.models import Shift


class Position(enum.StrEnum):
    """Where the phone said it was, judged against the shift's area."""

    ON_SITE = "on_site"
    OUTSIDE = "outside"  # allowed, flagged, with the distance
    NO_FIX = "no_fix"  # allowed, flagged: no position, or a check-in by proxy


class Punctuality(enum.StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


class Attendance(Base):
    """One person on one shift. Kept for the assessment: punctuality and credited minutes are
    decided once, when they happen, never recomputed later from raw fixes."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("shift_id", "user_id"),
        CheckConstraint("checked_out_at IS NULL OR checked_out_at >= checked_in_at", name="out_after_in"),
        Index("ix_attendances_on_duty", "checked_out_at", "checked_in_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # When the person checked in: the server's time, or the phone's for a check-in recorded
    # offline (then received_at says when the server learnt of it).
    checked_in_at: Mapped[datetime | None]
    check_in_received_at: Mapped[datetime | None]
    check_in_device_at: Mapped[datetime | None]
    check_in_lon: Mapped[float | None]
    check_in_lat: Mapped[float | None]
    check_in_accuracy_m: Mapped[float | None]
    check_in_position: Mapped[Position | None] = mapped_column(enum_column(Position))
    check_in_distance_m: Mapped[int | None]
    check_in_imprecise: Mapped[bool] = mapped_column(default=False)
    punctuality: Mapped[Punctuality | None] = mapped_column(enum_column(Punctuality))
    recorded_offline: Mapped[bool] = mapped_column(default=False)
    proxy_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_out_at: Mapped[datetime | None]
    check_out_received_at: Mapped[datetime | None]
    check_out_device_at: Mapped[datetime | None]
    check_out_lon: Mapped[float | None]
    check_out_lat: Mapped[float | None]
    check_out_accuracy_m: Mapped[float | None]
    check_out_position: Mapped[Position | None] = mapped_column(enum_column(Position))
    check_out_distance_m: Mapped[int | None]
    # Closed by the job at the shift's end plus a margin: the check-out was forgotten.
    auto_closed: Mapped[bool] = mapped_column(default=False)
    no_show: Mapped[bool] = mapped_column(default=False)
    credited_minutes: Mapped[int] = mapped_column(default=0)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    correction_reason: Mapped[str | None] = mapped_column(String(200))
    corrected_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    shift: Mapped[Shift] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    proxy_by: Mapped[User | None] = relationship(foreign_keys=[proxy_by_id])

    @property
    def scope_unit(self) -> Unit:
        return self.shift.unit

    @property
    def is_on_duty(self) -> bool:
        return self.checked_in_at is not None and self.checked_out_at is None

    @property
    def flags(self) -> list[str]:
        """What a coordinator should look at: outside, no fix, imprecise, offline, proxy, auto-closed, corrected."""
        flags = []
        if self.check_in_position in (Position.OUTSIDE, Position.NO_FIX):
            flags.append(f"check_in_{self.check_in_position.value}")
        if self.check_in_imprecise:
            flags.append("imprecise")
        if self.recorded_offline:
            flags.append("recorded_offline")
        if self.proxy_by_id:
            flags.append("by_proxy")
        if self.auto_closed:
            flags.append("auto_closed")
        if self.corrected_at:
            flags.append("corrected")
        return flags


def can_read_attendance(principal: Principal, shift) -> bool:
    """Staff over the shift's unit and the leaders of its team see who came."""
    return principal.has_role_over(shift.unit, MANAGER_ROLES + OVERSIGHT_ROLES) or (
        shift.team_id is not None and principal.leads(shift.team_id)
    )


def can_correct_attendance(principal: Principal, shift) -> bool:
    return principal.has_role_over(shift.unit, MANAGER_ROLES)


def can_check_in_for_others(principal: Principal, shift) -> bool:
    """Leaders check in the members of their team who have no smartphone; coordinators too."""
    return can_correct_attendance(principal, shift) or (shift.team_id is not None and principal.leads(shift.team_id))
