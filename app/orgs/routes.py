from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer

from app.accounts.models import User
from app.accounts.services import hides_staff_from
from app.core.access import get_in_scope_or_404, require, scoped_select
from app.core.api import Blueprint
from app.core.pagination import apply_sort, paginate
from app.core.schemas import attributes
from app.errors import NotFound
from app.extensions import db
from app.orgs import services
from app.orgs.models import Area, MembershipStatus, Team, TeamMembership, Unit
from app.orgs.schemas import (
    AreaCreateSchema,
    AreaQuerySchema,
    AreaSchema,
    AreaUpdateSchema,
    TeamCreateSchema,
    TeamMemberSchema,
    TeamMemberUpdateSchema,
    TeamQuerySchema,
    TeamSchema,
    TeamUpdateSchema,
    TeamViewSchema,
    UnitCreateSchema,
    UnitQuerySchema,
    UnitSchema,
    UnitUpdateSchema,
)

blp = Blueprint("orgs", __name__, url_prefix="/api/v1", description="Units, teams and patrol areas.")

ACTIVATION = "<any(activate,deactivate):action>"


def _scoped(model, query):
    """Rows of ``model`` in my scope, active ones unless asked."""
    stmt = scoped_select(model, current_user)
    if not query["include_inactive"]:
        stmt = stmt.where(model.is_active.is_(True))
    return stmt


def _for_admin(model, row_id: int):
    """A unit, team or area I administer: 404 outside my scope, 403 without the admin role."""
    row = get_in_scope_or_404(model, row_id, current_user)
    require(row.can_administer(current_user))
    return row


@blp.route("/units")
class Units(MethodView):
    @blp.arguments(UnitQuerySchema, location="query")
    @blp.response(200, UnitSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List the units in my scope."""
        stmt = _scoped(Unit, query)
        if "kind" in query:
            stmt = stmt.where(Unit.kind == query["kind"])
        if "parent_id" in query:
            stmt = stmt.where(Unit.parent_id == query["parent_id"])
        columns = {"name": Unit.name, "created_at": Unit.created_at}
        return paginate(apply_sort(stmt, query["sort"], columns, Unit.id), pagination_parameters)

    @blp.errors(404)
    @blp.arguments(UnitCreateSchema)
    @blp.response(201, UnitSchema)
    def post(self, data):
        """Create a street or community under a unit I administer.

        Districts, the roots, are made with `flask create-admin`.
        """
        parent = _for_admin(Unit, data["parent_id"])
        unit = services.create_unit(data["name"], data["kind"], parent, by=current_user)
        db.session.commit()
        return unit


@blp.route("/units/<int:unit_id>")
class UnitById(MethodView):
    @blp.errors(404)
    @blp.response(200, UnitSchema)
    def get(self, unit_id):
        """Get one unit."""
        return get_in_scope_or_404(Unit, unit_id, current_user)

    @blp.errors(404)
    @blp.arguments(UnitUpdateSchema)
    @blp.response(200, UnitSchema)
    def patch(self, data, unit_id):
        """Rename a unit."""
        unit = services.change_org_row(_for_admin(Unit, unit_id), current_user, **data)
        db.session.commit()
        return unit


@blp.route(f"/units/<int:unit_id>/{ACTIVATION}")
class UnitActivation(MethodView):
    @blp.errors(404)
    @blp.response(200, UnitSchema)
    def post(self, unit_id, action):
        """Deactivate or reactivate a unit."""
        unit = services.change_org_row(_for_admin(Unit, unit_id), current_user, is_active=action == "activate")
        db.session.commit()
        return unit


def _team_view(team: Team) -> dict:
    return attributes(team, TeamSchema) | {
        "can_view_roster": team.can_view_roster(current_user),
        "can_manage_members": team.can_manage_members(current_user),
    }


@blp.route("/teams")
class Teams(MethodView):
    @blp.arguments(TeamQuerySchema, location="query")
    @blp.response(200, TeamViewSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List the teams in my scope, each with whether I may read its roster and manage it."""
        stmt = _scoped(Team, query).options(undefer(Team.member_count))
        if "unit_id" in query:
            stmt = stmt.where(Team.unit_id == query["unit_id"])
        columns = {"name": Team.name, "created_at": Team.created_at}
        return [
            _team_view(team)
            for team in paginate(apply_sort(stmt, query["sort"], columns, Team.id), pagination_parameters)
        ]

    @blp.errors(404)
    @blp.arguments(TeamCreateSchema)
    @blp.response(201, TeamViewSchema)
    def post(self, data):
        """Create a team in a unit I administer."""
        team = services.create_team(data["name"], _for_admin(Unit, data["unit_id"]), by=current_user)
        db.session.commit()
        return _team_view(team)


@blp.route("/teams/<int:team_id>")
class TeamById(MethodView):
    @blp.errors(404)
    @blp.response(200, TeamViewSchema)
    def get(self, team_id):
        """Get one team, with whether I may read its roster and manage it."""
        return _team_view(get_in_scope_or_404(Team, team_id, current_user))

    @blp.errors(404)
    @blp.arguments(TeamUpdateSchema)
    @blp.response(200, TeamViewSchema)
    def patch(self, data, team_id):
        """Rename a team."""
        team = services.change_org_row(_for_admin(Team, team_id), current_user, **data)
        db.session.commit()
        return _team_view(team)


@blp.route(f"/teams/<int:team_id>/{ACTIVATION}")
class TeamActivation(MethodView):
    @blp.errors(404)
    @blp.response(200, TeamViewSchema)
    def post(self, team_id, action):
        """Deactivate or reactivate a team."""
        team = services.change_org_row(_for_admin(Team, team_id), current_user, is_active=action == "activate")
        db.session.commit()
        return _team_view(team)


@blp.route("/teams/<int:team_id>/members")
class TeamMembers(MethodView):
    @blp.errors(404)
    @blp.response(200, TeamMemberSchema(many=True))
    @blp.paginate()
    def get(self, team_id, pagination_parameters):
        """The team roster, leaders first, with phone numbers: for staff over the team and its leaders.

        An account that is also staff elsewhere is listed only to those who may see that role.
        """
        team = get_in_scope_or_404(Team, team_id, current_user)
        require(team.can_view_roster(current_user))
        stmt = (
            select(TeamMembership)
            .join(User, TeamMembership.user_id == User.id)
            .where(TeamMembership.team_id == team.id, TeamMembership.status == MembershipStatus.ACTIVE)
            .where(hides_staff_from(current_user))
            .options(selectinload(TeamMembership.user))
            .order_by(TeamMembership.is_leader.desc(), TeamMembership.joined_at, TeamMembership.id)
        )
        return paginate(stmt, pagination_parameters)


@blp.route("/teams/<int:team_id>/members/<int:user_id>")
class TeamMemberById(MethodView):
    @blp.errors(404)
    @blp.arguments(TeamMemberUpdateSchema)
    @blp.response(200, TeamMemberSchema)
    def patch(self, data, team_id, user_id):
        """Make a member a team leader, or not."""
        team = get_in_scope_or_404(Team, team_id, current_user)
        require(team.can_manage_members(current_user))
        membership = services.team_membership_or_none(team, user_id)
        if membership is None or membership.status != MembershipStatus.ACTIVE:
            raise NotFound("not_found", "no such member in this team")
        services.set_leader(membership, current_user, data["is_leader"])
        db.session.commit()
        return membership


@blp.route("/areas")
class Areas(MethodView):
    @blp.arguments(AreaQuerySchema, location="query")
    @blp.response(200, AreaSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List the patrol areas in my scope."""
        stmt = _scoped(Area, query)
        if "unit_id" in query:
            stmt = stmt.where(Area.unit_id == query["unit_id"])
        columns = {"name": Area.name, "created_at": Area.created_at}
        return paginate(apply_sort(stmt, query["sort"], columns, Area.id), pagination_parameters)

    @blp.errors(404)
    @blp.arguments(AreaCreateSchema)
    @blp.response(201, AreaSchema)
    def post(self, data):
        """Create a patrol area from a GeoJSON polygon."""
        area = services.create_area(data["name"], _for_admin(Unit, data["unit_id"]), data["geometry"], by=current_user)
        db.session.commit()
        return area


@blp.route("/areas/<int:area_id>")
class AreaById(MethodView):
    @blp.errors(404)
    @blp.response(200, AreaSchema)
    def get(self, area_id):
        """Get one patrol area."""
        return get_in_scope_or_404(Area, area_id, current_user)

    @blp.errors(404)
    @blp.arguments(AreaUpdateSchema)
    @blp.response(200, AreaSchema)
    def patch(self, data, area_id):
        """Rename an area or redraw its polygon."""
        area = services.change_org_row(_for_admin(Area, area_id), current_user, **data)
        db.session.commit()
        return area


@blp.route(f"/areas/<int:area_id>/{ACTIVATION}")
class AreaActivation(MethodView):
    @blp.errors(404)
    @blp.response(200, AreaSchema)
    def post(self, area_id, action):
        """Deactivate or reactivate an area."""
        area = services.change_org_row(_for_admin(Area, area_id), current_user, is_active=action == "activate")
        db.session.commit()
        return area
