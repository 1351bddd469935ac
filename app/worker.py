"""The job consumer's entry point: ``huey_consumer app.worker.huey -k thread -w 2``.

Importing this module builds the app from the environment, as ``wsgi.py`` does for
gunicorn, which configures the queue (Redis or the SQLite file) and registers every job.
Jobs may run longer than a request, so their statements get a longer timeout
(JOBS_STATEMENT_TIMEOUT_MS).
"""

from app import create_app
from app.core.jobs import huey

flask_app = create_app({"JOB_CONSUMER": True})

__all__ = ["flask_app", "huey"]
