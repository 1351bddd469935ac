"""Report notifications are worded for each recipient's language when pushed (the inbox row
carries the zh-CN words and the key, for the PWA to word itself)."""

from app.notifications.models import Notification, NotificationKind
from app.notifications.services import PUSH_EXTRAS
from app.reports.texts import TEXTS, text


def report_push_extras(notification: Notification) -> dict:
    payload = notification.payload
    key = payload.get("text_key")
    if key not in TEXTS["zh-CN"]:
        return {}
    return {"title": text(key, notification.user.locale, **payload.get("text_params", {}))}


for kind in (
    NotificationKind.REPORT_NEW,
    NotificationKind.REPORT_UPDATE,
    NotificationKind.REPORT_ASSIGNED,
    NotificationKind.REPORT_STAFF,
    NotificationKind.REPORT_OVERDUE,
):
    PUSH_EXTRAS[kind] = report_push_extras
