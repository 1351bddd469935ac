"""Rules for units, teams and areas. Services flush; views commit."""

from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.orgs.models import PARENT_KIND, Area, Team, TeamMembership, Unit, UnitKind


def create_unit(name: str, kind: UnitKind, parent: Unit | None) -> Unit:
    expected = PARENT_KIND[kind]
    if (parent.kind if parent else None) != expected:
        raise RuleViolation(
            "unit_parent_invalid",
            f"a {kind.value} needs {'a ' + expected.value if expected else 'no'} parent",
            field="parent_id",
        )
    unit = Unit(name=name, kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    db.session.flush()
    return unit


def create_team(name: str, unit: Unit) -> Team:
    team = Team(name=name, unit=unit)
    db.session.add(team)
    db.session.flush()
    return team


def create_area(name: str, unit: Unit, geometry: dict) -> Area:
    area = Area(name=name, unit=unit, geometry=geometry)
    db.session.add(area)
    db.session.flush()
    return area


def team_membership_or_none(team: Team, user_id: int) -> TeamMembership | None:
    return db.session.scalar(
        select(TeamMembership).where(TeamMembership.team_id == team.id, TeamMembership.user_id == user_id)
    )


def add_member(team: Team, user, is_leader: bool = False) -> TeamMembership:
    membership = TeamMembership(team=team, user=user, is_leader=is_leader)
    db.session.add(membership)
    db.session.flush()
    return membership
