"""A case as one person may see it: the same fields for everyone, null where they may not look.

- staff (officers and admins over its unit): everything, the reporter's phone included
  (where ``User.phone_visible_to`` allows);
- its department's handlers: everything but the reporter's phone and team;
- its reporter: their case, without internal notes, internal comments or staff names;
- a follower (who saw the same hazard): category, severity, status, times, the work's photos
  and their own; never the reporter's text, address, position or photos.
"""

from flask import url_for

from app.core.access import Principal
from app.reports.models import Report, ReportComment, ReportEvent, ReportPhoto, Viewer

STAFF_VIEWS = (Viewer.STAFF, Viewer.HANDLER)


def photo(attached: ReportPhoto, principal: Principal) -> dict:
    stored = attached.photo
    ids = {"report_id": attached.report_id, "content_id": stored.content_id}
    return {
        "content_id": stored.content_id,
        "kind": attached.kind,
        "url": url_for("reports.ReportPhotoById", **ids),
        "thumb_url": url_for("reports.ReportPhotoThumb", **ids),
        "width": stored.width,
        "height": stored.height,
        "is_mine": attached.uploaded_by_id == principal.id,
        "created_at": attached.created_at,
    }


def _visible_photos(report: Report, principal: Principal, viewer: Viewer) -> list[ReportPhoto]:
    return [attached for attached in report.photos if attached.is_visible_to(principal, viewer)]


def summary(report: Report, principal: Principal) -> dict:
    viewer = report.viewer(principal)
    full = viewer != Viewer.FOLLOWER
    photos = _visible_photos(report, principal, viewer)
    reporter = None
    if viewer in STAFF_VIEWS or viewer == Viewer.REPORTER:
        phone = None
        if viewer == Viewer.STAFF and report.reporter.phone_visible_to(principal):
            phone = report.reporter.phone
        reporter = {"id": report.reporter.id, "display_name": report.reporter.display_name, "phone": phone}
    return {
        "id": report.id,
        "viewer": viewer,
        "status": report.status,
        "category": report.category,
        "severity": report.severity,
        "description": report.description if full else None,
        "address": report.address if full else None,
        "position": report if full else None,
        "unit": report.unit,
        "reporter": reporter,
        "team": report.team if viewer == Viewer.STAFF else None,
        "department": report.department,
        "handler": report.handler if viewer in STAFF_VIEWS else None,
        "duplicate_of_id": report.duplicate_of_id if viewer in STAFF_VIEWS else None,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "accepted_at": report.accepted_at,
        "resolved_at": report.resolved_at,
        "closed_at": report.closed_at,
        "due_at": report.due_at if viewer in STAFF_VIEWS else None,
        "is_overdue": report.is_overdue if viewer in STAFF_VIEWS else False,
        "escalation_level": report.escalation_level if viewer == Viewer.STAFF else None,
        "photo_count": len(photos),
        "cover_thumb_url": photo(photos[0], principal)["thumb_url"] if photos else None,
        "is_mine": report.reporter_id == principal.id,
        "is_following": report.is_followed_by(principal),
        "actions": report.actions_for(principal),
    }


def detail(report: Report, principal: Principal) -> dict:
    viewer = report.viewer(principal)
    return {
        **summary(report, principal),
        "photos": [photo(attached, principal) for attached in _visible_photos(report, principal, viewer)],
        "follower_count": len(report.followers) if viewer == Viewer.STAFF else None,
        "can_comment": report.can_comment(principal, internal=False),
        "can_comment_internally": report.can_comment(principal, internal=True),
        "can_add_photo": report.photo_kind_for(principal) is not None,
        "can_delete": report.can_delete(principal),
        "can_follow": viewer != Viewer.FOLLOWER and report.can_follow(principal),
    }


def event(entry: ReportEvent, viewer: Viewer) -> dict:
    staff = viewer in STAFF_VIEWS
    data = entry.data or {}
    department = None
    if data.get("department_id") and data.get("department_name"):
        department = {"id": data["department_id"], "name": data["department_name"]}
    return {
        "id": entry.id,
        "at": entry.at,
        "action": entry.action,
        "actor_role": entry.actor_role,
        "actor": entry.actor if staff else None,
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "note": entry.note if staff or entry.note_is_public else None,
        "department": department,
        "duplicate_of_id": data.get("duplicate_of_id") if staff else None,
        "is_public": entry.is_public,
    }


def comment(entry: ReportComment, principal: Principal, viewer: Viewer) -> dict:
    return {
        "id": entry.id,
        "body": entry.body,
        "is_public": entry.is_public,
        "author_role": entry.author_role,
        "author": entry.author if viewer in STAFF_VIEWS or entry.author_id == principal.id else None,
        "is_mine": entry.author_id == principal.id,
        "created_at": entry.created_at,
    }
