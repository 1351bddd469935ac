from datetime import datetime, timedelta

from marshmallow import ValidationError, fields, validates_schema

from app.accounts.schemas import PersonSchema
from app.core.schemas import ApiSchema, Id, Length, Range, Text, coded
from app.orgs.schemas import UnitRefSchema
from app.scheduling.models import MAX_PLACES, ShiftStatus, SignupStatus, SwapStatus

PLACES = Range(min=1, max=MAX_PLACES)
# A shift longer than half a day is a mistake (or two shifts).
MAX_DURATION = timedelta(hours=12)


class RefSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class SignupSchema(ApiSchema):
    user = fields.Nested(PersonSchema, dump_only=True)
    is_leader = fields.Boolean(dump_only=True)
    status = fields.Enum(SignupStatus, by_value=True, dump_only=True)
    assigned = fields.Function(
        lambda signup: signup.assigned_by_id is not None, dump_only=True, metadata={"type": "boolean"}
    )


class ShiftSummarySchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)
    team = fields.Nested(RefSchema, dump_only=True, allow_none=True)
    area = fields.Nested(RefSchema, dump_only=True)
    pattern_id = fields.Integer(dump_only=True, allow_none=True)
    starts_at = fields.DateTime(dump_only=True)
    ends_at = fields.DateTime(dump_only=True)
    places = fields.Integer(dump_only=True)
    taken = fields.Integer(dump_only=True)
    leader_needed = fields.Boolean(dump_only=True)
    leader_taken = fields.Boolean(dump_only=True)
    leader_place_held = fields.Boolean(dump_only=True, metadata={"description": "a place waits for a team leader"})
    note = fields.String(dump_only=True)
    status = fields.Enum(ShiftStatus, by_value=True, dump_only=True)
    is_edited = fields.Boolean(dump_only=True)


class ShiftSchema(ShiftSummarySchema):
    signups = fields.List(fields.Nested(SignupSchema), dump_only=True)


class ShiftDetailSchema(ShiftSchema):
    mine = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "active, drop_requested, waitlisted, or null"}
    )
    waitlist_count = fields.Integer(dump_only=True)
    can_manage = fields.Boolean(dump_only=True)
    open_swap_offer_id = fields.Integer(dump_only=True, allow_none=True)


class OpenShiftSchema(ShiftSchema):
    distance_m = fields.Integer(dump_only=True, allow_none=True)


def _check_times(data: dict) -> None:
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts is None or ends is None:
        return
    if ends <= starts:
        raise ValidationError(coded("ends_before_start"), field_name="ends_at")
    if ends - starts > MAX_DURATION:
        raise ValidationError(coded("too_long_shift", hours=12), field_name="ends_at")


class ShiftCreateSchema(ApiSchema):
    unit_id = Id(required=True)
    team_id = Id(load_default=None, allow_none=True)
    area_id = Id(required=True)
    starts_at = fields.AwareDateTime(required=True, default_timezone=None)
    ends_at = fields.AwareDateTime(required=True, default_timezone=None)
    places = fields.Integer(strict=True, required=True, validate=PLACES)
    leader_needed = fields.Boolean(load_default=False)
    note = Text(load_default="", multiline=True, validate=Length(max=500))

    @validates_schema
    def times(self, data, **kwargs):
        _check_times(data)


class ShiftUpdateSchema(ApiSchema):
    area_id = Id()
    starts_at = fields.AwareDateTime(default_timezone=None)
    ends_at = fields.AwareDateTime(default_timezone=None)
    places = fields.Integer(strict=True, validate=PLACES)
    leader_needed = fields.Boolean()
    note = Text(multiline=True, validate=Length(max=500))

    @validates_schema
    def times(self, data, **kwargs):
        if not data:
            raise ValidationError(coded("nothing_to_change"), field_name="_schema")
        _check_times(data)


class BoardQuerySchema(ApiSchema):
    unit_id = Id(strict=False)
    team_id = Id(strict=False)
    first_day = fields.Date(required=True, metadata={"description": "first local day shown, e.g. a Monday"})
    days = fields.Integer(load_default=7, validate=Range(min=1, max=31))

    @validates_schema
    def one_place(self, data, **kwargs):
        if "unit_id" not in data and "team_id" not in data:
            raise ValidationError(coded("required"), field_name="unit_id")


class OpenShiftsQuerySchema(ApiSchema):
    lon = fields.Float(validate=Range(min=-180, max=180))
    lat = fields.Float(validate=Range(min=-90, max=90))

    @validates_schema
    def point(self, data, **kwargs):
        if ("lon" in data) != ("lat" in data):
            raise ValidationError(coded("point_needs_lon_and_lat"), field_name="lat")


class DropSchema(ApiSchema):
    user_id = Id(metadata={"description": "coordinators: take this person off the shift (approves a late drop)"})


class AssignSchema(ApiSchema):
    user_id = Id(required=True)
    override_reason = Text(validate=Length(min=2, max=200))


class LocalTime(fields.Time):
    """A wall-clock time "19:00" (seconds refused: nobody patrols from 19:00:30)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) != 5:
            raise ValidationError(coded("not_a_time"))
        try:
            return datetime.strptime(value, "%H:%M").time()
        except ValueError as exc:
            raise ValidationError(coded("not_a_time")) from exc

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime("%H:%M")


class PatternSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)
    team = fields.Nested(RefSchema, dump_only=True, allow_none=True)
    area = fields.Nested(RefSchema, dump_only=True)
    weekdays = fields.List(fields.Integer(), dump_only=True, metadata={"description": "ISO: Monday 1 ... Sunday 7"})
    start_time = LocalTime(dump_only=True)
    duration_minutes = fields.Integer(dump_only=True)
    places = fields.Integer(dump_only=True)
    leader_needed = fields.Boolean(dump_only=True)
    note = fields.String(dump_only=True)
    valid_from = fields.Date(dump_only=True)
    valid_until = fields.Date(dump_only=True, allow_none=True)
    skipped_dates = fields.List(fields.String(), dump_only=True)
    is_active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


WEEKDAYS = fields.List(fields.Integer(strict=True, validate=Range(min=1, max=7)), validate=Length(min=1, max=7))


class PatternFieldsMixin:
    name = Text(validate=Length(min=1, max=80))
    team_id = Id(allow_none=True)
    area_id = Id()
    weekdays = WEEKDAYS
    start_time = LocalTime()
    duration_minutes = fields.Integer(strict=True, validate=Range(min=15, max=720))
    places = fields.Integer(strict=True, validate=PLACES)
    leader_needed = fields.Boolean()
    note = Text(multiline=True, validate=Length(max=500))
    valid_until = fields.Date(allow_none=True)
    skipped_dates = fields.List(fields.Date(), validate=Length(max=366))


def _normalise_pattern(data: dict) -> dict:
    if "weekdays" in data:
        if len(set(data["weekdays"])) != len(data["weekdays"]):
            raise ValidationError(coded("duplicate_weekday"), field_name="weekdays")
        data["weekdays"] = sorted(data["weekdays"])
    if "skipped_dates" in data:
        data["skipped_dates"] = sorted({day.isoformat() for day in data["skipped_dates"]})
    if data.get("valid_until") and data.get("valid_from") and data["valid_until"] < data["valid_from"]:
        raise ValidationError(coded("ends_before_start"), field_name="valid_until")
    return data


class PatternCreateSchema(PatternFieldsMixin, ApiSchema):
    unit_id = Id(required=True)
    name = Text(required=True, validate=Length(min=1, max=80))
    area_id = Id(required=True)
    weekdays = WEEKDAYS
    start_time = LocalTime(required=True)
    duration_minutes = fields.Integer(strict=True, required=True, validate=Range(min=15, max=720))
    places = fields.Integer(strict=True, required=True, validate=PLACES)
    leader_needed = fields.Boolean(load_default=False)
    note = Text(load_default="", multiline=True, validate=Length(max=500))
    valid_from = fields.Date(required=True)
    skipped_dates = fields.List(fields.Date(), load_default=list, validate=Length(max=366))

    @validates_schema
    def consistent(self, data, **kwargs):
        if "weekdays" not in data:
            raise ValidationError(coded("required"), field_name="weekdays")
        _normalise_pattern(data)


class PatternUpdateSchema(PatternFieldsMixin, ApiSchema):
    is_active = fields.Boolean()

    @validates_schema
    def consistent(self, data, **kwargs):
        if not data:
            raise ValidationError(coded("nothing_to_change"), field_name="_schema")
        _normalise_pattern(data)


class PatternChangeSchema(ApiSchema):
    pattern = fields.Nested(PatternSchema, dump_only=True)
    updated = fields.Integer(dump_only=True, metadata={"description": "future shifts changed to follow"})
    removed = fields.Integer(dump_only=True, metadata={"description": "future shifts cancelled (day no longer fits)"})
    left_alone = fields.List(
        fields.Nested(ShiftSummarySchema),
        dump_only=True,
        metadata={"description": "shifts with people on them, or edited by hand: check them"},
    )


class PatternQuerySchema(ApiSchema):
    unit_id = Id(strict=False)
    include_inactive = fields.Boolean(load_default=False)


class SwapOfferSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    shift = fields.Nested(ShiftSummarySchema, dump_only=True)
    offered_by = fields.Nested(PersonSchema, dump_only=True)
    taken_by = fields.Nested(PersonSchema, dump_only=True, allow_none=True)
    status = fields.Enum(SwapStatus, by_value=True, dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    taken_at = fields.DateTime(dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)


class SwapQuerySchema(ApiSchema):
    status = fields.Enum(SwapStatus, by_value=True, load_default=SwapStatus.OPEN)


class RulesSchema(ApiSchema):
    signup_opens_days = fields.Integer(strict=True, validate=Range(min=1, max=60))
    signup_closes_hours = fields.Integer(strict=True, validate=Range(min=0, max=72))
    drop_cutoff_hours = fields.Integer(strict=True, validate=Range(min=0, max=168))
    min_rest_hours = fields.Integer(strict=True, validate=Range(min=0, max=24))
    weekly_hours_cap = fields.Integer(strict=True, validate=Range(min=1, max=80))
    leader_release_hours = fields.Integer(strict=True, validate=Range(min=0, max=168))
    swap_needs_approval = fields.Boolean()


class CalendarLinkSchema(ApiSchema):
    url = fields.String(dump_only=True, metadata={"description": "subscribe to it in the phone's calendar"})
