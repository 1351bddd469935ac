"""Shift scheduling (排班): patterns, concrete shifts, who patrols them, waitlists and swaps."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.access import MANAGER_ROLES, Principal, Role, UnitScoped
from app.core.models import Base, JSONDocument, TimestampMixin, enum_column

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.orgs.models import Area, Team

MAX_PLACES = 50


class ShiftPattern(UnitScoped, TimestampMixin, Base):
    """A recurring patrol: "every Tue/Thu/Sat 19:00–21:00, Sanlitun area, 6 places, leader needed".

    Times are wall-clock times in the configured time zone; the generated shifts store UTC.
    """

    __tablename__ = "shift_patterns"
    __table_args__ = (
        CheckConstraint(f"places BETWEEN 1 AND {MAX_PLACES}", name="places_in_range"),
        CheckConstraint("duration_minutes BETWEEN 15 AND 720", name="duration_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    # ISO weekdays, Monday = 1 ... Sunday = 7
    weekdays: Mapped[list] = mapped_column(JSONDocument)
    start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int]
    places: Mapped[int]
    leader_needed: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(500), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    # Holidays and other dates the pattern does not patrol (ISO dates).
    skipped_dates: Mapped[list] = mapped_column(JSONDocument, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    team: Mapped[Team | None] = relationship()
    area: Mapped[Area] = relationship()

    def can_manage(self, principal: Principal) -> bool:
        return can_manage_schedule(principal, self)


class ShiftStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Shift(UnitScoped, Base):
    """A team (or a whole unit) patrols an area from start to end with a number of places.

    ``taken`` counts the places held and is only ever changed by conditional updates
    (``core.services.claim_one``), so it never exceeds ``places``, however many tap at once.
    One place is held for a team leader until ``leader_release_at`` when ``leader_needed``.
    """

    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"places BETWEEN 1 AND {MAX_PLACES}", name="places_in_range"),
        CheckConstraint("taken >= 0 AND taken <= places", name="taken_within_places"),
        UniqueConstraint("pattern_id", "pattern_date"),
        Index("ix_shifts_unit_starts", "unit_id", "starts_at"),
        Index("ix_shifts_team_starts", "team_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    pattern_id: Mapped[int | None] = mapped_column(ForeignKey("shift_patterns.id"), index=True)
    # The day of the pattern this shift was made for: with pattern_id, what makes generation idempotent.
    pattern_date: Mapped[date | None] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    places: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)
    leader_needed: Mapped[bool] = mapped_column(default=False)
    leader_taken: Mapped[bool] = mapped_column(default=False)
    leader_release_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[ShiftStatus] = mapped_column(enum_column(ShiftStatus), default=ShiftStatus.SCHEDULED)
    # Changed by hand: regenerating its pattern leaves it as it is.
    is_edited: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    cancelled_at: Mapped[datetime | None]
    # Members were told the week of this shift is open for sign-up.
    announced_at: Mapped[datetime | None]
    # Kept at start time for the assessment: how full it was and whether a leader came.
    fill_recorded_at: Mapped[datetime | None]
    fill_taken: Mapped[int | None]
    fill_leader_present: Mapped[bool | None]

    team: Mapped[Team | None] = relationship()
    area: Mapped[Area] = relationship()
    pattern: Mapped[ShiftPattern | None] = relationship()
    signups: Mapped[list[ShiftSignup]] = relationship(
        primaryjoin="and_(ShiftSignup.shift_id == Shift.id, ShiftSignup.status != 'dropped')",
        viewonly=True,
        order_by="ShiftSignup.id",
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status == ShiftStatus.CANCELLED

    @property
    def leader_place_held(self) -> bool:
        return (
            self.leader_needed
            and not self.leader_taken
            and (self.leader_release_at is None or clock.now() < self.leader_release_at)
        )

    def is_visible_to(self, principal: Principal) -> bool:
        """Seen in the unit's scope, and a unit's shift also by the members below it, who may take it."""
        if principal.can_see(self.unit):
            return True
        return self.team_id is None and any(
            path.startswith(self.unit.path) for path in principal.unit_paths((Role.MEMBER,))
        )

    def can_manage(self, principal: Principal) -> bool:
        return can_manage_schedule(principal, self)


class SignupStatus(enum.StrEnum):
    ACTIVE = "active"
    DROP_REQUESTED = "drop_requested"  # after the cut-off: a coordinator must approve
    DROPPED = "dropped"


class ShiftSignup(Base):
    """A person holding one place of a shift. Dropped rows stay, for the history."""

    __tablename__ = "shift_signups"
    __table_args__ = (
        # One place per person and shift while it is held (dropped rows do not count).
        Index(
            "uq_shift_signups_holding",
            "shift_id",
            "user_id",
            unique=True,
            postgresql_where=text("status != 'dropped'"),
            sqlite_where=text("status != 'dropped'"),
        ),
        Index("ix_shift_signups_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[SignupStatus] = mapped_column(enum_column(SignupStatus), default=SignupStatus.ACTIVE)
    is_leader: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    dropped_at: Mapped[datetime | None]
    # Set when a coordinator assigned the person; with a reason when the rules were overridden.
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    override_reason: Mapped[str | None] = mapped_column(String(200))

    shift: Mapped[Shift] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class WaitlistEntry(Base):
    __tablename__ = "shift_waitlist"
    __table_args__ = (UniqueConstraint("shift_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    user: Mapped[User] = relationship()


class SwapStatus(enum.StrEnum):
    OPEN = "open"
    TAKEN = "taken"  # waiting for a coordinator where the unit requires approval
    DONE = "done"
    CANCELLED = "cancelled"


class SwapOffer(Base):
    __tablename__ = "swap_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    offered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[SwapStatus] = mapped_column(enum_column(SwapStatus), default=SwapStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    taken_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    shift: Mapped[Shift] = relationship()
    offered_by: Mapped[User] = relationship(foreign_keys=[offered_by_id])
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])

    @property
    def scope_unit(self):
        return self.shift.unit


class ShiftReminder(Base):
    """One reminder sent: to whom, for which shift, how long before. Its key makes reminders exactly-once."""

    __tablename__ = "shift_reminders"
    __table_args__ = (UniqueConstraint("shift_id", "user_id", "lead_minutes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lead_minutes: Mapped[int]
    sent_at: Mapped[datetime]


class WeekAnnouncement(Base):
    """A member was told that a week's shifts are open: once per person and week."""

    __tablename__ = "week_announcements"
    __table_args__ = (UniqueConstraint("user_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    week_start: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime]


class SchedulingRules(Base):
    """A unit's sign-up rules; units without their own take the nearest ancestor's, or the defaults."""

    __tablename__ = "scheduling_rules"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    signup_opens_days: Mapped[int | None]
    signup_closes_hours: Mapped[int | None]
    drop_cutoff_hours: Mapped[int | None]
    min_rest_hours: Mapped[int | None]
    weekly_hours_cap: Mapped[int | None]
    leader_release_hours: Mapped[int | None]
    swap_needs_approval: Mapped[bool | None]


class CalendarToken(Base):
    """The secret of a person's iCalendar feed (only its SHA-256 is kept); a new one ends the old."""

    __tablename__ = "calendar_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


def can_manage_schedule(principal: Principal, row) -> bool:
    """Coordinators and admins build schedules in their subtree (officers read them)."""
    return principal.has_role_over(row.unit, MANAGER_ROLES)


def can_plan(principal: Principal) -> bool:
    return principal.has_role(MANAGER_ROLES)


def may_patrol(principal: Principal) -> bool:
    return principal.has_role((Role.MEMBER,))
