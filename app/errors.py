"""The one JSON error shape, for every 4xx and 5xx the API returns.

``{"code": 409, "status": "Conflict", "error": "phone_taken", "message": "...",
"errors": {"json": {"phone": ["phone_invalid"]}}}``

``error`` is a stable snake_case identifier the PWA maps to zh/en text;
``message`` is English for developers and logs. Services raise ``DomainError``
subclasses, which know nothing about HTTP beyond their status.
"""

import math
import time

from flask import Flask
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
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
}


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


class ErrorShapeMixin:
    """Adds the ``error`` identifier to flask-smorest's error payload."""

    def handle_http_exception(self, error: HTTPException):
        payload, status, headers = super().handle_http_exception(error)
        data = getattr(error, "data", None) or {}
        payload["error"] = data.get("error") or ERROR_IDS.get(status, "error")
        if status >= 500:
            # Flask has logged the exception; its details stay out of the response.
            payload["message"] = "internal error"
        elif "message" not in payload:
            payload["message"] = error.description
        if isinstance(error, CSRFError):
            payload["error"] = "csrf_failed"
        elif status == 400 and "json" in payload.get("errors", {}):
            # webargs reports an unparseable body as a 400 with a json error
            payload["error"] = "malformed_json"
        if status == 429:
            payload["message"] = f"rate limit exceeded: {error.description}"
            headers = {**headers, "Retry-After": str(_seconds_until_limit_resets())}
        return payload, status, headers


def _seconds_until_limit_resets() -> int:
    from app.extensions import limiter

    current = limiter.current_limit
    return max(1, math.ceil(current.reset_at - time.time())) if current else 60


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        errors = {"json": {exc.field: [exc.error]}} if exc.field else None
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else {}
        return error_body(exc.status, exc.error, exc.message, errors), exc.status, headers
