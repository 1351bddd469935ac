from marshmallow import ValidationError, fields, validates_schema

from app.accounts.schemas import PersonSchema
from app.attendance.models import Position, Punctuality
from app.core.geo import GeoFixSchema
from app.core.schemas import ApiSchema, Id, Length, OneOf, Text, coded
from app.scheduling.schemas import RefSchema, ShiftSummarySchema


class PresenceSchema(ApiSchema):
    """A check-in or check-out as the phone sends it: where, and when if it was queued offline."""

    fix = fields.Nested(GeoFixSchema, load_default=None, allow_none=True)
    device_at = fields.AwareDateTime(
        load_default=None, default_timezone=None, metadata={"description": "the phone's clock when tapped"}
    )
    recorded_offline = fields.Boolean(
        load_default=False, metadata={"description": "queued on the phone without signal; device_at is when"}
    )


class AttendanceSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    shift_id = fields.Integer(dump_only=True)
    user = fields.Nested(PersonSchema, dump_only=True)
    checked_in_at = fields.DateTime(dump_only=True, allow_none=True)
    check_in_device_at = fields.DateTime(dump_only=True, allow_none=True)
    check_in_received_at = fields.DateTime(dump_only=True, allow_none=True)
    check_in_position = fields.Enum(Position, by_value=True, dump_only=True, allow_none=True)
    check_in_distance_m = fields.Integer(dump_only=True, allow_none=True)
    punctuality = fields.Enum(Punctuality, by_value=True, dump_only=True, allow_none=True)
    checked_out_at = fields.DateTime(dump_only=True, allow_none=True)
    check_out_position = fields.Enum(Position, by_value=True, dump_only=True, allow_none=True)
    check_out_distance_m = fields.Integer(dump_only=True, allow_none=True)
    no_show = fields.Boolean(dump_only=True)
    credited_minutes = fields.Integer(dump_only=True)
    flags = fields.List(fields.String(), dump_only=True)
    proxy_by = fields.Nested(PersonSchema, dump_only=True, allow_none=True)
    correction_reason = fields.String(dump_only=True, allow_none=True)


class AttendanceActionSchema(ApiSchema):
    """A leader's check-in by proxy, or a coordinator's correction (with a reason)."""

    action = Text(required=True, validate=OneOf(["check_in", "check_out", "correct"]))
    checked_in_at = fields.AwareDateTime(default_timezone=None, allow_none=True)
    checked_out_at = fields.AwareDateTime(default_timezone=None, allow_none=True)
    no_show = fields.Boolean()
    reason = Text(validate=Length(min=2, max=200))

    @validates_schema
    def consistent(self, data, **kwargs):
        if data["action"] == "correct":
            if "reason" not in data:
                raise ValidationError(coded("required"), field_name="reason")
            if not {"checked_in_at", "checked_out_at", "no_show"} & data.keys():
                raise ValidationError(coded("nothing_to_change"), field_name="_schema")


class OnDutySchema(ApiSchema):
    user = fields.Nested(PersonSchema, dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True)
    shift = fields.Nested(ShiftSummarySchema, dump_only=True)
    area = fields.Nested(RefSchema, dump_only=True)
    checked_in_at = fields.DateTime(dump_only=True)
    lon = fields.Float(dump_only=True, allow_none=True)
    lat = fields.Float(dump_only=True, allow_none=True)
    position = fields.Enum(Position, by_value=True, dump_only=True)


class HoursQuerySchema(ApiSchema):
    month = Text(required=True, validate=Length(equal=7), metadata={"description": "e.g. 2026-12"})

    @validates_schema
    def month_form(self, data, **kwargs):
        year, _, number = data["month"].partition("-")
        if not (year.isdigit() and number.isdigit() and 1 <= int(number) <= 12 and 2000 <= int(year) <= 2100):
            raise ValidationError(coded("not_a_month"), field_name="month")


class MyHoursSchema(ApiSchema):
    month = fields.String(dump_only=True)
    minutes = fields.Integer(dump_only=True)
    shifts = fields.List(fields.Nested(AttendanceSchema), dump_only=True)


class MemberHoursSchema(ApiSchema):
    user = fields.Nested(PersonSchema, dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True)
    shifts = fields.Integer(dump_only=True)
    no_shows = fields.Integer(dump_only=True)
    late = fields.Integer(dump_only=True)
    flagged = fields.Integer(dump_only=True)
    minutes = fields.Integer(dump_only=True)


class HoursExportQuerySchema(HoursQuerySchema):
    unit_id = Id(strict=False, required=True)
    format = Text(load_default="xlsx", validate=OneOf(["csv", "xlsx"]))
