"""The hours ledger as a table (CSV or XLSX): one row per person and shift of a month in a unit's
subtree. Streamed from one query, the same for a direct answer and for a job."""

from sqlalchemy import func, select

from app.accounts.models import User
from app.attendance.models import Attendance
from app.attendance.services import month_bounds
from app.core.access import MANAGER_ROLES, OVERSIGHT_ROLES, Principal
from app.core.exports import Column
from app.errors import Forbidden, NotFound
from app.exports.services import Table, exporter
from app.extensions import db
from app.orgs.models import Area, Team, Unit
from app.scheduling.models import Shift

COLUMNS = [
    Column("姓名", width=12),
    Column("电话", width=16),
    Column("队伍", width=16),
    Column("巡逻区域", width=16),
    Column("班次开始", "datetime", 20),
    Column("班次结束", "datetime", 20),
    Column("签到", "datetime", 20),
    Column("签退", "datetime", 20),
    Column("准时情况", width=10),
    Column("签到位置", width=10),
    Column("计入时长(分钟)", "int", 12),
    Column("未到岗", width=8),
    Column("需核查", width=30),
]
PUNCTUALITY = {"early": "提前", "on_time": "准时", "late": "迟到"}
POSITION = {"on_site": "在区域内", "outside": "区域外", "no_fix": "无定位"}
FLAGS = {
    "check_in_outside": "区域外签到",
    "check_in_no_fix": "无定位",
    "imprecise": "定位不准",
    "recorded_offline": "离线记录",
    "by_proxy": "代签",
    "auto_closed": "自动签退",
    "corrected": "已更正",
}


def rows_statement(unit: Unit, month: str):
    start, end = month_bounds(month)
    return (
        select(Attendance, User, Team.name, Area.name, Shift)
        .join(User, Attendance.user_id == User.id)
        .join(Shift, Attendance.shift_id == Shift.id)
        .join(Unit, Shift.unit_id == Unit.id)
        .join(Area, Shift.area_id == Area.id)
        .outerjoin(Team, Shift.team_id == Team.id)
        .where(Unit.path.startswith(unit.path), Shift.starts_at >= start, Shift.starts_at < end)
        .order_by(User.display_name, User.id, Shift.starts_at)
    )


def count(unit: Unit, month: str) -> int:
    ids = rows_statement(unit, month).with_only_columns(Attendance.id).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(ids))


def _rows(principal: Principal, statement):
    for attendance, user, team_name, area_name, shift in db.session.execute(
        statement.execution_options(yield_per=1000)
    ):
        yield [
            user.display_name,
            user.phone if user.phone_visible_to(principal) else "",
            team_name or "",
            area_name,
            shift.starts_at,
            shift.ends_at,
            attendance.checked_in_at,
            attendance.checked_out_at,
            PUNCTUALITY.get(attendance.punctuality.value, "") if attendance.punctuality else "",
            POSITION.get(attendance.check_in_position.value, "") if attendance.check_in_position else "",
            attendance.credited_minutes,
            "是" if attendance.no_show else "",
            "、".join(FLAGS[flag] for flag in attendance.flags),
        ]


def unit_for_hours(principal: Principal, unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not principal.can_see(unit):
        raise NotFound("not_found", "unit not found")
    if not principal.has_role_over(unit, MANAGER_ROLES + OVERSIGHT_ROLES):
        raise Forbidden("forbidden", "your role does not allow this")
    return unit


@exporter("hours")
def hours_table(principal: Principal, params: dict) -> Table:
    unit = unit_for_hours(principal, params["unit_id"])
    month = params["month"]
    rows = _rows(principal, rows_statement(unit, month))
    return Table(COLUMNS, rows, f"巡逻时长-{unit.name}-{month}", "巡逻时长")
