"""Signed-in devices: sign-in opens a server-side session, sign-out and the others end it."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace
from flask import current_app
from sqlalchemy import select, update

from app.accounts.login import key_digest
from app.accounts.models import (
    User,
    UserSession,
    UserStatus,
)
from app.accounts.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.audit.services import record, record_about_user
from app.core import clock
from app.core.access import (
    Principal,
)
from app.errors import Forbidden, Unauthorized
from app.extensions import db

# Sessions ------------------------------------------------------------------------------


def start_session(user: User, user_agent: str, ip: str | None) -> str:
    """A new signed-in device; returns the key for the cookie (only its digest is stored)."""
    key = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(
        UserSession(key_hash=key_digest(key), user_id=user.id, last_seen_at=now, user_agent=user_agent[:300], ip=ip)
    )
    db.session.flush()
    return key


@dataclass
class Device:
    id: int
    browser: str | None
    system: str | None
    created_at: datetime
    last_seen_at: datetime
    is_current: bool


# User-Agent markers, most specific first (WeChat's in-app browser also says Chrome and Safari).
BROWSERS = [
    ("MicroMessenger", "WeChat"),
    ("EdgA", "Edge"),
    ("Edg/", "Edge"),
    ("HuaweiBrowser", "Huawei Browser"),
    ("MiuiBrowser", "Mi Browser"),
    ("UCBrowser", "UC Browser"),
    ("QQBrowser", "QQ Browser"),
    ("Firefox", "Firefox"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
]
SYSTEMS = [("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"), ("Mac OS", "Mac")]


def _first_marker(user_agent: str, markers: list[tuple[str, str]]) -> str | None:
    return next((name for marker, name in markers if marker in user_agent), None)


def devices_of(principal: Principal) -> list[Device]:
    """The principal's signed-in devices, the most recently used first."""
    rows = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == principal.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [
        Device(
            id=row.id,
            browser=_first_marker(row.user_agent, BROWSERS),
            system=_first_marker(row.user_agent, SYSTEMS),
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            is_current=row.id == principal.session_id,
        )
        for row in rows
    ]


# Sent in the transaction that ends sessions, with the ids of the sessions ended; other domains
# drop what belonged to those devices (push subscriptions) without accounts knowing them.
sessions_ended = Namespace().signal("sessions-ended")


def end_session(user_session: UserSession, by: Principal, action: str = "session_ended") -> None:
    if user_session.ended_at is None:
        user_session.ended_at = clock.now()
        db.session.flush()
        sessions_ended.send(current_app._get_current_object(), session_ids=[user_session.id])
        record_about_user(
            action, user_session.user_id, actor_id=by.id, unit_id=by.highest_unit_id, session_id=user_session.id
        )


def end_sessions(user_id: int, keep_session_id: int | None = None) -> int:
    """End every signed-in device of the account, but ``keep_session_id``; returns how many."""
    stmt = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep_session_id is not None:
        stmt = stmt.where(UserSession.id != keep_session_id)
    ids = list(
        db.session.scalars(
            stmt.values(ended_at=clock.now())
            .returning(UserSession.id)
            .execution_options(synchronize_session=False, principals_of=[user_id])
        )
    )
    if ids:
        sessions_ended.send(current_app._get_current_object(), session_ids=ids)
    return len(ids)


def end_other_sessions(principal: Principal) -> int:
    ended = end_sessions(principal.id, keep_session_id=principal.session_id)
    record_about_user(
        "sessions_ended", principal.id, actor_id=principal.id, unit_id=principal.highest_unit_id, count=ended
    )
    return ended


def sign_in(phone: str, password: str, user_agent: str, ip: str | None) -> tuple[User, str]:
    """Check the credentials and open a session; every attempt is recorded, failed ones too
    (the view commits them even when this raises)."""
    user = db.session.scalar(select(User).where(User.phone == phone))
    if user is None:
        burn_verification_time(password)
        record("sign_in_failed", actor_id=None, phone=phone, reason="unknown_phone")
        raise Unauthorized("invalid_credentials", "wrong phone number or password")
    unit_id = user.home_unit_id
    if not verify_password(user.password_hash, password):
        record_about_user("sign_in_failed", user.id, actor_id=None, unit_id=unit_id)
        raise Unauthorized("invalid_credentials", "wrong phone number or password")
    if user.status in (UserStatus.REJECTED, UserStatus.DEACTIVATED):
        error = f"account_{user.status.value}"
        record_about_user("sign_in_failed", user.id, actor_id=None, unit_id=unit_id, reason=error)
        raise Forbidden(error, f"the account is {user.status.value}")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = clock.now()
    key = start_session(user, user_agent, ip)
    record_about_user("sign_in", user.id, actor_id=user.id, unit_id=unit_id)
    return user, key
