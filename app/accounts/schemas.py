from flask import current_app, url_for
from marshmallow import Schema, ValidationError, fields, validate

from app.accounts.models import Role, UserStatus
from app.accounts.passwords import MAX_LENGTH, password_problem
from app.accounts.phones import normalize_mainland_mobile
from app.core.pagination import sort_field
from app.core.schemas import Id, TrimmedString, public_url
from app.orgs.schemas import UnitRefSchema

LOCALES = ("zh-CN", "en")
DISPLAY_NAME = validate.Length(min=1, max=40)


class PhoneField(fields.String):
    """A mainland mobile number in any common spelling, loaded as E.164."""

    def _deserialize(self, value, attr, data, **kwargs):
        phone = normalize_mainland_mobile(super()._deserialize(value, attr, data, **kwargs))
        if phone is None:
            raise ValidationError("phone_invalid")
        return phone


class NewPasswordField(fields.String):
    """A password that meets the policy (length, not a common password)."""

    def _deserialize(self, value, attr, data, **kwargs):
        password = super()._deserialize(value, attr, data, **kwargs)
        problem = password_problem(password, current_app.config["PASSWORD_MIN_LENGTH"])
        if problem:
            raise ValidationError(problem)
        return password


class RoleGrantSchema(Schema):
    id = fields.Integer(dump_only=True)
    role = fields.Enum(Role, by_value=True, dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)


class RoleGrantCreateSchema(Schema):
    role = fields.Enum(Role, by_value=True, required=True)
    unit_id = Id(required=True)


class MyTeamSchema(Schema):
    """A team as seen through one membership."""

    id = fields.Integer(attribute="team.id", dump_only=True)
    name = fields.String(attribute="team.name", dump_only=True)
    unit = fields.Nested(UnitRefSchema, attribute="team.unit", dump_only=True)
    is_leader = fields.Boolean(dump_only=True)


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    phone = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    status = fields.Enum(UserStatus, by_value=True, dump_only=True)
    roles = fields.List(fields.Nested(RoleGrantSchema), attribute="role_grants", dump_only=True)
    teams = fields.List(fields.Nested(MyTeamSchema), attribute="memberships", dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class MeSchema(UserSchema):
    locale = fields.String(dump_only=True, allow_none=True)


class MeUpdateSchema(Schema):
    display_name = TrimmedString(validate=DISPLAY_NAME)
    locale = fields.String(validate=validate.OneOf(LOCALES))


class UserQuerySchema(Schema):
    status = fields.Enum(UserStatus, by_value=True)
    team_id = Id(strict=False)
    q = TrimmedString(validate=validate.Length(max=40))
    sort = sort_field("display_name", "created_at", default="display_name")


class LoginSchema(Schema):
    phone = PhoneField(required=True)
    password = fields.String(required=True, validate=validate.Length(max=MAX_LENGTH))


class RegisterSchema(Schema):
    invite_token = fields.String(required=True, validate=validate.Length(min=1, max=64))
    phone = PhoneField(required=True)
    display_name = TrimmedString(required=True, validate=DISPLAY_NAME)
    password = NewPasswordField(required=True)
    locale = fields.String(load_default=None, validate=validate.OneOf(LOCALES))


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(max=MAX_LENGTH))
    new_password = NewPasswordField(required=True)


class CsrfTokenSchema(Schema):
    csrf_token = fields.String(dump_only=True)


class InviteCreateSchema(Schema):
    expires_in_hours = fields.Integer(strict=True, load_default=72, validate=validate.Range(min=1, max=720))
    max_uses = fields.Integer(strict=True, load_default=20, validate=validate.Range(min=1, max=500))
    auto_approve = fields.Boolean(load_default=False)


class InviteTeamSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class InvitePreviewSchema(Schema):
    """What someone opening an invite link may see: no counts, no token."""

    team = fields.Nested(InviteTeamSchema, dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)
    expires_at = fields.DateTime(dump_only=True)
    auto_approve = fields.Boolean(dump_only=True)


class InviteSchema(InvitePreviewSchema):
    id = fields.Integer(dump_only=True)
    token = fields.String(dump_only=True)
    url = fields.Function(lambda invite: public_url(f"join/{invite.token}"), dump_only=True)
    qr_svg_url = fields.Function(lambda invite: url_for("accounts.InviteQr", invite_id=invite.id), dump_only=True)
    max_uses = fields.Integer(dump_only=True)
    use_count = fields.Integer(dump_only=True)
    is_usable = fields.Boolean(dump_only=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class InviteQuerySchema(Schema):
    team_id = Id(strict=False)
    sort = sort_field("created_at", "expires_at", default="-created_at")


class PasswordResetCreatedSchema(Schema):
    url = fields.String(dump_only=True)
    expires_at = fields.DateTime(dump_only=True)


class PasswordResetPreviewSchema(Schema):
    display_name = fields.String(attribute="user.display_name", dump_only=True)
    expires_at = fields.DateTime(dump_only=True)


class PasswordResetSchema(Schema):
    new_password = NewPasswordField(required=True)
