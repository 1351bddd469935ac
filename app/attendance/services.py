"""Attendance rules: one-tap check-in and check-out judged against the area and the clock,
proxies and corrections, no-shows and forgotten check-outs, who is on duty, the hours ledger.

Server time is the truth. A check-in recorded offline keeps the phone's time as the moment it
happened when that time is plausible (not in the future, not older than a day), and is
flagged; the server's time of receipt is kept beside it.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, and_, exists, func, select

from app.accounts.models import User
from app.accounts.services import managers_over
from app.attendance.geofence import distance_to_area_m
from app.attendance.models import Attendance, Position, Punctuality
from app.audit.services import record
from app.core import clock
from app.core.access import Principal
from app.errors import Conflict, Forbidden, RuleViolation
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import notify_in_their_language
from app.notifications.texts import format_when, text
from app.orgs.models import Unit
from app.scheduling.models import Shift, ShiftSignup, ShiftStatus, SignupStatus
from app.scheduling.rules import local_date, zone

# Where and when ------------------------------------------------------------------------------------


def judge_position(shift: Shift, fix: dict | None) -> tuple[Position, int | None, bool]:
    """On site, outside (with the distance) or no fix; and whether the fix was too vague.

    The tolerance is ATTENDANCE_BUFFER_M plus the fix's accuracy, the accuracy counted only up
    to GEOFIX_ACCURACY_CAP_M: a 1.5 km cell-tower fix cannot stretch the area to 1.5 km.
    """
    if fix is None:
        return Position.NO_FIX, None, False
    config = current_app.config
    cap = config["GEOFIX_ACCURACY_CAP_M"]
    distance = distance_to_area_m(shift.area, fix["lon"], fix["lat"])
    tolerance = config["ATTENDANCE_BUFFER_M"] + min(fix["accuracy_m"], cap)
    position = Position.ON_SITE if distance <= tolerance else Position.OUTSIDE
    return position, round(distance), fix["accuracy_m"] > cap


def judge_punctuality(shift: Shift, moment: datetime) -> Punctuality:
    config = current_app.config
    if moment < shift.starts_at - timedelta(minutes=config["ATTENDANCE_ON_TIME_FROM_MINUTES"]):
        return Punctuality.EARLY
    if moment > shift.starts_at + timedelta(minutes=config["ATTENDANCE_LATE_AFTER_MINUTES"]):
        return Punctuality.LATE
    return Punctuality.ON_TIME


def _moment(device_at: datetime | None, offline: bool) -> datetime:
    """When it happened: now, or the phone's time for something recorded offline, if plausible."""
    now = clock.now()
    if offline and device_at is not None and now - timedelta(days=1) <= device_at <= now + timedelta(minutes=2):
        return min(device_at, now)
    return now


def _check_due(shift: Shift, moment: datetime) -> None:
    opens = shift.starts_at - timedelta(minutes=current_app.config["ATTENDANCE_OPENS_MINUTES"])
    if shift.status != ShiftStatus.SCHEDULED or not opens <= moment <= shift.ends_at:
        raise Conflict("not_due", "check-in opens shortly before the shift and closes at its end")


def credited_minutes(shift: Shift, checked_in_at: datetime | None, checked_out_at: datetime | None) -> int:
    """The overlap of being there with the shift, in whole minutes."""
    if checked_in_at is None or checked_out_at is None:
        return 0
    overlap = min(checked_out_at, shift.ends_at) - max(checked_in_at, shift.starts_at)
    return max(0, int(overlap.total_seconds() // 60))


# Checking in and out ----------------------------------------------------------------------------------


def _on_shift(shift: Shift, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(ShiftSignup.id).where(
                ShiftSignup.shift_id == shift.id,
                ShiftSignup.user_id == user_id,
                ShiftSignup.status != SignupStatus.DROPPED,
            )
        )
        is not None
    )


def attendance_of(shift: Shift, user_id: int) -> Attendance | None:
    return db.session.scalar(select(Attendance).where(Attendance.shift_id == shift.id, Attendance.user_id == user_id))


def check_in(
    shift: Shift, user_id: int, fix: dict | None, device_at: datetime | None, offline: bool, proxy_by: int | None = None
) -> tuple[Attendance, bool]:
    """Record the arrival; returns the attendance and whether it is new (a second tap changes nothing)."""
    if not _on_shift(shift, user_id):
        raise Forbidden("not_on_shift", "you are not signed up for this shift")
    attendance = attendance_of(shift, user_id)
    if attendance is not None and attendance.checked_in_at is not None:
        return attendance, False
    moment = _moment(device_at, offline)
    _check_due(shift, moment)
    position, distance, imprecise = judge_position(shift, None if proxy_by else fix)
    if attendance is None:
        attendance = Attendance(shift_id=shift.id, user_id=user_id)
        db.session.add(attendance)
    attendance.no_show = False  # the no-show job may have been quicker than a late arrival
    attendance.checked_in_at = moment
    attendance.check_in_received_at = clock.now()
    attendance.check_in_device_at = device_at
    if fix is not None and proxy_by is None:
        attendance.check_in_lon, attendance.check_in_lat = fix["lon"], fix["lat"]
        attendance.check_in_accuracy_m = fix["accuracy_m"]
    attendance.check_in_position, attendance.check_in_distance_m = position, distance
    attendance.check_in_imprecise = imprecise
    attendance.punctuality = judge_punctuality(shift, moment)
    attendance.recorded_offline = offline
    attendance.proxy_by_id = proxy_by
    db.session.flush()
    return attendance, True


def check_out(shift: Shift, user_id: int, fix: dict | None, device_at: datetime | None, offline: bool) -> Attendance:
    attendance = attendance_of(shift, user_id)
    if attendance is None or attendance.checked_in_at is None:
        raise Conflict("not_checked_in", "check in first")
    if attendance.checked_out_at is not None:
        return attendance
    moment = max(_moment(device_at, offline), attendance.checked_in_at)
    position, distance, _ = judge_position(shift, fix)
    attendance.checked_out_at = moment
    attendance.check_out_received_at = clock.now()
    attendance.check_out_device_at = device_at
    if fix is not None:
        attendance.check_out_lon, attendance.check_out_lat = fix["lon"], fix["lat"]
        attendance.check_out_accuracy_m = fix["accuracy_m"]
    attendance.check_out_position, attendance.check_out_distance_m = position, distance
    attendance.recorded_offline = attendance.recorded_offline or offline
    attendance.credited_minutes = credited_minutes(shift, attendance.checked_in_at, moment)
    db.session.flush()
    return attendance


def correct(shift: Shift, user: User, by: Principal, changes: dict, reason: str) -> Attendance:
    """A coordinator sets what happened; the correction overrides the record and is audited."""
    if not _on_shift(shift, user.id) and attendance_of(shift, user.id) is None:
        raise Forbidden("not_on_shift", "this person was not on this shift")
    attendance = attendance_of(shift, user.id) or Attendance(shift_id=shift.id, user_id=user.id)
    db.session.add(attendance)
    if changes.get("no_show"):
        attendance.no_show = True
        attendance.checked_in_at = attendance.checked_out_at = None
        attendance.punctuality = None
    for key in ("checked_in_at", "checked_out_at"):
        if key in changes:
            setattr(attendance, key, changes[key])
    if attendance.checked_in_at is not None:
        attendance.no_show = False
        attendance.punctuality = judge_punctuality(shift, attendance.checked_in_at)
        attendance.check_in_position = attendance.check_in_position or Position.NO_FIX
    if attendance.checked_out_at is not None and attendance.checked_in_at is None:
        raise RuleViolation("not_checked_in", "a check-out needs a check-in", field="checked_in_at")
    if attendance.checked_in_at and attendance.checked_out_at and attendance.checked_out_at < attendance.checked_in_at:
        raise RuleViolation("ends_before_start", "the check-out is before the check-in", field="checked_out_at")
    attendance.credited_minutes = credited_minutes(shift, attendance.checked_in_at, attendance.checked_out_at)
    attendance.corrected_by_id, attendance.correction_reason, attendance.corrected_at = by.id, reason, clock.now()
    db.session.flush()
    record(
        "attendance_corrected",
        actor_id=by.id,
        subject_type="shift",
        subject_id=shift.id,
        unit_id=shift.unit_id,
        user_id=user.id,
        reason=reason,
        fields=sorted(changes),
    )
    return attendance


# The jobs ------------------------------------------------------------------------------------------------


def mark_no_shows() -> int:
    """Shifts started more than ATTENDANCE_NO_SHOW_GRACE_MINUTES ago: everyone on them who has not
    checked in is a no-show, and the coordinators over the unit hear once per shift."""
    now = clock.now()
    grace = timedelta(minutes=current_app.config["ATTENDANCE_NO_SHOW_GRACE_MINUTES"])
    missing = db.session.execute(
        select(ShiftSignup.shift_id, ShiftSignup.user_id)
        .join(Shift, ShiftSignup.shift_id == Shift.id)
        .where(
            Shift.status == ShiftStatus.SCHEDULED,
            Shift.starts_at <= now - grace,
            Shift.starts_at > now - timedelta(days=2),
            ShiftSignup.status != SignupStatus.DROPPED,
            ~exists().where(Attendance.shift_id == ShiftSignup.shift_id, Attendance.user_id == ShiftSignup.user_id),
        )
    ).all()
    by_shift = defaultdict(list)
    for shift_id, user_id in missing:
        db.session.add(Attendance(shift_id=shift_id, user_id=user_id, no_show=True))
        by_shift[shift_id].append(user_id)
    db.session.flush()
    for shift_id, user_ids in by_shift.items():
        _tell_coordinators_of_no_shows(db.session.get(Shift, shift_id), user_ids)
    return len(missing)


def _tell_coordinators_of_no_shows(shift: Shift, user_ids: list[int]) -> None:
    names = "、".join(db.session.scalars(select(User.display_name).where(User.id.in_(user_ids)).order_by(User.id)))

    def make(locale: str) -> dict:
        when = format_when(shift.starts_at, locale)
        return {
            "title": text("no_show_title", locale, count=len(user_ids)),
            "body": text("person_shift_line", locale, name=names, when=when, area=shift.area.name),
            "url": f"/shifts/{shift.id}/attendance",
            "shift_id": shift.id,
        }

    notify_in_their_language(
        managers_over(shift.unit), NotificationKind.NO_SHOW, make, subject_type="shift", subject_id=shift.id
    )


def close_forgotten_check_outs() -> int:
    """A check-out forgotten: closed at the shift's end once ATTENDANCE_AUTO_CHECKOUT_MARGIN_MINUTES
    have passed after it, credited, and flagged ``auto_closed``."""
    now = clock.now()
    margin = timedelta(minutes=current_app.config["ATTENDANCE_AUTO_CHECKOUT_MARGIN_MINUTES"])
    open_ones = db.session.scalars(
        select(Attendance)
        .join(Shift, Attendance.shift_id == Shift.id)
        .where(
            Attendance.checked_in_at.is_not(None), Attendance.checked_out_at.is_(None), Shift.ends_at <= now - margin
        )
    ).all()
    for attendance in open_ones:
        shift = attendance.shift
        attendance.checked_out_at = max(shift.ends_at, attendance.checked_in_at)
        attendance.auto_closed = True
        attendance.credited_minutes = credited_minutes(shift, attendance.checked_in_at, attendance.checked_out_at)
    db.session.flush()
    return len(open_ones)


def attendances_of(shift: Shift) -> Select:
    return select(Attendance).where(Attendance.shift_id == shift.id).order_by(Attendance.checked_in_at, Attendance.id)


# Reading ----------------------------------------------------------------------------------------------------


def on_duty(unit: Unit) -> Select:
    """Who is checked in right now in the unit's subtree (a forgotten check-out stops counting
    once its shift has ended)."""
    now = clock.now()
    return (
        select(Attendance)
        .join(Shift, Attendance.shift_id == Shift.id)
        .join(Unit, Shift.unit_id == Unit.id)
        .where(
            Unit.path.startswith(unit.path),
            Attendance.checked_in_at <= now,
            Attendance.checked_out_at.is_(None),
            Shift.ends_at > now,
        )
        .order_by(Attendance.checked_in_at, Attendance.id)
    )


def on_duty_people(unit: Unit) -> Select:
    """The user ids on duty now in the unit's subtree: an alert audience."""
    return on_duty(unit).with_only_columns(Attendance.user_id).order_by(None)


def on_shift_today_in(area_id: int) -> Select:
    """The user ids on a shift in this area today (local day): an alert audience."""
    day = local_date(clock.now())
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone())
    return (
        select(ShiftSignup.user_id)
        .join(Shift, ShiftSignup.shift_id == Shift.id)
        .where(
            Shift.area_id == area_id,
            Shift.status == ShiftStatus.SCHEDULED,
            Shift.starts_at >= start,
            Shift.starts_at < start + timedelta(days=1),
            ShiftSignup.status != SignupStatus.DROPPED,
        )
    )


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """A "2026-12" month as local midnight to local midnight."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=zone())
    end = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=zone())
    return start, end


def my_hours(principal: Principal, month: str) -> Select:
    start, end = month_bounds(month)
    return (
        select(Attendance)
        .join(Shift, Attendance.shift_id == Shift.id)
        .where(Attendance.user_id == principal.id, Shift.starts_at >= start, Shift.starts_at < end)
        .order_by(Shift.starts_at, Attendance.id)
    )


def hours_by_member(unit: Unit, month: str) -> Select:
    """Per member in the unit's subtree: shifts attended, minutes credited, flags, for the month."""
    start, end = month_bounds(month)
    return (
        select(
            User.id,
            User.display_name,
            User.phone,
            func.count(Attendance.id).filter(Attendance.checked_in_at.is_not(None)).label("shifts"),
            func.count(Attendance.id).filter(Attendance.no_show.is_(True)).label("no_shows"),
            func.coalesce(func.sum(Attendance.credited_minutes), 0).label("minutes"),
            func.count(Attendance.id).filter(Attendance.punctuality == Punctuality.LATE).label("late"),
            func.count(Attendance.id)
            .filter(and_(Attendance.auto_closed.is_(True)) | Attendance.proxy_by_id.is_not(None))
            .label("flagged"),
        )
        .join(Attendance, Attendance.user_id == User.id)
        .join(Shift, Attendance.shift_id == Shift.id)
        .join(Unit, Shift.unit_id == Unit.id)
        .where(Unit.path.startswith(unit.path), Shift.starts_at >= start, Shift.starts_at < end)
        .group_by(User.id, User.display_name, User.phone)
        .order_by(func.coalesce(func.sum(Attendance.credited_minutes), 0).desc(), User.id)
    )
