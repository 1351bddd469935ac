"""Account rules: accounts and their roles, who sees whom, approval and deactivation, passwords
and reset links. Sessions are in ``sessions.py``, invites in ``invites.py``.

Services flush and never commit; the calling view commits once. Each change that matters
to security or accountability is recorded in the audit log in the same transaction.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import g
from flask_login import current_user
from sqlalchemy import Select, and_, delete, exists, func, not_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.accounts.models import (
    STATUS_TRANSITIONS,
    PasswordReset,
    RoleGrant,
    User,
    UserStatus,
)
from app.accounts.passwords import (
    hash_password,
    is_phone_number,
    verify_password,
)
from app.accounts.sessions import end_sessions
from app.audit.services import record_about_user
from app.core import clock
from app.core.access import (
    MANAGER_ROLES,
    OVERSIGHT_ROLES,
    STAFF_ROLES,
    Grant,
    Membership,
    Principal,
    Role,
    UnitRef,
    ancestor_paths,
    in_subtrees,
)
from app.errors import Conflict, Gone, NotFound, RuleViolation
from app.extensions import db
from app.orgs.models import MembershipStatus, Team, TeamMembership, Unit

# Accounts ------------------------------------------------------------------------------


def find_user_by_phone(phone: str) -> User | None:
    return db.session.scalar(select(User).where(User.phone == phone))


def create_user(phone: str, display_name: str, password: str, status: UserStatus, locale: str | None = None) -> User:
    if find_user_by_phone(phone) is not None:
        raise Conflict("phone_taken", "this phone number is already registered", field="phone")
    user = User(
        phone=phone, display_name=display_name, password_hash=hash_password(password), status=status, locale=locale
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("phone_taken", "this phone number is already registered", field="phone") from exc
    return user


def current_account() -> User:
    """The signed-in user as an ORM object, for views that change the account."""
    if "current_account" not in g:
        g.current_account = db.session.get(User, current_user.id)
    return g.current_account


def _unit_ref(unit: Unit) -> UnitRef:
    return UnitRef(unit.id, unit.name, unit.kind, unit.path)


def _grant_ref(grant: RoleGrant) -> Grant:
    return Grant(grant.id, grant.role, _unit_ref(grant.unit), grant.department_id)


def _membership_ref(membership: TeamMembership) -> Membership:
    return Membership(membership.team_id, membership.team.name, membership.is_leader, _unit_ref(membership.team.unit))


def principal_of(user: User, session_id: int | None = None, session_key: str = "") -> Principal:
    """The rights ``user`` holds now, as the policy checks them."""
    return Principal(
        id=user.id,
        phone=user.phone,
        display_name=user.display_name,
        status=user.status,
        locale=user.locale,
        created_at=user.created_at,
        grants=tuple(_grant_ref(grant) for grant in user.role_grants),
        memberships=tuple(_membership_ref(m) for m in user.memberships if m.status == MembershipStatus.ACTIVE),
        session_id=session_id,
        session_key=session_key,
    )


# Roles ---------------------------------------------------------------------------------


def grant_role(
    user: User, role: Role, unit: Unit, by: Principal | None = None, department_id: int | None = None
) -> RoleGrant:
    """Give a role (idempotent); outstanding reset links die, as they were issued for lesser rights.

    A handler's grant names the department they work for (``department_id``).
    """
    existing = next((grant for grant in user.role_grants if grant.role == role and grant.unit_id == unit.id), None)
    if existing:
        return existing
    grant = RoleGrant(user=user, role=role, unit=unit, department_id=department_id)
    db.session.add(grant)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same grant made concurrently
        user.role_grants.remove(grant)
        return db.session.scalar(
            select(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.role == role, RoleGrant.unit_id == unit.id)
        )
    _cancel_password_resets(user)
    if by is not None:
        record_about_user("role_granted", user.id, actor_id=by.id, unit_id=unit.id, role=role.value)
    return grant


def revoke_role(grant: RoleGrant, by: Principal) -> None:
    """Take a role away. The account keeps at least one; team memberships its member
    grants no longer cover end with it."""
    user = grant.user
    # Two removals at once must not leave the account with no role, unseen and unmanageable.
    # The delete only happens while another grant remains, judged inside the statement
    # (SQLite runs each write alone); PostgreSQL also serialises role changes of one account
    # on its row, so the second statement's snapshot sees the first one's delete.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    others = (
        select(func.count()).select_from(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.id != grant.id)
    ).scalar_subquery()
    removed = db.session.execute(
        delete(RoleGrant)
        .where(RoleGrant.id == grant.id, others > 0)
        .execution_options(synchronize_session=False, principals_of=[user.id])
    ).rowcount
    if not removed:
        if db.session.scalar(select(RoleGrant.id).where(RoleGrant.id == grant.id)) is None:
            raise NotFound("not_found", "the account has no such role")
        raise RuleViolation("last_role", "an account keeps at least one role; deactivate it instead")
    db.session.expire(user, ["role_grants", "memberships"])
    if grant.role == Role.MEMBER:
        end_memberships_outside(user.id)
    record_about_user("role_revoked", user.id, actor_id=by.id, unit_id=grant.unit_id, role=grant.role.value)


def end_memberships_outside(user_id: int) -> int:
    """End the user's active team memberships that no ``member`` grant of theirs covers any more
    (moved to another community, or promoted without keeping the member role)."""
    member_grant = aliased(RoleGrant)
    grant_unit = aliased(Unit)
    covered = (
        exists()
        .where(member_grant.user_id == user_id, member_grant.role == Role.MEMBER)
        .where(grant_unit.id == member_grant.unit_id)
        .where(Unit.path.startswith(grant_unit.path))
    )
    uncovered_teams = select(Team.id).join(Unit, Team.unit_id == Unit.id).where(not_(covered))
    return db.session.execute(
        delete(TeamMembership)
        .where(
            TeamMembership.user_id == user_id,
            TeamMembership.status == MembershipStatus.ACTIVE,
            TeamMembership.team_id.in_(uncovered_teams),
        )
        .execution_options(synchronize_session=False, principals_of=[user_id])
    ).rowcount


def managers_over(unit: Unit) -> Select:
    """User ids of the coordinators and admins whose scope covers the unit: whom to tell about it."""
    return (
        select(RoleGrant.user_id)
        .join(Unit, RoleGrant.unit_id == Unit.id)
        .where(RoleGrant.role.in_(MANAGER_ROLES), in_subtrees(Unit.path, ancestor_paths(unit)))
    )


# Who sees whom -------------------------------------------------------------------------


def users_visible_to(viewer: Principal) -> Select:
    """Ids of the accounts ``viewer`` may see: all roles under their oversight, members under coordination."""
    oversight = viewer.unit_paths(OVERSIGHT_ROLES)
    coordination = viewer.unit_paths((Role.COORDINATOR,))
    return (
        select(RoleGrant.user_id)
        .join(Unit, RoleGrant.unit_id == Unit.id)
        .where(
            or_(
                in_subtrees(Unit.path, oversight),
                and_(RoleGrant.role == Role.MEMBER, in_subtrees(Unit.path, coordination)),
            )
        )
    )


def hides_staff_from(viewer: Principal):
    """A filter on User: false for accounts holding a staff role outside the viewer's oversight.

    Rosters list plain members to everyone who may read them; a member who is also staff
    somewhere only to those who may see that staff role.
    """
    staff_grant = aliased(RoleGrant)
    staff_unit = aliased(Unit)
    return not_(
        exists()
        .where(staff_grant.user_id == User.id, staff_grant.role.in_(STAFF_ROLES))
        .where(staff_unit.id == staff_grant.unit_id)
        .where(not_(in_subtrees(staff_unit.path, viewer.unit_paths(OVERSIGHT_ROLES))))
    )


@dataclass
class AccountView:
    """An account as one viewer may see it: only the roles and teams within their sight."""

    id: int
    phone: str
    display_name: str
    status: UserStatus
    created_at: datetime
    grants: tuple[Grant, ...]
    memberships: tuple[Membership, ...]


def account_as_seen_by(user: User, viewer: Principal) -> AccountView:
    return AccountView(
        id=user.id,
        phone=user.phone,
        display_name=user.display_name,
        status=user.status,
        created_at=user.created_at,
        grants=tuple(_grant_ref(grant) for grant in user.role_grants if grant.is_visible_to(viewer)),
        memberships=tuple(
            _membership_ref(m)
            for m in user.memberships
            if m.status == MembershipStatus.ACTIVE and m.is_visible_to(viewer)
        ),
    )


# Sign-in and passwords -----------------------------------------------------------------


def set_password(user: User, new_password: str, keep_session_id: int | None = None) -> None:
    """Set a new password; every other session of the user and every other reset link ends."""
    if is_phone_number(new_password, user.phone):
        raise RuleViolation("password_is_phone", "the password is the account's phone number", field="new_password")
    user.password_hash = hash_password(new_password)
    end_sessions(user.id, keep_session_id)
    _cancel_password_resets(user)
    db.session.flush()


def change_password(principal: Principal, current_password: str, new_password: str) -> None:
    user = current_account()
    if not verify_password(user.password_hash, current_password):
        record_about_user(
            "password_change_failed",
            user.id,
            actor_id=user.id,
            unit_id=user.home_unit_id,
        )
        raise RuleViolation("password_incorrect", "the current password is wrong", field="current_password")
    set_password(user, new_password, keep_session_id=principal.session_id)
    record_about_user("password_changed", user.id, actor_id=user.id, unit_id=user.home_unit_id)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_reset(user: User, by: Principal, valid_hours: int) -> tuple[PasswordReset, str]:
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        token_hash=_token_digest(token),
        user=user,
        created_by_id=by.id,
        expires_at=clock.now() + timedelta(hours=valid_hours),
    )
    db.session.add(reset)
    db.session.flush()
    record_about_user("password_reset_issued", user.id, actor_id=by.id, unit_id=user.home_unit_id)
    return reset, token


def find_usable_reset(token: str) -> PasswordReset:
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _token_digest(token)))
    if reset is None:
        raise NotFound("reset_not_found", "no reset link has this token")
    if reset.used_at is not None:
        raise Gone("reset_used", "the reset link was used already")
    if reset.expires_at <= clock.now():
        raise Gone("reset_expired", "the reset link has expired")
    issuer = reset.created_by
    # The link is only as good as its issuer's right to manage the account, today.
    if issuer.status != UserStatus.ACTIVE or not reset.user.can_be_managed_by(principal_of(issuer)):
        raise Gone("reset_revoked", "the reset link is no longer valid")
    return reset


def _cancel_password_resets(user: User) -> None:
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def consume_password_reset(token: str, new_password: str) -> User:
    reset = find_usable_reset(token)
    # Claim the link with a conditional update: two tabs can't both use it.
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Gone("reset_used", "the reset link was used already")
    user = reset.user
    set_password(user, new_password)
    record_about_user("password_reset_used", user.id, actor_id=user.id, unit_id=user.home_unit_id)
    return user


# Approval and deactivation ----------------------------------------------------------------

STATUS_EVENTS = {
    "approve": "account_approved",
    "reject": "account_rejected",
    "deactivate": "account_deactivated",
    "reactivate": "account_reactivated",
}


def change_status(user: User, action: str, by: Principal) -> User:
    """Approve, reject, deactivate or reactivate; closing an account ends its sessions at once.

    The change is a conditional update, so of two coordinators approving and rejecting
    the same applicant at once exactly one wins and the other gets 409.
    """
    allowed_from, target, error = STATUS_TRANSITIONS[action]
    changed = db.session.execute(
        update(User)
        .where(User.id == user.id, User.status.in_(allowed_from))
        .values(status=target)
        .execution_options(synchronize_session=False, principals_of=[user.id])
    ).rowcount
    if not changed:
        db.session.refresh(user, ["status"])
        raise Conflict(error, f"cannot {action} an account that is {user.status.value}")
    user.status = target
    if not user.is_active:
        end_sessions(user.id)
        _cancel_password_resets(user)
    db.session.flush()
    record_about_user(STATUS_EVENTS[action], user.id, actor_id=by.id, unit_id=user.home_unit_id)
    return user
