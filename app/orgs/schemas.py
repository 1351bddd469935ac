from marshmallow import ValidationError, fields

from app.core.pagination import ListQuerySchema, sort_field
from app.core.schemas import ApiSchema, Id, Length, Name, OneOf, coded
from app.orgs.geometry import GeometryProblem, normalize_area_geometry
from app.orgs.models import UnitKind

NAME = Length(min=1, max=80)


class GeometryField(fields.Raw):
    """A GeoJSON Polygon/MultiPolygon, checked and normalised with shapely."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return normalize_area_geometry(value)
        except GeometryProblem as exc:
            raise ValidationError(coded(exc.code, **exc.params)) from exc


class UnitRefSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.Enum(UnitKind, by_value=True, dump_only=True)


class UnitSchema(UnitRefSchema):
    parent_id = fields.Integer(dump_only=True, allow_none=True)
    is_active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class UnitCreateSchema(ApiSchema):
    name = Name(required=True, validate=NAME)
    kind = fields.Enum(UnitKind, by_value=True, required=True)
    parent_id = Id(required=True)


class UnitUpdateSchema(ApiSchema):
    name = Name(required=True, validate=NAME)


class UnitQuerySchema(ListQuerySchema):
    kind = fields.Enum(UnitKind, by_value=True)
    parent_id = Id(strict=False)
    sort = sort_field("name", "created_at", default="name")


class TeamSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)
    is_active = fields.Boolean(dump_only=True)
    member_count = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class TeamViewSchema(TeamSchema):
    """A team with what the viewer may do with it."""

    can_view_roster = fields.Boolean(dump_only=True)
    can_manage_members = fields.Boolean(dump_only=True)


class TeamCreateSchema(ApiSchema):
    name = Name(required=True, validate=NAME)
    unit_id = Id(required=True)


class TeamUpdateSchema(ApiSchema):
    name = Name(required=True, validate=NAME)


class TeamQuerySchema(ListQuerySchema):
    unit_id = Id(strict=False)
    sort = sort_field("name", "created_at", default="name")


class RosterUserSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    display_name = fields.String(dump_only=True)
    phone = fields.String(dump_only=True)
    status = fields.String(dump_only=True, validate=OneOf(["pending", "active", "rejected", "deactivated"]))


class TeamMemberSchema(ApiSchema):
    user = fields.Nested(RosterUserSchema, dump_only=True)
    is_leader = fields.Boolean(dump_only=True)
    joined_at = fields.DateTime(dump_only=True)


class TeamMemberUpdateSchema(ApiSchema):
    is_leader = fields.Boolean(required=True)


class AreaSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)
    geometry = fields.Raw(dump_only=True)
    is_active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class AreaCreateSchema(ApiSchema):
    name = Name(required=True, validate=NAME)
    unit_id = Id(required=True)
    geometry = GeometryField(required=True)


class AreaUpdateSchema(ApiSchema):
    name = Name(validate=NAME)
    geometry = GeometryField()


class AreaQuerySchema(ListQuerySchema):
    unit_id = Id(strict=False)
    sort = sort_field("name", "created_at", default="name")
