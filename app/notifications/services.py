"""The general notification channel: ``notify(...)`` writes inbox rows, push follows after commit.

Scheduling reminders, report updates and alerts all use it. Inbox rows are written in the
caller's transaction with one set-based INSERT ... SELECT; the push fan-out is queued once
that transaction commits (``jobs.push_notifications``) and can only ever change a row's
``push_status``: a failed push never loses a notification.
"""

import ipaddress
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import Select, and_, bindparam, case, delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import joinedload

from app.accounts.models import User, UserSession
from app.accounts.sessions import sessions_ended
from app.core import clock
from app.core.access import Principal
from app.core.jobs import enqueue
from app.core.models import JSONDocument
from app.errors import RuleViolation
from app.extensions import db
from app.notifications.models import Notification, NotificationKind, PushStatus, PushSubscription
from app.notifications.texts import DEFAULT_LOCALE, LOCALES

# Per notification kind: extra push fields computed per recipient (an alert's answer token).
PUSH_EXTRAS: dict[NotificationKind, Callable[[Notification], dict]] = {}


def live_subscription(user_id_column):
    """A filter: the user has a push subscription of a session still signed in."""
    return exists().where(
        PushSubscription.user_id == user_id_column,
        PushSubscription.session_id == UserSession.id,
        UserSession.ended_at.is_(None),
    )


def select_user(user_id: int) -> Select:
    """The recipients of a notification to one person."""
    return select(User.id).where(User.id == user_id)


def notify(
    recipients: Select,
    kind: NotificationKind,
    payload: dict,
    *,
    subject_type: str | None = None,
    subject_id: int | None = None,
) -> list[int]:
    """One inbox row per user id that ``recipients`` selects; returns the new rows' ids.

    Rows of recipients with a live push subscription start ``pending`` and are pushed in
    batches once the transaction commits; the others are inbox-only (``none``).
    """
    now = clock.now()
    chosen = select(User.id).where(User.id.in_(recipients))
    rows = select(
        User.id,
        literal(kind.value),
        literal(payload, JSONDocument),
        literal(subject_type),
        literal(subject_id),
        literal(now, Notification.created_at.type),
        case((live_subscription(User.id), PushStatus.PENDING.value), else_=PushStatus.NONE.value),
    ).where(User.id.in_(chosen))
    inserted = db.session.execute(
        insert(Notification)
        .from_select(["user_id", "kind", "payload", "subject_type", "subject_id", "created_at", "push_status"], rows)
        .returning(Notification.id, Notification.push_status)
    ).all()
    to_push = sorted(row_id for row_id, status in inserted if status == PushStatus.PENDING)
    queue_push(to_push)
    return [row_id for row_id, _ in inserted]


def notify_in_their_language(
    recipients: Select, kind: NotificationKind, make_payload: Callable[[str], dict], **subject
) -> list[int]:
    """``notify`` with a payload written in each recipient's language (``make_payload(locale)``),
    for what the server words itself: reminders, changes, the waitlist."""
    ids = []
    for locale in LOCALES:
        speakers = User.locale == locale
        if locale == DEFAULT_LOCALE:
            speakers = or_(speakers, User.locale.is_(None))
        in_language = select(User.id).where(User.id.in_(recipients), speakers)
        # The language goes with the words: a reader who switches later still sees which it was.
        ids += notify(in_language, kind, {**make_payload(locale), "lang": locale}, **subject)
    return ids


def queue_push(notification_ids: list[int]) -> None:
    """Queue the push fan-out of these notifications, in batches, after the commit."""
    from app.notifications.jobs import push_notifications

    size = current_app.config["PUSH_BATCH_SIZE"]
    for start in range(0, len(notification_ids), size):
        enqueue(push_notifications, notification_ids[start : start + size])


# The inbox -------------------------------------------------------------------------------------


def inbox_of(principal: Principal) -> Select:
    return select(Notification).where(Notification.user_id == principal.id)


# Built once: every open app polls this, and building the statement cost as much as running it.
_UNREAD = select(func.count(), func.coalesce(func.max(Notification.id), 0)).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
)


def unread_summary(principal: Principal) -> tuple[int, int]:
    """How many unread, and the newest unread id: together they change whenever the badge should."""
    count, newest = db.session.connection().execute(_UNREAD, {"user_id": principal.id}).one()
    return count, newest


def mark_read(notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = clock.now()
        db.session.flush()
    return notification


def mark_all_read(principal: Principal) -> int:
    return db.session.execute(
        update(Notification)
        .where(Notification.user_id == principal.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount


# Subscriptions ---------------------------------------------------------------------------------


def _endpoint_problem(endpoint: str) -> str | None:
    """Push endpoints are the push services' https URLs, never this network's own hosts:
    the server POSTs to whatever is registered here."""
    allowed = current_app.config["PUSH_EXTRA_ENDPOINT_ORIGINS"]
    if any(endpoint.startswith(origin.rstrip("/") + "/") for origin in allowed):
        return None
    parts = urlsplit(endpoint)
    if parts.scheme != "https" or not parts.hostname or parts.port not in (None, 443):
        return "push_endpoint_invalid"
    host = parts.hostname
    try:
        ipaddress.ip_address(host)
        return "push_endpoint_invalid"
    except ValueError:
        pass
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")) or "." not in host:
        return "push_endpoint_invalid"
    return None


def subscribe(principal: Principal, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Register this browser's endpoint for the signed-in session (a browser shared by two
    people pushes only to whoever signed in on it last)."""
    problem = _endpoint_problem(endpoint)
    if problem:
        raise RuleViolation(problem, "not a push service endpoint", field="endpoint")
    subscription = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint)
        db.session.add(subscription)
    subscription.user_id = principal.id
    subscription.session_id = principal.session_id
    subscription.p256dh = p256dh
    subscription.auth = auth
    subscription.last_error = None
    db.session.flush()
    return subscription


def subscriptions_of(principal: Principal) -> Select:
    return (
        select(PushSubscription)
        .join(UserSession, PushSubscription.session_id == UserSession.id)
        .where(PushSubscription.user_id == principal.id, UserSession.ended_at.is_(None))
        .order_by(PushSubscription.id.desc())
    )


def unsubscribe(subscription: PushSubscription) -> None:
    db.session.delete(subscription)
    db.session.flush()


@sessions_ended.connect
def _forget_devices(sender, session_ids: list[int]) -> None:
    db.session.execute(
        delete(PushSubscription)
        .where(PushSubscription.session_id.in_(session_ids))
        .execution_options(synchronize_session=False)
    )


def subscriptions_for(notification_ids: list[int]) -> list[tuple[Notification, PushSubscription]]:
    """Each notification with each live subscription of its recipient."""
    return db.session.execute(
        select(Notification, PushSubscription)
        .join(PushSubscription, PushSubscription.user_id == Notification.user_id)
        .join(UserSession, and_(UserSession.id == PushSubscription.session_id, UserSession.ended_at.is_(None)))
        .where(Notification.id.in_(notification_ids))
        .options(joinedload(Notification.user))
        .order_by(Notification.id, PushSubscription.id)
    ).all()
