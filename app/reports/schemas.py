from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validates, validates_schema

from app.core.exports import FORMATS
from app.core.geo import GeoFixSchema
from app.core.pagination import KeysetQuerySchema
from app.core.schemas import ApiSchema, Id, Length, Name, OneOf, Range, Text, coded
from app.orgs.schemas import UnitRefSchema
from app.reports.models import Actor, PhotoKind, ReportSeverity, ReportStatus, Viewer

DESCRIPTION = Length(max=1000)
NOTE = Length(min=1, max=1000)
CODE = Length(min=1, max=40)

SORTS = ["-created_at", "created_at", "-updated_at", "updated_at", "due_at", "-due_at"]


class PersonRefSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    display_name = fields.String(dump_only=True)


class ReporterSchema(PersonRefSchema):
    phone = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "officers and admins over the case only"}
    )


class ReportTeamSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class DepartmentRefSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


# Categories ---------------------------------------------------------------------------------------


class SlaTargetSchema(ApiSchema):
    severity = fields.Enum(ReportSeverity, by_value=True, required=True)
    accept_minutes = fields.Integer(strict=True, required=True, validate=Range(min=1, max=60 * 24 * 90))
    resolve_minutes = fields.Integer(strict=True, required=True, validate=Range(min=1, max=60 * 24 * 365))

    @validates_schema
    def resolve_after_accept(self, data, **kwargs):
        if data["resolve_minutes"] < data["accept_minutes"]:
            raise ValidationError(coded("resolve_before_accept"), field_name="resolve_minutes")


def _one_per_severity(targets):
    if len({target["severity"] for target in targets}) != len(targets):
        raise ValidationError(coded("severity_repeated"))


class CategorySchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True, metadata={"description": "stable, e.g. fire_hazard (Open311 service_code)"})
    name = fields.String(dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True, metadata={"description": "the district"})
    shows_nearby = fields.Boolean(
        dump_only=True, metadata={"description": "false: its cases are never shown as nearby duplicates"}
    )
    sort_order = fields.Integer(dump_only=True)
    is_active = fields.Boolean(dump_only=True)
    sla = fields.List(
        fields.Nested(SlaTargetSchema),
        attribute="sla_targets",
        dump_only=True,
        metadata={"description": "targets of its own; other severities use the defaults"},
    )


class CategoryCreateSchema(ApiSchema):
    unit_id = Id(required=True, metadata={"description": "a district"})
    code = Text(required=True, validate=CODE)
    name = Name(required=True, validate=Length(min=1, max=40))
    shows_nearby = fields.Boolean(load_default=True)
    sort_order = fields.Integer(strict=True, load_default=0, validate=Range(min=0, max=10_000))
    sla = fields.List(fields.Nested(SlaTargetSchema), load_default=list, validate=_one_per_severity)

    @validates("code")
    def code_is_a_slug(self, value, **kwargs):
        if not all(char.isascii() and (char.isalnum() or char == "_") for char in value) or not value[0].isalpha():
            raise ValidationError(coded("code_invalid"))


class CategoryUpdateSchema(ApiSchema):
    name = Name(validate=Length(min=1, max=40))
    shows_nearby = fields.Boolean()
    sort_order = fields.Integer(strict=True, validate=Range(min=0, max=10_000))
    is_active = fields.Boolean()
    sla = fields.List(fields.Nested(SlaTargetSchema), validate=_one_per_severity)

    @validates_schema
    def something(self, data, **kwargs):
        if not data:
            raise ValidationError(coded("nothing_to_change"), field_name="_schema")


class CategoryQuerySchema(ApiSchema):
    include_inactive = fields.Boolean(load_default=False)


# Departments --------------------------------------------------------------------------------------


class DepartmentSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True, metadata={"description": "it serves this unit's subtree"})
    is_active = fields.Boolean(dump_only=True)
    category_ids = fields.Function(
        lambda department: sorted(route.category_id for route in department.routes),
        dump_only=True,
        metadata={
            "description": "categories it takes by default in its unit's subtree",
            "type": "array",
            "items": {"type": "integer"},
        },
    )
    created_at = fields.DateTime(dump_only=True)


class DepartmentCreateSchema(ApiSchema):
    unit_id = Id(required=True)
    name = Name(required=True, validate=Length(min=1, max=80))
    category_ids = fields.List(Id(), load_default=list, validate=Length(max=100))


class DepartmentUpdateSchema(ApiSchema):
    name = Name(validate=Length(min=1, max=80))
    is_active = fields.Boolean()
    category_ids = fields.List(Id(), validate=Length(max=100))

    @validates_schema
    def something(self, data, **kwargs):
        if not data:
            raise ValidationError(coded("nothing_to_change"), field_name="_schema")


class DepartmentQuerySchema(ApiSchema):
    unit_id = Id(strict=False, metadata={"description": "only departments serving this unit"})
    include_inactive = fields.Boolean(load_default=False)


class HandlerCreateSchema(ApiSchema):
    user_id = Id(required=True)


class HandlerSchema(PersonRefSchema):
    pass


# Reports ------------------------------------------------------------------------------------------


class ReportCreateSchema(ApiSchema):
    category_id = Id(required=True)
    severity = fields.Enum(ReportSeverity, by_value=True, load_default=ReportSeverity.MEDIUM)
    description = Text(multiline=True, load_default="", validate=DESCRIPTION)
    position = fields.Nested(GeoFixSchema, required=True)
    address = Text(load_default=None, allow_none=True, validate=Length(max=200))
    unit_id = Id(metadata={"description": "default: the reporter's own unit"})


class PositionSchema(ApiSchema):
    lon = fields.Float(dump_only=True)
    lat = fields.Float(dump_only=True)
    accuracy_m = fields.Float(dump_only=True)
    fixed_at = fields.DateTime(dump_only=True, allow_none=True)
    is_imprecise = fields.Boolean(dump_only=True)


class CategoryRefSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)


class ReportPhotoSchema(ApiSchema):
    content_id = fields.String(dump_only=True, metadata={"description": "the photo's id in its URLs"})
    kind = fields.Enum(PhotoKind, by_value=True, dump_only=True)
    url = fields.String(dump_only=True)
    thumb_url = fields.String(dump_only=True)
    width = fields.Integer(dump_only=True)
    height = fields.Integer(dump_only=True)
    is_mine = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class ReportSummarySchema(ApiSchema):
    """A case in a list. Fields the viewer may not see are null (see ``viewer``)."""

    id = fields.Integer(dump_only=True)
    viewer = fields.Enum(
        Viewer, by_value=True, dump_only=True, metadata={"description": "staff, handler, reporter or follower"}
    )
    status = fields.Enum(ReportStatus, by_value=True, dump_only=True)
    category = fields.Nested(CategoryRefSchema, dump_only=True)
    severity = fields.Enum(ReportSeverity, by_value=True, dump_only=True)
    description = fields.String(dump_only=True, allow_none=True)
    address = fields.String(dump_only=True, allow_none=True)
    position = fields.Nested(PositionSchema, dump_only=True, allow_none=True)
    unit = fields.Nested(UnitRefSchema, dump_only=True)
    reporter = fields.Nested(ReporterSchema, dump_only=True, allow_none=True)
    team = fields.Nested(ReportTeamSchema, dump_only=True, allow_none=True)
    department = fields.Nested(DepartmentRefSchema, dump_only=True, allow_none=True)
    handler = fields.Nested(PersonRefSchema, dump_only=True, allow_none=True)
    duplicate_of_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    accepted_at = fields.DateTime(dump_only=True, allow_none=True)
    resolved_at = fields.DateTime(dump_only=True, allow_none=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)
    due_at = fields.DateTime(dump_only=True, allow_none=True, metadata={"description": "the SLA deadline now due"})
    is_overdue = fields.Boolean(dump_only=True)
    escalation_level = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "0; 1 officers told; 2 the street above told"}
    )
    photo_count = fields.Integer(dump_only=True)
    cover_thumb_url = fields.String(dump_only=True, allow_none=True)
    is_mine = fields.Boolean(dump_only=True, metadata={"description": "I reported it"})
    is_following = fields.Boolean(dump_only=True)
    actions = fields.List(
        fields.String(),
        dump_only=True,
        metadata={"description": "workflow actions I may take now, e.g. accept, reject, dispatch"},
    )


class ReportSchema(ReportSummarySchema):
    """One case with its photos; follower_count for staff."""

    photos = fields.List(fields.Nested(ReportPhotoSchema), dump_only=True)
    follower_count = fields.Integer(dump_only=True, allow_none=True)
    can_comment = fields.Boolean(dump_only=True)
    can_comment_internally = fields.Boolean(dump_only=True)
    can_add_photo = fields.Boolean(dump_only=True)
    can_delete = fields.Boolean(dump_only=True)
    can_follow = fields.Boolean(dump_only=True)


class ReportFilterSchema(ApiSchema):
    box = Text(
        validate=OneOf(["queue", "mine"]),
        metadata={"description": "queue: cases I triage or handle; mine: reported or followed by me"},
    )
    status = fields.List(fields.Enum(ReportStatus, by_value=True))
    category_id = fields.List(Id(strict=False))
    severity = fields.List(fields.Enum(ReportSeverity, by_value=True))
    unit_id = Id(strict=False, metadata={"description": "cases in this unit's subtree"})
    department_id = Id(strict=False)
    overdue = fields.Boolean()
    since = fields.AwareDateTime(default_timezone=None, metadata={"description": "created at or after"})
    until = fields.AwareDateTime(default_timezone=None, metadata={"description": "created before"})
    team_id = Id(strict=False, metadata={"description": "the reporter's team"})


class ReportQuerySchema(ReportFilterSchema, KeysetQuerySchema):
    sort = Text(
        load_default="-created_at",
        validate=OneOf(SORTS),
        metadata={"description": "due_at lists only cases with a deadline due"},
    )


class MapQuerySchema(ReportFilterSchema):
    bbox = Text(required=True, metadata={"description": "min_lon,min_lat,max_lon,max_lat (WGS-84)"})
    zoom = fields.Integer(required=True, validate=Range(min=0, max=22))

    @validates("bbox")
    def four_numbers(self, value, **kwargs):
        parse_bbox(value)


def parse_bbox(value: str):
    from app.core.geo import BBox

    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in value.split(","))
    except ValueError as exc:
        raise ValidationError(coded("bbox_invalid")) from exc
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise ValidationError(coded("bbox_invalid"))
    return BBox(min_lon, min_lat, max_lon, max_lat)


class ExportQuerySchema(ReportFilterSchema):
    format = Text(load_default="csv", validate=OneOf(list(FORMATS)))


class MapPointSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    lon = fields.Float(dump_only=True)
    lat = fields.Float(dump_only=True)
    status = fields.Enum(ReportStatus, by_value=True, dump_only=True)
    severity = fields.Enum(ReportSeverity, by_value=True, dump_only=True)
    category_id = fields.Integer(dump_only=True)
    is_overdue = fields.Boolean(dump_only=True)


class MapClusterSchema(ApiSchema):
    lon = fields.Float(dump_only=True, metadata={"description": "mean position of its cases"})
    lat = fields.Float(dump_only=True)
    count = fields.Integer(dump_only=True)
    overdue = fields.Integer(dump_only=True)


class MapSchema(ApiSchema):
    zoom = fields.Integer(dump_only=True)
    cell_deg = fields.Float(dump_only=True, metadata={"description": "grid cell size in degrees"})
    total = fields.Integer(dump_only=True, metadata={"description": "cases in the box (within the returned cells)"})
    truncated = fields.Boolean(dump_only=True, metadata={"description": "more cells than MAP_MAX_CELLS: zoom in"})
    points = fields.List(fields.Nested(MapPointSchema), dump_only=True)
    clusters = fields.List(fields.Nested(MapClusterSchema), dump_only=True)


class NearbyQuerySchema(ApiSchema):
    category_id = Id(strict=False, required=True)
    lon = fields.Float(required=True, validate=Range(min=-180, max=180))
    lat = fields.Float(required=True, validate=Range(min=-90, max=90))


class NearbySchema(ApiSchema):
    """Another open case close by: category, distance, time and status only."""

    id = fields.Integer(dump_only=True, metadata={"description": "to follow it instead of reporting again"})
    category = fields.Nested(CategoryRefSchema, dump_only=True)
    distance_m = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    status = fields.Enum(ReportStatus, by_value=True, dump_only=True)
    is_mine = fields.Boolean(dump_only=True)
    is_following = fields.Boolean(dump_only=True)


# Workflow bodies ----------------------------------------------------------------------------------


class NoteSchema(ApiSchema):
    note = Text(multiline=True, validate=NOTE)


class ReasonSchema(ApiSchema):
    reason = Text(multiline=True, required=True, validate=NOTE)


class ResolveSchema(ApiSchema):
    note = Text(multiline=True, required=True, validate=NOTE)


class DuplicateSchema(NoteSchema):
    duplicate_of_id = Id(required=True)


class DispatchSchema(NoteSchema):
    department_id = Id(metadata={"description": "default: the department the category routes to"})
    handler_id = Id(metadata={"description": "one handler of the department; default: any of them"})


class BulkDispatchSchema(DispatchSchema):
    report_ids = fields.List(Id(), required=True, validate=Length(min=1, max=100))


class BulkResultSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    status = fields.Enum(ReportStatus, by_value=True, dump_only=True, allow_none=True)
    error = fields.String(dump_only=True, allow_none=True, metadata={"description": "null when dispatched"})


class EventSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    at = fields.DateTime(dump_only=True)
    action = fields.String(
        dump_only=True,
        metadata={
            "description": "created, accept, reject, mark_duplicate, dispatch, return, start, resolve, "
            "close, reopen, request_reopen, overdue, escalated"
        },
    )
    actor_role = fields.Enum(Actor, by_value=True, dump_only=True)
    actor = fields.Nested(PersonRefSchema, dump_only=True, allow_none=True, metadata={"description": "staff only"})
    from_status = fields.Enum(ReportStatus, by_value=True, dump_only=True, allow_none=True)
    to_status = fields.Enum(ReportStatus, by_value=True, dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    department = fields.Nested(DepartmentRefSchema, dump_only=True, allow_none=True)
    duplicate_of_id = fields.Integer(dump_only=True, allow_none=True)
    is_public = fields.Boolean(dump_only=True, metadata={"description": "the reporter sees it"})


class CommentSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    body = fields.String(dump_only=True)
    is_public = fields.Boolean(dump_only=True)
    author_role = fields.Enum(Actor, by_value=True, dump_only=True)
    author = fields.Nested(
        PersonRefSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "null for the reporter's view of staff"},
    )
    is_mine = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class CommentCreateSchema(ApiSchema):
    body = Text(multiline=True, required=True, validate=Length(min=1, max=2000))
    is_public = fields.Boolean(
        metadata={"description": "staff: default false (internal); the reporter's comments are always public"}
    )


class PhotoUploadSchema(ApiSchema):
    photo = Upload(required=True, metadata={"description": "JPEG, PNG or WebP; one per request"})
