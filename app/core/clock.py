"""The one source of "now" for services, models and jobs.

Queries bind ``clock.now()`` instead of asking the database (``func.now()``), so a test
that moves time with time-machine moves it for every rule at once, and SQLite and
PostgreSQL agree on what "now" is.
"""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
