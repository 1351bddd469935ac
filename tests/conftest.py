"""App, database and client fixtures shared by every test module.

The schema is built once per session by running the migrations. After each
test every table is emptied, so tests may commit for real (concurrency tests
need that) and still start clean. Set TEST_DATABASE_URL to run the suite on
PostgreSQL and REDIS_URL to keep rate limits in Redis.
"""

import ipaddress
import os
import socket
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from huey import signals
from sqlalchemy import text

from app import create_app
from app.accounts import principal_cache, sessions
from app.accounts.models import User
from app.core.jobs import huey
from app.extensions import db, limiter

pytest_plugins = [
    "tests.factories.orgs",
    "tests.factories.accounts",
    "tests.factories.notifications",
    "tests.factories.scheduling",
    "tests.factories.reports",
]

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ApiClient(FlaskClient):
    """A test client that sends the CSRF token the way the PWA does."""

    send_csrf = True

    def open(self, *args, **kwargs):
        method = kwargs.get("method", "GET").upper()
        headers = dict(kwargs.pop("headers", None) or {})
        if self.send_csrf and method in UNSAFE_METHODS and "X-CSRFToken" not in headers:
            token = FlaskClient.open(self, "/api/v1/auth/csrf").get_json()["csrf_token"]
            headers["X-CSRFToken"] = token
        return super().open(*args, headers=headers, **kwargs)


def _test_config(tmp_path_factory) -> dict:
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    dist = tmp_path_factory.mktemp("dist")
    (dist / "assets").mkdir()
    (dist / "index.html").write_text("<!doctype html><title>平安巡防</title>")
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (dist / "manifest.webmanifest").write_text('{"name": "平安巡防"}')
    (dist / "assets" / "index-abc123.js").write_text("console.log('app');")
    (dist / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "RATELIMIT_KEY_PREFIX": "pingan-test",
        # argon2 at its cheapest: the tests check behaviour, not hashing cost
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_KIB": 8,
        "PASSWORD_HASH_PARALLELISM": 1,
        "FRONTEND_DIST": str(dist),
        # Jobs run at once, in their own app context and session, when the request commits.
        "JOBS_IMMEDIATE": True,
        # Photos and exports in a dict (tests/factories/reports.py reads it back).
        "STORAGE_BACKEND": "memory",
    }


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(_test_config(tmp_path_factory))
    app.test_client_class = ApiClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Tests run outside any app context, so each request gets its own, as in production."""
    yield
    with app.app_context():
        _empty_tables()
        limiter.reset()
        principal_cache.forget(principal_cache.EVERYONE)


@pytest.fixture
def in_app(app):
    """``with in_app(): ...`` reads or writes the database directly, like a request would."""
    return app.app_context


def _empty_tables() -> None:
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def client_as(app):
    """``client_as(user)``: a client signed in as ``user`` on a device of its own (a server-side session)."""

    def make(user, user_agent: str = "pytest"):
        with app.app_context():
            key = sessions.start_session(db.session.get(User, user.id), user_agent, "127.0.0.1")
            db.session.commit()
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = user_agent
        with client.session_transaction() as session:
            session["_user_id"] = key
            session["_fresh"] = True
            session.permanent = True
        return client

    return make


LOOPBACK_NAMES = {"localhost"}


def _is_loopback(address) -> bool:
    if not isinstance(address, tuple):
        return True  # a Unix socket
    host = address[0]
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch):
    """Fail any test whose code tries to reach beyond this machine (a real push service, an HTTP API).

    PostgreSQL and Redis on loopback stay reachable; tests that need a push service run one here.
    """
    connect = socket.socket.connect

    def guarded(sock, address):
        if not _is_loopback(address):
            raise AssertionError(f"a test tried to connect to {address!r}: outbound network calls are not allowed")
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _jobs_must_not_fail():
    """A job that raises fails the test (huey would only log it). Jobs scheduled for later
    (retries) wait in the queue until a test runs them (``run_scheduled_jobs``)."""
    huey.flush()
    failures = []

    @huey.signal(signals.SIGNAL_ERROR)
    def remember(signal, task, exc=None):
        failures.append((task.name, exc))

    yield failures
    huey.disconnect_signal(remember, signals.SIGNAL_ERROR)
    assert not failures, f"jobs failed: {failures}"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def run_scheduled_jobs():
    """Run the jobs scheduled for later (retries with backoff) as if their time had come."""

    def run(within_seconds: float = 24 * 3600) -> int:
        due = huey.read_schedule(huey._get_timestamp() + timedelta(seconds=within_seconds))
        for task in due:
            huey.execute(task, timestamp=task.eta)
        return len(due)

    return run
