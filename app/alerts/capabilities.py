from app.alerts.models import may_send_alerts
from app.core.access import OVERSIGHT_ROLES, Principal, capability


@capability("send_alert")
def send_alert(principal: Principal) -> bool:
    return may_send_alerts(principal)


@capability("send_urgent_alert")
def send_urgent_alert(principal: Principal) -> bool:
    """Urgent alerts are for officers and admins; a coordinator's stop at warning."""
    return principal.has_role(OVERSIGHT_ROLES)
