from huey import crontab

from app.core.jobs import job, periodic_job
from app.exports import services
from app.exports.models import Export
from app.extensions import db


@job(retries=2)
def build_export(export_id: int) -> None:
    """Write a large export's file and tell its requester (idempotent)."""
    export = db.session.get(Export, export_id)
    if export is not None:
        services.build(export)
        db.session.commit()


@periodic_job(crontab(minute="43"))
def purge_expired_exports() -> None:
    """Hourly: exports past EXPORT_RETENTION_HOURS go, with their files."""
    services.purge_expired()
    db.session.commit()
