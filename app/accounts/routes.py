import io

import segno
from flask import Response, current_app, request, session
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from flask_smorest import abort
from flask_wtf.csrf import generate_csrf
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.accounts import invites, services, sessions
from app.accounts.login import load_principal
from app.accounts.models import STATUS_TRANSITIONS, Invite, RoleGrant, User, UserSession, can_grant_role
from app.accounts.schemas import (
    CsrfTokenSchema,
    DeviceSchema,
    InviteAcceptedSchema,
    InviteCreateSchema,
    InvitePreviewSchema,
    InviteQuerySchema,
    InviteSchema,
    LoginSchema,
    MembershipRequestSchema,
    MeSchema,
    MeUpdateSchema,
    PasswordChangeSchema,
    PasswordResetCreatedSchema,
    PasswordResetPreviewSchema,
    PasswordResetSchema,
    RegisterSchema,
    RoleGrantCreateSchema,
    RoleGrantSchema,
    UserQuerySchema,
    UserSchema,
)
from app.core.access import (
    MANAGER_ROLES,
    allow_pending,
    capabilities_of,
    get_in_scope_or_404,
    public,
    require,
    scoped_select,
)
from app.core.api import Blueprint
from app.core.pagination import apply_sort, paginate
from app.core.schemas import public_url
from app.core.services import update_row
from app.core.throttle import sign_in_throttle
from app.errors import NotFound
from app.extensions import db, limiter
from app.orgs.models import Team, TeamMembership, Unit

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Sign-in, invites and accounts.")


def _config_limit(key: str):
    return lambda: current_app.config[key]


def _me(principal) -> dict:
    """The caller as ``MeSchema`` dumps it: the principal and what it may do."""
    return {
        "id": principal.id,
        "phone": principal.phone,
        "display_name": principal.display_name,
        "status": principal.status,
        "locale": principal.locale,
        "created_at": principal.created_at,
        "grants": principal.grants,
        "memberships": principal.memberships,
        "capabilities": capabilities_of(principal),
    }


def _start_session(key: str):
    """Sign this browser in with a server-side session key; returns the new principal."""
    principal = load_principal(key)
    login_user(principal)
    session.permanent = True
    # A new token per sign-in: a token planted before sign-in is worthless after it.
    session.pop("csrf_token", None)
    return principal


def _device() -> tuple[str, str | None]:
    return request.headers.get("User-Agent", ""), request.remote_addr


@blp.route("/auth/csrf")
class CsrfToken(MethodView):
    @public
    @blp.response(200, CsrfTokenSchema)
    def get(self):
        """The token to send as X-CSRFToken with every write."""
        return {"csrf_token": generate_csrf()}


@blp.route("/auth/login")
class Login(MethodView):
    @blp.errors(401, 403, 429)
    @public
    @blp.arguments(LoginSchema)
    @blp.response(200, MeSchema)
    def post(self, data):
        """Sign in with phone number and password.

        Failed attempts are limited per account and per IP (429 with Retry-After).
        """
        throttle = sign_in_throttle(data["phone"], get_remote_address())
        throttle.take_attempt()
        try:
            _, key = sessions.sign_in(data["phone"], data["password"], *_device())
        finally:
            db.session.commit()  # failed attempts are recorded in the audit log too
        throttle.give_back()
        return _me(_start_session(key))


@blp.route("/auth/logout")
class Logout(MethodView):
    @public
    @blp.response(204)
    def post(self):
        """Sign out of this browser: its session ends on the server too, copies of the cookie included."""
        if current_user.is_authenticated:
            sessions.end_session(db.session.get(UserSession, current_user.session_id), current_user, "sign_out")
            db.session.commit()
        logout_user()
        session.clear()


@blp.route("/auth/register")
class Register(MethodView):
    decorators = [limiter.limit(_config_limit("REGISTER_LIMIT_PER_IP"))]

    @blp.errors(404, 409, 410, 429)
    @public
    @blp.arguments(RegisterSchema)
    @blp.response(201, MeSchema)
    def post(self, data):
        """Register with an invite; signs the new member in."""
        user = invites.register_with_invite(
            data["invite_token"], data["phone"], data["display_name"], data["password"], data["locale"]
        )
        key = sessions.start_session(user, *_device())
        db.session.commit()
        return _me(_start_session(key))


@blp.route("/me")
class Me(MethodView):
    @allow_pending
    @blp.response(200, MeSchema)
    def get(self):
        """Who I am: roles, units, teams, and what the app may offer me (capabilities)."""
        # The principal itself, not the proxy: every capability reads it a dozen times.
        return _me(current_user._get_current_object())

    @allow_pending
    @blp.arguments(MeUpdateSchema)
    @blp.response(200, MeSchema)
    def patch(self, data):
        """Change my display name or language."""
        user = update_row(services.current_account(), **data)
        db.session.commit()
        return _me(services.principal_of(user, current_user.session_id, current_user.session_key))


@blp.route("/me/password")
class MyPassword(MethodView):
    @blp.errors(429)
    @allow_pending
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    def post(self, data):
        """Change my password; every other session of mine ends.

        The current password is checked under the sign-in throttle (429 with Retry-After).
        """
        throttle = sign_in_throttle(current_user.phone, get_remote_address())
        throttle.take_attempt()
        try:
            services.change_password(current_user, data["current_password"], data["new_password"])
        finally:
            db.session.commit()  # a wrong current password is recorded too
        throttle.give_back()


@blp.route("/me/sessions")
class MySessions(MethodView):
    @allow_pending
    @blp.response(200, DeviceSchema(many=True))
    def get(self):
        """My signed-in devices, the most recently used first."""
        return sessions.devices_of(current_user)


@blp.route("/me/sessions/<int:session_id>")
class MySessionById(MethodView):
    @blp.errors(404)
    @allow_pending
    @blp.response(204)
    def delete(self, session_id):
        """Sign one of my devices out."""
        row = db.session.get(UserSession, session_id)
        if row is None or row.user_id != current_user.id or row.ended_at is not None:
            raise NotFound("not_found", "no such signed-in device")
        sessions.end_session(row, current_user)
        db.session.commit()


@blp.route("/me/sessions/end-others")
class MyOtherSessions(MethodView):
    @allow_pending
    @blp.response(204)
    def post(self):
        """Sign every other device of mine out."""
        sessions.end_other_sessions(current_user)
        db.session.commit()


# Invites -------------------------------------------------------------------


def _invite_for_manager(invite_id: int) -> Invite:
    invite = get_in_scope_or_404(Invite, invite_id, current_user)
    require(invite.can_manage(current_user))
    return invite


@blp.route("/teams/<int:team_id>/invites")
class TeamInvites(MethodView):
    @blp.errors(404)
    @blp.arguments(InviteCreateSchema)
    @blp.response(201, InviteSchema)
    def post(self, data, team_id):
        """Create an invite link for a team."""
        team = get_in_scope_or_404(Team, team_id, current_user)
        require(team.can_manage_members(current_user))
        invite = invites.create_invite(team, current_user, **data)
        db.session.commit()
        return invite


@blp.route("/invites")
class Invites(MethodView):
    @blp.arguments(InviteQuerySchema, location="query")
    @blp.response(200, InviteSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List the invites of teams I coordinate."""
        stmt = scoped_select(Invite, current_user, MANAGER_ROLES)
        if "team_id" in query:
            stmt = stmt.where(Invite.team_id == query["team_id"])
        columns = {"created_at": Invite.created_at, "expires_at": Invite.expires_at}
        return paginate(apply_sort(stmt, query["sort"], columns, Invite.id), pagination_parameters)


@blp.route("/invites/<int:invite_id>/revoke")
class InviteRevoke(MethodView):
    @blp.errors(404)
    @blp.response(200, InviteSchema)
    def post(self, invite_id):
        """Revoke an invite: its link stops working at once."""
        invite = invites.revoke_invite(_invite_for_manager(invite_id), current_user)
        db.session.commit()
        return invite


@blp.route("/invites/<int:invite_id>/qr.svg")
class InviteQr(MethodView):
    @blp.errors(404)
    @blp.response(200, content_type="image/svg+xml")
    def get(self, invite_id):
        """The invite link as a QR code (SVG)."""
        invite = _invite_for_manager(invite_id)
        buffer = io.BytesIO()
        segno.make(public_url(f"join/{invite.token}"), error="m").save(
            buffer, kind="svg", scale=8, border=2, xmldecl=False
        )
        return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})


@blp.route("/invites/by-token/<token>")
class InviteByToken(MethodView):
    @blp.errors(404, 410)
    @public
    @blp.response(200, InvitePreviewSchema)
    def get(self, token):
        """What an invite link offers, for the registration page: the team, and who invited."""
        return invites.find_usable_invite(token)


@blp.route("/invites/by-token/<token>/accept")
class InviteAccept(MethodView):
    decorators = [limiter.limit(_config_limit("TOKEN_LIMIT_PER_IP"))]

    @blp.errors(404, 409, 410, 429)
    @blp.response(200, InviteAcceptedSchema)
    def post(self, token):
        """Join the invite's team with my account (at once, or after a coordinator approves)."""
        membership = invites.accept_invite(token, services.current_account())
        db.session.commit()
        return membership


@blp.route("/membership-requests")
class MembershipRequests(MethodView):
    @blp.response(200, MembershipRequestSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Existing accounts asking to join teams I coordinate, oldest first."""
        stmt = invites.membership_requests_visible_to(current_user).order_by(
            TeamMembership.joined_at, TeamMembership.id
        )
        return paginate(stmt.options(selectinload(TeamMembership.user)), pagination_parameters)


def _membership_request_for_manager(request_id: int) -> TeamMembership:
    membership = get_in_scope_or_404(TeamMembership, request_id, current_user)
    require(membership.team.can_manage_members(current_user))
    return membership


@blp.route("/membership-requests/<int:request_id>/approve")
class MembershipRequestApprove(MethodView):
    @blp.errors(404, 409)
    @blp.response(200, MembershipRequestSchema)
    def post(self, request_id):
        """Let the account join the team (it gains the member role there)."""
        membership = invites.approve_membership(_membership_request_for_manager(request_id), current_user)
        db.session.commit()
        return membership


@blp.route("/membership-requests/<int:request_id>/reject")
class MembershipRequestReject(MethodView):
    @blp.errors(404, 409)
    @blp.response(204)
    def post(self, request_id):
        """Turn the request down; the account is not told who decided."""
        invites.reject_membership(_membership_request_for_manager(request_id), current_user)
        db.session.commit()


# Users ---------------------------------------------------------------------


def _user_in_scope_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_visible_to(current_user):
        abort(404, error="not_found", message="user not found")
    return user


def _user_for_manager(user_id: int) -> User:
    user = _user_in_scope_or_404(user_id)
    require(user.can_be_managed_by(current_user))
    return user


@blp.route("/users")
class Users(MethodView):
    @blp.errors(404)
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List the accounts I may see: members for coordinators, everyone for officers and admins."""
        stmt = select(User).where(User.id.in_(services.users_visible_to(current_user)))
        if "status" in query:
            stmt = stmt.where(User.status == query["status"])
        if "team_id" in query:
            team = get_in_scope_or_404(Team, query["team_id"], current_user)
            stmt = stmt.where(User.id.in_(select(TeamMembership.user_id).where(TeamMembership.team_id == team.id)))
        if query.get("q"):
            stmt = stmt.where(or_(User.display_name.icontains(query["q"]), User.phone.contains(query["q"])))
        columns = {"display_name": User.display_name, "created_at": User.created_at}
        stmt = apply_sort(stmt.options(selectinload(User.memberships)), query["sort"], columns, User.id)
        return [services.account_as_seen_by(user, current_user) for user in paginate(stmt, pagination_parameters)]


@blp.route("/users/<int:user_id>")
class UserById(MethodView):
    @blp.errors(404)
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One account in my scope."""
        return services.account_as_seen_by(_user_in_scope_or_404(user_id), current_user)


@blp.route(f"/users/<int:user_id>/<any({','.join(STATUS_TRANSITIONS)}):action>")
class UserAction(MethodView):
    @blp.errors(404, 409)
    @blp.response(200, UserSchema)
    def post(self, user_id, action):
        """Approve or reject a registration; deactivate (ending its sessions) or reactivate an account."""
        user = services.change_status(_user_for_manager(user_id), action, current_user)
        db.session.commit()
        return services.account_as_seen_by(user, current_user)


@blp.route("/users/<int:user_id>/password-reset")
class UserPasswordReset(MethodView):
    @blp.errors(404)
    @blp.response(201, PasswordResetCreatedSchema)
    def post(self, user_id):
        """Issue a one-time password reset link for an account I manage."""
        user = _user_for_manager(user_id)
        reset, token = services.issue_password_reset(user, current_user, current_app.config["PASSWORD_RESET_HOURS"])
        db.session.commit()
        return {"url": public_url(f"reset/{token}"), "expires_at": reset.expires_at}


@blp.route("/users/<int:user_id>/roles")
class UserRoles(MethodView):
    @blp.errors(404)
    @blp.arguments(RoleGrantCreateSchema)
    @blp.response(201, RoleGrantSchema)
    def post(self, data, user_id):
        """Give an account a role on a unit I administer."""
        user = _user_in_scope_or_404(user_id)
        unit = get_in_scope_or_404(Unit, data["unit_id"], current_user)
        require(can_grant_role(current_user, user, unit))
        grant = services.grant_role(user, data["role"], unit, by=current_user)
        db.session.commit()
        return grant


@blp.route("/users/<int:user_id>/roles/<int:grant_id>")
class UserRoleById(MethodView):
    @blp.errors(404)
    @blp.response(204)
    def delete(self, user_id, grant_id):
        """Take a role away; the last one stays (deactivate the account instead)."""
        user = _user_in_scope_or_404(user_id)
        grant = db.session.get(RoleGrant, grant_id)
        if grant is None or grant.user_id != user.id or not grant.is_visible_to(current_user):
            raise NotFound("not_found", "the account has no such role")
        require(grant.can_be_revoked_by(current_user))
        services.revoke_role(grant, current_user)
        db.session.commit()


# Password reset links -------------------------------------------------------


@blp.route("/password-resets/<token>")
class PasswordResetByToken(MethodView):
    decorators = [limiter.limit(_config_limit("TOKEN_LIMIT_PER_IP"), methods=["POST"])]

    @blp.errors(404, 410)
    @public
    @blp.response(200, PasswordResetPreviewSchema)
    def get(self, token):
        """Check a reset link before asking for the new password."""
        return services.find_usable_reset(token)

    @blp.errors(404, 410, 429)
    @public
    @blp.arguments(PasswordResetSchema)
    @blp.response(204)
    def post(self, data, token):
        """Set a new password with a reset link; the link then stops working."""
        services.consume_password_reset(token, data["new_password"])
        db.session.commit()
