from flask import send_file
from flask.views import MethodView
from flask_login import current_user

from app.core import clock
from app.core.api import Blueprint
from app.core.exports import CONTENT_TYPES
from app.core.storage import storage
from app.errors import Conflict, Gone
from app.exports import services
from app.exports.models import ExportStatus
from app.exports.schemas import ExportSchema

blp = Blueprint("exports", __name__, url_prefix="/api/v1", description="Large exports made by a job.")


@blp.route("/exports/<int:export_id>")
class ExportById(MethodView):
    @blp.errors(404)
    @blp.response(200, ExportSchema)
    def get(self, export_id):
        """An export I asked for: pending, ready (with its download link) or failed."""
        return services.export_for(current_user, export_id)


@blp.route("/exports/<int:export_id>/download")
class ExportDownload(MethodView):
    @blp.errors(404, 409, 410)
    @blp.response(200, content_type="application/octet-stream")
    def get(self, export_id):
        """The file of a ready export (409 while it is being made, 410 once it has expired)."""
        export = services.export_for(current_user, export_id)
        if export.expires_at <= clock.now():
            raise Gone("export_expired", "the export has expired; export again")
        if export.status != ExportStatus.READY:
            raise Conflict("export_not_ready", "the export is not ready")
        # Streamed from storage; the file is closed when the response is.
        return send_file(
            storage().open(export.storage_key),
            mimetype=CONTENT_TYPES[export.format],
            as_attachment=True,
            download_name=export.filename,
            etag=False,
        )
