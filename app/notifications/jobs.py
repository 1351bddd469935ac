"""The push fan-out: batches of notifications to every live subscription of their recipients.

Outcomes per subscription: accepted (the notification is ``sent``); 404/410 (the browser
unsubscribed: the subscription is deleted); 429 and 5xx and network failures (retried, with
the push service's Retry-After or exponential backoff, up to PUSH_MAX_ATTEMPTS); 413 and
other 4xx (recorded on the subscription, not retried). A notification whose every push was
refused or ran out of attempts is ``failed``; it is in the inbox all the same.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, update

from app.core import clock
from app.core.jobs import job
from app.extensions import db
from app.notifications import push
from app.notifications.models import Notification, PushStatus, PushSubscription
from app.notifications.services import PUSH_EXTRAS, subscriptions_for

URGENCY = {"urgent": "high", "warning": "normal", "info": "normal"}


def push_payload(notification: Notification, locale: str | None) -> dict:
    """What the service worker needs to show the notification; a long body is cut (the inbox has it all)."""
    payload = {"id": notification.id, "kind": notification.kind.value, **notification.payload}
    payload.setdefault("lang", locale or "zh-CN")  # words written in one language say so
    extra = PUSH_EXTRAS.get(notification.kind)
    if extra is not None:
        payload.update(extra(notification))
    body = payload.get("body") or ""
    while len(push.encode_json(payload).encode()) > push.MAX_PAYLOAD_BYTES and body:
        body = body[: len(body) * 3 // 4]
        payload["body"] = body + "…"
    return payload


@dataclass(frozen=True)
class Delivery:
    """One notification to one subscription, as plain data for the sending threads."""

    notification_id: int
    subscription_id: int
    subscription_info: dict
    data: str
    urgency: str


def _deliveries(notification_ids: list[int], subscription_ids: list[int] | None) -> list[Delivery]:
    deliveries = []
    for notification, subscription in subscriptions_for(notification_ids):
        if subscription_ids is not None and subscription.id not in subscription_ids:
            continue
        deliveries.append(
            Delivery(
                notification.id,
                subscription.id,
                subscription.subscription_info(),
                push.encode_json(push_payload(notification, notification.user.locale)),
                URGENCY.get(notification.payload.get("severity"), "normal"),
            )
        )
    return deliveries


def _send_all(deliveries: list[Delivery]) -> list[push.PushOutcome]:
    app = current_app._get_current_object()
    ttl = app.config["PUSH_TTL_SECONDS"]

    def send_one(delivery: Delivery) -> push.PushOutcome:
        with app.app_context():
            return push.send(delivery.subscription_info, delivery.data, ttl=ttl, urgency=delivery.urgency)

    with ThreadPoolExecutor(max_workers=app.config["PUSH_CONCURRENCY"]) as pool:
        return list(pool.map(send_one, deliveries))


def _backoff(attempt: int, retry_after: float | None) -> float:
    base = current_app.config["PUSH_RETRY_BASE_SECONDS"] * 2 ** (attempt - 1)
    return max(base, retry_after or 0)


@job(retries=0)
def push_notifications(notification_ids: list[int], attempt: int = 1, subscription_ids: list[int] | None = None):
    """Push these notifications (on a retry, only to ``subscription_ids``)."""
    config = current_app.config
    deliveries = _deliveries(notification_ids, subscription_ids)
    outcomes = _send_all(deliveries)
    now = clock.now()
    accepted, retrying = set(), {}
    delivered, gone, refused = set(), set(), {}
    for delivery, outcome in zip(deliveries, outcomes, strict=True):
        if outcome.kind == "accepted":
            accepted.add(delivery.notification_id)
            delivered.add(delivery.subscription_id)
        elif outcome.kind == "gone":
            gone.add(delivery.subscription_id)
        elif outcome.kind == "retry" and attempt < config["PUSH_MAX_ATTEMPTS"]:
            retrying.setdefault(_backoff(attempt, outcome.retry_after), []).append(delivery)
        else:
            refused.setdefault(outcome.error, set()).add(delivery.subscription_id)
    _record_subscriptions(delivered, gone, refused, now)
    waiting = {d.notification_id for group in retrying.values() for d in group}
    _settle(notification_ids, accepted, waiting, now)
    db.session.commit()
    for delay, group in retrying.items():
        push_notifications.schedule(
            args=(sorted({d.notification_id for d in group}), attempt + 1, sorted({d.subscription_id for d in group})),
            delay=delay,
        )


def _record_subscriptions(delivered: set[int], gone: set[int], refused: dict[str, set[int]], now) -> None:
    """What each push service said, a statement per kind of answer (not a row at a time: an
    alert to ten thousand people is ten thousand answers)."""
    table = PushSubscription.__table__
    if delivered - gone:
        db.session.execute(update(table).where(table.c.id.in_(delivered - gone)).values(last_success_at=now))
    for error, ids in refused.items():
        if ids - gone:
            db.session.execute(
                update(table).where(table.c.id.in_(ids - gone)).values(last_failure_at=now, last_error=error)
            )
    if gone:
        db.session.execute(delete(table).where(table.c.id.in_(gone)))


def _settle(notification_ids: list[int], accepted: set[int], waiting: set[int], now) -> None:
    """Sent if any push service took it; failed if none did and no retry is due; else still pending."""
    if accepted:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(accepted))
            .values(push_status=PushStatus.SENT, pushed_at=now)
            .execution_options(synchronize_session=False)
        )
    finished = set(notification_ids) - accepted - waiting
    if finished:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(finished), Notification.push_status == PushStatus.PENDING)
            .values(push_status=PushStatus.FAILED)
            .execution_options(synchronize_session=False)
        )
