"""Hazard report rules: capture, photos, the case workflow, who is told, duplicates nearby, SLAs.

Services flush and never commit; the calling view commits once. Who may act is the report's
own predicate (``report.can(action, principal)``), checked by the view; the services enforce
the rest (state, scope of the department, the other case of a duplicate, limits) and tell
people through ``notify`` in the same transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Integer, Select, and_, case, cast, delete, false, func, or_, select
from sqlalchemy.orm import defaultload, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import RoleGrant, User, UserStatus
from app.audit.services import record
from app.core import clock
from app.core.access import ADMIN_ROLES, OVERSIGHT_ROLES, Principal, Role, in_subtrees
from app.core.geo import BBox, around, bbox_of_geometries, distance_m
from app.core.photos import Photo, delete_photos, store_photo
from app.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.orgs.models import Area, Unit, UnitKind
from app.orgs.services import unit_created
from app.reports.models import (
    OPEN_STATUSES,
    Actor,
    CategoryRoute,
    Department,
    InvalidTransition,
    PhotoKind,
    Report,
    ReportCategory,
    ReportComment,
    ReportEvent,
    ReportFollower,
    ReportPhoto,
    ReportStatus,
    SlaTarget,
    Viewer,
)
from app.reports.texts import text

# Categories every district starts with: (code, name, shows nearby). Codes are stable.
DEFAULT_CATEGORIES = [
    ("public_security", "治安隐患", True),
    ("fire_hazard", "消防隐患", True),
    ("road_facilities", "道路设施", True),
    ("sanitation", "环境卫生", True),
    ("dispute", "矛盾纠纷", False),
    ("suspicious", "可疑人员或物品", False),
    ("other", "其他", True),
]


def ancestor_ids(unit: Unit) -> list[int]:
    """The ids of a unit and every unit above it, root first (from its materialised path)."""
    return [int(part) for part in unit.path.strip("/").split("/")]


def district_of(unit: Unit) -> Unit:
    return unit if unit.kind == UnitKind.DISTRICT else db.session.get(Unit, ancestor_ids(unit)[0])


def _in_sight_or_404(model, row_id: int, principal: Principal):
    row = db.session.get(model, row_id)
    if row is None or not principal.can_see(row.scope_unit):
        raise NotFound("not_found", f"{model.__name__.lower()} not found")
    return row


# Categories ---------------------------------------------------------------------------------------


def ensure_default_categories(district: Unit) -> None:
    """Give a district the default categories it does not have yet (idempotent)."""
    have = set(db.session.scalars(select(ReportCategory.code).where(ReportCategory.unit_id == district.id)))
    for order, (code, name, shows_nearby) in enumerate(DEFAULT_CATEGORIES):
        if code not in have:
            db.session.add(
                ReportCategory(
                    unit_id=district.id, code=code, name=name, shows_nearby=shows_nearby, sort_order=order * 10
                )
            )
    db.session.flush()


@unit_created.connect
def _give_new_districts_categories(unit: Unit) -> None:
    if unit.kind == UnitKind.DISTRICT:
        ensure_default_categories(unit)


def category_visible_to(category: ReportCategory, principal: Principal) -> bool:
    """Everyone in a district uses its categories."""
    return any(grant.unit.path.startswith(category.unit.path) for grant in principal.grants)


def category_for(principal: Principal, category_id: int) -> ReportCategory:
    category = db.session.get(ReportCategory, category_id)
    if category is None or not category_visible_to(category, principal):
        raise NotFound("not_found", "category not found")
    return category


def categories_visible_to(principal: Principal) -> Select:
    districts = {"/" + grant.unit.path.strip("/").split("/")[0] + "/" for grant in principal.grants}
    return (
        select(ReportCategory)
        .join(Unit, ReportCategory.unit_id == Unit.id)
        .where(Unit.path.in_(districts) if districts else false())
    )


def _set_sla(category: ReportCategory, targets: list[dict]) -> None:
    by_severity = {target.severity: target for target in category.sla_targets}
    for item in targets:
        target = by_severity.get(item["severity"])
        if target is None:
            target = SlaTarget(severity=item["severity"])
            category.sla_targets.append(target)
        target.accept_minutes = item["accept_minutes"]
        target.resolve_minutes = item["resolve_minutes"]


def create_category(district: Unit, data: dict, by: Principal) -> ReportCategory:
    if district.kind != UnitKind.DISTRICT:
        raise RuleViolation("category_unit_not_district", "categories belong to a district", field="unit_id")
    taken = db.session.scalar(
        select(ReportCategory.id).where(ReportCategory.unit_id == district.id, ReportCategory.code == data["code"])
    )
    if taken is not None:
        raise Conflict("category_code_taken", "the district has a category with this code", field="code")
    category = ReportCategory(
        unit=district,
        code=data["code"],
        name=data["name"],
        shows_nearby=data["shows_nearby"],
        sort_order=data["sort_order"],
    )
    _set_sla(category, data.get("sla", []))
    db.session.add(category)
    db.session.flush()
    record(
        "category_created", actor_id=by.id, subject_type="report_category", subject_id=category.id, unit_id=district.id
    )
    return category


def update_category(category: ReportCategory, changes: dict, by: Principal) -> ReportCategory:
    if "sla" in changes:
        _set_sla(category, changes.pop("sla"))
    for key, value in changes.items():
        setattr(category, key, value)
    db.session.flush()
    record(
        "category_updated",
        actor_id=by.id,
        subject_type="report_category",
        subject_id=category.id,
        unit_id=category.unit_id,
        fields=sorted(changes),
    )
    return category


# Departments and handlers -------------------------------------------------------------------------


def department_visible_to(department: Department, principal: Principal) -> bool:
    """Those above a department see it; so does everyone it serves (who may dispatch to it)."""
    return principal.can_see(department.unit) or any(
        grant.unit.path.startswith(department.unit.path) for grant in principal.grants
    )


def department_for(principal: Principal, department_id: int) -> Department:
    department = db.session.get(Department, department_id)
    if department is None or not department_visible_to(department, principal):
        raise NotFound("not_found", "department not found")
    return department


def departments_visible_to(principal: Principal) -> Select:
    above = {unit_id for grant in principal.grants for unit_id in _path_ids(grant.unit.path)}
    return (
        select(Department)
        .join(Unit, Department.unit_id == Unit.id)
        .where(or_(Department.unit_id.in_(above), in_subtrees(Unit.path, principal.unit_paths())))
    )


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/")]


def _set_routes(department: Department, category_ids: list[int], principal: Principal) -> None:
    """The categories this department takes by default in its unit's subtree."""
    categories = [category_for(principal, category_id) for category_id in category_ids]
    district_path = "/" + department.unit.path.strip("/").split("/")[0] + "/"
    for category in categories:
        if category.unit.path != district_path:
            raise NotFound("not_found", "category not found")
    taken = db.session.scalars(
        select(CategoryRoute).where(
            CategoryRoute.unit_id == department.unit_id,
            CategoryRoute.category_id.in_([c.id for c in categories]),
            CategoryRoute.department_id != department.id,
        )
    ).all()
    if taken:
        raise Conflict(
            "category_already_routed",
            f"another department of this unit takes {taken[0].category.name} by default",
            field="category_ids",
        )
    wanted = {category.id for category in categories}
    department.routes = [route for route in department.routes if route.category_id in wanted]
    have = {route.category_id for route in department.routes}
    for category_id in sorted(wanted - have):
        department.routes.append(CategoryRoute(category_id=category_id, unit_id=department.unit_id))


def create_department(unit: Unit, data: dict, by: Principal) -> Department:
    if db.session.scalar(select(Department.id).where(Department.unit_id == unit.id, Department.name == data["name"])):
        raise Conflict("department_name_taken", "the unit has a department of this name", field="name")
    department = Department(unit=unit, name=data["name"])
    db.session.add(department)
    db.session.flush()
    _set_routes(department, data.get("category_ids", []), by)
    db.session.flush()
    record("department_created", actor_id=by.id, subject_type="department", subject_id=department.id, unit_id=unit.id)
    return department


def update_department(department: Department, changes: dict, by: Principal) -> Department:
    if "name" in changes and changes["name"] != department.name:
        taken = db.session.scalar(
            select(Department.id).where(Department.unit_id == department.unit_id, Department.name == changes["name"])
        )
        if taken:
            raise Conflict("department_name_taken", "the unit has a department of this name", field="name")
    if "category_ids" in changes:
        _set_routes(department, changes.pop("category_ids"), by)
    for key, value in changes.items():
        setattr(department, key, value)
    db.session.flush()
    record(
        "department_updated",
        actor_id=by.id,
        subject_type="department",
        subject_id=department.id,
        unit_id=department.unit_id,
        fields=sorted(changes),
    )
    return department


def add_handler(department: Department, user: User, by: Principal) -> RoleGrant:
    """Make ``user`` a handler of ``department`` (a role grant on its unit, naming it)."""
    from app.accounts.services import grant_role

    if user.status != UserStatus.ACTIVE:
        raise RuleViolation("user_not_active", "only active accounts can handle cases", field="user_id")
    existing = next((g for g in user.role_grants if g.role == Role.HANDLER and g.unit_id == department.unit_id), None)
    if existing is not None and existing.department_id != department.id:
        raise Conflict("handler_has_department", "this account already handles cases for another department here")
    return grant_role(user, Role.HANDLER, department.unit, by=by, department_id=department.id)


def handlers_of(department: Department) -> Select:
    return (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            RoleGrant.role == Role.HANDLER,
            RoleGrant.department_id == department.id,
            User.status == UserStatus.ACTIVE,
        )
    )


def default_department(category: ReportCategory, unit: Unit) -> Department | None:
    """The department taking this category at the nearest unit at or above ``unit``."""
    ids = ancestor_ids(unit)
    routes = db.session.scalars(
        select(CategoryRoute)
        .join(Department, CategoryRoute.department_id == Department.id)
        .where(CategoryRoute.category_id == category.id, CategoryRoute.unit_id.in_(ids), Department.is_active)
    ).all()
    nearest = max(routes, key=lambda route: ids.index(route.unit_id), default=None)
    return nearest.department if nearest else None


# Capture ------------------------------------------------------------------------------------------

_BBOX_CACHE: dict[int, tuple[float, BBox | None]] = {}
BBOX_CACHE_SECONDS = 300


def district_bbox(district: Unit) -> BBox | None:
    """The bounding box of a district's patrol areas (cached for a few minutes); None without areas."""
    cached = _BBOX_CACHE.get(district.id)
    if cached and time.monotonic() - cached[0] < BBOX_CACHE_SECONDS:
        return cached[1]
    geometries = db.session.scalars(
        select(Area.geometry).join(Unit, Area.unit_id == Unit.id).where(Unit.path.startswith(district.path))
    ).all()
    box = bbox_of_geometries(geometries)
    _BBOX_CACHE[district.id] = (time.monotonic(), box)
    return box


def _report_unit(principal: Principal, unit_id: int | None) -> Unit:
    """Where the report belongs: the unit asked for (in sight), else the reporter's own unit."""
    if unit_id is not None:
        return _in_sight_or_404(Unit, unit_id, principal)
    members = [g for g in principal.grants if g.role == Role.MEMBER] or list(principal.grants)
    units = {g.unit.id for g in members}
    if len(units) != 1:
        raise RuleViolation("report_unit_required", "say which unit the report is for", field="unit_id")
    return db.session.get(Unit, units.pop())


def _reporters_team(principal: Principal, unit: Unit) -> int | None:
    teams = [m.team_id for m in principal.memberships if m.unit.path.startswith(unit.path)]
    teams = teams or [m.team_id for m in principal.memberships]
    return teams[0] if teams else None


def create_report(principal: Principal, data: dict) -> Report:
    unit = _report_unit(principal, data.get("unit_id"))
    category = category_for(principal, data["category_id"])
    district = district_of(unit)
    if category.unit_id != district.id or not category.is_active:
        raise RuleViolation("category_not_available", "this category is not used here", field="category_id")
    position = data["position"]
    box = district_bbox(district)
    if box is not None and not box.grown(current_app.config["REPORT_POSITION_MARGIN_M"]).contains(
        position["lon"], position["lat"]
    ):
        raise RuleViolation("position_outside_district", "the position is far outside the district", field="position")
    now = clock.now()
    report = Report(
        unit=unit,
        category=category,
        severity=data["severity"],
        description=data["description"],
        address=data.get("address"),
        lon=position["lon"],
        lat=position["lat"],
        accuracy_m=position["accuracy_m"],
        is_imprecise=position["is_imprecise"],
        fixed_at=position["fixed_at"],
        reporter_id=principal.id,
        team_id=_reporters_team(principal, unit),
        created_at=now,
        updated_at=now,
    )
    report.start_clock()
    db.session.add(report)
    report.record("created", actor_id=principal.id, actor=Actor.REPORTER, is_public=True)
    db.session.flush()
    _tell_officers(report, NotificationKind.REPORT_NEW, "report_new", body=report.description or report.address)
    return report


# Photos -------------------------------------------------------------------------------------------


def add_photo(report: Report, principal: Principal, data: bytes) -> ReportPhoto:
    """Run the pipeline and attach the photo; at most REPORT_MAX_PHOTOS per person and case."""
    kind = report.photo_kind_for(principal)
    if kind is None:
        raise Forbidden("forbidden", "your role does not add photos to this case")
    if kind == PhotoKind.REPORT and report.reporter_id != principal.id and not report.is_open:
        raise Conflict("report_photos_closed", "photos can be added to open cases only")
    if kind == PhotoKind.RESOLUTION and report.status != ReportStatus.IN_PROGRESS:
        raise Conflict("report_photos_closed", "the handler's photos go with a case in progress")
    # Serialise uploads to one case (PostgreSQL), so parallel uploads cannot pass the limit together.
    db.session.execute(select(Report.id).where(Report.id == report.id).with_for_update())
    limit = current_app.config["REPORT_MAX_PHOTOS"]
    count = db.session.scalar(
        select(func.count())
        .select_from(ReportPhoto)
        .where(ReportPhoto.report_id == report.id, ReportPhoto.uploaded_by_id == principal.id)
    )
    if count >= limit:
        raise Conflict("photo_limit_reached", f"at most {limit} photos per person and case")
    photo = store_photo(data, principal.id)
    attached = ReportPhoto(report=report, photo=photo, kind=kind, uploaded_by_id=principal.id)
    db.session.add(attached)
    db.session.flush()
    return attached


def photo_of(report: Report, content_id: str, principal: Principal) -> Photo:
    viewer = report.viewer(principal)
    for attached in report.photos:
        if attached.content_id == content_id and attached.is_visible_to(principal, viewer):
            return attached.photo
    raise NotFound("not_found", "photo not found")


# The workflow ------------------------------------------------------------------------------------


def _department_for_dispatch(report: Report, principal: Principal, department_id: int | None) -> Department:
    if department_id is None:
        department = default_department(report.category, report.unit)
        if department is None:
            raise RuleViolation(
                "department_required", "no department takes this category here; choose one", field="department_id"
            )
        return department
    department = department_for(principal, department_id)
    if not department.serves(report.unit):
        raise RuleViolation(
            "department_not_serving", "this department does not serve the case's unit", field="department_id"
        )
    if not department.is_active:
        raise RuleViolation("department_inactive", "this department is deactivated", field="department_id")
    return department


def _handler_for_dispatch(report: Report, department: Department, handler_id: int | None) -> User | None:
    if handler_id is None:
        return None
    handler = db.session.scalar(handlers_of(department).where(User.id == handler_id))
    if handler is None or not any(
        g.department_id == department.id and report.unit.path.startswith(g.unit.path) for g in handler.role_grants
    ):
        raise RuleViolation(
            "handler_not_in_department", "this person does not handle the department's cases", field="handler_id"
        )
    return handler


def transition(report: Report, action: str, principal: Principal, data: dict) -> ReportEvent:
    """Take a workflow action the caller's role allows (the view checked ``report.can``)."""
    note = data.get("note") or data.get("reason")
    if action == "accept":
        event = report.accept(principal, note)
    elif action == "reject":
        event = report.reject(principal, data["reason"])
    elif action == "mark_duplicate":
        original = db.session.get(Report, data["duplicate_of_id"])
        if original is None or not original.oversees(principal):
            raise NotFound("not_found", "the other case was not found")
        event = report.mark_duplicate(principal, original, note)
        _follow(original, report.reporter_id)
    elif action == "dispatch":
        report.check_state(action)
        department = _department_for_dispatch(report, principal, data.get("department_id"))
        handler = _handler_for_dispatch(report, department, data.get("handler_id"))
        event = report.dispatch(principal, department, handler, note)
    elif action == "return":
        event = report.return_to_officers(principal, data["reason"])
    elif action == "start":
        event = report.start(principal, note)
    elif action == "resolve":
        event = report.resolve(principal, data["note"])
    elif action == "close":
        event = report.close(principal, note)
    elif action == "reopen":
        event = report.reopen(principal, data["reason"])
    elif action == "request_reopen":
        report.check_state(action)
        _check_no_pending_reopen_request(report)
        event = report.request_reopen(principal, data["reason"])
    else:  # pragma: no cover - routes only offer the actions above
        raise ValueError(action)
    flush_report()
    _tell_about(report, event)
    return event


def flush_report() -> None:
    """Flush a change to a case; another request's change since we read it is a 409."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise Conflict("report_changed", "the case changed meanwhile; reload it and try again") from exc


def _check_no_pending_reopen_request(report: Report) -> None:
    since = report.closed_at or report.resolved_at
    asked = db.session.scalar(
        select(ReportEvent.id).where(
            ReportEvent.report_id == report.id, ReportEvent.action == "request_reopen", ReportEvent.at >= since
        )
    )
    if asked is not None:
        raise Conflict("reopen_already_requested", "the officers were already asked to reopen this case")


def bulk_dispatch(ids: list[int], principal: Principal, data: dict) -> list[dict]:
    """Dispatch several cases at once; each succeeds or fails on its own (in a savepoint)."""
    results = []
    for report_id in ids:
        report = db.session.get(Report, report_id)
        if report is None or not report.is_visible_to(principal):
            results.append({"id": report_id, "status": None, "error": "not_found"})
            continue
        if not report.can_dispatch(principal):
            results.append({"id": report_id, "status": report.status, "error": "forbidden"})
            continue
        try:
            with db.session.begin_nested():
                transition(report, "dispatch", principal, data)
            results.append({"id": report_id, "status": report.status, "error": None})
        except (Conflict, RuleViolation, NotFound) as exc:
            db.session.refresh(report)
            results.append({"id": report_id, "status": report.status, "error": exc.error})
    return results


# Followers, comments, deletion --------------------------------------------------------------------


def _follow(report: Report, user_id: int) -> None:
    if report.reporter_id != user_id and not any(f.user_id == user_id for f in report.followers):
        report.followers.append(ReportFollower(user_id=user_id))


def follow(report: Report, principal: Principal) -> Report:
    if not report.is_open:
        raise InvalidTransition("report_not_open", "only open cases can be followed")
    _follow(report, principal.id)
    flush_report()
    return report


def unfollow(report: Report, principal: Principal) -> None:
    report.followers = [f for f in report.followers if f.user_id != principal.id]
    flush_report()


def add_comment(report: Report, principal: Principal, body: str, is_public: bool) -> ReportComment:
    viewer = report.viewer(principal)
    role = {Viewer.STAFF: Actor.OFFICER, Viewer.HANDLER: Actor.HANDLER}.get(viewer, Actor.REPORTER)
    comment = ReportComment(
        report_id=report.id, author_id=principal.id, author_role=role, body=body, is_public=is_public
    )
    db.session.add(comment)
    db.session.flush()
    if viewer == Viewer.REPORTER:
        _tell_officers(report, NotificationKind.REPORT_STAFF, "staff_comment", body=body, handler_too=True)
    elif is_public:
        _tell_reporter(report, "comment", body=body, actor_id=principal.id)
    return comment


def delete_report(report: Report, principal: Principal) -> None:
    """Delete a case with its timeline, comments and photos (their files once this commits)."""
    if not principal.has_role_over(report.unit, ADMIN_ROLES) and report.status != ReportStatus.SUBMITTED:
        raise InvalidTransition(message="a report can be withdrawn only before an officer has acted on it")
    photos = [attached.photo for attached in report.photos]
    db.session.execute(delete(ReportEvent).where(ReportEvent.report_id == report.id))
    db.session.execute(delete(ReportComment).where(ReportComment.report_id == report.id))
    db.session.execute(
        Report.__table__.update().where(Report.duplicate_of_id == report.id).values(duplicate_of_id=None)
    )
    record(
        "report_deleted",
        actor_id=principal.id,
        subject_type="report",
        subject_id=report.id,
        unit_id=report.unit_id,
        status=report.status.value,
        category=report.category.code,
    )
    db.session.delete(report)
    db.session.flush()
    delete_photos(photos)


# Who is told --------------------------------------------------------------------------------------


def _payload(report: Report, key: str, body: str | None = None, **params) -> dict:
    params = {"category": report.category.name, "unit": report.unit.name, **params}
    return {
        "title": text(key, None, **params),
        "body": (body or "")[:200],
        "url": f"/reports/{report.id}",
        "report_id": report.id,
        "status": report.status.value,
        "severity": report.severity.value,
        "text_key": key,
        "text_params": params,
    }


def officers_over(unit: Unit, roles=(Role.OFFICER,)) -> Select:
    """Holders of ``roles`` on the unit or any unit above it: those responsible for its cases."""
    return select(RoleGrant.user_id).where(RoleGrant.unit_id.in_(ancestor_ids(unit)), RoleGrant.role.in_(roles))


def _tell_officers(report: Report, kind, key: str, body: str | None = None, handler_too: bool = False, **params):
    recipients = officers_over(report.unit)
    if handler_too and report.handler_id is not None:
        recipients = recipients.union(select(User.id).where(User.id == report.handler_id))
    notify(recipients, kind, _payload(report, key, body, **params), subject_type="report", subject_id=report.id)


def _tell_reporter(report: Report, what: str, body: str | None, actor_id: int | None, **params) -> None:
    """The reporter and followers hear of every public change (not of their own doing)."""
    followers = select(ReportFollower.user_id).where(ReportFollower.report_id == report.id)
    recipients = select(User.id).where(
        or_(User.id == report.reporter_id, User.id.in_(followers)),
        User.id != (actor_id or 0),
        User.status == UserStatus.ACTIVE,
    )
    notify(
        recipients,
        NotificationKind.REPORT_UPDATE,
        _payload(report, f"update_{what}", body, **params),
        subject_type="report",
        subject_id=report.id,
    )


def _handlers_to_tell(report: Report) -> Select:
    if report.handler_id is not None:
        return select(User.id).where(User.id == report.handler_id)
    return select(RoleGrant.user_id).where(
        RoleGrant.role == Role.HANDLER,
        RoleGrant.department_id == report.department_id,
        RoleGrant.unit_id.in_(ancestor_ids(report.unit)),
    )


def _tell_about(report: Report, event: ReportEvent) -> None:
    action = event.action
    if action == "dispatch":
        notify(
            _handlers_to_tell(report),
            NotificationKind.REPORT_ASSIGNED,
            _payload(report, "report_assigned", event.note),
            subject_type="report",
            subject_id=report.id,
        )
    if action in ("return", "resolve", "request_reopen"):
        _tell_officers(report, NotificationKind.REPORT_STAFF, f"staff_{action}", body=event.note)
    if event.is_public and action != "request_reopen":
        department = event.data.get("department_name", "") if event.data else ""
        _tell_reporter(
            report,
            action,
            body=event.note if event.note_is_public else None,
            actor_id=event.actor_id,
            department=department,
        )


# Reading ------------------------------------------------------------------------------------------


def reports_visible_to(principal: Principal, box: str) -> Select:
    """``queue``: the cases I triage (officers, admins) or handle (my department's);
    ``mine``: those I reported or follow."""
    stmt = select(Report).join(Unit, Report.unit_id == Unit.id)
    if box == "mine":
        followed = select(ReportFollower.report_id).where(ReportFollower.user_id == principal.id)
        return stmt.where(or_(Report.reporter_id == principal.id, Report.id.in_(followed)))
    conditions = [in_subtrees(Unit.path, principal.unit_paths(OVERSIGHT_ROLES))]
    for grant in principal.handler_grants():
        conditions.append(and_(Report.department_id == grant.department_id, Unit.path.startswith(grant.unit.path)))
    return stmt.where(or_(*conditions))


def with_list_loads(stmt: Select) -> Select:
    """What a list row shows, and nothing its related rows would load by default (a category's
    SLA targets, a department's routes, the handler's roles): the queue's page stays four statements."""
    return stmt.options(
        defaultload(Report.category).lazyload(ReportCategory.sla_targets),
        joinedload(Report.department).lazyload(Department.routes),
        joinedload(Report.handler).lazyload(User.role_grants),
        joinedload(Report.reporter),
        joinedload(Report.team),
        selectinload(Report.photos),
        selectinload(Report.followers),
    )


@dataclass
class Filters:
    statuses: list | None = None
    category_ids: list | None = None
    severities: list | None = None
    unit: Unit | None = None
    department_id: int | None = None
    overdue: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    team_id: int | None = None


def filters_from(query: dict, principal: Principal) -> Filters:
    unit = _in_sight_or_404(Unit, query["unit_id"], principal) if query.get("unit_id") else None
    return Filters(
        statuses=query.get("status"),
        category_ids=query.get("category_id"),
        severities=query.get("severity"),
        unit=unit,
        department_id=query.get("department_id"),
        overdue=query.get("overdue"),
        since=query.get("since"),
        until=query.get("until"),
        team_id=query.get("team_id"),
    )


def apply_filters(stmt: Select, filters: Filters) -> Select:
    if filters.statuses:
        stmt = stmt.where(Report.status.in_(filters.statuses))
    if filters.category_ids:
        stmt = stmt.where(Report.category_id.in_(filters.category_ids))
    if filters.severities:
        stmt = stmt.where(Report.severity.in_(filters.severities))
    if filters.unit is not None:
        stmt = stmt.where(Unit.path.startswith(filters.unit.path))
    if filters.department_id is not None:
        stmt = stmt.where(Report.department_id == filters.department_id)
    if filters.overdue is True:
        stmt = stmt.where(Report.due_at <= clock.now())
    elif filters.overdue is False:
        stmt = stmt.where(or_(Report.due_at.is_(None), Report.due_at > clock.now()))
    if filters.since is not None:
        stmt = stmt.where(Report.created_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(Report.created_at < filters.until)
    if filters.team_id is not None:
        stmt = stmt.where(Report.team_id == filters.team_id)
    return stmt


def timeline_for(report: Report, viewer: Viewer) -> list[ReportEvent]:
    stmt = (
        select(ReportEvent)
        .where(ReportEvent.report_id == report.id)
        .options(joinedload(ReportEvent.actor))
        .order_by(ReportEvent.id)
    )
    if viewer in (Viewer.REPORTER, Viewer.FOLLOWER):
        stmt = stmt.where(ReportEvent.is_public)
    return list(db.session.scalars(stmt))


def comments_for(report: Report, viewer: Viewer) -> Select:
    stmt = select(ReportComment).where(ReportComment.report_id == report.id).options(joinedload(ReportComment.author))
    if viewer == Viewer.REPORTER:
        stmt = stmt.where(ReportComment.is_public)
    return stmt


# Duplicates nearby --------------------------------------------------------------------------------


def nearby(principal: Principal, category: ReportCategory, lon: float, lat: float) -> list[dict]:
    """Open cases of this category close by and recent: category, distance, time and status only.

    Never another member's text or photos, and nothing at all for discreet categories.
    """
    if not category.shows_nearby:
        return []
    config = current_app.config
    radius = config["REPORT_NEARBY_RADIUS_M"]
    box = around(lon, lat, radius)
    rows = db.session.execute(
        select(Report.id, Report.lon, Report.lat, Report.created_at, Report.status, Report.reporter_id)
        .where(
            Report.category_id == category.id,
            Report.status.in_(OPEN_STATUSES),
            Report.created_at >= clock.now() - timedelta(days=config["REPORT_NEARBY_DAYS"]),
            Report.lon.between(box.min_lon, box.max_lon),
            Report.lat.between(box.min_lat, box.max_lat),
        )
        .limit(200)
    ).all()
    followed = set(
        db.session.scalars(
            select(ReportFollower.report_id).where(
                ReportFollower.user_id == principal.id, ReportFollower.report_id.in_([row.id for row in rows])
            )
        )
    )
    found = []
    for row in rows:
        distance = distance_m(lon, lat, row.lon, row.lat)
        if distance <= radius:
            found.append(
                {
                    "id": row.id,
                    "category": category,
                    "distance_m": round(distance),
                    "created_at": row.created_at,
                    "status": row.status,
                    "is_mine": row.reporter_id == principal.id,
                    "is_following": row.id in followed,
                }
            )
    return sorted(found, key=lambda item: item["distance_m"])[:20]


# The map ------------------------------------------------------------------------------------------


def _floor(expression):
    """floor() on both backends (SQLite's CAST truncates, which is floor for the positive values used)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.floor(expression)
    return cast(expression, Integer)


def map_cells(stmt: Select, box: BBox, zoom: int) -> dict:
    """Cases in a bounding box, grouped in grid cells sized for the zoom: single cases as points,
    the rest as clusters with their count, so thousands of cases stay a few hundred items."""
    config = current_app.config
    cell = 360 / (2**zoom) / config["MAP_CELLS_PER_TILE"]
    cell_x = _floor((Report.lon + 180) / cell).label("cx")
    cell_y = _floor((Report.lat + 90) / cell).label("cy")
    now = clock.now()
    inside = stmt.where(Report.lon.between(box.min_lon, box.max_lon), Report.lat.between(box.min_lat, box.max_lat))
    grouped = (
        inside.with_only_columns(
            cell_x,
            cell_y,
            func.count().label("n"),
            func.avg(Report.lon).label("lon"),
            func.avg(Report.lat).label("lat"),
            func.min(Report.id).label("id"),
            func.min(Report.status).label("status"),
            func.max(Report.severity).label("severity"),
            func.min(Report.category_id).label("category_id"),
            func.sum(case((Report.due_at <= now, 1), else_=0)).label("overdue"),
        )
        .group_by(cell_x, cell_y)
        .order_by(func.count().desc())
        .limit(config["MAP_MAX_CELLS"] + 1)
    )
    rows = db.session.execute(grouped).all()
    truncated = len(rows) > config["MAP_MAX_CELLS"]
    rows = rows[: config["MAP_MAX_CELLS"]]
    points, clusters = [], []
    for row in rows:
        if row.n == 1:
            points.append(
                {
                    "id": row.id,
                    "lon": row.lon,
                    "lat": row.lat,
                    "status": row.status,
                    "severity": row.severity,
                    "category_id": row.category_id,
                    "is_overdue": bool(row.overdue),
                }
            )
        else:
            clusters.append({"lon": row.lon, "lat": row.lat, "count": row.n, "overdue": int(row.overdue or 0)})
    return {
        "zoom": zoom,
        "cell_deg": cell,
        "total": sum(row.n for row in rows),
        "truncated": truncated,
        "points": points,
        "clusters": clusters,
    }


# SLA escalation -----------------------------------------------------------------------------------


def _level_one_unit(unit: Unit) -> Unit:
    """The unit whose officers hear first: the case's own, or the nearest above that has officers."""
    ids = ancestor_ids(unit)
    with_officers = set(
        db.session.scalars(select(RoleGrant.unit_id).where(RoleGrant.unit_id.in_(ids), RoleGrant.role == Role.OFFICER))
    )
    for unit_id in reversed(ids):
        if unit_id in with_officers:
            return db.session.get(Unit, unit_id)
    return unit


def _street_above(unit: Unit) -> Unit | None:
    """The street of a community (the district of a street): where escalation goes next."""
    ids = ancestor_ids(unit)
    if unit.kind == UnitKind.COMMUNITY and len(ids) >= 2:
        return db.session.get(Unit, ids[1])
    if unit.kind == UnitKind.STREET:
        return db.session.get(Unit, ids[0])
    return None


def escalate(report: Report, level: int) -> bool:
    """Raise a case's escalation to ``level`` once (a conditional update claims it) and tell people."""
    claimed = db.session.execute(
        Report.__table__.update()
        .where(Report.id == report.id, Report.escalation_level == level - 1, Report.due_at <= clock.now())
        .values(escalation_level=level)
    ).rowcount
    if not claimed:
        return False
    db.session.refresh(report)
    if level == 1:
        unit = _level_one_unit(report.unit)
        recipients = select(RoleGrant.user_id).where(RoleGrant.unit_id == unit.id, RoleGrant.role == Role.OFFICER)
        key, action = "report_overdue", "overdue"
    else:
        unit = _street_above(report.unit) or report.unit
        recipients = select(RoleGrant.user_id).where(RoleGrant.unit_id == unit.id, RoleGrant.role.in_(OVERSIGHT_ROLES))
        key, action = "report_escalated", "escalated"
    report.record(
        action,
        actor_id=None,
        actor=Actor.SYSTEM,
        is_public=False,
        due_at=report.due_at.isoformat(),
        unit_id=unit.id,
        unit_name=unit.name,
    )
    notify(
        recipients, NotificationKind.REPORT_OVERDUE, _payload(report, key), subject_type="report", subject_id=report.id
    )
    db.session.flush()
    return True


def due_for_escalation(limit: int = 500) -> list[tuple[int, int]]:
    """(report id, level to reach) for open cases past their deadline (and past the second period)."""
    now = clock.now()
    second = timedelta(minutes=current_app.config["REPORT_ESCALATION_SECOND_MINUTES"])
    first = select(Report.id).where(
        Report.status.in_(OPEN_STATUSES), Report.due_at <= now, Report.escalation_level == 0
    )
    then = select(Report.id).where(
        Report.status.in_(OPEN_STATUSES), Report.due_at <= now - second, Report.escalation_level == 1
    )
    return [(row_id, 1) for row_id in db.session.scalars(first.limit(limit))] + [
        (row_id, 2) for row_id in db.session.scalars(then.limit(limit))
    ]
