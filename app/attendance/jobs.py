from huey import crontab

from app.attendance import services
from app.core.jobs import periodic_job
from app.extensions import db


@periodic_job(crontab(minute="*/5"))
def mark_no_shows() -> None:
    """Every 5 minutes: those on a started shift who never checked in are no-shows; coordinators hear."""
    services.mark_no_shows()
    db.session.commit()


@periodic_job(crontab(minute="*/5"))
def close_forgotten_check_outs() -> None:
    """Every 5 minutes: a check-out forgotten is closed at the shift's end, credited and flagged."""
    services.close_forgotten_check_outs()
    db.session.commit()
