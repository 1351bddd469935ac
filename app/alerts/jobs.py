from huey import crontab

from app.alerts import services
from app.alerts.models import Alert
from app.core.jobs import job, periodic_job
from app.extensions import db


@job()
def deliver_alert(alert_id: int) -> None:
    """Write the recipients' inbox rows and queue their pushes (idempotent)."""
    alert = db.session.get(Alert, alert_id)
    if alert is not None:
        services.deliver(alert)
        db.session.commit()


@periodic_job(crontab(minute="*"))
def remind_urgent_alerts() -> None:
    """Every minute: once per urgent alert, a reminder to those who have not answered after
    ALERT_REMINDER_DELAY_SECONDS."""
    for alert_id in db.session.scalars(services.alerts_due_for_reminder().with_only_columns(Alert.id)).all():
        services.remind_unanswered(db.session.get(Alert, alert_id))
        db.session.commit()
