"""The API's shared machinery: the Api with our one error shape, the Blueprint and its body parser."""

import json
import math
import time
from http import HTTPStatus

import flask_smorest
from flask import current_app
from flask_smorest import Api
from flask_wtf.csrf import CSRFError
from marshmallow import fields
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.exceptions import HTTPException

from app.core.schemas import ApiSchema, as_error_entry
from app.errors import ERROR_IDS


class FieldErrorSchema(ApiSchema):
    code = fields.String(metadata={"description": "what is wrong, e.g. too_short"})
    params = fields.Dict(metadata={"description": "details for the message, e.g. {min: 11}"})


class ErrorSchema(ApiSchema):
    """Every 4xx and 5xx answer of the API."""

    code = fields.Integer(metadata={"description": "the HTTP status"})
    status = fields.String(metadata={"description": "the HTTP status phrase"})
    error = fields.String(metadata={"description": "stable identifier the PWA translates, e.g. phone_taken"})
    message = fields.String(metadata={"description": "English, for developers and logs"})
    errors = fields.Dict(
        keys=fields.String(metadata={"description": "where: json, query, files"}),
        values=fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FieldErrorSchema))),
        metadata={"description": "field errors by location and field name"},
    )


def coded_errors(node):
    """Field errors with every message as ``{code, params}``, however deeply nested."""
    if isinstance(node, dict):
        return {str(key): coded_errors(value) for key, value in node.items()}
    if isinstance(node, list):
        return [coded_errors(item) if isinstance(item, (dict, list)) else as_error_entry(item) for item in node]
    return [as_error_entry(node)]


class PatrolApi(Api):
    """flask-smorest's Api with our one error shape: its payload plus the ``error`` identifier."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        payload, status, headers = super().handle_http_exception(error)
        data = getattr(error, "data", None) or {}
        payload["error"] = data.get("error") or ERROR_IDS.get(status, "error")
        if status >= 500:
            # Flask has logged the exception; its details stay out of the response.
            payload["message"] = "internal error" if status == 500 else error.description
        elif "message" not in payload:
            payload["message"] = error.description
        if isinstance(error, CSRFError):
            payload["error"] = "csrf_failed"
        elif status == 400 and "json" in payload.get("errors", {}):
            # webargs reports an unparseable body as a 400 with a json error
            payload["error"] = "malformed_json"
            payload.pop("errors")
        if "errors" in payload:
            payload["errors"] = coded_errors(payload["errors"])
        if status == 429:
            payload["message"] = f"rate limit exceeded: {error.description}"
            headers = {**headers, "Retry-After": str(_seconds_until_limit_resets())}
        return payload, status, headers


def _seconds_until_limit_resets() -> int:
    for limiter in current_app.extensions.get("limiter", ()):
        current = limiter.current_limit
        if current:
            return max(1, math.ceil(current.reset_at - time.time()))
    return 60


class JsonParser(FlaskParser):
    """webargs' parser, strict about what a JSON body is.

    - A body of another type is a 415, never read as ``{}`` (a form post to a create
      endpoint would otherwise succeed with defaults).
    - Anything ``json.loads`` cannot turn into data is a 400 ``malformed_json``: nesting too
      deep for Python's parser, integers longer than Python converts (4,300 digits), bytes
      that are not UTF-8.
    """

    def load_json(self, req, schema):
        if not is_json_request(req):
            if req.content_length or req.get_data(cache=True):
                abort(415, error="unsupported_media_type", message="send the body as application/json")
            return core.missing
        try:
            return super().load_json(req, schema)
        except (RecursionError, ValueError):
            abort(400, messages={"json": ["The JSON body cannot be read."]})

    def _raw_load_json(self, req):
        body = req.get_data(cache=True)
        if not body.strip():
            return core.missing
        return json.loads(body.decode("utf-8"))


WRITE_METHODS = {"post", "put", "patch", "delete"}


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint; the OpenAPI document lists each operation's error answers.

    Automatic: 401 and 403 (signed out, pending) unless the view is public; 400 (CSRF,
    malformed JSON) on writes, 415 and 422 on writes with a body; 503 (a backing service
    down). Views add the rest with ``@blp.errors(404, 409, ...)``.
    """

    ARGUMENTS_PARSER = JsonParser()
    # List pages sized for rosters and review queues.
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 200}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.insert(0, self._prepare_error_doc)

    @staticmethod
    def errors(*statuses: int, automatic: bool = True):
        """Document the error answers this view gives beyond the automatic ones
        (``automatic=False``: only these, for views that touch nothing that can fail)."""

        def decorate(view):
            view._apidoc = {**getattr(view, "_apidoc", {}), "errors": statuses, "automatic_errors": automatic}
            return view

        return decorate

    @staticmethod
    def _prepare_error_doc(doc, doc_info, *, method, **kwargs):
        statuses = set(doc_info.get("errors", ()))
        if doc_info.get("automatic_errors", True):
            statuses.add(503)
            if not doc_info.get("public"):
                statuses |= {401, 403}
            if method in WRITE_METHODS:
                statuses.add(400)
                if "arguments" in doc_info:
                    statuses |= {415, 422}
        responses = doc_info.setdefault("response", {}).setdefault("responses", {})
        for status in sorted(statuses):
            name = HTTPStatus(status).name
            if name not in responses.get(status, []):
                responses.setdefault(status, []).append(name)
        return doc
