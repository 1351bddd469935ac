"""Ping'an Patrol: Flask application factory."""

import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.middleware.proxy_fix import ProxyFix

from config import ENV_ALIASES, Config


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, Secure over HTTPS and renewed once a day.

    The cookie lasts PERMANENT_SESSION_LIFETIME from the last day it was used; the session it
    names lives on the server (accounts/login.py), which ends and expires it.
    Renewing the cookie on every response instead would re-sign and re-send it on each
    API call, about a tenth of the cost of GET /me (bench/README.md).
    """

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure

    def open_session(self, app, request):
        """The signed cookie, without itsdangerous' age check.

        The session's lifetime is kept on the server (``user_sessions.last_seen_at``), and the
        age check would refuse a cookie signed a second "in the future" by another host whose
        clock is slightly ahead: random sign-outs behind a load balancer.
        """
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            return self.session_class(serializer.loads(value))
        except BadSignature:
            return self.session_class()

    def should_set_cookie(self, app, session):
        if session.modified:
            return True
        if not session.permanent:
            return False
        today = datetime.now(UTC).date().isoformat()
        if session.get("renewed_on") != today:
            session["renewed_on"] = today
            return True
        return False


def create_app(config=None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    _load_environment(app)
    if config:
        app.config.from_mapping(config)
    _finish_config(app)
    configure_logging(app)

    from app import extensions, web
    from app.accounts import capabilities, jobs  # noqa: F401  (register what /me reports, periodic jobs)
    from app.accounts.login import configure_login
    from app.accounts.routes import blp as accounts_blp
    from app.alerts import capabilities as alert_capabilities  # noqa: F401  (registers send_alert)
    from app.alerts import jobs as alert_jobs  # noqa: F401  (registers delivery and reminders)
    from app.alerts import push as alert_push  # noqa: F401  (registers what an alert's push carries)
    from app.alerts.routes import blp as alerts_blp
    from app.attendance import jobs as attendance_jobs  # noqa: F401  (no-shows, forgotten check-outs)
    from app.attendance.routes import blp as attendance_blp
    from app.audit import jobs as audit_jobs  # noqa: F401  (registers its periodic job)
    from app.audit.routes import blp as audit_blp
    from app.cli import register_commands
    from app.core import memory_limits, sqlite  # noqa: F401  (register a storage scheme, SQLite pragmas)
    from app.core.access import enforce_access_policy
    from app.core.http import init_http
    from app.core.jobs import huey
    from app.core.routes import blp as system_blp
    from app.core.schemas import IdConverter, TextConverter, id_parameter_schema
    from app.core.storage import init_storage
    from app.errors import register_error_handlers
    from app.exports import jobs as export_jobs  # noqa: F401  (registers building and purging exports)
    from app.exports.routes import blp as exports_blp
    from app.notifications import jobs as notification_jobs  # noqa: F401  (registers the push fan-out)
    from app.notifications.routes import blp as notifications_blp
    from app.orgs.routes import blp as orgs_blp
    from app.reports import capabilities as report_capabilities  # noqa: F401  (registers what /me reports)
    from app.reports import export as report_export  # noqa: F401  (registers the reports exporter)
    from app.reports import jobs as report_jobs  # noqa: F401  (registers SLA escalation)
    from app.reports import push as report_push  # noqa: F401  (words report pushes per recipient)
    from app.reports.routes import blp as reports_blp
    from app.scheduling import capabilities as scheduling_capabilities  # noqa: F401
    from app.scheduling import jobs as scheduling_jobs  # noqa: F401  (patterns, reminders, announcements)
    from app.scheduling.routes import blp as scheduling_blp

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(Path(app.root_path).parent / "migrations"))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    huey.configure(app)
    init_storage(app)
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    extensions.api.init_app(app)
    extensions.api.register_converter(IdConverter, id_parameter_schema)
    configure_login(app)
    app.session_interface = SessionInterface()
    app.before_request(enforce_access_policy)
    init_http(app)

    for blp in (
        system_blp,
        accounts_blp,
        orgs_blp,
        audit_blp,
        notifications_blp,
        alerts_blp,
        scheduling_blp,
        attendance_blp,
        reports_blp,
        exports_blp,
    ):
        extensions.api.register_blueprint(blp)
    app.register_blueprint(web.bp)
    register_error_handlers(app)
    register_commands(app)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


def _load_environment(app: Flask) -> None:
    for variable, key in ENV_ALIASES.items():
        if os.environ.get(variable):
            app.config[key] = os.environ[variable]
    app.config.from_prefixed_env()


def _finish_config(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    for legacy in ("postgres://", "postgresql://"):
        if uri.startswith(legacy):
            # psycopg 3 is the driver we install
            app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len(legacy) :]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _postgresql_engine_options(app.config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(app)
    if not app.config["RATELIMIT_STORAGE_URI"]:
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "threadsafe-memory://"
    if not app.config["UPLOAD_FOLDER"]:
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")


def _postgresql_engine_options(config) -> dict:
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    options.setdefault("pool_timeout", config["DATABASE_POOL_TIMEOUT"])
    connect_args = dict(options.get("connect_args", {}))
    connect_args.setdefault("connect_timeout", config["DATABASE_CONNECT_TIMEOUT"])
    timeout = config["JOBS_STATEMENT_TIMEOUT_MS" if config["JOB_CONSUMER"] else "DATABASE_STATEMENT_TIMEOUT_MS"]
    connect_args.setdefault("options", f"-c statement_timeout={timeout}")
    options["connect_args"] = connect_args
    return options


def instance_file(app: Flask, name: str, make: Callable[[], bytes]) -> str:
    """A per-installation secret kept in the instance folder, so no secret lives in the repo.

    gunicorn workers start together: the secret is written to a private temporary file and
    linked into place, so exactly one worker's secret wins and nobody reads a half-written file.
    """
    path = Path(app.instance_path) / name
    if not path.exists():
        fd, draft = tempfile.mkstemp(dir=app.instance_path)
        try:
            os.write(fd, make())
            os.close(fd)
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_text().strip()


def instance_secret(app: Flask) -> str:
    return instance_file(app, "secret_key", lambda: secrets.token_urlsafe(48).encode())


def configure_logging(app: Flask) -> None:
    if app.debug or app.testing:
        return
    gunicorn_logger = logging.getLogger("gunicorn.error")
    if gunicorn_logger.handlers:
        app.logger.handlers = gunicorn_logger.handlers
        app.logger.setLevel(gunicorn_logger.level)
    # Security events: one JSON object per line on stderr, for the log collector.
    security = logging.getLogger("pingan.security")
    if not security.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        security.addHandler(handler)
        security.setLevel(logging.INFO)
        security.propagate = False
