"""The sign-up rules of a unit, and the local calendar the rules are counted in."""

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app.audit.services import record
from app.core.access import Principal
from app.extensions import db
from app.orgs.models import Unit
from app.scheduling.models import SchedulingRules


@dataclass(frozen=True)
class Rules:
    signup_opens_days: int
    signup_closes_hours: int
    drop_cutoff_hours: int
    min_rest_hours: int
    weekly_hours_cap: int
    leader_release_hours: int
    swap_needs_approval: bool


def default_rules() -> Rules:
    config = current_app.config
    return Rules(**{field.name: config[f"SHIFT_{field.name.upper()}"] for field in fields(Rules)})


def rules_for(unit: Unit) -> Rules:
    """The unit's own rules, else the nearest ancestor's, field by field, else the defaults."""
    return rules_by_path({unit.id: unit.path})[unit.id]


def rules_by_path(paths: dict[int, str]) -> dict[int, Rules]:
    """``rules_for`` of several units (unit id → materialised path) in one statement."""
    lineage = {unit_id: [int(part) for part in path.strip("/").split("/")] for unit_id, path in paths.items()}
    wanted = {ancestor for ids in lineage.values() for ancestor in ids}
    rows = {
        row.unit_id: row
        for row in db.session.scalars(select(SchedulingRules).where(SchedulingRules.unit_id.in_(wanted)))
    }
    defaults = default_rules().__dict__
    found = {}
    for unit_id, ids in lineage.items():
        values = defaults.copy()
        for ancestor in ids:  # root first: nearer units override
            row = rows.get(ancestor)
            if row is not None:
                values.update({key: getattr(row, key) for key in values if getattr(row, key) is not None})
        found[unit_id] = Rules(**values)
    return found


def set_rules(unit: Unit, by: Principal, changes: dict) -> Rules:
    row = db.session.get(SchedulingRules, unit.id) or SchedulingRules(unit_id=unit.id)
    for key, value in changes.items():
        setattr(row, key, value)
    db.session.add(row)
    db.session.flush()
    record(
        "scheduling_rules_changed",
        actor_id=by.id,
        subject_type="unit",
        subject_id=unit.id,
        unit_id=unit.id,
        fields=sorted(changes),
    )
    return rules_for(unit)


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIME_ZONE"])


def local_date(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)
