"""Scheduling rules: patterns and their shifts, sign-up that never over-books, drops, the
waitlist, swaps, reminders and the announcement of open weeks.

Every place is taken with ``core.services.claim_one`` (a conditional UPDATE on the shift's
``taken`` counter), so 50 people tapping the last place at once give one success and 49
``shift_full`` answers, on SQLite and PostgreSQL alike.
"""

import math
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, and_, case, exists, false, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import RoleGrant, User, UserStatus
from app.accounts.services import managers_over
from app.audit.services import record
from app.core import clock
from app.core.access import Principal, Role
from app.core.services import claim_one
from app.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import notify_in_their_language
from app.notifications.texts import format_when, text, week_name
from app.orgs.models import Area, MembershipStatus, Team, TeamMembership, Unit
from app.scheduling.models import (
    SchedulingRules,
    Shift,
    ShiftPattern,
    ShiftReminder,
    ShiftSignup,
    ShiftStatus,
    SignupStatus,
    SwapOffer,
    SwapStatus,
    WaitlistEntry,
    WeekAnnouncement,
)

# Rules -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    signup_opens_days: int
    signup_closes_hours: int
    drop_cutoff_hours: int
    min_rest_hours: int
    weekly_hours_cap: int
    leader_release_hours: int
    swap_needs_approval: bool


def default_rules() -> Rules:
    config = current_app.config
    return Rules(**{field.name: config[f"SHIFT_{field.name.upper()}"] for field in fields(Rules)})


def rules_for(unit: Unit) -> Rules:
    """The unit's own rules, else the nearest ancestor's, field by field, else the defaults."""
    ids = [int(part) for part in unit.path.strip("/").split("/")]
    rows = {
        row.unit_id: row for row in db.session.scalars(select(SchedulingRules).where(SchedulingRules.unit_id.in_(ids)))
    }
    values = default_rules().__dict__.copy()
    for unit_id in ids:  # root first: nearer units override
        row = rows.get(unit_id)
        if row is not None:
            values.update({key: getattr(row, key) for key in values if getattr(row, key) is not None})
    return Rules(**values)


def set_rules(unit: Unit, by: Principal, changes: dict) -> Rules:
    row = db.session.get(SchedulingRules, unit.id) or SchedulingRules(unit_id=unit.id)
    for key, value in changes.items():
        setattr(row, key, value)
    db.session.add(row)
    db.session.flush()
    record(
        "scheduling_rules_changed",
        actor_id=by.id,
        subject_type="unit",
        subject_id=unit.id,
        unit_id=unit.id,
        fields=sorted(changes),
    )
    return rules_for(unit)


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIME_ZONE"])


def local_date(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


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
        _tell_signed_up(shift, NotificationKind.SHIFT_CHANGED, "shift_changed_title")
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
    _tell_signed_up(shift, NotificationKind.SHIFT_CANCELLED, "shift_cancelled_title", include_waitlist=True)
    record("shift_cancelled", actor_id=by.id, subject_type="shift", subject_id=shift.id, unit_id=shift.unit_id)
    return shift


def _shift_payload(shift: Shift, title_key: str):
    def make(locale: str) -> dict:
        return {
            "title": text(title_key, locale),
            "body": text("shift_line", locale, when=format_when(shift.starts_at, locale), area=shift.area.name),
            "url": f"/shifts/{shift.id}",
            "shift_id": shift.id,
        }

    return make


def _tell_signed_up(shift: Shift, kind: NotificationKind, title_key: str, include_waitlist: bool = False) -> None:
    people = select(ShiftSignup.user_id).where(
        ShiftSignup.shift_id == shift.id, ShiftSignup.status != SignupStatus.DROPPED
    )
    if include_waitlist:
        people = people.union(select(WaitlistEntry.user_id).where(WaitlistEntry.shift_id == shift.id))
    notify_in_their_language(
        select(people.subquery().c[0]),
        kind,
        _shift_payload(shift, title_key),
        subject_type="shift",
        subject_id=shift.id,
    )


# Who may patrol a shift ---------------------------------------------------------------------------------


def eligible_people(shift: Shift) -> Select:
    """User ids who may take this shift: the team's active members, or for a unit's shift the
    members of that unit and below; active accounts only."""
    if shift.team_id is not None:
        people = select(TeamMembership.user_id).where(
            TeamMembership.team_id == shift.team_id, TeamMembership.status == MembershipStatus.ACTIVE
        )
    else:
        people = (
            select(RoleGrant.user_id)
            .join(Unit, RoleGrant.unit_id == Unit.id)
            .where(RoleGrant.role == Role.MEMBER, Unit.path.startswith(shift.unit.path))
        )
    return select(User.id).where(User.id.in_(people), User.status == UserStatus.ACTIVE)


def is_eligible(shift: Shift, user_id: int) -> bool:
    return db.session.scalar(eligible_people(shift).where(User.id == user_id)) is not None


def leads_for(shift: Shift, user_id: int) -> bool:
    """Does the person lead the shift's team (or, for a unit's shift, a team of that unit)?"""
    stmt = select(TeamMembership.id).where(
        TeamMembership.user_id == user_id,
        TeamMembership.is_leader.is_(True),
        TeamMembership.status == MembershipStatus.ACTIVE,
    )
    if shift.team_id is not None:
        stmt = stmt.where(TeamMembership.team_id == shift.team_id)
    else:
        stmt = (
            stmt.join(Team, TeamMembership.team_id == Team.id)
            .join(Unit, Team.unit_id == Unit.id)
            .where(Unit.path.startswith(shift.unit.path))
        )
    return db.session.scalar(stmt.limit(1)) is not None


def _holding(user_id: int):
    return and_(ShiftSignup.user_id == user_id, ShiftSignup.status != SignupStatus.DROPPED)


def check_rules(shift: Shift, user_id: int, rules: Rules, *, ignoring_shift: int | None = None) -> None:
    """Each refusal names its rule: signup_not_open, signup_closed, overlap, rest_too_short, weekly_cap."""
    now = clock.now()
    if shift.is_cancelled:
        raise RuleViolation("shift_cancelled", "the shift was cancelled")
    if now < shift.starts_at - timedelta(days=rules.signup_opens_days):
        raise RuleViolation("signup_not_open", f"sign-up opens {rules.signup_opens_days} days before")
    if now > shift.starts_at - timedelta(hours=rules.signup_closes_hours):
        raise RuleViolation("signup_closed", f"sign-up closed {rules.signup_closes_hours} h before the start")
    rest = timedelta(hours=rules.min_rest_hours)
    mine = (
        select(Shift)
        .join(ShiftSignup, ShiftSignup.shift_id == Shift.id)
        .where(_holding(user_id), Shift.status == ShiftStatus.SCHEDULED, Shift.id != shift.id)
    )
    if ignoring_shift is not None:
        mine = mine.where(Shift.id != ignoring_shift)
    nearby = db.session.scalars(
        mine.where(Shift.starts_at < shift.ends_at + rest, Shift.ends_at > shift.starts_at - rest)
    ).all()
    if any(other.starts_at < shift.ends_at and other.ends_at > shift.starts_at for other in nearby):
        raise RuleViolation("overlap", "you are on another shift at that time")
    if nearby:
        raise RuleViolation("rest_too_short", f"leave at least {rules.min_rest_hours} h between shifts")
    monday = week_start(local_date(shift.starts_at))
    week_from = datetime.combine(monday, datetime.min.time(), tzinfo=zone())
    week_shifts = db.session.execute(
        mine.with_only_columns(Shift.starts_at, Shift.ends_at).where(
            Shift.starts_at >= week_from, Shift.starts_at < week_from + timedelta(days=7)
        )
    ).all()
    minutes = sum((ends - starts).total_seconds() / 60 for starts, ends in week_shifts)
    minutes += (shift.ends_at - shift.starts_at).total_seconds() / 60
    if minutes > rules.weekly_hours_cap * 60:
        raise RuleViolation("weekly_cap", f"at most {rules.weekly_hours_cap} h a week")


def _leader_place_free_for_all():
    """0 while the leader place is held (leader needed, none signed up, before the release), else 1."""
    now = clock.now()
    held = and_(Shift.leader_needed.is_(True), Shift.leader_taken.is_(False), Shift.leader_release_at > now)
    return case((held, 1), else_=0)


def _take_place(shift: Shift, as_leader: bool) -> bool:
    """Claim one place: a leader may take the held leader place, anyone else only the others."""
    if as_leader:
        values = {"leader_taken": True} if shift.leader_needed else {}
        return claim_one(shift, Shift.taken, Shift.places, Shift.status == ShiftStatus.SCHEDULED, values=values)
    return claim_one(
        shift, Shift.taken, Shift.places - _leader_place_free_for_all(), Shift.status == ShiftStatus.SCHEDULED
    )


def _hold(shift: Shift, user_id: int, as_leader: bool, **extra) -> ShiftSignup:
    signup = ShiftSignup(shift_id=shift.id, user_id=user_id, is_leader=as_leader, **extra)
    try:
        with db.session.begin_nested():
            db.session.add(signup)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict("already_signed_up", "you are on this shift already") from exc
    db.session.execute(
        WaitlistEntry.__table__.delete().where(WaitlistEntry.shift_id == shift.id, WaitlistEntry.user_id == user_id)
    )
    return signup


def signup_of(shift: Shift, user_id: int) -> ShiftSignup | None:
    """The place the person holds on the shift (or has asked to drop), if any."""
    return db.session.scalar(select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, _holding(user_id)))


def _already_holding(shift: Shift, user_id: int) -> bool:
    return signup_of(shift, user_id) is not None


def _leader_present(shift: Shift):
    return exists().where(
        ShiftSignup.shift_id == shift.id, ShiftSignup.is_leader.is_(True), ShiftSignup.status != SignupStatus.DROPPED
    )


def sign_up(shift: Shift, user: Principal) -> ShiftSignup:
    if not is_eligible(shift, user.id):
        raise Forbidden("not_eligible", "this shift is for another team")
    if _already_holding(shift, user.id):
        raise Conflict("already_signed_up", "you are on this shift already")
    check_rules(shift, user.id, rules_for(shift.unit))
    as_leader = shift.leader_needed and leads_for(shift, user.id)
    if not _take_place(shift, as_leader):
        raise Conflict("shift_full", "every place is taken; you may join the waitlist")
    signup = _hold(shift, user.id, as_leader)
    record("shift_signed_up", actor_id=user.id, subject_type="shift", subject_id=shift.id, unit_id=shift.unit_id)
    return signup


def assign(shift: Shift, user: User, by: Principal, override_reason: str | None) -> ShiftSignup:
    """A coordinator puts someone on a shift. The rules apply; a reason overrides them (audited).
    Places are never exceeded, but an override may use the place held for a leader."""
    if not is_eligible(shift, user.id):
        raise Forbidden("not_eligible", "this person is not in the shift's team or unit")
    if _already_holding(shift, user.id):
        raise Conflict("already_signed_up", "this person is on this shift already")
    broken = None
    try:
        check_rules(shift, user.id, rules_for(shift.unit))
    except RuleViolation as exc:
        if not override_reason or exc.error == "shift_cancelled":
            raise
        broken = exc.error
    as_leader = shift.leader_needed and leads_for(shift, user.id)
    taken = _take_place(shift, as_leader or bool(override_reason))
    if not taken:
        raise Conflict("shift_full", "every place is taken")
    signup = _hold(shift, user.id, as_leader, assigned_by_id=by.id, override_reason=override_reason)
    record(
        "shift_assigned",
        actor_id=by.id,
        subject_type="shift",
        subject_id=shift.id,
        unit_id=shift.unit_id,
        user_id=user.id,
        overridden_rule=broken,
        reason=override_reason,
    )
    return signup


# Dropping and the waitlist ------------------------------------------------------------------------------


def _release_place(shift: Shift, signup: ShiftSignup) -> None:
    signup.status = SignupStatus.DROPPED
    signup.dropped_at = clock.now()
    db.session.flush()
    db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.taken > 0)
        .values(taken=Shift.taken - 1, leader_taken=_leader_present(shift))
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(shift)


def drop(shift: Shift, user: Principal) -> ShiftSignup:
    """Before the cut-off the place is freed and the waitlist moves up; after it, the drop waits
    for a coordinator (who is told)."""
    signup = signup_of(shift, user.id)
    if signup is None:
        raise NotFound("not_signed_up", "you are not on this shift")
    rules = rules_for(shift.unit)
    if clock.now() > shift.starts_at - timedelta(hours=rules.drop_cutoff_hours):
        if signup.status != SignupStatus.DROP_REQUESTED:
            signup.status = SignupStatus.DROP_REQUESTED
            db.session.flush()
            _tell_coordinators(shift, user.display_name)
            record(
                "shift_drop_requested",
                actor_id=user.id,
                subject_type="shift",
                subject_id=shift.id,
                unit_id=shift.unit_id,
            )
        return signup
    _release_place(shift, signup)
    record("shift_dropped", actor_id=user.id, subject_type="shift", subject_id=shift.id, unit_id=shift.unit_id)
    promote_waitlist(shift)
    return signup


def drop_member(shift: Shift, user_id: int, by: Principal) -> ShiftSignup:
    """A coordinator takes someone off a shift (approving a late drop, or otherwise)."""
    signup = signup_of(shift, user_id)
    if signup is None:
        raise NotFound("not_signed_up", "this person is not on this shift")
    _release_place(shift, signup)
    record(
        "shift_drop_approved",
        actor_id=by.id,
        subject_type="shift",
        subject_id=shift.id,
        unit_id=shift.unit_id,
        user_id=user_id,
    )
    notify_in_their_language(
        select(User.id).where(User.id == user_id),
        NotificationKind.SHIFT_CHANGED,
        _shift_payload(shift, "shift_changed_title"),
        subject_type="shift",
        subject_id=shift.id,
    )
    promote_waitlist(shift)
    return signup


def _tell_coordinators(shift: Shift, name: str) -> None:
    def make(locale: str) -> dict:
        when = format_when(shift.starts_at, locale)
        return {
            "title": text("drop_requested_title", locale),
            "body": text("person_shift_line", locale, name=name, when=when, area=shift.area.name),
            "url": f"/shifts/{shift.id}",
            "shift_id": shift.id,
        }

    notify_in_their_language(
        managers_over(shift.unit), NotificationKind.DROP_REQUESTED, make, subject_type="shift", subject_id=shift.id
    )


def join_waitlist(shift: Shift, user: Principal) -> WaitlistEntry:
    if not is_eligible(shift, user.id):
        raise Forbidden("not_eligible", "this shift is for another team")
    if _already_holding(shift, user.id):
        raise Conflict("already_signed_up", "you are on this shift already")
    check_rules(shift, user.id, rules_for(shift.unit))
    as_leader = shift.leader_needed and leads_for(shift, user.id)
    open_to_me = shift.places - shift.taken - (0 if as_leader or not shift.leader_place_held else 1)
    if open_to_me > 0:
        raise Conflict("shift_not_full", "there is a place: sign up instead")
    entry = WaitlistEntry(shift_id=shift.id, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict("already_waitlisted", "you are on the waitlist already") from exc
    return entry


def leave_waitlist(shift: Shift, user: Principal) -> None:
    removed = db.session.execute(
        WaitlistEntry.__table__.delete().where(WaitlistEntry.shift_id == shift.id, WaitlistEntry.user_id == user.id)
    ).rowcount
    if not removed:
        raise NotFound("not_waitlisted", "you are not on the waitlist")


def promote_waitlist(shift: Shift) -> list[int]:
    """Give freed places to the first on the waitlist whom the rules still allow; they are told."""
    promoted = []
    rules = rules_for(shift.unit)
    for entry in db.session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.shift_id == shift.id)
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    ).all():
        try:
            check_rules(shift, entry.user_id, rules)
        except RuleViolation:
            continue
        as_leader = shift.leader_needed and leads_for(shift, entry.user_id)
        if not _take_place(shift, as_leader):
            break
        _hold(shift, entry.user_id, as_leader)
        promoted.append(entry.user_id)
    if promoted:
        notify_in_their_language(
            select(User.id).where(User.id.in_(promoted)),
            NotificationKind.WAITLIST_PROMOTED,
            _shift_payload(shift, "waitlist_promoted_title"),
            subject_type="shift",
            subject_id=shift.id,
        )
    return promoted


# Swaps -----------------------------------------------------------------------------------------------


def offer_swap(shift: Shift, user: Principal) -> SwapOffer:
    signup = db.session.scalar(
        select(ShiftSignup).where(
            ShiftSignup.shift_id == shift.id, ShiftSignup.user_id == user.id, ShiftSignup.status == SignupStatus.ACTIVE
        )
    )
    if signup is None:
        raise NotFound("not_signed_up", "you are not on this shift")
    if shift.starts_at <= clock.now():
        raise RuleViolation("shift_started", "the shift has started")
    existing = db.session.scalar(
        select(SwapOffer).where(
            SwapOffer.shift_id == shift.id,
            SwapOffer.offered_by_id == user.id,
            SwapOffer.status.in_([SwapStatus.OPEN, SwapStatus.TAKEN]),
        )
    )
    if existing is not None:
        return existing
    offer = SwapOffer(shift_id=shift.id, offered_by_id=user.id)
    db.session.add(offer)
    db.session.flush()
    return offer


def take_swap(offer: SwapOffer, user: Principal) -> SwapOffer:
    shift = offer.shift
    if offer.offered_by_id == user.id:
        raise RuleViolation("own_offer", "this is your own offer")
    if not is_eligible(shift, user.id):
        raise Forbidden("not_eligible", "this shift is for another team")
    if _already_holding(shift, user.id):
        raise Conflict("already_signed_up", "you are on this shift already")
    check_rules(shift, user.id, rules_for(shift.unit))
    claimed = db.session.execute(
        update(SwapOffer)
        .where(SwapOffer.id == offer.id, SwapOffer.status == SwapStatus.OPEN)
        .values(status=SwapStatus.TAKEN, taken_by_id=user.id, taken_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict("swap_not_open", "someone took this offer already")
    db.session.refresh(offer)
    if rules_for(shift.unit).swap_needs_approval:
        _tell_coordinators_of_swap(offer)
        return offer
    return _complete_swap(offer, approved_by=None)


def approve_swap(offer: SwapOffer, by: Principal) -> SwapOffer:
    if offer.status != SwapStatus.TAKEN:
        raise Conflict("swap_not_taken", "nobody has taken this offer yet")
    return _complete_swap(offer, approved_by=by)


def _complete_swap(offer: SwapOffer, approved_by: Principal | None) -> SwapOffer:
    shift = offer.shift
    signup = db.session.scalar(
        select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, _holding(offer.offered_by_id))
    )
    if signup is None:
        offer.status = SwapStatus.CANCELLED
        db.session.flush()
        raise Conflict("swap_not_open", "the person offering is no longer on the shift")
    taker_leads = shift.leader_needed and leads_for(shift, offer.taken_by_id)
    signup.status = SignupStatus.DROPPED
    signup.dropped_at = clock.now()
    db.session.flush()
    _hold(shift, offer.taken_by_id, taker_leads)
    db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id)
        .values(leader_taken=_leader_present(shift))
        .execution_options(synchronize_session=False)
    )
    offer.status = SwapStatus.DONE
    offer.decided_at = clock.now()
    offer.approved_by_id = approved_by.id if approved_by else None
    db.session.flush()
    db.session.refresh(shift)
    notify_in_their_language(
        select(User.id).where(User.id.in_([offer.offered_by_id, offer.taken_by_id])),
        NotificationKind.SWAP_DONE,
        _shift_payload(shift, "swap_done_title"),
        subject_type="shift",
        subject_id=shift.id,
    )
    record(
        "shift_swapped",
        actor_id=(approved_by.id if approved_by else offer.taken_by_id),
        subject_type="shift",
        subject_id=shift.id,
        unit_id=shift.unit_id,
        from_user=offer.offered_by_id,
        to_user=offer.taken_by_id,
    )
    return offer


def _tell_coordinators_of_swap(offer: SwapOffer) -> None:
    shift = offer.shift

    def make(locale: str) -> dict:
        when = format_when(shift.starts_at, locale)
        return {
            "title": text("swap_taken_title", locale),
            "body": text("shift_line", locale, when=when, area=shift.area.name),
            "url": f"/shifts/{shift.id}",
            "shift_id": shift.id,
            "swap_offer_id": offer.id,
        }

    notify_in_their_language(
        managers_over(shift.unit), NotificationKind.SWAP_TAKEN, make, subject_type="shift", subject_id=shift.id
    )


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
        .where(_holding(principal.id), Shift.ends_at > since)
        .order_by(Shift.starts_at, Shift.id)
    )


def open_shifts_for(principal: Principal) -> Select:
    """Scheduled shifts I may take: my teams' shifts and my units' shifts, open for sign-up under
    their unit's rules, with a place free to me, that I am not on yet."""
    now = clock.now()
    team_units = db.session.execute(
        select(Team.id, Team.unit_id)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == principal.id, TeamMembership.status == MembershipStatus.ACTIVE)
    ).all()
    member_paths = principal.unit_paths((Role.MEMBER,))
    above_me = {int(part) for path in member_paths for part in path.strip("/").split("/")}
    units = {
        unit.id: unit
        for unit in db.session.scalars(select(Unit).where(Unit.id.in_(above_me | {u for _, u in team_units})))
    }
    open_windows = []
    for unit in units.values():
        rules = rules_for(unit)
        open_windows.append(
            and_(
                Shift.unit_id == unit.id,
                Shift.starts_at > now + timedelta(hours=rules.signup_closes_hours),
                Shift.starts_at <= now + timedelta(days=rules.signup_opens_days),
            )
        )
    mine = or_(
        Shift.team_id.in_([team_id for team_id, _ in team_units]),
        and_(Shift.team_id.is_(None), or_(false(), *[literal(path).startswith(Unit.path) for path in member_paths])),
    )
    return (
        select(Shift)
        .join(Unit, Shift.unit_id == Unit.id)
        .where(
            Shift.status == ShiftStatus.SCHEDULED,
            or_(false(), *open_windows),
            mine,
            Shift.taken < Shift.places - _leader_place_free_for_all(),
            ~exists().where(ShiftSignup.shift_id == Shift.id, _holding(principal.id)),
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


# Reminders, announcements and the fill record ---------------------------------------------------------------


def send_reminders() -> int:
    """For each configured lead time: one reminder per person and shift, exactly once."""
    now = clock.now()
    sent = 0
    for lead in current_app.config["SHIFT_REMINDER_MINUTES"]:
        due = db.session.execute(
            select(ShiftSignup.shift_id, ShiftSignup.user_id)
            .join(Shift, ShiftSignup.shift_id == Shift.id)
            .where(
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at > now,
                Shift.starts_at <= now + timedelta(minutes=lead),
                ShiftSignup.status != SignupStatus.DROPPED,
                ~exists().where(
                    ShiftReminder.shift_id == ShiftSignup.shift_id,
                    ShiftReminder.user_id == ShiftSignup.user_id,
                    ShiftReminder.lead_minutes == lead,
                ),
            )
        ).all()
        by_shift: dict[int, list[int]] = {}
        for shift_id, user_id in due:
            db.session.add(ShiftReminder(shift_id=shift_id, user_id=user_id, lead_minutes=lead, sent_at=now))
            by_shift.setdefault(shift_id, []).append(user_id)
        db.session.flush()  # the unique key stops a second run from reminding again
        for shift_id, user_ids in by_shift.items():
            shift = db.session.get(Shift, shift_id)
            notify_in_their_language(
                select(User.id).where(User.id.in_(user_ids)),
                NotificationKind.SHIFT_REMINDER,
                _shift_payload(shift, "shift_reminder_title"),
                subject_type="shift",
                subject_id=shift_id,
            )
            sent += len(user_ids)
    return sent


def announce_open_weeks() -> int:
    """When shifts open for sign-up, each member concerned hears once per week, not per shift."""
    now = clock.now()
    opening = db.session.scalars(
        select(Shift).where(
            Shift.status == ShiftStatus.SCHEDULED,
            Shift.announced_at.is_(None),
            Shift.starts_at > now,
        )
    ).all()
    weeks: dict[date, dict[int, int]] = {}
    for shift in opening:
        if now < shift.starts_at - timedelta(days=rules_for(shift.unit).signup_opens_days):
            continue
        monday = week_start(local_date(shift.starts_at))
        for user_id in db.session.scalars(eligible_people(shift)):
            weeks.setdefault(monday, {})[user_id] = weeks.get(monday, {}).get(user_id, 0) + 1
        shift.announced_at = now
    told = 0
    for monday, counts in weeks.items():
        already = set(
            db.session.scalars(
                select(WeekAnnouncement.user_id).where(
                    WeekAnnouncement.week_start == monday, WeekAnnouncement.user_id.in_(list(counts))
                )
            )
        )
        fresh = [user_id for user_id in counts if user_id not in already]
        for user_id in fresh:
            db.session.add(WeekAnnouncement(user_id=user_id, week_start=monday, sent_at=now))
        db.session.flush()
        for count in sorted({counts[user_id] for user_id in fresh}):
            people = [user_id for user_id in fresh if counts[user_id] == count]

            def make(locale: str, count=count, monday=monday) -> dict:
                return {
                    "title": text("shifts_open_title", locale),
                    "body": text("shifts_open_body", locale, week=week_name(monday, locale), count=count),
                    "url": f"/shifts/open?week={monday.isoformat()}",
                }

            notify_in_their_language(select(User.id).where(User.id.in_(people)), NotificationKind.SHIFTS_OPEN, make)
        told += len(fresh)
    db.session.flush()
    return told


def record_fill() -> int:
    """At start time, keep how full each shift was and whether a leader came (for assessment)."""
    now = clock.now()
    return db.session.execute(
        update(Shift)
        .where(Shift.starts_at <= now, Shift.fill_recorded_at.is_(None), Shift.status == ShiftStatus.SCHEDULED)
        .values(fill_recorded_at=now, fill_taken=Shift.taken, fill_leader_present=Shift.leader_taken)
        .execution_options(synchronize_session=False)
    ).rowcount


def regenerate_all() -> int:
    made = 0
    for pattern in db.session.scalars(select(ShiftPattern).where(ShiftPattern.is_active.is_(True))).all():
        made += len(generate_shifts(pattern))
    return made
