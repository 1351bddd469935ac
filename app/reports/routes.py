from flask import current_app
from flask.views import MethodView
from flask_login import current_user

from app.accounts.models import User
from app.core.access import get_in_scope_or_404, require
from app.core.api import Blueprint
from app.core.http import body_limit
from app.core.idempotency import idempotent, remember
from app.core.pagination import CURSOR_HEADER, apply_sort, keyset_page, paginate
from app.core.photos import photo_response, read_upload
from app.core.throttle import Throttle
from app.errors import NotFound
from app.exports.schemas import ExportSchema
from app.exports.services import request_export
from app.extensions import db
from app.orgs.models import Unit
from app.reports import export, present, services
from app.reports.models import (
    Department,
    Report,
    ReportCategory,
    ReportComment,
    ReportPhoto,
    may_handle,
    may_triage,
)
from app.reports.schemas import (
    BulkDispatchSchema,
    BulkResultSchema,
    CategoryCreateSchema,
    CategoryQuerySchema,
    CategorySchema,
    CategoryUpdateSchema,
    CommentCreateSchema,
    CommentSchema,
    DepartmentCreateSchema,
    DepartmentQuerySchema,
    DepartmentSchema,
    DepartmentUpdateSchema,
    DispatchSchema,
    DuplicateSchema,
    EventSchema,
    ExportQuerySchema,
    HandlerCreateSchema,
    HandlerSchema,
    MapQuerySchema,
    MapSchema,
    NearbyQuerySchema,
    NearbySchema,
    NoteSchema,
    PhotoUploadSchema,
    ReasonSchema,
    ReportCreateSchema,
    ReportPhotoSchema,
    ReportQuerySchema,
    ReportSchema,
    ReportSummarySchema,
    ResolveSchema,
    parse_bbox,
)

blp = Blueprint(
    "reports", __name__, url_prefix="/api/v1", description="Hazard reports, the case workflow, departments."
)


# Categories ---------------------------------------------------------------------------------------


@blp.route("/report-categories")
class Categories(MethodView):
    @blp.arguments(CategoryQuerySchema, location="query")
    @blp.response(200, CategorySchema(many=True))
    def get(self, query):
        """The categories of my district(s), in their order; active ones unless asked."""
        stmt = services.categories_visible_to(current_user)
        if not query["include_inactive"]:
            stmt = stmt.where(ReportCategory.is_active)
        return db.session.scalars(stmt.order_by(ReportCategory.unit_id, ReportCategory.sort_order, ReportCategory.id))

    @blp.errors(404, 409)
    @blp.arguments(CategoryCreateSchema)
    @blp.response(201, CategorySchema)
    def post(self, data):
        """Add a category to a district I administer (its code stays stable)."""
        district = get_in_scope_or_404(Unit, data.pop("unit_id"), current_user)
        require(district.can_administer(current_user))
        category = services.create_category(district, data, current_user)
        db.session.commit()
        return category


@blp.route("/report-categories/<int:category_id>")
class CategoryById(MethodView):
    @blp.errors(404)
    @blp.response(200, CategorySchema)
    def get(self, category_id):
        """One category of my district."""
        return services.category_for(current_user, category_id)

    @blp.errors(404)
    @blp.arguments(CategoryUpdateSchema)
    @blp.response(200, CategorySchema)
    def patch(self, data, category_id):
        """Rename, reorder, hide from nearby, deactivate, or set SLA targets (admins of the district)."""
        category = services.category_for(current_user, category_id)
        require(category.can_administer(current_user))
        services.update_category(category, data, current_user)
        db.session.commit()
        return category


# Departments --------------------------------------------------------------------------------------


def _department_for_admin(department_id: int) -> Department:
    department = services.department_for(current_user, department_id)
    require(department.can_administer(current_user))
    return department


@blp.route("/departments")
class Departments(MethodView):
    @blp.errors(404)
    @blp.arguments(DepartmentQuerySchema, location="query")
    @blp.response(200, DepartmentSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Departments above and below my units: those I may dispatch to, and those I administer."""
        stmt = services.departments_visible_to(current_user)
        if "unit_id" in query:
            unit = get_in_scope_or_404(Unit, query["unit_id"], current_user)
            stmt = stmt.where(Department.unit_id.in_(services.ancestor_ids(unit)))
        if not query["include_inactive"]:
            stmt = stmt.where(Department.is_active)
        return paginate(apply_sort(stmt, "name", {"name": Department.name}, Department.id), pagination_parameters)

    @blp.errors(404, 409)
    @blp.arguments(DepartmentCreateSchema)
    @blp.response(201, DepartmentSchema)
    def post(self, data):
        """Add a department at a unit I administer, with the categories it takes by default."""
        unit = get_in_scope_or_404(Unit, data.pop("unit_id"), current_user)
        require(unit.can_administer(current_user))
        department = services.create_department(unit, data, current_user)
        db.session.commit()
        return department


@blp.route("/departments/<int:department_id>")
class DepartmentById(MethodView):
    @blp.errors(404)
    @blp.response(200, DepartmentSchema)
    def get(self, department_id):
        """One department."""
        return services.department_for(current_user, department_id)

    @blp.errors(404, 409)
    @blp.arguments(DepartmentUpdateSchema)
    @blp.response(200, DepartmentSchema)
    def patch(self, data, department_id):
        """Rename, (de)activate, or change the categories it takes by default (admins above it)."""
        department = _department_for_admin(department_id)
        services.update_department(department, data, current_user)
        db.session.commit()
        return department


@blp.route("/departments/<int:department_id>/handlers")
class DepartmentHandlers(MethodView):
    @blp.errors(404)
    @blp.response(200, HandlerSchema(many=True))
    def get(self, department_id):
        """The department's handlers, to dispatch to one of them."""
        department = services.department_for(current_user, department_id)
        return db.session.scalars(services.handlers_of(department).order_by(User.display_name, User.id))

    @blp.errors(404, 409)
    @blp.arguments(HandlerCreateSchema)
    @blp.response(201, HandlerSchema)
    def post(self, data, department_id):
        """Make an account a handler of this department (a ``handler`` role on its unit).

        The role is taken away like any other: ``DELETE /users/<id>/roles/<grant id>``.
        """
        department = _department_for_admin(department_id)
        user = db.session.get(User, data["user_id"])
        if user is None or not user.is_visible_to(current_user):
            raise NotFound("not_found", "user not found")
        require(user.id != current_user.id)
        services.add_handler(department, user, current_user)
        db.session.commit()
        return user


# Reports ------------------------------------------------------------------------------------------


def _report(report_id: int) -> Report:
    """A case the caller may see (staff, its handlers, its reporter, its followers), or 404."""
    report = db.session.get(Report, report_id)
    if report is None or not report.is_visible_to(current_user):
        raise NotFound("not_found", "report not found")
    return report


def _default_box() -> str:
    return "queue" if may_triage(current_user) or may_handle(current_user) else "mine"


SORT_COLUMNS = {
    "created_at": [Report.created_at, Report.id],
    "updated_at": [Report.updated_at, Report.id],
    "due_at": [Report.due_at, Report.id],
}


@blp.route("/reports")
class Reports(MethodView):
    @blp.errors(404)
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(
        200,
        ReportSummarySchema(many=True),
        headers={
            CURSOR_HEADER: {"description": "cursor of the next page; absent on the last", "schema": {"type": "string"}}
        },
    )
    def get(self, query):
        """The officers' queue (``box=queue``) or my reports (``box=mine``), filtered, newest first.

        Keyset pages: pass the ``X-Next-Cursor`` of one page as ``cursor`` for the next.
        """
        filters = services.filters_from(query, current_user)
        stmt = services.apply_filters(
            services.reports_visible_to(current_user, query.get("box") or _default_box()), filters
        )
        sort = query["sort"]
        if sort.lstrip("-") == "due_at":
            stmt = stmt.where(Report.due_at.is_not(None))
        rows, cursor = keyset_page(
            services.with_list_loads(stmt),
            SORT_COLUMNS[sort.lstrip("-")],
            descending=sort.startswith("-"),
            sort=sort,
            cursor=query["cursor"],
            page_size=query["page_size"],
        )
        headers = {CURSOR_HEADER: cursor} if cursor else {}
        return [present.summary(report, current_user) for report in rows], 200, headers

    @blp.errors(404, 429)
    @blp.arguments(ReportCreateSchema)
    @blp.response(201, ReportSchema)
    @idempotent(Report, present=lambda report: present.detail(report, current_user))
    def post(self, data):
        """Report a hazard. The officers of its unit are told. Photos follow, one request each.

        Send an ``Idempotency-Key`` (the outbox's id): a replay returns the same report.
        """
        Throttle(("REPORT_LIMIT_PER_USER", f"reports/user/{current_user.id}")).take_attempt()
        report = services.create_report(current_user, data)
        remember(report, 201)
        db.session.commit()
        return present.detail(report, current_user), 201


@blp.route("/reports/<int:report_id>")
class ReportById(MethodView):
    @blp.errors(404)
    @blp.response(200, ReportSchema)
    def get(self, report_id):
        """One case, as I may see it, with its photos and the actions I may take."""
        return present.detail(_report(report_id), current_user)

    @blp.errors(403, 404, 409)
    @blp.response(204)
    def delete(self, report_id):
        """Withdraw my report before anyone acted on it; admins delete any case of their units.

        Its timeline, comments and photos go with it; photo files once this is committed.
        """
        report = _report(report_id)
        require(report.can_delete(current_user))
        services.delete_report(report, current_user)
        db.session.commit()


# Photos -------------------------------------------------------------------------------------------


@blp.route("/reports/<int:report_id>/photos")
class ReportPhotos(MethodView):
    @blp.errors(403, 404, 409, 413, 429)
    @blp.arguments(PhotoUploadSchema, location="files")
    @blp.response(201, ReportPhotoSchema)
    @idempotent(ReportPhoto, present=lambda attached: present.photo(attached, current_user))
    @body_limit("PHOTO_UPLOAD_MAX_BYTES", "photo_too_large")
    def post(self, files, report_id):
        """Add one photo to a case (multipart ``photo``, at most REPORT_MAX_PHOTOS per person).

        The reporter's and followers' photos show the hazard, the handler's the work done. The
        photo is checked by its content, re-encoded without EXIF or GPS, and thumbnailed.
        Refusals: 413 ``photo_too_large``; 422 ``photo_not_an_image``, ``photo_format_unsupported``,
        ``photo_heic_unsupported``, ``photo_too_many_pixels``, ``photo_damaged``; 409
        ``photo_limit_reached``, ``report_photos_closed``. Send an ``Idempotency-Key``.
        """
        report = _report(report_id)
        require(report.photo_kind_for(current_user) is not None)
        Throttle(("REPORT_PHOTO_LIMIT_PER_USER", f"report-photos/user/{current_user.id}")).take_attempt()
        attached = services.add_photo(report, current_user, read_upload(files["photo"]))
        remember(attached, 201)
        db.session.commit()
        return present.photo(attached, current_user), 201


def _photo_response(report_id: int, content_id: str, thumb: bool):
    report = _report(report_id)
    return photo_response(services.photo_of(report, content_id, current_user), thumb)


@blp.route("/reports/<int:report_id>/photos/<content_id>")
class ReportPhotoById(MethodView):
    @blp.errors(404)
    @blp.response(200, content_type="image/jpeg")
    def get(self, report_id, content_id):
        """A photo of a case I may see (cached privately for a year: its content id never changes)."""
        return _photo_response(report_id, content_id, thumb=False)


@blp.route("/reports/<int:report_id>/photos/<content_id>/thumb")
class ReportPhotoThumb(MethodView):
    @blp.errors(404)
    @blp.response(200, content_type="image/jpeg")
    def get(self, report_id, content_id):
        """A photo's thumbnail (long edge PHOTO_THUMB_EDGE)."""
        return _photo_response(report_id, content_id, thumb=True)


# The workflow -------------------------------------------------------------------------------------

WORKFLOW = {
    "accept": (NoteSchema, "Accept a submitted case (受理); officers and admins over its unit."),
    "reject": (ReasonSchema, "Reject a submitted case, with the reason the reporter will read."),
    "mark_duplicate": (
        DuplicateSchema,
        "Mark a submitted or accepted case a duplicate of another open case in my scope; its reporter "
        "then follows that case.",
    ),
    "dispatch": (
        DispatchSchema,
        "Dispatch an accepted case to a department serving its unit (default: the category's route), "
        "optionally to one handler (派遣).",
    ),
    "return": (ReasonSchema, "Return a dispatched case to the officers, with a reason (退回); its handlers."),
    "start": (NoteSchema, "Start work on a dispatched case (处置); its handlers."),
    "resolve": (ResolveSchema, "Report the work done, with a note (反馈); photos go up before, while in progress."),
    "close": (NoteSchema, "Close a resolved case after checking it (核查结案); officers."),
    "reopen": (ReasonSchema, "Reopen a resolved or closed case within REPORT_REOPEN_DAYS; officers."),
    "request_reopen": (
        ReasonSchema,
        "Ask the officers to reopen my resolved or closed case (within REPORT_REOPEN_DAYS); they are told.",
    ),
}


def _register_action(action: str, schema, summary: str) -> None:
    def post(self, data, report_id):
        report = _report(report_id)
        require(report.can(action, current_user))
        services.transition(report, action, current_user, data)
        db.session.commit()
        return present.detail(report, current_user)

    post.__doc__ = (
        f"{summary}\n\n403 when my role does not allow it; 409 ``invalid_transition`` when the case's "
        "state does not (also ``reopen_period_over``, ``report_changed``)."
    )
    # A step without required fields takes an empty body too (one tap: accept, start, close).
    body_required = any(field.required for field in schema().fields.values())
    post = blp.errors(403, 404, 409)(
        blp.arguments(schema, required=body_required)(blp.response(200, ReportSchema)(post))
    )
    name = "Report" + "".join(part.title() for part in action.split("_"))
    view = type(name, (MethodView,), {"post": post, "__module__": __name__})
    blp.route(f"/reports/<int:report_id>/{action.replace('_', '-')}")(view)


for _action, (_schema, _summary) in WORKFLOW.items():
    _register_action(_action, _schema, _summary)


@blp.route("/reports/bulk-dispatch")
class ReportBulkDispatch(MethodView):
    @blp.errors(404)
    @blp.arguments(BulkDispatchSchema)
    @blp.response(200, BulkResultSchema(many=True))
    def post(self, data):
        """Dispatch several accepted cases at once; each answers for itself (``error`` null when done)."""
        ids = data.pop("report_ids")
        results = services.bulk_dispatch(ids, current_user, data)
        db.session.commit()
        return results


@blp.route("/reports/<int:report_id>/follow")
class ReportFollow(MethodView):
    @blp.errors(403, 404, 409)
    @blp.response(200, ReportSchema)
    def post(self, report_id):
        """Follow an open case found nearby instead of reporting it again ("add your photo instead")."""
        report = db.session.get(Report, report_id)
        if report is None or not (report.is_visible_to(current_user) or report.can_follow(current_user)):
            raise NotFound("not_found", "report not found")
        require(report.can_follow(current_user))
        services.follow(report, current_user)
        db.session.commit()
        return present.detail(report, current_user)

    @blp.errors(404)
    @blp.response(204)
    def delete(self, report_id):
        """Stop following a case."""
        services.unfollow(_report(report_id), current_user)
        db.session.commit()


# Timeline and comments ----------------------------------------------------------------------------


@blp.route("/reports/<int:report_id>/timeline")
class ReportTimeline(MethodView):
    @blp.errors(404)
    @blp.response(200, EventSchema(many=True))
    def get(self, report_id):
        """Every change of the case, oldest first: who, when, what, with which note (public ones for the reporter)."""
        report = _report(report_id)
        viewer = report.viewer(current_user)
        return [present.event(entry, viewer) for entry in services.timeline_for(report, viewer)]


def _present_comment(comment: ReportComment) -> dict:
    report = db.session.get(Report, comment.report_id)
    return present.comment(comment, current_user, report.viewer(current_user))


@blp.route("/reports/<int:report_id>/comments")
class ReportComments(MethodView):
    @blp.errors(404)
    @blp.response(200, CommentSchema(many=True))
    @blp.paginate()
    def get(self, report_id, pagination_parameters):
        """Comments, oldest first: all for staff and handlers, public ones for the reporter."""
        report = _report(report_id)
        viewer = report.viewer(current_user)
        require(report.can_comment(current_user, internal=False))
        stmt = apply_sort(
            services.comments_for(report, viewer),
            "created_at",
            {"created_at": ReportComment.created_at},
            ReportComment.id,
        )
        return [present.comment(entry, current_user, viewer) for entry in paginate(stmt, pagination_parameters)]

    @blp.errors(403, 404)
    @blp.arguments(CommentCreateSchema)
    @blp.response(201, CommentSchema)
    @idempotent(ReportComment, present=_present_comment)
    def post(self, data, report_id):
        """Comment on a case: staff and handlers internally (default) or publicly, the reporter publicly."""
        report = _report(report_id)
        viewer = report.viewer(current_user)
        is_public = data.get("is_public", viewer not in present.STAFF_VIEWS)
        require(report.can_comment(current_user, internal=not is_public))
        comment = services.add_comment(report, current_user, data["body"], is_public)
        remember(comment, 201)
        db.session.commit()
        return present.comment(comment, current_user, viewer), 201


# Nearby, map, export ------------------------------------------------------------------------------


@blp.route("/reports/nearby")
class ReportsNearby(MethodView):
    @blp.errors(404)
    @blp.arguments(NearbyQuerySchema, location="query")
    @blp.response(200, NearbySchema(many=True))
    def get(self, query):
        """Open cases of this category within REPORT_NEARBY_RADIUS_M, from the last REPORT_NEARBY_DAYS.

        Category, distance, time and status only; none for discreet categories (可疑人员, 矛盾纠纷).
        """
        category = services.category_for(current_user, query["category_id"])
        return services.nearby(current_user, category, query["lon"], query["lat"])


@blp.route("/reports/map")
class ReportsMap(MethodView):
    @blp.errors(404)
    @blp.arguments(MapQuerySchema, location="query")
    @blp.response(200, MapSchema)
    def get(self, query):
        """Cases in a bounding box with the queue's filters, clustered on a grid sized for the zoom."""
        filters = services.filters_from(query, current_user)
        stmt = services.apply_filters(
            services.reports_visible_to(current_user, query.get("box") or _default_box()), filters
        )
        return services.map_cells(stmt, parse_bbox(query["bbox"]), query["zoom"])


@blp.route("/reports/export")
class ReportsExport(MethodView):
    @blp.errors(403, 404)
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.response(200, content_type="text/csv", description="the file (CSV UTF-8 with BOM, or XLSX)")
    @blp.alt_response(202, schema=ExportSchema, description="too many cases: a job makes the file and tells me")
    def get(self, query):
        """The filtered queue as CSV or XLSX (officers and admins).

        Up to REPORT_EXPORT_SYNC_MAX_ROWS cases answer at once; more become a job whose file is
        announced in my inbox (``export_ready``) and downloaded from ``/exports/<id>/download``.
        """
        require(may_triage(current_user))
        format = query.pop("format")
        query["box"] = "queue"
        if export.count(current_user, query) > current_app.config["REPORT_EXPORT_SYNC_MAX_ROWS"]:
            job = request_export(current_user, "reports", format, _jsonable(query))
            db.session.commit()
            return ExportSchema().dump(job), 202
        return export.file_response(current_user, _jsonable(query), format)


def _jsonable(query: dict) -> dict:
    """Loaded query values as JSON, to load again in a job."""
    out = {}
    for key, value in query.items():
        if isinstance(value, list):
            out[key] = [getattr(item, "value", item) for item in value]
        elif hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        else:
            out[key] = getattr(value, "value", value)
    return out
