from huey import crontab

from app.core.jobs import periodic_job
from app.extensions import db
from app.reports import services
from app.reports.models import Report


@periodic_job(crontab(minute="*/5"))
def escalate_overdue_reports() -> int:
    """Every 5 minutes: cases past their SLA deadline are marked overdue and their unit's officers
    told; REPORT_ESCALATION_SECOND_MINUTES later, the street above."""
    escalated = 0
    for report_id, level in services.due_for_escalation():
        report = db.session.get(Report, report_id)
        if report is not None and services.escalate(report, level):
            escalated += 1
        db.session.commit()
    return escalated
