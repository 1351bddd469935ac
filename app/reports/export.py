"""Cases as a table (CSV or XLSX): one streamed query, the same for a direct answer and a job."""

from flask import Response
from sqlalchemy import case, exists, func, not_, select
from sqlalchemy.orm import aliased

from app.accounts.models import RoleGrant, User
from app.core import clock
from app.core.access import OVERSIGHT_ROLES, STAFF_ROLES, Principal, in_subtrees
from app.core.exports import Column
from app.exports.services import Table, exporter, table_response
from app.extensions import db
from app.orgs.models import Team, Unit
from app.reports import services
from app.reports.models import Department, Report, ReportCategory

STATUS_NAMES = {
    "submitted": "待受理",
    "accepted": "已受理",
    "rejected": "不予受理",
    "duplicate": "重复上报",
    "dispatched": "已派遣",
    "in_progress": "处置中",
    "resolved": "已处置",
    "closed": "已结案",
}
SEVERITY_NAMES = {"low": "一般", "medium": "较重", "high": "紧急"}

COLUMNS = [
    Column("编号", "int", 8),
    Column("状态", width=10),
    Column("类别", width=14),
    Column("类别代码", width=16),
    Column("紧急程度", width=8),
    Column("描述", width=40),
    Column("地址", width=30),
    Column("经度", "float", 12),
    Column("纬度", "float", 12),
    Column("定位精度(米)", "float", 10),
    Column("所属单位", width=14),
    Column("上报人", width=10),
    Column("上报人电话", width=16),
    Column("上报人队伍", width=16),
    Column("处置部门", width=14),
    Column("处置人", width=10),
    Column("上报时间", "datetime", 20),
    Column("受理时间", "datetime", 20),
    Column("办结时间", "datetime", 20),
    Column("结案时间", "datetime", 20),
    Column("处置时限", "datetime", 20),
    Column("超时", width=6),
]


def _phone_hidden(principal: Principal, reporter):
    """A phone shows only where the viewer may see it: never through a member role to someone who
    may not see a staff role the same person holds elsewhere (as in rosters)."""
    staff_grant, staff_unit = aliased(RoleGrant), aliased(Unit)
    return (
        exists()
        .where(staff_grant.user_id == reporter.id, staff_grant.role.in_(STAFF_ROLES))
        .where(staff_unit.id == staff_grant.unit_id)
        .where(not_(in_subtrees(staff_unit.path, principal.unit_paths(OVERSIGHT_ROLES))))
    )


def rows_statement(principal: Principal, query: dict):
    """The filtered cases the principal sees, as plain columns in queue order."""
    filters = services.filters_from(query, principal)
    cases = services.apply_filters(services.reports_visible_to(principal, "queue"), filters)
    reporter, handler = aliased(User), aliased(User)
    return (
        cases.with_only_columns(
            Report.id,
            Report.status,
            ReportCategory.name,
            ReportCategory.code,
            Report.severity,
            Report.description,
            Report.address,
            Report.lon,
            Report.lat,
            Report.accuracy_m,
            Unit.name,
            reporter.display_name,
            case((_phone_hidden(principal, reporter), None), else_=reporter.phone),
            Team.name,
            Department.name,
            handler.display_name,
            Report.created_at,
            Report.accepted_at,
            Report.resolved_at,
            Report.closed_at,
            Report.due_at,
            maintain_column_froms=False,
        )
        .join(ReportCategory, Report.category_id == ReportCategory.id)
        .join(reporter, Report.reporter_id == reporter.id)
        .outerjoin(Team, Report.team_id == Team.id)
        .outerjoin(Department, Report.department_id == Department.id)
        .outerjoin(handler, Report.handler_id == handler.id)
        .order_by(Report.created_at.desc(), Report.id.desc())
    )


def count(principal: Principal, query: dict) -> int:
    cases = rows_statement(principal, query).with_only_columns(Report.id).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(cases))


def _rows(statement):
    now = clock.now()
    for row in db.session.execute(statement.execution_options(yield_per=1000)):
        values = list(row)
        values[1] = STATUS_NAMES[values[1].value]
        values[4] = SEVERITY_NAMES[values[4].value]
        due_at = values[-1]
        values.append("是" if due_at is not None and due_at <= now else "否")
        yield values


@exporter("reports")
def reports_table(principal: Principal, params: dict) -> Table:
    from app.reports.schemas import ReportFilterSchema

    query = ReportFilterSchema().load(params)
    return Table(COLUMNS, _rows(rows_statement(principal, query)), f"隐患案件-{clock.now():%Y%m%d-%H%M}", "隐患案件")


def file_response(principal: Principal, params: dict, format: str) -> Response:
    return table_response(reports_table(principal, params), format)
