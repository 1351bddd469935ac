"""The few words the server itself puts into notifications, in the recipient's language.

What a sender wrote (an alert's title and body) is sent as written; the notification's own
words (its buttons, "urgent", "cancelled") follow the recipient's language setting.
"""

TEXTS = {
    "zh-CN": {
        "test_title": "测试通知",
        "test_body": "这台设备可以收到平安巡防的通知。",
        "action_on_my_way": "我在路上",
        "action_cannot_come": "去不了",
        "severity_urgent": "紧急",
        "severity_warning": "警示",
        "severity_info": "通知",
        "alert_cancelled": "已取消：{title}",
        "alert_updated": "已更新：{title}",
        "alert_reminder": "请回复：{title}",
    },
    "en": {
        "test_title": "Test notification",
        "test_body": "This device can receive notifications from Ping'an Patrol.",
        "action_on_my_way": "On my way",
        "action_cannot_come": "Can't come",
        "severity_urgent": "Urgent",
        "severity_warning": "Warning",
        "severity_info": "Notice",
        "alert_cancelled": "Cancelled: {title}",
        "alert_updated": "Updated: {title}",
        "alert_reminder": "Please answer: {title}",
    },
}
DEFAULT_LOCALE = "zh-CN"


def text(key: str, locale: str | None, **params) -> str:
    words = TEXTS.get(locale or DEFAULT_LOCALE, TEXTS[DEFAULT_LOCALE])
    return words[key].format(**params)
