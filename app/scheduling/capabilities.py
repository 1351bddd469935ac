from app.core.access import Principal, capability
from app.scheduling.models import can_plan, may_patrol


@capability("plan_shifts")
def plan_shifts(principal: Principal) -> bool:
    return can_plan(principal)


@capability("take_shifts")
def take_shifts(principal: Principal) -> bool:
    return may_patrol(principal)
