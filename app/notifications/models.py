"""The inbox (the truth) and Web Push subscriptions (best effort).

Every notification is an inbox row first. Push only tells the phone that something is in
the inbox: Chrome on Android delivers it through FCM, which mainland networks block, so a
push may never arrive and nothing depends on it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.models import Base, JSONDocument, enum_column

if TYPE_CHECKING:
    from app.accounts.models import User


class PushStatus(enum.StrEnum):
    NONE = "none"  # the recipient has no push subscription: only the inbox
    PENDING = "pending"  # queued for the push services
    SENT = "sent"  # accepted by at least one push service (not proof of delivery)
    FAILED = "failed"  # every push service refused it or kept failing


class NotificationKind(enum.StrEnum):
    ALERT = "alert"
    ALERT_UPDATED = "alert_updated"
    ALERT_CANCELLED = "alert_cancelled"
    ALERT_REMINDER = "alert_reminder"
    SHIFTS_OPEN = "shifts_open"
    SHIFT_REMINDER = "shift_reminder"
    SHIFT_CHANGED = "shift_changed"
    SHIFT_CANCELLED = "shift_cancelled"
    WAITLIST_PROMOTED = "waitlist_promoted"
    DROP_REQUESTED = "drop_requested"
    SWAP_TAKEN = "swap_taken"
    SWAP_DONE = "swap_done"
    NO_SHOW = "no_show"
    TEST = "test"
    REPORT_NEW = "report_new"  # to the unit's officers: a hazard was reported
    REPORT_UPDATE = "report_update"  # to the reporter and followers: a public change
    REPORT_ASSIGNED = "report_assigned"  # to a department's handlers: a case was dispatched
    REPORT_STAFF = "report_staff"  # to officers: returned, resolved, reopen asked, the reporter wrote
    REPORT_OVERDUE = "report_overdue"  # SLA escalation
    EXPORT_READY = "export_ready"  # a large export's file can be downloaded


class Notification(Base):
    """One message in one person's inbox."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind))
    # What the inbox shows and the push carries: title, body, url, and per kind e.g. severity.
    payload: Mapped[dict] = mapped_column(JSONDocument)
    # The row it is about (an alert, later a shift or a report), for the domain that sent it.
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    read_at: Mapped[datetime | None]
    push_status: Mapped[PushStatus] = mapped_column(enum_column(PushStatus), default=PushStatus.NONE)
    pushed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class PushSubscription(Base):
    """A browser's push endpoint, tied to the signed-in session that made it: when that
    session ends (sign-out, ending the device, a password change, deactivation) it goes."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("user_sessions.id"), index=True)
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    p256dh: Mapped[str] = mapped_column(String(120))
    auth: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    # The last refusal that was recorded rather than retried (413, 400, ...), for the devices screen.
    last_error: Mapped[str | None] = mapped_column(String(80))

    def subscription_info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
