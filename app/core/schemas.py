"""The base schema, field types and validators shared by the domains' schemas.

Field errors leave the API as codes with parameters, ``{"code": "too_short", "params":
{"min": 11}}``, which the PWA translates; never as English sentences. Every message a
field or validator can raise is a ``CodedMessage``: a ``str`` (so marshmallow handles it
as any message) that also carries its code and the parameters it was formatted with.
"""

import unicodedata
from functools import cache

from flask import current_app, request
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.routing import IntegerConverter, UnicodeConverter

# Row ids fit PostgreSQL's integer; bigger numbers can only be mistakes or probes.
MAX_ID = 2**31 - 1


class CodedMessage(str):
    """An error message that knows its code and parameters."""

    code: str
    params: dict

    def __new__(cls, code: str, text: str | None = None, params: dict | None = None):
        message = super().__new__(cls, text or code)
        message.code = code
        message.params = params or {}
        return message

    def format(self, *args, **kwargs):
        # the offending input is not echoed back; parameters nobody set (None) are left out
        params = {key: _jsonable(value) for key, value in kwargs.items() if key != "input" and value is not None}
        return CodedMessage(self.code, str.format(self, *args, **kwargs), params)


def _jsonable(value):
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def coded(code: str, **params) -> CodedMessage:
    """A field error raised by our own rules: ``raise ValidationError(coded("phone_invalid"))``."""
    return CodedMessage(code, code, params)


def as_error_entry(message) -> dict:
    """One field error as the API reports it."""
    if isinstance(message, CodedMessage):
        return {"code": message.code, "params": message.params}
    return {"code": str(message) if str(message).isidentifier() else "invalid", "params": {}}


# marshmallow's message keys, by field class where the same key means different things
_INVALID_CODES = [
    (fields.Boolean, "not_a_boolean"),
    (fields.Integer, "not_an_integer"),
    (fields.Number, "not_a_number"),
    (fields.DateTime, "not_a_datetime"),
    (fields.Date, "not_a_date"),
    (fields.UUID, "not_a_uuid"),
    (fields.String, "not_a_string"),
    (fields.List, "not_a_list"),
    (fields.Mapping, "not_an_object"),
]
_KEY_CODES = {
    "required": "required",
    "null": "not_null",
    "validator_failed": "invalid",
    "too_large": "number_too_large",
    "special": "not_a_number",
    "type": "not_an_object",
    "unknown": "not_one_of",
    "invalid_utf8": "invalid_text",
    "invalid_uuid": "not_a_uuid",
    "invalid_awareness": "not_a_datetime",
    "format": "invalid",
}
FIELD_ERROR_CODES = {code for _, code in _INVALID_CODES} | set(_KEY_CODES.values())


def _code_for(field: fields.Field, key: str) -> str:
    if key == "invalid":
        return next((code for cls, code in _INVALID_CODES if isinstance(field, cls)), "invalid")
    return _KEY_CODES.get(key, key)


def _code_messages(field: fields.Field) -> None:
    field.error_messages = {
        key: message if isinstance(message, CodedMessage) else CodedMessage(_code_for(field, key), message)
        for key, message in field.error_messages.items()
    }
    for inner in (
        getattr(field, "inner", None),
        getattr(field, "key_field", None),
        getattr(field, "value_field", None),
    ):
        if isinstance(inner, fields.Field):
            _code_messages(inner)


class ApiSchema(Schema):
    """The base of every schema: field errors come out as codes."""

    error_messages = {
        "unknown": CodedMessage("unknown_field", "Unknown field."),
        "type": CodedMessage("not_an_object", "Invalid input type."),
    }

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        _code_messages(field_obj)


# Validators raising coded messages --------------------------------------------------------


class Length(validate.Length):
    message_min = CodedMessage("too_short", "Shorter than minimum length {min}.")
    message_max = CodedMessage("too_long", "Longer than maximum length {max}.")
    message_all = CodedMessage("length_out_of_range", "Length must be between {min} and {max}.")
    message_equal = CodedMessage("wrong_length", "Length must be {equal}.")


class Range(validate.Range):
    message_min = CodedMessage("too_small", "Must be {min_op} {{min}}.")
    message_max = CodedMessage("too_big", "Must be {max_op} {{max}}.")
    message_all = CodedMessage("out_of_range", "Must be {min_op} {{min}} and {max_op} {{max}}.")


class OneOf(validate.OneOf):
    default_message = CodedMessage("not_one_of", "Must be one of: {choices}.")


FIELD_ERROR_CODES |= {"too_short", "too_long", "length_out_of_range", "wrong_length", "too_small", "too_big"}
FIELD_ERROR_CODES |= {"out_of_range", "unknown_field", "invalid_text"}


# Field types ------------------------------------------------------------------------------

# Bidirectional overrides and isolates reorder what people read (a name that displays
# differently from what it contains); they have no place in anything this app stores.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Categories nobody types in a name: controls, format characters (zero-width, bidi marks),
# surrogates, private use and unassigned code points.
NAME_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class Text(fields.String):
    """Text the database can store and people can read.

    Refuses lone surrogates (JSON allows ``"\\ud800"``, UTF-8 does not), NUL and other
    control characters (PostgreSQL refuses NUL in text), and bidirectional overrides.
    ``multiline`` allows line breaks and tabs; surrounding whitespace is trimmed unless
    ``trim=False`` (passwords).
    """

    def __init__(self, *, multiline: bool = False, trim: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.multiline = multiline
        self.trim = trim

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        allowed_controls = "\n\t\r" if self.multiline else ""
        for char in text:
            category = unicodedata.category(char)
            if category == "Cs" or (category == "Cc" and char not in allowed_controls) or char in BIDI_CONTROLS:
                raise ValidationError(coded("invalid_text"))
        return text.strip() if self.trim else text


class Name(Text):
    """A name of a person, unit, team or area: one line of visible characters."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if any(unicodedata.category(char) in NAME_FORBIDDEN_CATEGORIES for char in text):
            raise ValidationError(coded("invalid_name"))
        return text


FIELD_ERROR_CODES |= {"invalid_name"}


class Id(fields.Integer):
    """A row id in the database's range; in JSON bodies a true integer (no 1.5, no "7").

    Query strings are text, so query schemas pass ``strict=False``.
    """

    def __init__(self, strict: bool = True, **kwargs):
        super().__init__(strict=strict, validate=Range(min=1, max=MAX_ID), **kwargs)


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs, bounded like ``Id`` so huge numbers are a 404, not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    """``<token>`` in URLs: a path segment without control characters (a NUL is a 404, not a 500)."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, *args, **kwargs)
        self.regex = "[^/\x00-\x1f\x7f]{1,}"


def id_parameter_schema(converter) -> dict:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def attributes(row, schema: type[ApiSchema]) -> dict:
    """The attributes ``schema`` dumps, read off ``row``: to add per-viewer fields beside them."""
    return {name: getattr(row, name) for name in _dumped_attributes(schema)}


@cache
def _dumped_attributes(schema: type[ApiSchema]) -> tuple[str, ...]:
    # Building a schema binds every field anew: once per class, not once per row of a list.
    return tuple(field.attribute or name for name, field in schema().dump_fields.items())


def public_url(path: str) -> str:
    """An absolute link to a PWA route, for links people share (invites, resets)."""
    base = current_app.config["PUBLIC_BASE_URL"] or request.url_root
    return f"{base.rstrip('/')}/{path.lstrip('/')}"
