from flask import current_app, url_for
from marshmallow import ValidationError, fields, validates_schema

from app.accounts.models import UserStatus
from app.accounts.passwords import MAX_LENGTH, is_phone_number, password_problem
from app.accounts.phones import normalize_mainland_mobile
from app.core.access import Role
from app.core.pagination import sort_field
from app.core.schemas import ApiSchema, Id, Length, Name, OneOf, Range, Text, coded, public_url
from app.orgs.schemas import UnitRefSchema

LOCALES = ("zh-CN", "en")
DISPLAY_NAME = Length(min=1, max=40)


class PhoneField(Text):
    """A mainland mobile number in any common spelling, loaded as E.164."""

    def _deserialize(self, value, attr, data, **kwargs):
        phone = normalize_mainland_mobile(super()._deserialize(value, attr, data, **kwargs))
        if phone is None:
            raise ValidationError(coded("phone_invalid"))
        return phone


class PasswordField(Text):
    """A password as typed: kept exactly (no trimming), at most MAX_LENGTH characters."""

    def __init__(self, **kwargs):
        super().__init__(trim=False, validate=Length(max=MAX_LENGTH), **kwargs)


class NewPasswordField(Text):
    """A password that meets the policy (length, not a common password)."""

    def __init__(self, **kwargs):
        super().__init__(trim=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        password = super()._deserialize(value, attr, data, **kwargs)
        problem = password_problem(password, current_app.config["PASSWORD_MIN_LENGTH"])
        if problem:
            raise ValidationError(coded(problem, min=current_app.config["PASSWORD_MIN_LENGTH"], max=MAX_LENGTH))
        return password


class PersonSchema(ApiSchema):
    """Someone named in another row (a sender, a signed-up member): no phone, no roles."""

    id = fields.Integer(dump_only=True)
    display_name = fields.String(dump_only=True)


class RoleGrantSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    role = fields.Enum(Role, by_value=True, dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)
    department_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "the department a handler works for"}
    )


class RoleGrantCreateSchema(ApiSchema):
    role = fields.Enum(Role, by_value=True, required=True)
    unit_id = Id(required=True)

    @validates_schema
    def handler_needs_a_department(self, data, **kwargs):
        if data.get("role") == Role.HANDLER:
            # A handler works for a department: POST /departments/<id>/handlers gives the role.
            raise ValidationError(coded("handler_needs_department"), field_name="role")


class MyTeamSchema(ApiSchema):
    """A team as seen through one membership."""

    id = fields.Integer(attribute="team_id", dump_only=True)
    name = fields.String(attribute="team_name", dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)
    is_leader = fields.Boolean(dump_only=True)


class UserSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    phone = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    status = fields.Enum(UserStatus, by_value=True, dump_only=True)
    roles = fields.List(fields.Nested(RoleGrantSchema), attribute="grants", dump_only=True)
    teams = fields.List(fields.Nested(MyTeamSchema), attribute="memberships", dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class MeSchema(UserSchema):
    locale = fields.String(dump_only=True, allow_none=True)
    capabilities = fields.Dict(
        keys=fields.String(),
        values=fields.Boolean(),
        dump_only=True,
        metadata={"description": "what the app may offer this person; see core/access.py"},
    )


class MeUpdateSchema(ApiSchema):
    display_name = Name(validate=DISPLAY_NAME)
    locale = Text(validate=OneOf(LOCALES))


class UserQuerySchema(ApiSchema):
    status = fields.Enum(UserStatus, by_value=True)
    team_id = Id(strict=False)
    q = Text(validate=Length(max=40))
    sort = sort_field("display_name", "created_at", default="display_name")


class LoginSchema(ApiSchema):
    phone = PhoneField(required=True)
    password = PasswordField(required=True)


class RegisterSchema(ApiSchema):
    invite_token = Text(required=True, validate=Length(min=1, max=64))
    phone = PhoneField(required=True)
    display_name = Name(required=True, validate=DISPLAY_NAME)
    password = NewPasswordField(required=True)
    locale = Text(load_default=None, validate=OneOf(LOCALES))

    @validates_schema
    def password_is_not_the_phone(self, data, **kwargs):
        if "phone" in data and "password" in data and is_phone_number(data["password"], data["phone"]):
            raise ValidationError(coded("password_is_phone"), field_name="password")


class PasswordChangeSchema(ApiSchema):
    current_password = PasswordField(required=True)
    new_password = NewPasswordField(required=True)


class CsrfTokenSchema(ApiSchema):
    csrf_token = fields.String(dump_only=True)


class DeviceSchema(ApiSchema):
    """A signed-in device, named from its browser's User-Agent."""

    id = fields.Integer(dump_only=True)
    browser = fields.String(dump_only=True, allow_none=True, metadata={"description": "e.g. WeChat, Chrome"})
    system = fields.String(dump_only=True, allow_none=True, metadata={"description": "e.g. Android, iPhone"})
    created_at = fields.DateTime(dump_only=True)
    last_seen_at = fields.DateTime(dump_only=True)
    is_current = fields.Boolean(dump_only=True)


class InviteCreateSchema(ApiSchema):
    expires_in_hours = fields.Integer(strict=True, load_default=72, validate=Range(min=1, max=720))
    max_uses = fields.Integer(strict=True, load_default=20, validate=Range(min=1, max=500))
    auto_approve = fields.Boolean(load_default=False)


class InviteTeamSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class InvitePreviewSchema(ApiSchema):
    """What someone opening an invite link may see: who invited them to which team; no counts, no token."""

    team = fields.Nested(InviteTeamSchema, dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)
    invited_by = fields.String(attribute="created_by.display_name", dump_only=True)
    expires_at = fields.DateTime(dump_only=True)
    auto_approve = fields.Boolean(dump_only=True)


class InviteSchema(InvitePreviewSchema):
    id = fields.Integer(dump_only=True)
    token = fields.String(dump_only=True)
    url = fields.Function(
        lambda invite: public_url(f"join/{invite.token}"), dump_only=True, metadata={"type": "string"}
    )
    qr_svg_url = fields.Function(
        lambda invite: url_for("accounts.InviteQr", invite_id=invite.id), dump_only=True, metadata={"type": "string"}
    )
    max_uses = fields.Integer(dump_only=True)
    use_count = fields.Integer(dump_only=True)
    is_usable = fields.Boolean(dump_only=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class InviteAcceptedSchema(ApiSchema):
    team = fields.Nested(InviteTeamSchema, dump_only=True)
    unit = fields.Nested(UnitRefSchema, attribute="team.unit", dump_only=True)
    status = fields.String(dump_only=True, metadata={"description": "active, or pending a coordinator's approval"})


class MembershipRequestUserSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    display_name = fields.String(dump_only=True)
    phone = fields.String(dump_only=True)


class MembershipRequestSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    team = fields.Nested(InviteTeamSchema, dump_only=True)
    unit = fields.Nested(UnitRefSchema, attribute="team.unit", dump_only=True)
    user = fields.Nested(MembershipRequestUserSchema, dump_only=True)
    requested_at = fields.DateTime(attribute="joined_at", dump_only=True)


class InviteQuerySchema(ApiSchema):
    team_id = Id(strict=False)
    sort = sort_field("created_at", "expires_at", default="-created_at")


class PasswordResetCreatedSchema(ApiSchema):
    url = fields.String(dump_only=True)
    expires_at = fields.DateTime(dump_only=True)


class PasswordResetPreviewSchema(ApiSchema):
    display_name = fields.String(attribute="user.display_name", dump_only=True)
    expires_at = fields.DateTime(dump_only=True)


class PasswordResetSchema(ApiSchema):
    new_password = NewPasswordField(required=True)
