from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.models import User
from app.accounts.services import principal_of
from app.extensions import db
from app.orgs.models import Area, Team, Unit
from app.scheduling import services

# Tuesday 1 December 2026, 10:00 in Beijing: the scheduling tests' "now".
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def now(time_machine):
    """Freeze the clock at NOW (tests move it with ``time_machine.shift``)."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def area_a1(create_area, org):
    return create_area(org.a1, name="北三里东片")


@pytest.fixture
def create_shift(in_app, org, staff, area_a1, now):
    """``create_shift(starts_in=timedelta(days=2), hours=2, places=3, team=org.team_a1, leader_needed=False)``."""

    def make(starts_in=timedelta(days=2), hours=2, places=3, team="default", leader_needed=False, unit=None):
        team = org.team_a1 if team == "default" else team
        with in_app():
            coordinator = principal_of(db.session.get(User, staff.coordinator_a1.id))
            starts_at = now + starts_in
            shift = services.create_shift(
                coordinator,
                db.session.get(Unit, (unit or (team.unit if team else org.a1)).id),
                db.session.get(Area, area_a1.id),
                db.session.get(Team, team.id) if team else None,
                {
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(hours=hours),
                    "places": places,
                    "leader_needed": leader_needed,
                    "note": "",
                },
            )
            db.session.commit()
            return shift

    return make
