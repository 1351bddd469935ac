"""Account rules: registration by invite, sign-in, approval, passwords.

Services flush and never commit; the calling view commits once.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import (
    OVERSIGHT_ROLES,
    STATUS_TRANSITIONS,
    Invite,
    PasswordReset,
    Role,
    RoleGrant,
    User,
    UserStatus,
)
from app.accounts.passwords import burn_verification_time, hash_password, needs_rehash, verify_password
from app.core.access import in_subtrees
from app.core.models import utcnow
from app.errors import Conflict, Forbidden, Gone, NotFound, RuleViolation, Unauthorized
from app.extensions import db
from app.orgs.models import Team, TeamMembership, Unit
from app.orgs.services import add_member


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


def grant_role(user: User, role: Role, unit: Unit) -> RoleGrant:
    """Give a role (idempotent); outstanding reset links die, as they were issued for lesser rights."""
    existing = next((g for g in user.role_grants if g.role == role and g.unit_id == unit.id), None)
    if existing:
        return existing
    grant = RoleGrant(user=user, role=role, unit=unit)
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
    return grant


def revoke_role(grant: RoleGrant) -> None:
    # An account with no role is one nobody could see or manage any more.
    if len(grant.user.role_grants) == 1:
        raise RuleViolation("last_role", "an account keeps at least one role; deactivate it instead")
    db.session.delete(grant)
    db.session.flush()


def users_visible_to(viewer: User) -> Select:
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


@dataclass
class AccountView:
    """An account as one viewer may see it: only the roles and teams within their sight."""

    id: int
    phone: str
    display_name: str
    status: UserStatus
    created_at: datetime
    role_grants: list[RoleGrant]
    memberships: list[TeamMembership]


def account_as_seen_by(user: User, viewer: User) -> AccountView:
    return AccountView(
        id=user.id,
        phone=user.phone,
        display_name=user.display_name,
        status=user.status,
        created_at=user.created_at,
        role_grants=[g for g in user.role_grants if viewer.can_see_grant(g)],
        memberships=[m for m in user.memberships if viewer.can_see_membership(m)],
    )


# Invites -------------------------------------------------------------------


def create_invite(team: Team, by: User, expires_in_hours: int, max_uses: int, auto_approve: bool) -> Invite:
    invite = Invite(
        token=secrets.token_urlsafe(24),
        team=team,
        unit=team.unit,
        created_by_id=by.id,
        expires_at=utcnow() + timedelta(hours=expires_in_hours),
        max_uses=max_uses,
        auto_approve=auto_approve,
    )
    db.session.add(invite)
    db.session.flush()
    return invite


def find_usable_invite(token: str) -> Invite:
    invite = db.session.scalar(select(Invite).where(Invite.token == token))
    if invite is None:
        raise NotFound("invite_not_found", "no invite has this token")
    reason = invite.unusable_reason()
    if reason:
        raise Gone(reason, reason.replace("_", " "))
    return invite


def revoke_invite(invite: Invite) -> Invite:
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()
        db.session.flush()
    return invite


def _take_invite_use(invite: Invite) -> None:
    """Count one use atomically, so concurrent sign-ups can't exceed max_uses."""
    taken = db.session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.use_count < Invite.max_uses)
        .values(use_count=Invite.use_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise Gone("invite_used_up", "invite used up")
    db.session.refresh(invite, ["use_count"])


def register_with_invite(token: str, phone: str, display_name: str, password: str, locale: str | None) -> User:
    invite = find_usable_invite(token)
    status = UserStatus.ACTIVE if invite.auto_approve else UserStatus.PENDING
    user = create_user(phone, display_name, password, status, locale)
    _take_invite_use(invite)
    grant_role(user, Role.MEMBER, invite.team.unit)
    add_member(invite.team, user)
    return user


# Sign-in and passwords -----------------------------------------------------


def authenticate(phone: str, password: str) -> User:
    user = find_user_by_phone(phone)
    if user is None:
        burn_verification_time(password)
        raise Unauthorized("invalid_credentials", "wrong phone number or password")
    if not verify_password(user.password_hash, password):
        raise Unauthorized("invalid_credentials", "wrong phone number or password")
    if user.status == UserStatus.REJECTED:
        raise Forbidden("account_rejected", "the registration was rejected")
    if user.status == UserStatus.DEACTIVATED:
        raise Forbidden("account_deactivated", "the account is deactivated")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def set_password(user: User, new_password: str) -> None:
    """Set a new password, end every session the user had and every other reset link."""
    user.password_hash = hash_password(new_password)
    user.end_sessions()
    _cancel_password_resets(user)
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise RuleViolation("password_incorrect", "the current password is wrong", field="current_password")
    set_password(user, new_password)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_reset(user: User, by: User, valid_hours: int) -> tuple[PasswordReset, str]:
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        token_hash=_token_digest(token),
        user=user,
        created_by_id=by.id,
        expires_at=utcnow() + timedelta(hours=valid_hours),
    )
    db.session.add(reset)
    db.session.flush()
    return reset, token


def find_usable_reset(token: str) -> PasswordReset:
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _token_digest(token)))
    if reset is None:
        raise NotFound("reset_not_found", "no reset link has this token")
    if reset.used_at is not None:
        raise Gone("reset_used", "the reset link was used already")
    if reset.expires_at <= utcnow():
        raise Gone("reset_expired", "the reset link has expired")
    issuer = reset.created_by
    # The link is only as good as its issuer's right to manage the account, today.
    if issuer.status != UserStatus.ACTIVE or not issuer.can_manage_user(reset.user):
        raise Gone("reset_revoked", "the reset link is no longer valid")
    return reset


def _cancel_password_resets(user: User) -> None:
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def consume_password_reset(token: str, new_password: str) -> User:
    reset = find_usable_reset(token)
    # Claim the link with a conditional update: two tabs can't both use it.
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Gone("reset_used", "the reset link was used already")
    set_password(reset.user, new_password)
    return reset.user


# Approval and deactivation --------------------------------------------------


def change_status(user: User, action: str) -> User:
    """Approve, reject, deactivate or reactivate; closing an account ends its sessions at once."""
    allowed_from, target, error = STATUS_TRANSITIONS[action]
    if user.status not in allowed_from:
        raise Conflict(error, f"cannot {action} an account that is {user.status.value}")
    user.status = target
    if not user.is_active:
        user.end_sessions()
        _cancel_password_resets(user)
    db.session.flush()
    return user
