"""What the PWA may offer about hazard reports; each case's predicates decide each time."""

from app.core.access import ADMIN_ROLES, Principal, capability
from app.reports.models import may_handle, may_report, may_triage


@capability("report_hazard")
def report_hazard(principal: Principal) -> bool:
    return may_report(principal)


@capability("triage_reports")
def triage_reports(principal: Principal) -> bool:
    """The officers' queue, map and export."""
    return may_triage(principal)


@capability("handle_reports")
def handle_reports(principal: Principal) -> bool:
    """The cases dispatched to my department."""
    return may_handle(principal)


@capability("manage_departments")
def manage_departments(principal: Principal) -> bool:
    """Departments, their handlers, and the districts' report categories."""
    return principal.has_role(ADMIN_ROLES)
