"""Demo data for `flask seed-demo`: last week's patrols of the demo member, attended, with hours.

The demo area 北三里社区东片 contains the point 116.4570, 39.9372 (lon, lat): give the browser
that position to check in on site.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.accounts.services import find_user_by_phone
from app.attendance.models import Attendance, Position, Punctuality
from app.core import clock
from app.extensions import db
from app.orgs.models import Area, Team
from app.scheduling.models import Shift, ShiftSignup
from app.scheduling.rules import local_date, zone

DEMO_POINT = (116.4570, 39.9372)
DEMO_NOTE = "上周演示班次"


def seed_demo_attendance(member_phone: str, team_name: str, area_name: str) -> None:
    if db.session.scalar(select(Shift.id).where(Shift.note == DEMO_NOTE)) is not None:
        return
    member = find_user_by_phone(member_phone)
    team = db.session.scalar(select(Team).where(Team.name == team_name))
    area = db.session.scalar(select(Area).where(Area.name == area_name))
    today = local_date(clock.now())
    for days_ago, minutes_late in ((7, 0), (5, 12), (3, -5)):
        starts_at = datetime.combine(today - timedelta(days=days_ago), datetime.min.time(), tzinfo=zone()).replace(
            hour=19
        )
        shift = Shift(
            unit_id=team.unit_id,
            team_id=team.id,
            area_id=area.id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            places=6,
            taken=1,
            note=DEMO_NOTE,
            fill_recorded_at=starts_at,
            fill_taken=1,
            fill_leader_present=False,
        )
        db.session.add(shift)
        db.session.flush()
        db.session.add(ShiftSignup(shift_id=shift.id, user_id=member.id))
        arrived = starts_at + timedelta(minutes=minutes_late)
        left = starts_at + timedelta(hours=2)
        db.session.add(
            Attendance(
                shift_id=shift.id,
                user_id=member.id,
                checked_in_at=arrived,
                check_in_received_at=arrived,
                check_in_lon=DEMO_POINT[0],
                check_in_lat=DEMO_POINT[1],
                check_in_accuracy_m=15,
                check_in_position=Position.ON_SITE,
                check_in_distance_m=0,
                punctuality=Punctuality.LATE if minutes_late > 5 else Punctuality.ON_TIME,
                checked_out_at=left,
                check_out_received_at=left,
                check_out_position=Position.ON_SITE,
                check_out_distance_m=0,
                credited_minutes=int((left - max(arrived, starts_at)).total_seconds() // 60),
            )
        )
    db.session.flush()
