from datetime import timedelta

from flask import url_for
from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validates_schema

from app.accounts.schemas import PersonSchema
from app.alerts.models import AlertStatus, Answer, AudienceKind, CapCategory, Severity
from app.core import clock
from app.core.access import Role
from app.core.pagination import sort_field
from app.core.schemas import ApiSchema, Id, Length, OneOf, Range, Text, coded
from app.notifications.models import PushStatus
from app.orgs.schemas import UnitRefSchema

# An alert is about now: it expires within a week at most.
MAX_LIFETIME = timedelta(days=7)


class AudienceSchema(ApiSchema):
    """Exactly one audience: a unit's subtree, some teams, some roles in a unit's subtree, an area's
    members, those on duty now in a unit's subtree, or those on a shift in an area today."""

    kind = fields.Enum(AudienceKind, by_value=True, required=True)
    unit_id = Id()
    team_ids = fields.List(Id(), validate=Length(min=1, max=50))
    roles = fields.List(fields.Enum(Role, by_value=True), validate=Length(min=1, max=4))
    area_id = Id()

    @validates_schema
    def one_audience(self, data, **kwargs):
        needs = {
            AudienceKind.UNIT: {"unit_id"},
            AudienceKind.TEAMS: {"team_ids"},
            AudienceKind.ROLES: {"unit_id", "roles"},
            AudienceKind.AREA: {"area_id"},
            AudienceKind.ON_DUTY: {"unit_id"},
            AudienceKind.AREA_TODAY: {"area_id"},
        }[data["kind"]]
        given = set(data) - {"kind"}
        for name in needs - given:
            raise ValidationError(coded("required"), field_name=name)
        for name in given - needs:
            raise ValidationError(coded("not_for_this_audience"), field_name=name)


def _audience_spec(data: dict) -> dict:
    """The audience as stored on the alert (JSON): enums as their values."""
    spec = {key: value for key, value in data.items() if key != "roles"} | {"kind": data["kind"].value}
    if "roles" in data:
        spec["roles"] = [role.value for role in data["roles"]]
    return spec


class AudienceField(fields.Nested):
    def __init__(self, **kwargs):
        super().__init__(AudienceSchema, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return _audience_spec(super()._deserialize(value, attr, data, **kwargs))


class PlaceMixin:
    lon = fields.Float(validate=Range(min=-180, max=180))
    lat = fields.Float(validate=Range(min=-90, max=90))
    radius_m = fields.Integer(strict=True, validate=Range(min=10, max=50_000))
    area_id = Id()


class AlertPreviewSchema(ApiSchema):
    audience = AudienceField(required=True)
    severity = fields.Enum(Severity, by_value=True, load_default=Severity.INFO)


class PreviewSchema(ApiSchema):
    recipients = fields.Integer(dump_only=True)
    with_push = fields.Integer(dump_only=True)


def _check_expiry(expires_at) -> None:
    now = clock.now()
    if expires_at <= now:
        raise ValidationError(coded("in_the_past"), field_name="expires_at")
    if expires_at > now + MAX_LIFETIME:
        raise ValidationError(coded("too_far_ahead", days=MAX_LIFETIME.days), field_name="expires_at")


class AlertCreateSchema(PlaceMixin, ApiSchema):
    severity = fields.Enum(Severity, by_value=True, required=True)
    category = fields.Enum(CapCategory, by_value=True, load_default=CapCategory.SECURITY)
    title = Text(required=True, validate=Length(min=1, max=80))
    body = Text(required=True, multiline=True, validate=Length(min=1, max=2000))
    audience = AudienceField(required=True)
    expires_at = fields.AwareDateTime(required=True, default_timezone=None)
    is_test = fields.Boolean(load_default=False)

    @validates_schema
    def consistent(self, data, **kwargs):
        _check_expiry(data["expires_at"])
        if ("lon" in data) != ("lat" in data):
            raise ValidationError(coded("point_needs_lon_and_lat"), field_name="lat")
        if "radius_m" in data and "lon" not in data:
            raise ValidationError(coded("radius_needs_point"), field_name="radius_m")


class AlertUpdateSchema(ApiSchema):
    severity = fields.Enum(Severity, by_value=True)
    title = Text(validate=Length(min=1, max=80))
    body = Text(multiline=True, validate=Length(min=1, max=2000))
    expires_at = fields.AwareDateTime(default_timezone=None)

    @validates_schema
    def consistent(self, data, **kwargs):
        if not data:
            raise ValidationError(coded("nothing_to_change"), field_name="_schema")
        if "expires_at" in data:
            _check_expiry(data["expires_at"])


class AreaRefSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    geometry = fields.Raw(dump_only=True)


class MyAnswerSchema(ApiSchema):
    seen_at = fields.DateTime(dump_only=True, allow_none=True)
    answer = fields.Enum(Answer, by_value=True, dump_only=True, allow_none=True)
    answered_at = fields.DateTime(dump_only=True, allow_none=True)


class AlertPhotoSchema(ApiSchema):
    content_id = fields.String(dump_only=True)
    url = fields.Function(
        lambda photo: url_for("alerts.AlertPhotoById", alert_id=photo["alert_id"], content_id=photo["content_id"]),
        dump_only=True,
        metadata={"type": "string"},
    )
    thumb_url = fields.Function(
        lambda photo: url_for("alerts.AlertPhotoThumb", alert_id=photo["alert_id"], content_id=photo["content_id"]),
        dump_only=True,
        metadata={"type": "string"},
    )
    width = fields.Integer(dump_only=True)
    height = fields.Integer(dump_only=True)


class AlertPhotoUploadSchema(ApiSchema):
    photo = Upload(required=True, metadata={"description": "JPEG, PNG or WebP"})


class AlertSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    severity = fields.Enum(Severity, by_value=True, dump_only=True)
    category = fields.Enum(CapCategory, by_value=True, dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    lon = fields.Float(dump_only=True, allow_none=True)
    lat = fields.Float(dump_only=True, allow_none=True)
    radius_m = fields.Integer(dump_only=True, allow_none=True)
    area = fields.Nested(AreaRefSchema, dump_only=True, allow_none=True)
    audience = fields.Dict(dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)
    sender = fields.Nested(PersonSchema, dump_only=True)
    status = fields.Enum(AlertStatus, by_value=True, dump_only=True)
    is_test = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True, allow_none=True)
    expires_at = fields.DateTime(dump_only=True)
    cancelled_at = fields.DateTime(dump_only=True, allow_none=True)
    recipients_total = fields.Integer(dump_only=True)
    delivered_at = fields.DateTime(dump_only=True, allow_none=True)
    is_open = fields.Boolean(dump_only=True)
    photo = fields.Nested(
        AlertPhotoSchema, dump_only=True, allow_none=True, metadata={"description": "null without a photo"}
    )


class AlertDetailSchema(AlertSchema):
    mine = fields.Nested(MyAnswerSchema, dump_only=True, allow_none=True)
    can_manage = fields.Boolean(dump_only=True)


class AlertQuerySchema(ApiSchema):
    box = Text(load_default="received", validate=OneOf(["received", "sent"]))
    unanswered = fields.Boolean(
        load_default=False,
        metadata={"description": "with box=received: only open alerts I have not answered (home's call to action)"},
    )
    sort = sort_field("created_at", default="-created_at")

    @validates_schema
    def unanswered_is_for_received(self, data, **kwargs):
        if data["unanswered"] and data["box"] != "received":
            raise ValidationError(coded("invalid"), field_name="unanswered")


class AnswerCreateSchema(ApiSchema):
    answer = Text(required=True, validate=OneOf(["seen", *[a.value for a in Answer]]))
    token = Text(validate=Length(min=10, max=60))


class AnswerCountsSchema(ApiSchema):
    on_my_way = fields.Integer(dump_only=True)
    cannot_come = fields.Integer(dump_only=True)
    seen = fields.Integer(dump_only=True, metadata={"description": "opened, not answered"})
    unseen = fields.Integer(dump_only=True)


class TeamRefSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class TeamTallySchema(ApiSchema):
    team = fields.Nested(TeamRefSchema, dump_only=True, allow_none=True)
    answers = fields.Nested(AnswerCountsSchema, dump_only=True)


class TallySchema(ApiSchema):
    total = fields.Integer(dump_only=True)
    delivered = fields.Boolean(dump_only=True)
    answers = fields.Nested(AnswerCountsSchema, dump_only=True)
    push = fields.Dict(
        keys=fields.String(), values=fields.Integer(), dump_only=True, metadata={"description": "by push status"}
    )
    teams = fields.List(fields.Nested(TeamTallySchema), dump_only=True)


class RecipientPersonSchema(PersonSchema):
    phone = fields.String(dump_only=True, allow_none=True, metadata={"description": "only where the viewer may see it"})


class RecipientSchema(ApiSchema):
    user = fields.Nested(RecipientPersonSchema, dump_only=True)
    team = fields.Nested(TeamRefSchema, dump_only=True, allow_none=True)
    seen_at = fields.DateTime(dump_only=True, allow_none=True)
    answer = fields.Enum(Answer, by_value=True, dump_only=True, allow_none=True)
    answered_at = fields.DateTime(dump_only=True, allow_none=True)
    reminded_at = fields.DateTime(dump_only=True, allow_none=True)
    push_status = fields.Enum(PushStatus, by_value=True, dump_only=True)


class RecipientQuerySchema(ApiSchema):
    answer = Text(validate=OneOf(["none", *[a.value for a in Answer]]))
