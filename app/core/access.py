"""Who may call what: roles, the signed-in principal, unit scoping and the access policy.

Every API view requires an active, signed-in account unless it is marked ``@public`` or
``@allow_pending``. Scope is a unit subtree: a role held on a unit covers that unit and
everything below it, never its siblings. A row outside the caller's scope is reported as
404 so its existence does not leak; a row in scope that the role may not act on is 403.

The scope primitives live here; who may do what with a particular object is a predicate
on that object (``invite.can_manage(principal)``), in its domain.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app, request
from flask_login import current_user
from flask_smorest import abort
from sqlalchemy import ForeignKey, Select, false, inspect, or_, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.extensions import db

if TYPE_CHECKING:
    from app.orgs.models import Unit

API_PREFIX = "/api/"
OPEN_BLUEPRINTS = {"api-docs", "web"}


class Role(enum.StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"
    OFFICER = "officer"
    ADMIN = "admin"
    # A department's case handler (职能部门处置人员): held on a unit, for one department
    # (``Grant.department_id``); sees only the cases dispatched to that department. Not a
    # staff role: it reads no rosters and manages no accounts.
    HANDLER = "handler"


STAFF_ROLES = (Role.COORDINATOR, Role.OFFICER, Role.ADMIN)
MANAGER_ROLES = (Role.COORDINATOR, Role.ADMIN)
OVERSIGHT_ROLES = (Role.OFFICER, Role.ADMIN)
ADMIN_ROLES = (Role.ADMIN,)


# The signed-in caller -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitRef:
    id: int
    name: str
    kind: str
    path: str


@dataclass(frozen=True, slots=True)
class Grant:
    id: int
    role: Role
    unit: UnitRef
    # The department a handler grant is for; None for every other role.
    department_id: int | None = None


@dataclass(frozen=True, slots=True)
class Membership:
    team_id: int
    team_name: str
    is_leader: bool
    unit: UnitRef


@dataclass(slots=True)
class Principal:
    """The caller as authorisation sees them, loaded with plain rows once per request.

    Reads and policy need only this; a view that changes the account loads the ORM ``User``
    (``accounts.services.current_account()``).
    """

    id: int
    phone: str
    display_name: str
    status: str
    locale: str | None
    created_at: datetime
    grants: tuple[Grant, ...] = ()
    memberships: tuple[Membership, ...] = ()
    # The signed-in device; None for a principal built to check someone's rights offline.
    session_id: int | None = None
    session_key: str = field(default="", repr=False)

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_key

    @property
    def is_active(self) -> bool:
        return self.status in ("active", "pending")

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"

    def unit_paths(self, roles=None) -> list[str]:
        return [g.unit.path for g in self.grants if roles is None or g.role in roles]

    def can_see(self, unit) -> bool:
        return any(unit.path.startswith(p) for p in self.unit_paths())

    def has_role_over(self, unit, roles) -> bool:
        return any(unit.path.startswith(p) for p in self.unit_paths(roles))

    def has_role(self, roles) -> bool:
        return any(g.role in roles for g in self.grants)

    def handler_grants(self) -> list[Grant]:
        return [g for g in self.grants if g.role == Role.HANDLER and g.department_id is not None]

    def leads(self, team_id: int) -> bool:
        return any(m.team_id == team_id and m.is_leader for m in self.memberships)

    @property
    def highest_unit_id(self) -> int | None:
        """The unit of the grant nearest the root: where events about this account belong."""
        if not self.grants:
            return None
        return min(self.grants, key=lambda g: g.unit.path.count("/")).unit.id


# Capabilities: what the PWA may offer, so it never re-derives role rules ------------------

CAPABILITIES: dict[str, object] = {}


def capability(name: str):
    """Register ``fn(principal) -> bool`` as a capability reported by ``GET /me``.

    Each domain registers its own next to the predicates it summarises: a capability says
    "this person may do X somewhere", the object's predicate decides each time.
    """

    def register(fn):
        CAPABILITIES[name] = fn
        return fn

    return register


def capabilities_of(principal: Principal) -> dict[str, bool]:
    return {name: bool(fn(principal)) for name, fn in sorted(CAPABILITIES.items())}


# Unit-owned rows ----------------------------------------------------------------------


class UnitScoped:
    """A row that belongs to one unit of the organisation: its scope is that unit's subtree.

    Rows scoped through a parent (a photo through its report) do not carry ``unit_id``;
    they define ``scope_unit`` as the parent's unit and list through ``scoped_select(...,
    through=Model.parent)``.
    """

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    @declared_attr
    def unit(cls) -> Mapped[Unit]:
        return relationship("Unit", lazy="joined")

    @property
    def scope_unit(self) -> Unit:
        return self.unit


def ancestor_paths(unit) -> list[str]:
    """The paths of a unit and of every unit above it: whoever holds a role on one of them covers it."""
    parts = unit.path.strip("/").split("/")
    return ["/" + "/".join(parts[: length + 1]) + "/" for length in range(len(parts))]


def in_subtrees(unit_path_column, paths: list[str]):
    """A filter keeping rows whose unit lies under one of ``paths``."""
    if not paths:
        return false()
    return or_(*[unit_path_column.startswith(path) for path in paths])


def _unit_class(model):
    """The Unit class, found through a scoped model's ``unit`` relationship (core does not import orgs)."""
    if "path" in inspect(model).columns:
        return model
    return inspect(model).relationships["unit"].mapper.class_


def scoped_select(model, principal: Principal, roles=None, *, through=None) -> Select:
    """SELECT the rows of ``model`` inside the principal's scope (of grants with ``roles``, if given).

    ``through`` is the relationship to the parent that carries the unit, for rows scoped
    through a parent: ``scoped_select(Photo, p, through=Photo.report)``.
    """
    stmt = select(model)
    owner = model
    if through is not None:
        owner = through.property.mapper.class_
        stmt = stmt.join(through)
    unit = _unit_class(owner)
    if owner is not unit:
        stmt = stmt.join(unit, owner.unit_id == unit.id)
    return stmt.where(in_subtrees(unit.path, principal.unit_paths(roles)))


def get_in_scope_or_404(model, row_id: int, principal: Principal):
    """Load a row the principal may see, or answer 404.

    A row is seen where its unit is in the principal's scope; a model whose rows are also
    seen from elsewhere (a street's shift by the members of its communities) says so in
    ``is_visible_to(principal)``.
    """
    row = db.session.get(model, row_id)
    if row is None or not (
        row.is_visible_to(principal) if hasattr(row, "is_visible_to") else principal.can_see(row.scope_unit)
    ):
        abort(404, error="not_found", message=f"{model.__name__.lower()} not found")
    return row


def require(allowed: bool) -> None:
    """403 for a row the user can see but may not act on."""
    if not allowed:
        abort(403, error="forbidden", message="your role does not allow this")


# The policy every API request passes ----------------------------------------------------


def public(view):
    view.is_public = True
    # Read by the OpenAPI document too: a public operation never answers 401.
    view._apidoc = {**getattr(view, "_apidoc", {}), "public": True}
    return view


def allow_pending(view):
    view.allows_pending = True
    return view


def target_view(endpoint: str, method: str):
    """The function that answers ``method`` at ``endpoint`` (a MethodView's method, or the view)."""
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    method = "get" if method == "HEAD" else method.lower()
    return getattr(view_class, method, view)


def is_public(endpoint: str, method: str) -> bool:
    return getattr(target_view(endpoint, method), "is_public", False)


def enforce_access_policy():
    if not request.path.startswith(API_PREFIX) or request.method == "OPTIONS":
        return None
    if request.endpoint is None or request.blueprint in OPEN_BLUEPRINTS:
        return None  # routing errors answer 404/405 themselves
    view = target_view(request.endpoint, request.method)
    if getattr(view, "is_public", False):
        return None
    if not current_user.is_authenticated:
        # A session the server ended because the account was closed says so (the PWA tells a
        # rejected applicant they were rejected, not merely signed out).
        reason = current_app.extensions["signed_out_reason"]()
        abort(401, error=reason or "unauthorized", message="sign in first")
    if current_user.is_pending and not getattr(view, "allows_pending", False):
        abort(403, error="account_pending", message="the account awaits approval")
    return None
