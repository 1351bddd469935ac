"""Background jobs on huey: one queue, configured per app, run by ``huey_consumer``.

- ``REDIS_URL`` set: ``RedisStorage``; any number of consumers on any number of machines.
- otherwise: ``SqliteStorage`` in ``instance/jobs.sqlite``, so ``make run`` needs no server.
- ``JOBS_IMMEDIATE`` (the tests): a job runs at once, in the caller's thread.

A job takes ids, never objects, is idempotent, and always runs in an app context and
database session of its own (in immediate mode too), so it sees only committed rows.
Enqueue from a request with ``enqueue(job, *ids)``: it waits for the commit.
"""

import functools
import logging
from datetime import datetime
from pathlib import Path

from flask import Flask
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from app.core import clock
from app.core.transactions import after_commit

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "consumer-heartbeat"


class PatrolHuey(Huey):
    """A Huey whose storage and Flask app are chosen when an app is created, not at import."""

    flask_app: Flask | None = None

    def configure(self, app: Flask) -> None:
        self.flask_app = app
        config = app.config
        self._immediate = bool(config["JOBS_IMMEDIATE"])
        if self._immediate:
            self.storage_class, self.storage_kwargs = MemoryStorage, {}
        elif config["REDIS_URL"]:
            self.storage_class, self.storage_kwargs = RedisStorage, {"url": config["REDIS_URL"]}
        else:
            filename = Path(config["JOBS_SQLITE_PATH"] or Path(app.instance_path) / "jobs.sqlite")
            filename.touch(mode=0o600)  # jobs carry ids only, but the file is nobody else's business
            self.storage_class, self.storage_kwargs = SqliteStorage, {"filename": str(filename)}
        self.storage = self.create_storage()


huey = PatrolHuey("pingan", results=False, utc=True, storage_class=MemoryStorage)


def _in_app_context(fn):
    @functools.wraps(fn)
    def run(*args, **kwargs):
        from app.extensions import db

        if huey.flask_app is None:
            raise RuntimeError("jobs run only after create_app() has configured them")
        with huey.flask_app.app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def job(retries: int = 5, retry_delay: int = 10, **options):
    """A background task. It retries with exponential backoff (10 s, 20 s, 40 s, ...) by default."""

    def decorate(fn):
        return huey.task(retries=retries, retry_delay=retry_delay, retry_backoff=2, name=fn.__name__, **options)(
            _in_app_context(fn)
        )

    return decorate


PERIODIC_JOBS: dict[str, object] = {}


def periodic_job(schedule: crontab, retries: int = 0, **options):
    """A job huey's consumer starts on a crontab schedule; ``flask jobs run NAME`` runs it now."""

    def decorate(fn):
        task = huey.periodic_task(schedule, retries=retries, name=fn.__name__, **options)(_in_app_context(fn))
        PERIODIC_JOBS[fn.__name__] = task
        return task

    return decorate


def enqueue(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits (never if it rolls back)."""
    after_commit(functools.partial(task, *args, **kwargs))


# The consumer's heartbeat ------------------------------------------------------------------


def record_heartbeat() -> None:
    huey.put(HEARTBEAT_KEY, clock.now().isoformat())


def last_heartbeat() -> datetime | None:
    value = huey.get(HEARTBEAT_KEY, peek=True)
    return datetime.fromisoformat(value) if value else None


@periodic_job(crontab(minute="*"))
def heartbeat() -> None:
    """Every minute: tells /health that a consumer is alive and takes jobs."""
    record_heartbeat()


@huey.on_startup()
def _beat_on_startup() -> None:
    record_heartbeat()
