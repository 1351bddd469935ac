from flask import Response
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core import clock
from app.core.access import MANAGER_ROLES, get_in_scope_or_404, public, require, scoped_select
from app.core.api import Blueprint
from app.core.pagination import paginate
from app.core.schemas import attributes, public_url
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Area, Team, Unit
from app.scheduling import calendar, rules, services, signups
from app.scheduling.models import Shift, ShiftPattern, ShiftSignup, SwapOffer, SwapStatus, WaitlistEntry, can_plan
from app.scheduling.schemas import (
    AssignSchema,
    BoardQuerySchema,
    CalendarLinkSchema,
    DropSchema,
    OpenShiftSchema,
    OpenShiftsQuerySchema,
    PatternChangeSchema,
    PatternCreateSchema,
    PatternQuerySchema,
    PatternSchema,
    PatternUpdateSchema,
    RulesSchema,
    ShiftCreateSchema,
    ShiftDetailSchema,
    ShiftSchema,
    ShiftUpdateSchema,
    SwapOfferSchema,
    SwapQuerySchema,
)

blp = Blueprint("scheduling", __name__, url_prefix="/api/v1", description="Shifts, patterns, sign-up and swaps.")

# A shift as lists show it: its team, area and the people on it by name (never their roles).
WITH_PEOPLE = (
    selectinload(Shift.signups).selectinload(ShiftSignup.user).lazyload(User.role_grants),
    selectinload(Shift.area),
    selectinload(Shift.team),
)


def _shift(shift_id: int) -> Shift:
    return get_in_scope_or_404(Shift, shift_id, current_user)


def _managed_shift(shift_id: int) -> Shift:
    shift = _shift(shift_id)
    require(shift.can_manage(current_user))
    return shift


def _detail(shift: Shift) -> dict:
    """The shift as the caller sees it: their own place or waitlist spot, and what they may do."""
    signup = signups.signup_of(shift, current_user.id)
    waitlisted = db.session.scalar(
        select(WaitlistEntry.id).where(WaitlistEntry.shift_id == shift.id, WaitlistEntry.user_id == current_user.id)
    )
    offer = db.session.scalar(
        select(SwapOffer.id).where(
            SwapOffer.shift_id == shift.id,
            SwapOffer.offered_by_id == current_user.id,
            SwapOffer.status.in_([SwapStatus.OPEN, SwapStatus.TAKEN]),
        )
    )
    mine = signup.status.value if signup else ("waitlisted" if waitlisted else None)
    return {
        **attributes(shift, ShiftSchema),
        "mine": mine,
        "waitlist_count": db.session.scalar(
            select(func.count()).select_from(WaitlistEntry).where(WaitlistEntry.shift_id == shift.id)
        ),
        "can_manage": shift.can_manage(current_user),
        "open_swap_offer_id": offer,
    }


def _place(data: dict) -> tuple[Unit, Area, Team | None]:
    unit = get_in_scope_or_404(Unit, data.pop("unit_id"), current_user)
    area = get_in_scope_or_404(Area, data.pop("area_id"), current_user)
    team_id = data.pop("team_id", None)
    team = get_in_scope_or_404(Team, team_id, current_user) if team_id else None
    return unit, area, team


@blp.route("/shifts")
class Shifts(MethodView):
    @blp.errors(404)
    @blp.arguments(BoardQuerySchema, location="query")
    @blp.response(200, ShiftSchema(many=True))
    def get(self, query):
        """The week board: a unit's (or a team's) shifts for some days, with who is on them."""
        team = get_in_scope_or_404(Team, query["team_id"], current_user) if "team_id" in query else None
        unit = team.unit if team else get_in_scope_or_404(Unit, query["unit_id"], current_user)
        stmt = services.board(current_user, unit, team, query["first_day"], query["days"])
        return db.session.scalars(stmt.options(*WITH_PEOPLE)).all()

    @blp.errors(404)
    @blp.arguments(ShiftCreateSchema)
    @blp.response(201, ShiftSchema)
    def post(self, data):
        """Create a one-off shift."""
        unit, area, team = _place(data)
        require(can_plan(current_user) and current_user.has_role_over(unit, MANAGER_ROLES))
        shift = services.create_shift(current_user, unit, area, team, data)
        db.session.commit()
        return shift


@blp.route("/shifts/open")
class OpenShifts(MethodView):
    @blp.arguments(OpenShiftsQuerySchema, location="query")
    @blp.response(200, OpenShiftSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Shifts I can take, soonest first, or nearest first when I give my position."""
        stmt = services.open_shifts_for(current_user).options(*WITH_PEOPLE)
        if "lon" in query:
            stmt = stmt.join(Area, Shift.area_id == Area.id).order_by(
                services.distance_order(query["lon"], query["lat"]), Shift.starts_at, Shift.id
            )
        else:
            stmt = stmt.order_by(Shift.starts_at, Shift.id)
        pagination_parameters.page_size = min(pagination_parameters.page_size, 20)
        shifts = paginate(stmt, pagination_parameters)
        return [
            {
                **attributes(shift, ShiftSchema),
                "distance_m": services.distance_m(shift, query),
            }
            for shift in shifts
        ]


@blp.route("/me/shifts")
class MyShifts(MethodView):
    @blp.response(200, ShiftSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """My shifts from now on, the next first."""
        stmt = services.my_shifts(current_user, clock.now()).options(*WITH_PEOPLE)
        return paginate(stmt, pagination_parameters)


@blp.route("/shifts/<int:shift_id>")
class ShiftById(MethodView):
    @blp.errors(404)
    @blp.response(200, ShiftDetailSchema)
    def get(self, shift_id):
        """One shift, with my place on it."""
        return _detail(_shift(shift_id))

    @blp.errors(403, 404, 409)
    @blp.arguments(ShiftUpdateSchema)
    @blp.response(200, ShiftDetailSchema)
    def patch(self, data, shift_id):
        """Change one shift (it then keeps its changes when its pattern is regenerated)."""
        shift = _managed_shift(shift_id)
        if "area_id" in data:
            get_in_scope_or_404(Area, data["area_id"], current_user)
        services.update_shift(shift, current_user, data)
        db.session.commit()
        return _detail(shift)


@blp.route("/shifts/<int:shift_id>/cancel")
class ShiftCancel(MethodView):
    @blp.errors(403, 404)
    @blp.response(200, ShiftDetailSchema)
    def post(self, shift_id):
        """Cancel a shift; everyone on it and on its waitlist is told."""
        shift = services.cancel_shift(_managed_shift(shift_id), current_user)
        db.session.commit()
        return _detail(shift)


@blp.route("/shifts/<int:shift_id>/signup")
class ShiftSignupView(MethodView):
    @blp.errors(403, 404, 409)
    @blp.response(200, ShiftDetailSchema)
    def post(self, shift_id):
        """Take a place. Full: 409 ``shift_full`` (join the waitlist); a rule: 422 naming it."""
        shift = _shift(shift_id)
        signups.sign_up(shift, current_user)
        db.session.commit()
        return _detail(shift)


@blp.route("/shifts/<int:shift_id>/drop")
class ShiftDrop(MethodView):
    @blp.errors(403, 404)
    @blp.arguments(DropSchema)
    @blp.response(200, ShiftDetailSchema)
    def post(self, data, shift_id):
        """Leave a shift: before the cut-off at once, after it once a coordinator approves.

        Coordinators give ``user_id`` to take someone off (which approves a late drop).
        """
        shift = _shift(shift_id)
        if "user_id" in data and data["user_id"] != current_user.id:
            require(shift.can_manage(current_user))
            signups.drop_member(shift, data["user_id"], current_user)
        else:
            signups.drop(shift, current_user)
        db.session.commit()
        return _detail(shift)


@blp.route("/shifts/<int:shift_id>/waitlist")
class ShiftWaitlist(MethodView):
    @blp.errors(403, 404, 409)
    @blp.response(200, ShiftDetailSchema)
    def post(self, shift_id):
        """Join the waitlist of a full shift: a freed place goes to the first who may take it."""
        shift = _shift(shift_id)
        signups.join_waitlist(shift, current_user)
        db.session.commit()
        return _detail(shift)

    @blp.errors(404)
    @blp.response(200, ShiftDetailSchema)
    def delete(self, shift_id):
        """Leave the waitlist."""
        shift = _shift(shift_id)
        signups.leave_waitlist(shift, current_user)
        db.session.commit()
        return _detail(shift)


@blp.route("/shifts/<int:shift_id>/assign")
class ShiftAssign(MethodView):
    @blp.errors(403, 404, 409)
    @blp.arguments(AssignSchema)
    @blp.response(200, ShiftDetailSchema)
    def post(self, data, shift_id):
        """Put a member on a shift. The rules apply; ``override_reason`` overrides them (audited)."""
        shift = _managed_shift(shift_id)
        user = db.session.get(User, data["user_id"])
        if user is None or not user.is_visible_to(current_user):
            raise NotFound("not_found", "user not found")
        signups.assign(shift, user, current_user, data.get("override_reason"))
        db.session.commit()
        return _detail(shift)


# Swaps ---------------------------------------------------------------------------------------------


@blp.route("/shifts/<int:shift_id>/swap-offers")
class ShiftSwapOffers(MethodView):
    @blp.errors(404, 422)
    @blp.response(201, SwapOfferSchema)
    def post(self, shift_id):
        """Offer my place on a shift to someone else."""
        offer = signups.offer_swap(_shift(shift_id), current_user)
        db.session.commit()
        return offer, 201


@blp.route("/swap-offers")
class SwapOffers(MethodView):
    @blp.arguments(SwapQuerySchema, location="query")
    @blp.response(200, SwapOfferSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Offers in my scope: ``open`` ones to take, ``taken`` ones waiting for a coordinator."""
        stmt = scoped_select(SwapOffer, current_user, through=SwapOffer.shift).where(
            SwapOffer.status == query["status"]
        )
        return paginate(stmt.order_by(SwapOffer.created_at, SwapOffer.id), pagination_parameters)


def _offer(offer_id: int) -> SwapOffer:
    return get_in_scope_or_404(SwapOffer, offer_id, current_user)


@blp.route("/swap-offers/<int:offer_id>/take")
class SwapTake(MethodView):
    @blp.errors(403, 404, 409)
    @blp.response(200, SwapOfferSchema)
    def post(self, offer_id):
        """Take someone's offered place (the rules apply to me); a coordinator may need to approve."""
        offer = signups.take_swap(_offer(offer_id), current_user)
        db.session.commit()
        return offer


@blp.route("/swap-offers/<int:offer_id>/approve")
class SwapApprove(MethodView):
    @blp.errors(403, 404, 409)
    @blp.response(200, SwapOfferSchema)
    def post(self, offer_id):
        """Approve a taken swap: the places change hands."""
        offer = _offer(offer_id)
        require(offer.shift.can_manage(current_user))
        signups.approve_swap(offer, current_user)
        db.session.commit()
        return offer


# Patterns ----------------------------------------------------------------------------------------------


@blp.route("/shift-patterns")
class Patterns(MethodView):
    @blp.errors(404)
    @blp.arguments(PatternQuerySchema, location="query")
    @blp.response(200, PatternSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """The recurring patterns in my scope."""
        stmt = scoped_select(ShiftPattern, current_user)
        if "unit_id" in query:
            stmt = stmt.where(ShiftPattern.unit_id == get_in_scope_or_404(Unit, query["unit_id"], current_user).id)
        if not query["include_inactive"]:
            stmt = stmt.where(ShiftPattern.is_active.is_(True))
        return paginate(stmt.order_by(ShiftPattern.name, ShiftPattern.id), pagination_parameters)

    @blp.errors(404, 409)
    @blp.arguments(PatternCreateSchema)
    @blp.response(201, PatternSchema)
    def post(self, data):
        """Create a recurring pattern; its shifts for the coming weeks are made at once."""
        unit, area, team = _place(data)
        require(current_user.has_role_over(unit, MANAGER_ROLES))
        pattern = services.create_pattern(current_user, unit, area, team, data)
        db.session.commit()
        return pattern


def _pattern(pattern_id: int) -> ShiftPattern:
    return get_in_scope_or_404(ShiftPattern, pattern_id, current_user)


@blp.route("/shift-patterns/<int:pattern_id>")
class PatternById(MethodView):
    @blp.errors(404)
    @blp.response(200, PatternSchema)
    def get(self, pattern_id):
        """One pattern."""
        return _pattern(pattern_id)

    @blp.errors(403, 404, 409)
    @blp.arguments(PatternUpdateSchema)
    @blp.response(200, PatternChangeSchema)
    def patch(self, data, pattern_id):
        """Change a pattern: future shifts nobody is on follow; the others are listed, left alone."""
        pattern = _pattern(pattern_id)
        require(pattern.can_manage(current_user))
        for key in ("area_id", "team_id"):
            if data.get(key):
                get_in_scope_or_404(Area if key == "area_id" else Team, data[key], current_user)
        change = services.update_pattern(pattern, current_user, data)
        db.session.commit()
        return change


# Rules ------------------------------------------------------------------------------------------------------


@blp.route("/units/<int:unit_id>/scheduling-rules")
class UnitRules(MethodView):
    @blp.errors(404)
    @blp.response(200, RulesSchema)
    def get(self, unit_id):
        """The sign-up rules in force for a unit (its own, inherited, or the defaults)."""
        return rules.rules_for(get_in_scope_or_404(Unit, unit_id, current_user))

    @blp.errors(403, 404)
    @blp.arguments(RulesSchema)
    @blp.response(200, RulesSchema)
    def patch(self, data, unit_id):
        """Set some of a unit's sign-up rules (units below inherit them)."""
        unit = get_in_scope_or_404(Unit, unit_id, current_user)
        require(current_user.has_role_over(unit, MANAGER_ROLES))
        unit_rules = rules.set_rules(unit, current_user, data)
        db.session.commit()
        return unit_rules


# The calendar feed ----------------------------------------------------------------------------------------


@blp.route("/me/calendar-token")
class MyCalendarToken(MethodView):
    @blp.response(201, CalendarLinkSchema)
    def post(self):
        """A new link to my shifts' calendar feed; the previous link stops working."""
        token = calendar.new_token(current_user.id)
        db.session.commit()
        return {"url": public_url(f"api/v1/calendar/{token}.ics")}, 201


@blp.route("/calendar/<token>.ics")
class CalendarFeed(MethodView):
    @public
    @blp.errors(404)
    @blp.response(200, content_type="text/calendar")
    def get(self, token):
        """My upcoming shifts as iCalendar (the token in the link is the credential)."""
        body = calendar.feed(calendar.user_of(token))
        return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})
