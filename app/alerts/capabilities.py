from app.alerts.models import may_send_alerts
from app.core.access import Principal, capability


@capability("send_alert")
def send_alert(principal: Principal) -> bool:
    return may_send_alerts(principal)
