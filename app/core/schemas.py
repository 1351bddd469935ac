"""Field types shared by the domains' schemas."""

from flask import current_app, request
from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter

# Row ids fit PostgreSQL's integer; bigger numbers can only be mistakes or probes.
MAX_ID = 2**31 - 1


class Id(fields.Integer):
    """A row id in the database's range; in JSON bodies a true integer (no 1.5, no "7").

    Query strings are text, so query schemas pass ``strict=False``.
    """

    def __init__(self, strict: bool = True, **kwargs):
        super().__init__(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs, bounded like ``Id`` so huge numbers are a 404, not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def id_parameter_schema(converter) -> dict:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


class TrimmedString(fields.String):
    """A string with surrounding whitespace removed before validation."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def public_url(path: str) -> str:
    """An absolute link to a PWA route, for links people share (invites, resets)."""
    base = current_app.config["PUBLIC_BASE_URL"] or request.url_root
    return f"{base.rstrip('/')}/{path.lstrip('/')}"
