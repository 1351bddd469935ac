import io

import segno
from flask import Response, current_app, session
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from flask_smorest import abort
from flask_wtf.csrf import generate_csrf
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.accounts import services
from app.accounts.models import MANAGER_ROLES, STATUS_TRANSITIONS, Invite, Role, User
from app.accounts.schemas import (
    CsrfTokenSchema,
    InviteCreateSchema,
    InvitePreviewSchema,
    InviteQuerySchema,
    InviteSchema,
    LoginSchema,
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
from app.accounts.throttle import SignInThrottle
from app.core.access import allow_pending, get_in_scope_or_404, in_subtrees, public, require
from app.core.api import Blueprint
from app.core.pagination import apply_sort, paginate
from app.core.schemas import public_url
from app.core.services import update_row
from app.errors import NotFound, RuleViolation
from app.extensions import db, limiter
from app.orgs.models import Team, TeamMembership, Unit

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Sign-in, invites and accounts.")

ADMIN = (Role.ADMIN,)


def _config_limit(key: str):
    return lambda: current_app.config[key]


def _start_session(user: User) -> None:
    login_user(user)
    session.permanent = True
    # A new token per sign-in: a token planted before sign-in is worthless after it.
    session.pop("csrf_token", None)


@blp.route("/ping")
class Ping(MethodView):
    @public
    def get(self):
        """Liveness probe; touches neither the session nor the database."""
        return {"status": "ok"}


@blp.route("/auth/csrf")
class CsrfToken(MethodView):
    @public
    @blp.response(200, CsrfTokenSchema)
    def get(self):
        """The token to send as X-CSRFToken with every write."""
        return {"csrf_token": generate_csrf()}


@blp.route("/auth/login")
class Login(MethodView):
    @public
    @blp.arguments(LoginSchema)
    @blp.response(200, MeSchema)
    def post(self, data):
        """Sign in with phone number and password.

        Failed attempts are limited per account and per IP (429 with Retry-After).
        """
        throttle = SignInThrottle(data["phone"], get_remote_address())
        throttle.take_attempt()
        user = services.authenticate(data["phone"], data["password"])
        db.session.commit()
        throttle.give_back()
        _start_session(user)
        return user


@blp.route("/auth/logout")
class Logout(MethodView):
    @public
    @blp.response(204)
    def post(self):
        """Sign out of this browser."""
        logout_user()
        session.clear()


@blp.route("/auth/register")
class Register(MethodView):
    decorators = [limiter.limit(_config_limit("REGISTER_LIMIT_PER_IP"))]

    @public
    @blp.arguments(RegisterSchema)
    @blp.response(201, MeSchema)
    def post(self, data):
        """Register with an invite; signs the new member in."""
        user = services.register_with_invite(
            data["invite_token"], data["phone"], data["display_name"], data["password"], data["locale"]
        )
        db.session.commit()
        _start_session(user)
        return user


@blp.route("/me")
class Me(MethodView):
    @allow_pending
    @blp.response(200, MeSchema)
    def get(self):
        """Who I am: roles, units and teams."""
        return current_user

    @allow_pending
    @blp.arguments(MeUpdateSchema)
    @blp.response(200, MeSchema)
    def patch(self, data):
        """Change my display name or language."""
        user = update_row(current_user, **data)
        db.session.commit()
        return user


@blp.route("/me/password")
class MyPassword(MethodView):
    @allow_pending
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    def post(self, data):
        """Change my password; every other session of mine ends."""
        services.change_password(current_user, data["current_password"], data["new_password"])
        db.session.commit()
        login_user(current_user)


# Invites -------------------------------------------------------------------


def _invite_for_manager(invite_id: int) -> Invite:
    invite = get_in_scope_or_404(Invite, invite_id, current_user)
    require(current_user.has_role_over(invite.unit, MANAGER_ROLES))
    return invite


@blp.route("/teams/<int:team_id>/invites")
class TeamInvites(MethodView):
    @blp.arguments(InviteCreateSchema)
    @blp.response(201, InviteSchema)
    def post(self, data, team_id):
        """Create an invite link for a team."""
        team = get_in_scope_or_404(Team, team_id, current_user)
        require(current_user.has_role_over(team.unit, MANAGER_ROLES))
        if not (team.is_active and team.unit.is_active):
            raise RuleViolation("team_inactive", "the team is deactivated")
        invite = services.create_invite(team, current_user, **data)
        db.session.commit()
        return invite


@blp.route("/invites")
class Invites(MethodView):
    @blp.arguments(InviteQuerySchema, location="query")
    @blp.response(200, InviteSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List the invites of teams I coordinate."""
        stmt = select(Invite).join(Invite.unit).where(in_subtrees(Unit.path, current_user.unit_paths(MANAGER_ROLES)))
        if "team_id" in query:
            stmt = stmt.where(Invite.team_id == query["team_id"])
        columns = {"created_at": Invite.created_at, "expires_at": Invite.expires_at}
        return paginate(apply_sort(stmt, query["sort"], columns, Invite.id), pagination_parameters)


@blp.route("/invites/<int:invite_id>/revoke")
class InviteRevoke(MethodView):
    @blp.response(200, InviteSchema)
    def post(self, invite_id):
        """Revoke an invite: its link stops working at once."""
        invite = services.revoke_invite(_invite_for_manager(invite_id))
        db.session.commit()
        return invite


@blp.route("/invites/<int:invite_id>/qr.svg")
class InviteQr(MethodView):
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
    @public
    @blp.response(200, InvitePreviewSchema)
    def get(self, token):
        """What an invite link offers, for the registration page."""
        return services.find_usable_invite(token)


# Users ---------------------------------------------------------------------


def _user_in_scope_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not current_user.can_see_user(user):
        abort(404, error="not_found", message="user not found")
    return user


def _user_for_manager(user_id: int) -> User:
    user = _user_in_scope_or_404(user_id)
    require(current_user.can_manage_user(user))
    return user


@blp.route("/users")
class Users(MethodView):
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
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One account in my scope."""
        return services.account_as_seen_by(_user_in_scope_or_404(user_id), current_user)


@blp.route(f"/users/<int:user_id>/<any({','.join(STATUS_TRANSITIONS)}):action>")
class UserAction(MethodView):
    @blp.response(200, UserSchema)
    def post(self, user_id, action):
        """Approve or reject a registration; deactivate (ending its sessions) or reactivate an account."""
        user = services.change_status(_user_for_manager(user_id), action)
        db.session.commit()
        return services.account_as_seen_by(user, current_user)


@blp.route("/users/<int:user_id>/password-reset")
class UserPasswordReset(MethodView):
    @blp.response(201, PasswordResetCreatedSchema)
    def post(self, user_id):
        """Issue a one-time password reset link for an account I manage."""
        user = _user_for_manager(user_id)
        reset, token = services.issue_password_reset(user, current_user, current_app.config["PASSWORD_RESET_HOURS"])
        db.session.commit()
        return {"url": public_url(f"reset/{token}"), "expires_at": reset.expires_at}


@blp.route("/users/<int:user_id>/roles")
class UserRoles(MethodView):
    @blp.arguments(RoleGrantCreateSchema)
    @blp.response(201, RoleGrantSchema)
    def post(self, data, user_id):
        """Give an account a role on a unit I administer."""
        user = _user_in_scope_or_404(user_id)
        unit = get_in_scope_or_404(Unit, data["unit_id"], current_user)
        require(user.id != current_user.id and current_user.has_role_over(unit, ADMIN))
        grant = services.grant_role(user, data["role"], unit)
        db.session.commit()
        return grant


@blp.route("/users/<int:user_id>/roles/<int:grant_id>")
class UserRoleById(MethodView):
    @blp.response(204)
    def delete(self, user_id, grant_id):
        """Take a role away; the last one stays (deactivate the account instead)."""
        user = _user_in_scope_or_404(user_id)
        grant = next((g for g in user.role_grants if g.id == grant_id and current_user.can_see_grant(g)), None)
        if grant is None:
            raise NotFound("not_found", "the account has no such role")
        require(
            user.id != current_user.id
            and current_user.has_role_over(grant.unit, ADMIN)
            and current_user.outranks(grant)
        )
        services.revoke_role(grant)
        db.session.commit()


# Password reset links -------------------------------------------------------


@blp.route("/password-resets/<token>")
class PasswordResetByToken(MethodView):
    decorators = [limiter.limit(_config_limit("TOKEN_LIMIT_PER_IP"), methods=["POST"])]

    @public
    @blp.response(200, PasswordResetPreviewSchema)
    def get(self, token):
        """Check a reset link before asking for the new password."""
        return services.find_usable_reset(token)

    @public
    @blp.arguments(PasswordResetSchema)
    @blp.response(204)
    def post(self, data, token):
        """Set a new password with a reset link; the link then stops working."""
        services.consume_password_reset(token, data["new_password"])
        db.session.commit()
