from marshmallow import fields

from app.core.schemas import ApiSchema
from app.exports.models import ExportStatus


class ExportSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    format = fields.String(dump_only=True)
    status = fields.Enum(ExportStatus, by_value=True, dump_only=True)
    row_count = fields.Integer(dump_only=True, allow_none=True)
    byte_size = fields.Integer(dump_only=True, allow_none=True)
    filename = fields.String(dump_only=True, allow_none=True)
    download_url = fields.Function(
        lambda export: f"/api/v1/exports/{export.id}/download" if export.status == ExportStatus.READY else None,
        dump_only=True,
        allow_none=True,
        metadata={"type": "string"},
    )
    created_at = fields.DateTime(dump_only=True)
    finished_at = fields.DateTime(dump_only=True, allow_none=True)
    expires_at = fields.DateTime(dump_only=True)
