"""Demo data for `flask seed-demo`: an evening pattern with this week's shifts, the demo member on one."""

from datetime import time

from sqlalchemy import select

from app.accounts.services import find_user_by_phone, principal_of
from app.core import clock
from app.extensions import db
from app.orgs.models import Area, Team
from app.scheduling import services, signups
from app.scheduling.models import Shift, ShiftPattern, ShiftStatus
from app.scheduling.rules import local_date, week_start

DEMO_PATTERN = "晚间巡逻（演示）"


def seed_demo_schedule(coordinator_phone: str, member_phone: str, team_name: str, area_name: str) -> None:
    if db.session.scalar(select(ShiftPattern.id).where(ShiftPattern.name == DEMO_PATTERN)) is not None:
        return
    coordinator = principal_of(find_user_by_phone(coordinator_phone))
    team = db.session.scalar(select(Team).where(Team.name == team_name))
    area = db.session.scalar(select(Area).where(Area.name == area_name))
    today = local_date(clock.now())
    pattern = services.create_pattern(
        coordinator,
        team.unit,
        area,
        team,
        {
            "name": DEMO_PATTERN,
            "weekdays": [1, 2, 3, 4, 5, 6, 7],
            "start_time": time(19, 0),
            "duration_minutes": 120,
            "places": 6,
            "leader_needed": True,
            "note": "在社区北门集合，穿好反光背心。",
            "valid_from": week_start(today),
            "valid_until": None,
            "skipped_dates": [],
        },
    )
    next_shift = db.session.scalar(
        select(Shift)
        .where(Shift.pattern_id == pattern.id, Shift.status == ShiftStatus.SCHEDULED)
        .order_by(Shift.starts_at)
        .offset(1)
    )
    member = principal_of(find_user_by_phone(member_phone))
    signups.sign_up(next_shift, member)
