"""Flask-Login wiring: the cookie names a server-side session; the loader builds the principal.

Every signed-in request pays for this. A principal kept by ``principal_cache`` costs no SQL;
otherwise the loader reads plain rows with two Core statements (the session joined to its
user, then the user's grants and team memberships in one UNION ALL) instead of hydrating
ORM objects, and touches ``last_seen_at`` at most once every ``SESSION_TOUCH_SECONDS``.
"""

import hashlib
from datetime import timedelta

from flask import Flask, current_app, session
from flask_smorest import abort
from sqlalchemy import bindparam, literal, null, select, union_all, update

from app.accounts import principal_cache
from app.accounts.models import RoleGrant, User, UserSession, UserStatus
from app.core import clock
from app.core.access import Grant, Membership, Principal, Role, UnitRef
from app.extensions import db, login_manager
from app.orgs.models import MembershipStatus, Team, TeamMembership, Unit

ACTIVE_STATUSES = (UserStatus.ACTIVE, UserStatus.PENDING)


def configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    principal_cache.init_principal_cache(app)
    app.extensions["signed_out_reason"] = signed_out_reason


CLOSED_STATUSES = (UserStatus.REJECTED, UserStatus.DEACTIVATED)


def signed_out_reason() -> str | None:
    """``account_rejected`` or ``account_deactivated`` when this browser's session was ended
    because its account was closed; None for any other missing or ended session."""
    key = session.get("_user_id")
    if not isinstance(key, str):
        return None
    status = db.session.scalar(
        select(User.status)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.key_hash == key_digest(key), User.status.in_(CLOSED_STATUSES))
    )
    return f"account_{status.value}" if status else None


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


_SESSION = (
    select(
        UserSession.id,
        UserSession.last_seen_at,
        User.id,
        User.phone,
        User.display_name,
        User.status,
        User.locale,
        User.created_at,
    )
    .join(User, UserSession.user_id == User.id)
    .where(
        UserSession.key_hash == bindparam("key_hash"),
        UserSession.ended_at.is_(None),
        UserSession.last_seen_at > bindparam("fresh_since"),
        User.status.in_(ACTIVE_STATUSES),
    )
)

# Grants (kind "g") and memberships (kind "m") of one user, with their units, in one statement.
_GRANTS_AND_MEMBERSHIPS = union_all(
    select(
        literal("g").label("kind"),
        RoleGrant.id,
        RoleGrant.role,
        RoleGrant.department_id,
        null().label("team_name"),
        literal(False).label("is_leader"),
        Unit.id.label("unit_id"),
        Unit.name,
        Unit.kind.label("unit_kind"),
        Unit.path,
    )
    .join(Unit, RoleGrant.unit_id == Unit.id)
    .where(RoleGrant.user_id == bindparam("user_id")),
    select(
        literal("m"),
        TeamMembership.team_id,
        null(),
        null(),
        Team.name,
        TeamMembership.is_leader,
        Unit.id,
        Unit.name,
        Unit.kind,
        Unit.path,
    )
    .join(Team, TeamMembership.team_id == Team.id)
    .join(Unit, Team.unit_id == Unit.id)
    .where(TeamMembership.user_id == bindparam("user_id"), TeamMembership.status == MembershipStatus.ACTIVE),
)


def load_principal(key: str) -> Principal | None:
    config = current_app.config
    digest, touch_after = key_digest(key), timedelta(seconds=config["SESSION_TOUCH_SECONDS"])
    principal = principal_cache.cached(digest, touch_after)
    if principal is not None:
        return principal
    seen_changes = principal_cache.change_count()
    now = clock.now()
    connection = db.session.connection()
    row = connection.execute(
        _SESSION, {"key_hash": digest, "fresh_since": now - config["PERMANENT_SESSION_LIFETIME"]}
    ).one_or_none()
    if row is None:
        return None
    session_id, last_seen_at, user_id, phone, display_name, status, locale, created_at = row
    grants, memberships = [], []
    for (
        kind,
        row_id,
        role,
        department_id,
        team_name,
        is_leader,
        unit_id,
        unit_name,
        unit_kind,
        path,
    ) in connection.execute(_GRANTS_AND_MEMBERSHIPS, {"user_id": user_id}):
        unit = UnitRef(unit_id, unit_name, unit_kind, path)
        if kind == "g":
            grants.append(Grant(row_id, Role(role), unit, department_id))
        else:
            memberships.append(Membership(row_id, team_name, bool(is_leader), unit))
    if now - last_seen_at > touch_after:
        _touch(session_id, now)
        last_seen_at = now
    principal = Principal(
        id=user_id,
        phone=phone,
        display_name=display_name,
        status=status,
        locale=locale,
        created_at=created_at,
        session_id=session_id,
        session_key=key,
        grants=tuple(sorted(grants, key=lambda g: g.id)),
        memberships=tuple(sorted(memberships, key=lambda m: m.team_id)),
    )
    principal_cache.keep(digest, principal, last_seen_at, seen_changes)
    return principal


def _touch(session_id: int, now) -> None:
    """Record that the session is in use, in a transaction of its own: reads never commit."""
    with db.engine.begin() as connection:
        connection.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))


@login_manager.user_loader
def _load_user(key: str) -> Principal | None:
    return load_principal(key)


@login_manager.unauthorized_handler
def unauthorized():
    abort(401, error="unauthorized", message="sign in first")
