"""Invites and joining teams: registration by invite, an existing account joining another team,
and the join requests coordinators decide."""

import secrets
from datetime import timedelta

from sqlalchemy import Select, select, update

from app.accounts.models import (
    Invite,
    User,
    UserStatus,
)
from app.accounts.services import create_user, grant_role, principal_of
from app.audit.services import record, record_about_user
from app.core import clock
from app.core.access import (
    MANAGER_ROLES,
    Principal,
    Role,
    scoped_select,
)
from app.core.services import claim_one
from app.errors import Conflict, Gone, NotFound, RuleViolation
from app.extensions import db
from app.orgs.models import MembershipStatus, Team, TeamMembership
from app.orgs.services import add_member, ancestors_active

# Invites and joining teams -----------------------------------------------------------------


def create_invite(team: Team, by: Principal, expires_in_hours: int, max_uses: int, auto_approve: bool) -> Invite:
    if not (team.is_active and ancestors_active(team.unit)):
        raise RuleViolation("team_inactive", "the team or a unit above it is deactivated")
    invite = Invite(
        token=secrets.token_urlsafe(24),
        team=team,
        unit=team.unit,
        created_by_id=by.id,
        expires_at=clock.now() + timedelta(hours=expires_in_hours),
        max_uses=max_uses,
        auto_approve=auto_approve,
    )
    db.session.add(invite)
    db.session.flush()
    record("invite_created", actor_id=by.id, subject_type="invite", subject_id=invite.id, unit_id=team.unit_id)
    return invite


def invite_problem(invite: Invite) -> str | None:
    """Why the invite cannot be used now, or None. An invite speaks for the coordinator who
    made it: it ends with their account or their right to invite to this team."""
    reason = invite.unusable_reason()
    if reason:
        return reason
    creator = invite.created_by
    if creator.status != UserStatus.ACTIVE or not invite.can_manage(principal_of(creator)):
        return "invite_revoked"
    if not ancestors_active(invite.team.unit):
        return "invite_revoked"
    return None


def find_usable_invite(token: str) -> Invite:
    invite = db.session.scalar(select(Invite).where(Invite.token == token))
    if invite is None:
        raise NotFound("invite_not_found", "no invite has this token")
    reason = invite_problem(invite)
    if reason:
        raise Gone(reason, reason.replace("_", " "))
    return invite


def revoke_invite(invite: Invite, by: Principal) -> Invite:
    if invite.revoked_at is None:
        invite.revoked_at = clock.now()
        db.session.flush()
        record("invite_revoked", actor_id=by.id, subject_type="invite", subject_id=invite.id, unit_id=invite.unit_id)
    return invite


def _take_invite_use(invite: Invite) -> None:
    """Count one use atomically, so concurrent sign-ups can't exceed max_uses."""
    if not claim_one(invite, Invite.use_count, Invite.max_uses):
        raise Gone("invite_used_up", "invite used up")


def register_with_invite(token: str, phone: str, display_name: str, password: str, locale: str | None) -> User:
    invite = find_usable_invite(token)
    status = UserStatus.ACTIVE if invite.auto_approve else UserStatus.PENDING
    user = create_user(phone, display_name, password, status, locale)
    _take_invite_use(invite)
    grant_role(user, Role.MEMBER, invite.team.unit)
    add_member(invite.team, user)
    record_about_user("registered", user.id, actor_id=user.id, unit_id=invite.unit_id)
    return user


def accept_invite(token: str, user: User) -> TeamMembership:
    """A signed-in account joins the invite's team: at once if the invite approves
    automatically, otherwise once a coordinator approves the request."""
    invite = find_usable_invite(token)
    team = invite.team
    existing = db.session.scalar(
        select(TeamMembership).where(TeamMembership.team_id == team.id, TeamMembership.user_id == user.id)
    )
    if existing is not None:
        raise Conflict("already_member", "you are already in this team or have asked to join it")
    _take_invite_use(invite)
    if invite.auto_approve:
        grant_role(user, Role.MEMBER, team.unit)
        membership = add_member(team, user)
    else:
        membership = add_member(team, user, status=MembershipStatus.PENDING)
    record(
        "team_join_requested" if membership.status == MembershipStatus.PENDING else "team_joined",
        actor_id=user.id,
        subject_type="team",
        subject_id=team.id,
        unit_id=team.unit_id,
    )
    return membership


def membership_requests_visible_to(viewer: Principal) -> Select:
    return scoped_select(TeamMembership, viewer, MANAGER_ROLES, through=TeamMembership.team).where(
        TeamMembership.status == MembershipStatus.PENDING
    )


def approve_membership(membership: TeamMembership, by: Principal) -> TeamMembership:
    _claim_pending_membership(membership, MembershipStatus.ACTIVE)
    grant_role(membership.user, Role.MEMBER, membership.team.unit)
    record_about_user(
        "team_join_approved",
        membership.user_id,
        actor_id=by.id,
        unit_id=membership.team.unit_id,
        team_id=membership.team_id,
    )
    return membership


def reject_membership(membership: TeamMembership, by: Principal) -> None:
    _claim_pending_membership(membership, MembershipStatus.PENDING)
    db.session.delete(membership)
    db.session.flush()
    record_about_user(
        "team_join_rejected",
        membership.user_id,
        actor_id=by.id,
        unit_id=membership.team.unit_id,
        team_id=membership.team_id,
    )


def _claim_pending_membership(membership: TeamMembership, new_status: MembershipStatus) -> None:
    """Exactly one of two coordinators acting at once decides a request."""
    claimed = db.session.execute(
        update(TeamMembership)
        .where(TeamMembership.id == membership.id, TeamMembership.status == MembershipStatus.PENDING)
        .values(status=new_status)
        .execution_options(synchronize_session=False, principals_of=[membership.user_id])
    ).rowcount
    if not claimed:
        raise Conflict("not_pending", "this request was decided already")
    membership.status = new_status
