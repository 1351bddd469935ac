from flask import current_app
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.attendance import export, services
from app.attendance.models import Attendance, can_check_in_for_others, can_correct_attendance, can_read_attendance
from app.attendance.schemas import (
    AttendanceActionSchema,
    AttendanceSchema,
    HoursExportQuerySchema,
    HoursQuerySchema,
    MemberHoursSchema,
    MyHoursSchema,
    OnDutySchema,
    PresenceSchema,
)
from app.audit.services import record
from app.core.access import MANAGER_ROLES, OVERSIGHT_ROLES, get_in_scope_or_404, require
from app.core.api import Blueprint
from app.core.idempotency import idempotent, remember
from app.core.pagination import paginate, paginate_rows
from app.errors import NotFound
from app.exports.schemas import ExportSchema
from app.exports.services import request_export, table_response
from app.extensions import db
from app.orgs.models import Unit
from app.scheduling.models import Shift

blp = Blueprint("attendance", __name__, url_prefix="/api/v1", description="Check-in, on duty, hours.")


def _shift(shift_id: int) -> Shift:
    return get_in_scope_or_404(Shift, shift_id, current_user)


@blp.route("/shifts/<int:shift_id>/check-in")
class CheckIn(MethodView):
    @blp.errors(403, 404, 409)
    @blp.arguments(PresenceSchema)
    @blp.response(201, AttendanceSchema)
    @blp.alt_response(200, schema=AttendanceSchema, description="checked in already: the same record")
    @idempotent(Attendance)
    def post(self, data, shift_id):
        """Check in to my shift: server time, my position judged against the area, punctuality.

        Offline: the outbox sends ``recorded_offline`` with the phone's ``device_at`` and an
        ``Idempotency-Key``; a replay, or a second tap, returns the same record.
        """
        shift = _shift(shift_id)
        attendance, new = services.check_in(
            shift, current_user.id, data["fix"], data["device_at"], data["recorded_offline"]
        )
        status = 201 if new else 200
        remember(attendance, status)
        db.session.commit()
        return attendance, status


@blp.route("/shifts/<int:shift_id>/check-out")
class CheckOut(MethodView):
    @blp.errors(404, 409)
    @blp.arguments(PresenceSchema)
    @blp.response(200, AttendanceSchema)
    @idempotent(Attendance)
    def post(self, data, shift_id):
        """Check out: the minutes credited are the overlap of my time there with the shift."""
        shift = _shift(shift_id)
        attendance = services.check_out(
            shift, current_user.id, data["fix"], data["device_at"], data["recorded_offline"]
        )
        remember(attendance, 200)
        db.session.commit()
        return attendance


@blp.route("/shifts/<int:shift_id>/attendance")
class ShiftAttendance(MethodView):
    @blp.errors(403, 404)
    @blp.response(200, AttendanceSchema(many=True))
    def get(self, shift_id):
        """Who came to a shift, with flags to look at: for staff over it and its team's leaders."""
        shift = _shift(shift_id)
        require(can_read_attendance(current_user, shift))
        return db.session.scalars(
            services.attendances_of(shift).options(selectinload(Attendance.user), selectinload(Attendance.proxy_by))
        ).all()


@blp.route("/shifts/<int:shift_id>/attendance/<int:user_id>")
class MemberAttendance(MethodView):
    @blp.errors(403, 404, 409)
    @blp.arguments(AttendanceActionSchema)
    @blp.response(200, AttendanceSchema)
    def post(self, data, shift_id, user_id):
        """A leader checks in (or out) a member without a smartphone, recorded as by proxy; a
        coordinator corrects what happened, with a reason (audited)."""
        shift = _shift(shift_id)
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound("not_found", "user not found")
        action = data["action"]
        if action == "correct":
            require(can_correct_attendance(current_user, shift))
            changes = {key: data[key] for key in ("checked_in_at", "checked_out_at", "no_show") if key in data}
            attendance = services.correct(shift, user, current_user, changes, data["reason"])
        else:
            require(can_check_in_for_others(current_user, shift))
            if action == "check_in":
                attendance, _ = services.check_in(shift, user.id, None, None, False, proxy_by=current_user.id)
            else:
                attendance = services.check_out(shift, user.id, None, None, False)
            record(
                f"proxy_{action}",
                actor_id=current_user.id,
                subject_type="shift",
                subject_id=shift.id,
                unit_id=shift.unit_id,
                user_id=user.id,
            )
        db.session.commit()
        return attendance


@blp.route("/units/<int:unit_id>/on-duty")
class OnDuty(MethodView):
    @blp.errors(403, 404)
    @blp.response(200, OnDutySchema(many=True))
    @blp.paginate()
    def get(self, unit_id, pagination_parameters):
        """Who is on duty right now in a unit and below, in which area and where they checked in."""
        unit = get_in_scope_or_404(Unit, unit_id, current_user)
        require(current_user.has_role_over(unit, MANAGER_ROLES + OVERSIGHT_ROLES))
        stmt = services.on_duty(unit).options(
            selectinload(Attendance.user).selectinload(User.role_grants),
            selectinload(Attendance.shift).options(selectinload(Shift.team), selectinload(Shift.area)),
        )
        return [
            {
                "user": attendance.user,
                "phone": attendance.user.phone if attendance.user.phone_visible_to(current_user) else None,
                "shift": attendance.shift,
                "area": attendance.shift.area,
                "checked_in_at": attendance.checked_in_at,
                "lon": attendance.check_in_lon,
                "lat": attendance.check_in_lat,
                "position": attendance.check_in_position,
            }
            for attendance in paginate(stmt, pagination_parameters)
        ]


@blp.route("/hours")
class MyHours(MethodView):
    @blp.arguments(HoursQuerySchema, location="query")
    @blp.response(200, MyHoursSchema)
    def get(self, query):
        """My shifts of a month with the minutes credited for each, and the month's total."""
        shifts = db.session.scalars(services.my_hours(current_user, query["month"])).all()
        return {"month": query["month"], "minutes": sum(a.credited_minutes for a in shifts), "shifts": shifts}


@blp.route("/units/<int:unit_id>/hours")
class UnitHours(MethodView):
    @blp.errors(403, 404)
    @blp.arguments(HoursQuerySchema, location="query")
    @blp.response(200, MemberHoursSchema(many=True))
    @blp.paginate()
    def get(self, query, unit_id, pagination_parameters):
        """Each member's month in a unit and below: shifts, no-shows, late arrivals, flags, minutes."""
        unit = get_in_scope_or_404(Unit, unit_id, current_user)
        require(current_user.has_role_over(unit, MANAGER_ROLES + OVERSIGHT_ROLES))
        rows = paginate_rows(services.hours_by_member(unit, query["month"]), pagination_parameters)
        people = {
            user.id: user for user in db.session.scalars(select(User).where(User.id.in_([row.id for row in rows])))
        }
        return [
            {
                "user": people[row.id],
                "phone": row.phone if people[row.id].phone_visible_to(current_user) else None,
                "shifts": row.shifts,
                "no_shows": row.no_shows,
                "late": row.late,
                "flagged": row.flagged,
                "minutes": row.minutes,
            }
            for row in rows
        ]


@blp.route("/hours/export")
class HoursExport(MethodView):
    @blp.errors(403, 404)
    @blp.arguments(HoursExportQuerySchema, location="query")
    @blp.response(200, content_type="text/csv", description="the file (CSV UTF-8 with BOM, or XLSX)")
    @blp.alt_response(202, schema=ExportSchema, description="a large export: a job makes the file and tells me")
    def get(self, query):
        """The hours ledger of a unit and below for a month, one row per person and shift.

        Up to HOURS_EXPORT_SYNC_MAX_ROWS rows answer at once; more become a job whose file is
        announced in my inbox (``export_ready``) and downloaded from ``/exports/<id>/download``.
        """
        unit = export.unit_for_hours(current_user, query["unit_id"])
        params = {"unit_id": unit.id, "month": query["month"]}
        if export.count(unit, query["month"]) > current_app.config["HOURS_EXPORT_SYNC_MAX_ROWS"]:
            job = request_export(current_user, "hours", query["format"], params)
            db.session.commit()
            return ExportSchema().dump(job), 202
        return table_response(export.hours_table(current_user, params), query["format"])
