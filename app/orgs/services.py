"""Rules for units, teams and areas. Services flush; views commit."""

from blinker import Namespace
from sqlalchemy import exists, select

from app.audit.services import record
from app.core.access import Principal
from app.core.services import update_row
from app.errors import RuleViolation
from app.extensions import db
from app.orgs.models import PARENT_KIND, Area, MembershipStatus, Team, TeamMembership, Unit, UnitKind

# Audit names of the organisation's rows
SUBJECT_TYPES = {Unit: "unit", Team: "team", Area: "area"}

# Sent in the creating transaction, so other domains can give a new unit what it needs
# (reports gives a new district its default categories) without orgs knowing them.
unit_created = Namespace().signal("unit-created")


def create_unit(name: str, kind: UnitKind, parent: Unit | None, by: Principal | None = None) -> Unit:
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
    _record_created(unit, by)
    unit_created.send(unit)
    return unit


def create_team(name: str, unit: Unit, by: Principal | None = None) -> Team:
    team = Team(name=name, unit=unit)
    db.session.add(team)
    db.session.flush()
    _record_created(team, by)
    return team


def create_area(name: str, unit: Unit, geometry: dict, by: Principal | None = None) -> Area:
    area = Area(name=name, unit=unit, geometry=geometry)
    db.session.add(area)
    db.session.flush()
    _record_created(area, by)
    return area


def _record_created(row, by: Principal | None) -> None:
    # Rows made by `flask seed-demo` or `create-admin` have no actor and are not audited.
    if by is not None:
        kind = SUBJECT_TYPES[type(row)]
        record(f"{kind}_created", actor_id=by.id, subject_type=kind, subject_id=row.id, unit_id=row.scope_unit.id)


def change_org_row(row, by: Principal, **changes):
    """Rename, redraw, deactivate or reactivate a unit, team or area, and record what changed."""
    kind = SUBJECT_TYPES[type(row)]
    changed = sorted(key for key, value in changes.items() if getattr(row, key) != value)
    update_row(row, **changes)
    if changed:
        record(
            f"{kind}_updated",
            actor_id=by.id,
            subject_type=kind,
            subject_id=row.id,
            unit_id=row.scope_unit.id,
            fields=changed,
        )
    return row


def ancestors_active(unit: Unit) -> bool:
    """Is this unit, and every unit above it, active?"""
    ids = [int(part) for part in unit.path.strip("/").split("/")]
    return not db.session.scalar(select(exists().where(Unit.id.in_(ids), Unit.is_active.is_(False))))


def team_membership_or_none(team: Team, user_id: int) -> TeamMembership | None:
    return db.session.scalar(
        select(TeamMembership).where(TeamMembership.team_id == team.id, TeamMembership.user_id == user_id)
    )


def add_member(
    team: Team, user, is_leader: bool = False, status: MembershipStatus = MembershipStatus.ACTIVE
) -> TeamMembership:
    membership = TeamMembership(team=team, user=user, is_leader=is_leader, status=status)
    db.session.add(membership)
    db.session.flush()
    return membership


def set_leader(membership: TeamMembership, by: Principal, is_leader: bool) -> TeamMembership:
    if membership.is_leader != is_leader:
        update_row(membership, is_leader=is_leader)
        record(
            "team_leader_set" if is_leader else "team_leader_unset",
            actor_id=by.id,
            subject_type="user",
            subject_id=membership.user_id,
            unit_id=membership.team.unit_id,
            team_id=membership.team_id,
        )
    return membership
