from marshmallow import fields

from app.core.pagination import sort_field
from app.core.schemas import ApiSchema, Id, Length, Text
from app.orgs.schemas import UnitRefSchema


class ActorSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    display_name = fields.String(dump_only=True)


class AuditEventSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    at = fields.DateTime(dump_only=True)
    action = fields.String(dump_only=True)
    actor = fields.Nested(ActorSchema, dump_only=True, allow_none=True)
    subject_type = fields.String(dump_only=True, allow_none=True)
    subject_id = fields.Integer(dump_only=True, allow_none=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True, allow_none=True)
    data = fields.Dict(dump_only=True)
    ip = fields.String(dump_only=True, allow_none=True)


class AuditQuerySchema(ApiSchema):
    actor_id = Id(strict=False)
    action = Text(validate=Length(max=40))
    subject_type = Text(validate=Length(max=30))
    subject_id = Id(strict=False)
    since = fields.AwareDateTime(default_timezone=None)
    until = fields.AwareDateTime(default_timezone=None)
    sort = sort_field("at", default="-at")
