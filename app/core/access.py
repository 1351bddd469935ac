"""Who may call what: authentication policy and unit scoping.

Every API view requires an active, signed-in account unless it is marked
``@public`` or ``@allow_pending``. Scope is a unit subtree: a role held on a
unit covers that unit and everything below it, never its siblings. A row
outside the caller's scope is reported as 404 so its existence does not leak.
"""

from flask import current_app, request
from flask_login import current_user
from flask_smorest import abort
from sqlalchemy import false, or_

from app.extensions import db

API_PREFIX = "/api/"
OPEN_BLUEPRINTS = {"api-docs", "web"}


def public(view):
    view.is_public = True
    return view


def allow_pending(view):
    view.allows_pending = True
    return view


def _target_view():
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    method = "get" if request.method == "HEAD" else request.method.lower()
    return getattr(view_class, method, view)


def enforce_access_policy():
    if not request.path.startswith(API_PREFIX) or request.method == "OPTIONS":
        return None
    if request.endpoint is None or request.blueprint in OPEN_BLUEPRINTS:
        return None  # routing errors answer 404/405 themselves
    view = _target_view()
    if getattr(view, "is_public", False):
        return None
    if not current_user.is_authenticated:
        abort(401, error="unauthorized", message="sign in first")
    if current_user.is_pending and not getattr(view, "allows_pending", False):
        abort(403, error="account_pending", message="the account awaits approval")
    return None


def in_subtrees(unit_path_column, paths: list[str]):
    """A filter keeping rows whose unit lies under one of ``paths`` (a list query's scope)."""
    if not paths:
        return false()
    return or_(*[unit_path_column.startswith(path) for path in paths])


def get_in_scope_or_404(model, row_id: int, user):
    """Load a unit-owned row the user may see, or answer 404."""
    row = db.session.get(model, row_id)
    if row is None or not user.can_see(row.unit):
        abort(404, error="not_found", message=f"{model.__name__.lower()} not found")
    return row


def require(allowed: bool) -> None:
    """403 for a row the user can see but may not act on."""
    if not allowed:
        abort(403, error="forbidden", message="your role does not allow this")
