"""The one JSON error shape, for every 4xx and 5xx the API returns.

``{"code": 409, "status": "Conflict", "error": "phone_taken", "message": "...",
"errors": {"json": {"phone": [{"code": "phone_taken", "params": {}}]}}}``

``error`` is a stable snake_case identifier the PWA maps to zh/en text;
``message`` is English for developers and logs. Services raise ``DomainError``
subclasses, which know nothing about HTTP beyond their status. flask-smorest's
``abort`` and validation errors get the same shape in ``core/api.py``.
"""

import logging

from flask import Flask
from redis.exceptions import RedisError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.http import HTTP_STATUS_CODES

ERROR_IDS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}
# How long a client should wait before trying again when a backing service is down.
RETRY_AFTER_UNAVAILABLE = 5

logger = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    error = "bad_request"

    def __init__(self, error: str | None = None, message: str | None = None, field: str | None = None):
        self.error = error or self.error
        self.message = message or self.error.replace("_", " ")
        self.field = field
        super().__init__(self.message)


class Unauthorized(DomainError):
    status = 401
    error = "unauthorized"


class Forbidden(DomainError):
    status = 403
    error = "forbidden"


class NotFound(DomainError):
    status = 404
    error = "not_found"


class Conflict(DomainError):
    status = 409
    error = "conflict"


class Gone(DomainError):
    status = 410
    error = "gone"


class RuleViolation(DomainError):
    status = 422
    error = "rule_violation"


class TooManyRequests(DomainError):
    status = 429
    error = "too_many_requests"

    def __init__(self, retry_after: int):
        super().__init__(message=f"too many attempts; retry in {retry_after} s")
        self.retry_after = retry_after


def error_body(status: int, error: str, message: str | None = None, errors: dict | None = None) -> dict:
    body = {"code": status, "status": HTTP_STATUS_CODES.get(status, "Unknown"), "error": error}
    if message:
        body["message"] = message
    if errors:
        body["errors"] = errors
    return body


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        errors = {"json": {exc.field: [{"code": exc.error, "params": {}}]}} if exc.field else None
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else {}
        return error_body(exc.status, exc.error, exc.message, errors), exc.status, headers

    # The app outlives its backing services: while one is down, requests that need it
    # answer 503 at once (timeouts bound the wait) and the next request tries again.
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def handle_database_unavailable(exc: Exception):
        logger.warning("database unavailable: %s", exc)
        return _unavailable("database_unavailable", "the database cannot be reached; try again shortly")

    @app.errorhandler(RedisError)
    def handle_redis_unavailable(exc: RedisError):
        logger.warning("redis unavailable: %s", exc)
        return _unavailable("cache_unavailable", "a backing service cannot be reached; try again shortly")


def _unavailable(error: str, message: str):
    headers = {"Retry-After": str(RETRY_AFTER_UNAVAILABLE)}
    return error_body(503, error, message), 503, headers
