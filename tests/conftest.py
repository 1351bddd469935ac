"""App, database and client fixtures shared by every test module.

The schema is built once per session by running the migrations. After each
test every table is emptied, so tests may commit for real (concurrency tests
need that) and still start clean. Set TEST_DATABASE_URL to run the suite on
PostgreSQL and REDIS_URL to keep rate limits in Redis.
"""

import os

import pytest
from flask.testing import FlaskClient
from flask_login import FlaskLoginClient
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db, limiter

pytest_plugins = ["tests.factories.orgs", "tests.factories.accounts"]

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ApiClient(FlaskLoginClient):
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
    return app


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Tests run outside any app context, so each request gets its own, as in production."""
    yield
    with app.app_context():
        _empty_tables()
        limiter.reset()


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
    """``client_as(user)``: a client whose session is signed in as ``user``."""

    def make(user):
        return app.test_client(user=user)

    return make


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
