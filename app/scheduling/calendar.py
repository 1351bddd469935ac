"""Each person's upcoming shifts as an iCalendar feed (RFC 5545), so they appear in the phone's calendar.

The feed's URL carries a random token, which is its only credential (calendar apps cannot sign
in); only the token's SHA-256 is stored, and asking for a new token ends the old one.
"""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, request
from icalendar import Calendar, Event
from sqlalchemy import select

from app.core import clock
from app.errors import NotFound
from app.extensions import db
from app.scheduling.models import CalendarToken, Shift, ShiftSignup, ShiftStatus, SignupStatus
from app.scheduling.rules import zone

# How far back and ahead the feed reaches.
PAST = timedelta(days=30)
AHEAD = timedelta(days=120)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(user_id: int) -> str:
    token = secrets.token_urlsafe(24)
    row = db.session.get(CalendarToken, user_id) or CalendarToken(user_id=user_id)
    row.token_hash = _digest(token)
    row.created_at = clock.now()
    db.session.add(row)
    db.session.flush()
    return token


def user_of(token: str) -> int:
    row = db.session.scalar(select(CalendarToken).where(CalendarToken.token_hash == _digest(token)))
    if row is None:
        raise NotFound("calendar_not_found", "no calendar has this link (a newer one may have replaced it)")
    return row.user_id


def feed(user_id: int) -> bytes:
    now = clock.now()
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"] or request.url_root).hostname or "localhost"
    shifts = db.session.scalars(
        select(Shift)
        .join(ShiftSignup, ShiftSignup.shift_id == Shift.id)
        .where(
            ShiftSignup.user_id == user_id,
            ShiftSignup.status != SignupStatus.DROPPED,
            Shift.ends_at > now - PAST,
            Shift.starts_at < now + AHEAD,
        )
        .order_by(Shift.starts_at)
    ).all()
    calendar = Calendar()
    calendar.add("prodid", "-//Ping'an Patrol//平安巡防//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "平安巡防 班次")
    calendar.add("x-wr-timezone", current_app.config["TIME_ZONE"])
    tz = zone()
    for shift in shifts:
        event = Event()
        event.add("uid", f"shift-{shift.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", shift.starts_at.astimezone(tz))
        event.add("dtend", shift.ends_at.astimezone(tz))
        event.add("summary", f"巡逻 · {shift.area.name}")
        event.add("location", f"{shift.area.name}，{shift.unit.name}")
        if shift.note:
            event.add("description", shift.note)
        event.add("status", "CANCELLED" if shift.status == ShiftStatus.CANCELLED else "CONFIRMED")
        event.add("url", f"{(current_app.config['PUBLIC_BASE_URL'] or request.url_root).rstrip('/')}/shifts/{shift.id}")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
