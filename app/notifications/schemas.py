from marshmallow import fields

from app.core.schemas import ApiSchema, Length, Text
from app.notifications.models import NotificationKind, PushStatus


class VapidKeySchema(ApiSchema):
    public_key = fields.String(dump_only=True, metadata={"description": "applicationServerKey, base64url"})


class SubscriptionKeysSchema(ApiSchema):
    p256dh = Text(required=True, validate=Length(min=80, max=120))
    auth = Text(required=True, validate=Length(min=16, max=40))


class SubscriptionCreateSchema(ApiSchema):
    """What ``PushSubscription.toJSON()`` gives in the browser (``expirationTime`` is ignored)."""

    endpoint = Text(required=True, validate=Length(min=10, max=2000))
    keys = fields.Nested(SubscriptionKeysSchema, required=True)
    expirationTime = fields.Raw(load_only=True, allow_none=True)  # noqa: N815  (the browser's own name)


class SubscriptionSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_success_at = fields.DateTime(dump_only=True, allow_none=True)
    last_failure_at = fields.DateTime(dump_only=True, allow_none=True)
    last_error = fields.String(dump_only=True, allow_none=True)


class NotificationSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.Enum(NotificationKind, by_value=True, dump_only=True)
    payload = fields.Dict(dump_only=True, metadata={"description": "title, body, url and per kind its details"})
    subject_type = fields.String(dump_only=True, allow_none=True)
    subject_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    read_at = fields.DateTime(dump_only=True, allow_none=True)
    push_status = fields.Enum(PushStatus, by_value=True, dump_only=True)


class NotificationQuerySchema(ApiSchema):
    unread = fields.Boolean(load_default=False)


class UnreadCountSchema(ApiSchema):
    unread = fields.Integer(dump_only=True)
