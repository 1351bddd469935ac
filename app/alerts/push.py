"""What an alert's push carries beyond its inbox row: the answer token and the buttons' words."""

from app.alerts.services import answer_token
from app.notifications.models import Notification, NotificationKind
from app.notifications.services import PUSH_EXTRAS
from app.notifications.texts import text


def alert_push_extras(notification: Notification) -> dict:
    locale = notification.user.locale
    return {
        "token": answer_token(notification.subject_id, notification.user_id),
        "severity_label": text(f"severity_{notification.payload['severity']}", locale),
        "actions": [
            {"action": "on_my_way", "title": text("action_on_my_way", locale)},
            {"action": "cannot_come", "title": text("action_cannot_come", locale)},
        ],
    }


for kind in (NotificationKind.ALERT, NotificationKind.ALERT_UPDATED, NotificationKind.ALERT_REMINDER):
    PUSH_EXTRAS[kind] = alert_push_extras
