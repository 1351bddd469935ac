"""Patterns and their shifts, one-off shifts, and reading schedules: the board, my shifts, open shifts."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, and_, exists, false, literal, or_, select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.core import clock
from app.core.access import Principal, Role, ancestor_paths
from app.errors import Conflict, RuleViolation
from app.extensions import db
from app.notifications.models import NotificationKind
from app.orgs.models import Area, Team, Unit
from app.scheduling.messages import tell_signed_up
from app.scheduling.models import (
    Shift,
    ShiftPattern,
    ShiftSignup,
    ShiftStatus,
)
from app.scheduling.rules import Rules, local_date, rules_by_path, rules_for, zone
from app.scheduling.signups import holding, leader_place_free_for_all

# Where shifts may be ------------------------------------------------------------------------------


def _check_place(unit: Unit, area: Area, team: Team | None) -> None:
    """The area and the team must belong to the shift's unit or below it."""
    if not area.unit.path.startswith(unit.path) and not unit.path.startswith(area.unit.path):
        raise RuleViolation("area_not_in_unit", "the area belongs to another unit", field="area_id")
    if team is not None and not team.unit.path.startswith(unit.path):
        raise RuleViolation("team_not_in_unit", "the team belongs to another unit", field="team_id")
    if not area.is_active or (team is not None and not team.is_active):
        raise RuleViolation("inactive", "the area or team is deactivated")


# Patterns -------------------------------------------------------------------------------------------


def create_pattern(by: Principal, unit: Unit, area: Area, team: Team | None, data: dict) -> ShiftPattern:
    _check_place(unit, area, team)
    pattern = ShiftPattern(unit=unit, area=area, team=team, created_by_id=by.id, **data)
    db.session.add(pattern)
    db.session.flush()
    _check_no_overlapping_pattern(pattern)
    record(
        "shift_pattern_created", actor_id=by.id, subject_type="shift_pattern", subject_id=pattern.id, unit_id=unit.id
    )
    generate_shifts(pattern)
    return pattern


def _check_no_overlapping_pattern(pattern: ShiftPattern) -> None:
    """Two active patterns of the same team (or unit) and area on the same weekday and hours
    would make two shifts where one is meant."""
    others = db.session.scalars(
        select(ShiftPattern).where(
            ShiftPattern.id != pattern.id,
            ShiftPattern.is_active.is_(True),
            ShiftPattern.unit_id == pattern.unit_id,
            ShiftPattern.area_id == pattern.area_id,
            ShiftPattern.team_id.is_(None) if pattern.team_id is None else ShiftPattern.team_id == pattern.team_id,
        )
    )
    start = pattern.start_time.hour * 60 + pattern.start_time.minute
    end = start + pattern.duration_minutes
    for other in others:
        other_start = other.start_time.hour * 60 + other.start_time.minute
        other_end = other_start + other.duration_minutes
        same_day = set(pattern.weekdays) & set(other.weekdays)
        periods_meet = (pattern.valid_until is None or pattern.valid_until >= other.valid_from) and (
            other.valid_until is None or other.valid_until >= pattern.valid_from
        )
        if same_day and periods_meet and start < other_end and other_start < end:
            raise Conflict("pattern_overlap", f"overlaps the pattern {other.name!r}", field="start_time")


def _pattern_dates(pattern: ShiftPattern, first: date, last: date):
    """The pattern's days from ``first`` up to (not including) ``last``."""
    day = max(first, pattern.valid_from)
    skipped = set(pattern.skipped_dates)
    while day < last and (pattern.valid_until is None or day <= pattern.valid_until):
        if day.isoweekday() in pattern.weekdays and day.isoformat() not in skipped:
            yield day
        day += timedelta(days=1)


def _times_of(pattern: ShiftPattern, day: date) -> tuple[datetime, datetime]:
    starts = datetime.combine(day, pattern.start_time, tzinfo=zone())
    return starts, starts + timedelta(minutes=pattern.duration_minutes)


def _release_at(starts_at: datetime, leader_needed: bool, rules: Rules) -> datetime | None:
    return starts_at - timedelta(hours=rules.leader_release_hours) if leader_needed else None


def generate_shifts(pattern: ShiftPattern, today: date | None = None) -> list[Shift]:
    """The pattern's shifts from today to SHIFT_WEEKS_AHEAD weeks ahead that do not exist yet.

    Idempotent: a (pattern, date) pair is made once, ever; a cancelled or edited shift is a
    row like any other, so regenerating never brings it back or undoes the edit.
    """
    if not pattern.is_active:
        return []
    today = today or local_date(clock.now())
    last = today + timedelta(weeks=current_app.config["SHIFT_WEEKS_AHEAD"])
    existing = set(
        db.session.scalars(
            select(Shift.pattern_date).where(Shift.pattern_id == pattern.id, Shift.pattern_date >= today)
        )
    )
    rules = rules_for(pattern.unit)
    made = []
    for day in _pattern_dates(pattern, today, last):
        if day in existing:
            continue
        starts_at, ends_at = _times_of(pattern, day)
        if starts_at <= clock.now():
            continue
        shift = Shift(
            unit_id=pattern.unit_id,
            team_id=pattern.team_id,
            area_id=pattern.area_id,
            pattern_id=pattern.id,
            pattern_date=day,
            starts_at=starts_at,
            ends_at=ends_at,
            places=pattern.places,
            leader_needed=pattern.leader_needed,
            leader_release_at=_release_at(starts_at, pattern.leader_needed, rules),
            note=pattern.note,
        )
        try:
            with db.session.begin_nested():
                db.session.add(shift)
                db.session.flush()
        except IntegrityError:
            continue  # another run made it at the same moment
        made.append(shift)
    return made


@dataclass
class PatternChange:
    pattern: ShiftPattern
    updated: int
    removed: int
    left_alone: list[Shift]


def update_pattern(pattern: ShiftPattern, by: Principal, changes: dict) -> PatternChange:
    """Change a pattern: its future shifts nobody signed up for follow (or go, when their day no
    longer fits); shifts with people on them, and shifts edited by hand, are left alone and listed."""
    if "area_id" in changes or "team_id" in changes:
        area = db.session.get(Area, changes.get("area_id", pattern.area_id))
        team = (
            db.session.get(Team, changes["team_id"])
            if changes.get("team_id")
            else (None if "team_id" in changes else pattern.team)
        )
        _check_place(pattern.unit, area, team)
    for key, value in changes.items():
        setattr(pattern, key, value)
    db.session.flush()
    _check_no_overlapping_pattern(pattern)
    future = db.session.scalars(
        select(Shift).where(
            Shift.pattern_id == pattern.id, Shift.starts_at > clock.now(), Shift.status == ShiftStatus.SCHEDULED
        )
    ).all()
    today = local_date(clock.now())
    wanted = set(_pattern_dates(pattern, today, today + timedelta(weeks=current_app.config["SHIFT_WEEKS_AHEAD"])))
    rules = rules_for(pattern.unit)
    updated, removed, left_alone = 0, 0, []
    for shift in future:
        if shift.taken > 0 or shift.is_edited:
            left_alone.append(shift)
            continue
        if not pattern.is_active or shift.pattern_date not in wanted:
            shift.status = ShiftStatus.CANCELLED
            shift.cancelled_at = clock.now()
            removed += 1
            continue
        shift.starts_at, shift.ends_at = _times_of(pattern, shift.pattern_date)
        shift.places = pattern.places
        shift.leader_needed = pattern.leader_needed
        shift.leader_release_at = _release_at(shift.starts_at, pattern.leader_needed, rules)
        shift.area_id, shift.team_id, shift.note = pattern.area_id, pattern.team_id, pattern.note
        updated += 1
    db.session.flush()
    generate_shifts(pattern)
    record(
        "shift_pattern_updated",
        actor_id=by.id,
        subject_type="shift_pattern",
        subject_id=pattern.id,
        unit_id=pattern.unit_id,
        fields=sorted(changes),
        left_alone=len(left_alone),
    )
    return PatternChange(pattern, updated, removed, left_alone)


# Shifts -----------------------------------------------------------------------------------------------


def create_shift(by: Principal, unit: Unit, area: Area, team: Team | None, data: dict) -> Shift:
    _check_place(unit, area, team)
    if data["starts_at"] <= clock.now():
        raise RuleViolation("in_the_past", "the shift would start in the past", field="starts_at")
    shift = Shift(
        unit=unit,
        area=area,
        team=team,
        leader_release_at=_release_at(data["starts_at"], data["leader_needed"], rules_for(unit)),
        **data,
    )
    db.session.add(shift)
    db.session.flush()
    record("shift_created", actor_id=by.id, subject_type="shift", subject_id=shift.id, unit_id=unit.id)
    return shift


def update_shift(shift: Shift, by: Principal, changes: dict) -> Shift:
    """A one-off edit: the shift is marked edited, so regenerating its pattern leaves it alone."""
    if shift.is_cancelled:
        raise RuleViolation("shift_cancelled", "the shift was cancelled")
    if changes.get("places", shift.places) < shift.taken:
        raise Conflict("places_below_taken", f"{shift.taken} places are taken already", field="places")
    starts_at, ends_at = changes.get("starts_at", shift.starts_at), changes.get("ends_at", shift.ends_at)
    if ends_at <= starts_at:
        raise RuleViolation("ends_before_start", "the shift must end after it starts", field="ends_at")
    if "starts_at" in changes and starts_at <= clock.now():
        raise RuleViolation("in_the_past", "the shift would start in the past", field="starts_at")
    if "area_id" in changes:
        _check_place(shift.unit, db.session.get(Area, changes["area_id"]), shift.team)
    moved = "starts_at" in changes or "ends_at" in changes or "area_id" in changes
    for key, value in changes.items():
        setattr(shift, key, value)
    shift.is_edited = True
    if "starts_at" in changes or "leader_needed" in changes:
        shift.leader_release_at = _release_at(shift.starts_at, shift.leader_needed, rules_for(shift.unit))
    db.session.flush()
    if moved and shift.taken:
        tell_signed_up(shift, NotificationKind.SHIFT_CHANGED, "shift_changed_title")
    record(
        "shift_updated",
        actor_id=by.id,
        subject_type="shift",
        subject_id=shift.id,
        unit_id=shift.unit_id,
        fields=sorted(changes),
    )
    return shift


def cancel_shift(shift: Shift, by: Principal) -> Shift:
    if shift.is_cancelled:
        raise RuleViolation("shift_cancelled", "the shift was cancelled already")
    shift.status = ShiftStatus.CANCELLED
    shift.cancelled_at = clock.now()
    db.session.flush()
    tell_signed_up(shift, NotificationKind.SHIFT_CANCELLED, "shift_cancelled_title", include_waitlist=True)
    record("shift_cancelled", actor_id=by.id, subject_type="shift", subject_id=shift.id, unit_id=shift.unit_id)
    return shift


# Reading -------------------------------------------------------------------------------------------------


def board(principal: Principal, unit: Unit, team: Team | None, first_day: date, days: int = 7) -> Select:
    """A unit's (or a team's) shifts for some days, in start order, with their signups."""
    starts = datetime.combine(first_day, datetime.min.time(), tzinfo=zone())
    stmt = (
        select(Shift)
        .join(Unit, Shift.unit_id == Unit.id)
        .where(
            Unit.path.startswith(unit.path),
            Shift.starts_at >= starts,
            Shift.starts_at < starts + timedelta(days=days),
        )
        .order_by(Shift.starts_at, Shift.id)
    )
    if team is not None:
        stmt = stmt.where(Shift.team_id == team.id)
    return stmt


def my_shifts(principal: Principal, since: datetime) -> Select:
    return (
        select(Shift)
        .join(ShiftSignup, ShiftSignup.shift_id == Shift.id)
        .where(holding(principal.id), Shift.ends_at > since)
        .order_by(Shift.starts_at, Shift.id)
    )


def _last_id(path: str) -> int:
    return int(path.rstrip("/").rsplit("/", 1)[1])


def open_shifts_for(principal: Principal) -> Select:
    """Scheduled shifts I may take: my teams' shifts and my units' shifts, open for sign-up under
    their unit's rules, with a place free to me, that I am not on yet."""
    now = clock.now()
    # Every unit above a member grant, and each team's unit, with their paths: all in the principal.
    member_grants = [grant for grant in principal.grants if grant.role == Role.MEMBER]
    member_paths = [grant.unit.path for grant in member_grants]
    paths = {membership.unit.id: membership.unit.path for membership in principal.memberships}
    for grant in member_grants:
        paths.update({_last_id(path): path for path in ancestor_paths(grant.unit)})
    open_windows = [
        and_(
            Shift.unit_id == unit_id,
            Shift.starts_at > now + timedelta(hours=rules.signup_closes_hours),
            Shift.starts_at <= now + timedelta(days=rules.signup_opens_days),
        )
        for unit_id, rules in rules_by_path(paths).items()
    ]
    mine = or_(
        Shift.team_id.in_([membership.team_id for membership in principal.memberships]),
        and_(Shift.team_id.is_(None), or_(false(), *[literal(path).startswith(Unit.path) for path in member_paths])),
    )
    return (
        select(Shift)
        .join(Unit, Shift.unit_id == Unit.id)
        .where(
            Shift.status == ShiftStatus.SCHEDULED,
            or_(false(), *open_windows),
            mine,
            Shift.taken < Shift.places - leader_place_free_for_all(),
            ~exists().where(ShiftSignup.shift_id == Shift.id, holding(principal.id)),
        )
    )


# Distances, without PostGIS: an equirectangular approximation, good to a few metres at a city's scale.
METRES_PER_DEGREE = 111_320


def distance_order(lon: float, lat: float):
    """An ORDER BY expression growing with the distance from (lon, lat) to each area's centre."""
    stretch = math.cos(math.radians(lat))
    return ((Area.centroid_lon - lon) * stretch) * ((Area.centroid_lon - lon) * stretch) + (Area.centroid_lat - lat) * (
        Area.centroid_lat - lat
    )


def distance_m(shift: Shift, position: dict) -> int | None:
    if "lon" not in position:
        return None
    stretch = math.cos(math.radians(position["lat"]))
    dx = (shift.area.centroid_lon - position["lon"]) * stretch
    dy = shift.area.centroid_lat - position["lat"]
    return round(math.hypot(dx, dy) * METRES_PER_DEGREE)


def regenerate_all() -> int:
    made = 0
    for pattern in db.session.scalars(select(ShiftPattern).where(ShiftPattern.is_active.is_(True))).all():
        made += len(generate_shifts(pattern))
    return made
