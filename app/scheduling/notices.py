"""Reminders before shifts, the announcement of open weeks, and the fill kept at start time."""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import exists, select, update

from app.accounts.models import User
from app.core import clock
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import notify_in_their_language
from app.notifications.texts import text, week_name
from app.scheduling.messages import shift_payload
from app.scheduling.models import (
    Shift,
    ShiftReminder,
    ShiftSignup,
    ShiftStatus,
    SignupStatus,
    WeekAnnouncement,
)
from app.scheduling.rules import local_date, rules_for, week_start
from app.scheduling.signups import eligible_people

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
                shift_payload(shift, "shift_reminder_title"),
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
