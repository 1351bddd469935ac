"""Page pagination (with counts, for small lists), keyset pagination (for long ones) and
whitelisted sorting for every list endpoint."""

import base64
import binascii
import json
from datetime import datetime

from flask_smorest import abort
from marshmallow import fields
from sqlalchemy import Select, func, literal, select, tuple_

from app.core.schemas import MAX_ID, ApiSchema, Length, OneOf, Range, coded
from app.extensions import db


def sort_field(*keys: str, default: str):
    """A ``sort`` query field accepting ``key`` or ``-key`` for each allowed key."""
    choices = [k for key in keys for k in (key, f"-{key}")]
    return fields.String(load_default=default, validate=OneOf(choices))


def apply_sort(stmt: Select, sort: str, columns: dict, tiebreak) -> Select:
    """Order by the requested column, then by ``tiebreak`` so pages never overlap."""
    descending = sort.startswith("-")
    column = columns[sort.lstrip("-")]
    return stmt.order_by(column.desc() if descending else column.asc(), tiebreak)


def paginate(stmt: Select, pagination_parameters) -> list:
    """Run ``stmt`` for the requested page and record the total for X-Pagination."""
    if pagination_parameters.page > MAX_ID:
        abort(422, error="validation_failed", errors={"query": {"page": [coded("too_big", max=MAX_ID)]}})
    page = db.paginate(
        stmt,
        page=pagination_parameters.page,
        per_page=pagination_parameters.page_size,
        error_out=False,
        count=True,
    )
    pagination_parameters.item_count = page.total
    return page.items


def paginate_rows(stmt: Select, pagination_parameters) -> list:
    """``paginate`` for a SELECT of several columns (a summary per person): rows, not objects."""
    if pagination_parameters.page > MAX_ID:
        abort(422, error="validation_failed", errors={"query": {"page": [coded("too_big", max=MAX_ID)]}})
    size = pagination_parameters.page_size
    pagination_parameters.item_count = db.session.scalar(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    )
    return db.session.execute(stmt.limit(size).offset((pagination_parameters.page - 1) * size)).all()


class ListQuerySchema(ApiSchema):
    include_inactive = fields.Boolean(load_default=False)


# Keyset pagination: for long, busy lists (the officers' queue of 200,000 cases) -----------------

CURSOR_HEADER = "X-Next-Cursor"


class KeysetQuerySchema(ApiSchema):
    """``cursor`` from the previous page's ``X-Next-Cursor`` header; none for the first page."""

    cursor = fields.String(
        load_default=None, validate=Length(max=500), metadata={"description": "X-Next-Cursor of the previous page"}
    )
    page_size = fields.Integer(load_default=50, validate=Range(min=1, max=200))


def _encode_value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _decode_value(value, python_type):
    if python_type is datetime:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive datetime in cursor")
        return parsed
    if python_type is float and isinstance(value, int):
        return float(value)
    if not isinstance(value, python_type) or isinstance(value, bool):
        raise ValueError("wrong type in cursor")
    return value


def _python_type(column) -> type:
    column_type = column.type
    # A TypeDecorator (UTCDateTime) says ``object``; what it stores is its impl's type.
    return getattr(column_type, "impl", column_type).python_type


def _cursor_error():
    abort(422, error="validation_failed", errors={"query": {"cursor": [coded("cursor_invalid")]}})


def keyset_page(stmt: Select, columns: list, *, descending: bool, sort: str, cursor: str | None, page_size: int):
    """One page of ``stmt`` ordered by ``columns`` (the last one unique, e.g. the id), and the next cursor.

    Instead of OFFSET (which reads and drops every earlier row), the page starts after the
    last row of the previous one: ``WHERE (created_at, id) < (:last_created_at, :last_id)``,
    which an index on the same columns answers directly however deep the page. The cursor is
    opaque to clients and names its sort, so a cursor of one sort is refused by another. The
    columns must not be NULL in the rows selected. Returns ``(rows, next_cursor or None)``.
    """
    if cursor:
        try:
            payload = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
            if not isinstance(payload, dict) or payload.get("s") != sort or len(payload.get("v", ())) != len(columns):
                raise ValueError("cursor of another sort")
            values = [_decode_value(v, _python_type(c)) for v, c in zip(payload["v"], columns, strict=True)]
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            _cursor_error()
        key, last = tuple_(*columns), tuple_(*[literal(v, c.type) for v, c in zip(values, columns, strict=True)])
        stmt = stmt.where(key < last if descending else key > last)
    stmt = stmt.order_by(*[c.desc() if descending else c.asc() for c in columns]).limit(page_size + 1)
    rows = db.session.scalars(stmt).unique().all()
    if len(rows) <= page_size:
        return rows, None
    rows = rows[:page_size]
    values = [_encode_value(getattr(rows[-1], c.key)) for c in columns]
    next_cursor = base64.urlsafe_b64encode(json.dumps({"s": sort, "v": values}).encode()).rstrip(b"=").decode()
    return rows, next_cursor
