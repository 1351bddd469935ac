"""Page pagination and whitelisted sorting for every list endpoint."""

from flask_smorest import abort
from marshmallow import fields
from sqlalchemy import Select, func, select

from app.core.schemas import MAX_ID, ApiSchema, OneOf, coded
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
