from huey import crontab

from app.core.jobs import periodic_job
from app.extensions import db
from app.scheduling import notices, services


@periodic_job(crontab(minute="7", hour="*"))
def generate_pattern_shifts() -> None:
    """Hourly: every active pattern's shifts for the coming weeks exist (idempotent)."""
    services.regenerate_all()
    db.session.commit()


@periodic_job(crontab(minute="*/5"))
def announce_open_weeks() -> None:
    """Every 5 minutes: members hear once per week when its shifts open for sign-up."""
    notices.announce_open_weeks()
    db.session.commit()


@periodic_job(crontab(minute="*"))
def remind_shifts() -> None:
    """Every minute: the reminders before each shift (SHIFT_REMINDER_MINUTES), exactly once each."""
    notices.send_reminders()
    db.session.commit()


@periodic_job(crontab(minute="*"))
def record_shift_fill() -> None:
    """Every minute: at start time, how full each shift was and whether a leader came."""
    notices.record_fill()
    db.session.commit()
