"""Demo data for `flask seed-demo`: a sent alert with answers, so every role sees a non-empty screen."""

from datetime import timedelta

from sqlalchemy import select

from app.accounts.services import find_user_by_phone, principal_of
from app.alerts import services
from app.alerts.models import Alert, CapCategory, Severity
from app.core import clock
from app.extensions import db
from app.orgs.models import Unit

DEMO_TITLE = "演示：3号门附近发现可疑人员"


def seed_demo_alerts(officer_phone: str, member_phone: str, street_name: str) -> None:
    if db.session.scalar(select(Alert.id).where(Alert.title == DEMO_TITLE)) is not None:
        return
    officer = principal_of(find_user_by_phone(officer_phone))
    street = db.session.scalar(select(Unit).where(Unit.name == street_name))
    alert = services.send_alert(
        officer,
        {
            "severity": Severity.WARNING,
            "category": CapCategory.SECURITY,
            "title": DEMO_TITLE,
            "body": "身穿灰色外套，约四十岁，曾试图进入楼道。看到请在应用里回复，并联系社区民警。",
            "audience": {"kind": "unit", "unit_id": street.id},
            "expires_at": clock.now() + timedelta(days=7),
            "is_test": False,
            "lon": 116.4545,
            "lat": 39.9372,
            "radius_m": 300,
        },
    )
    # Delivered here rather than by the consumer, so the demo is complete when the command ends.
    services.deliver(alert)
    member = find_user_by_phone(member_phone)
    services.record_answer(services.recipient_of(alert, principal_of(member)), "on_my_way")
