from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import delete, or_

from app.accounts.models import Invite, PasswordReset, UserSession
from app.core import clock
from app.core.jobs import periodic_job
from app.extensions import db


@periodic_job(crontab(minute="13", hour="3"))
def purge_expired_account_rows() -> None:
    """Daily: reset links, invites and sessions that can no longer be used, once they are
    EXPIRED_ROWS_RETENTION_DAYS past it (the audit log keeps what happened with them)."""
    config = current_app.config
    now = clock.now()
    cutoff = now - timedelta(days=config["EXPIRED_ROWS_RETENTION_DAYS"])
    db.session.execute(
        delete(PasswordReset).where(or_(PasswordReset.used_at < cutoff, PasswordReset.expires_at < cutoff))
    )
    db.session.execute(
        delete(Invite).where(
            or_(Invite.expires_at < cutoff, Invite.revoked_at < cutoff, Invite.use_count >= Invite.max_uses),
            Invite.created_at < cutoff,
        )
    )
    db.session.execute(
        delete(UserSession)
        .where(
            or_(UserSession.ended_at < cutoff, UserSession.last_seen_at < cutoff - config["PERMANENT_SESSION_LIFETIME"])
        )
        # Ended sessions were forgotten when they ended; expired ones are never kept.
        .execution_options(principals_of=())
    )
    db.session.commit()
