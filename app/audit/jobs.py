from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import delete

from app.audit.models import AuditEvent
from app.core import clock
from app.core.jobs import periodic_job
from app.extensions import db


@periodic_job(crontab(minute="23", hour="3"))
def purge_audit_events() -> None:
    """Daily: events older than AUDIT_RETENTION_DAYS go."""
    cutoff = clock.now() - timedelta(days=current_app.config["AUDIT_RETENTION_DAYS"])
    db.session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
    db.session.commit()
