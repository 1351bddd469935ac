from flask.views import MethodView
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.audit.models import AuditEvent
from app.audit.schemas import AuditEventSchema, AuditQuerySchema
from app.audit.services import events_visible_to
from app.core.api import Blueprint
from app.core.pagination import apply_sort, paginate

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The audit log.")

FILTERS = {"actor_id": AuditEvent.actor_id, "action": AuditEvent.action, "subject_type": AuditEvent.subject_type}


@blp.route("/audit")
class AuditEvents(MethodView):
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """The audit log: officers and admins read their subtree, everyone their own events."""
        stmt = events_visible_to(current_user).options(selectinload(AuditEvent.actor), selectinload(AuditEvent.unit))
        for key, column in FILTERS.items():
            if key in query:
                stmt = stmt.where(column == query[key])
        if "subject_id" in query:
            stmt = stmt.where(AuditEvent.subject_id == query["subject_id"])
        if "since" in query:
            stmt = stmt.where(AuditEvent.at >= query["since"])
        if "until" in query:
            stmt = stmt.where(AuditEvent.at < query["until"])
        return paginate(
            apply_sort(stmt, query["sort"], {"at": AuditEvent.at}, AuditEvent.id.desc()), pagination_parameters
        )
