"""What the scheduling rules tell people, in each one's language."""

from sqlalchemy import select

from app.notifications.models import NotificationKind
from app.notifications.services import notify_in_their_language
from app.notifications.texts import format_when, text
from app.scheduling.models import (
    Shift,
    ShiftSignup,
    SignupStatus,
    WaitlistEntry,
)


def shift_payload(shift: Shift, title_key: str):
    def make(locale: str) -> dict:
        return {
            "title": text(title_key, locale),
            "body": text("shift_line", locale, when=format_when(shift.starts_at, locale), area=shift.area.name),
            "url": f"/shifts/{shift.id}",
            "shift_id": shift.id,
        }

    return make


def tell_signed_up(shift: Shift, kind: NotificationKind, title_key: str, include_waitlist: bool = False) -> None:
    people = select(ShiftSignup.user_id).where(
        ShiftSignup.shift_id == shift.id, ShiftSignup.status != SignupStatus.DROPPED
    )
    if include_waitlist:
        people = people.union(select(WaitlistEntry.user_id).where(WaitlistEntry.shift_id == shift.id))
    notify_in_their_language(
        select(people.subquery().c[0]),
        kind,
        shift_payload(shift, title_key),
        subject_type="shift",
        subject_id=shift.id,
    )
