"""The few words the server itself puts into notifications, in the recipient's language.

What a sender wrote (an alert's title and body) is sent as written; the notification's own
words (its buttons, "urgent", "cancelled") follow the recipient's language setting.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

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
        "shifts_open_title": "新的班次开放报名了",
        "shifts_open_body": "{week}有 {count} 个班次可以报名。",
        "shift_reminder_title": "班次提醒",
        "shift_changed_title": "您的班次有变动",
        "shift_cancelled_title": "班次已取消",
        "waitlist_promoted_title": "候补成功，您已排上班次",
        "drop_requested_title": "有队员申请退出班次",
        "swap_taken_title": "有换班等待审批",
        "swap_done_title": "换班已完成",
        "shift_line": "{when}，{area}",
        "person_shift_line": "{name}：{when}，{area}",
        "week_of": "{month}月{day}日起的一周",
        "no_show_title": "{count} 人未到岗",
        "export_ready_title": "导出完成：{filename}",
        "export_ready_body": "{rows} 行",
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
        "shifts_open_title": "New shifts are open for sign-up",
        "shifts_open_body": "{count} shifts to sign up for in {week}.",
        "shift_reminder_title": "Shift reminder",
        "shift_changed_title": "Your shift has changed",
        "shift_cancelled_title": "Shift cancelled",
        "waitlist_promoted_title": "You got a place from the waitlist",
        "drop_requested_title": "A member asks to drop a shift",
        "swap_taken_title": "A swap awaits your approval",
        "swap_done_title": "Swap done",
        "shift_line": "{when}, {area}",
        "person_shift_line": "{name}: {when}, {area}",
        "week_of": "the week of {day} {month_name}",
        "no_show_title": "{count} did not come to their shift",
        "export_ready_title": "Export ready: {filename}",
        "export_ready_body": "{rows} rows",
    },
}
DEFAULT_LOCALE = "zh-CN"
LOCALES = tuple(TEXTS)


WEEKDAYS = {"zh-CN": "一二三四五六日", "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def text(key: str, locale: str | None, **params) -> str:
    words = TEXTS.get(locale or DEFAULT_LOCALE, TEXTS[DEFAULT_LOCALE])
    return words[key].format(**params)


def format_when(moment: datetime, locale: str | None) -> str:
    """A local date and time as people say it: "12月1日 周二 19:00", "Tue 1 Dec, 19:00"."""
    local = moment.astimezone(ZoneInfo(current_app.config["TIME_ZONE"]))
    if (locale or DEFAULT_LOCALE) == "en":
        return f"{WEEKDAYS['en'][local.weekday()]} {local.day} {MONTHS[local.month - 1]}, {local:%H:%M}"
    return f"{local.month}月{local.day}日 周{WEEKDAYS['zh-CN'][local.weekday()]} {local:%H:%M}"


def week_name(week_start: date, locale: str | None) -> str:
    return text("week_of", locale, month=week_start.month, day=week_start.day, month_name=MONTHS[week_start.month - 1])
