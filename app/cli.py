"""`flask seed-demo`, `flask create-admin` and `flask jobs`."""

import json
import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import UserStatus
from app.accounts.passwords import password_problem
from app.accounts.phones import normalize_mainland_mobile
from app.alerts.demo import seed_demo_alerts
from app.attendance.demo import seed_demo_attendance
from app.core.access import Role
from app.core.jobs import PERIODIC_JOBS
from app.extensions import db
from app.orgs import services as orgs
from app.orgs.models import Area, Team, Unit, UnitKind
from app.reports.demo import seed_demo_reports
from app.scheduling.demo import seed_demo_schedule

DEMO_DISTRICT = "朝阳区"
# street -> community -> centre (lon, lat) of its patrol areas, around Chaoyang, Beijing
DEMO_STREETS = {
    "三里屯街道": {"北三里社区": (116.4545, 39.9372), "中三里社区": (116.4528, 39.9331)},
    "望京街道": {"望京西园社区": (116.4702, 39.9987), "花家地社区": (116.4751, 39.9849)},
}
DEMO_ACCOUNTS = [
    # phone, name, role, unit name, team name or None
    ("13800000001", "区综治办管理员", Role.ADMIN, DEMO_DISTRICT, None),
    ("13800000002", "王协调", Role.COORDINATOR, "北三里社区", None),
    ("13800000003", "李警官", Role.OFFICER, "三里屯街道", None),
    ("13800000004", "张建国", Role.MEMBER, "北三里社区", "北三里社区巡防队"),
    # Handles the district's city-management cases (the grant names the department: reports/demo.py).
    ("13800000005", "城管刘师傅", Role.HANDLER, DEMO_DISTRICT, None),
]


def _polygon(lon: float, lat: float, half_width: float, half_height: float) -> dict:
    """A slightly irregular pentagon, closer to a real block outline than a box."""
    ring = [
        (lon - half_width, lat - half_height),
        (lon + half_width, lat - half_height * 0.8),
        (lon + half_width * 1.1, lat + half_height * 0.6),
        (lon, lat + half_height),
        (lon - half_width * 0.9, lat + half_height * 0.7),
    ]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [[list(point) for point in ring]]}


def _get_or_create_unit(name: str, kind: UnitKind, parent: Unit | None) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.name == name, Unit.kind == kind))
    return unit or orgs.create_unit(name, kind, parent)


def _seed_organisation() -> dict[str, Unit]:
    district = _get_or_create_unit(DEMO_DISTRICT, UnitKind.DISTRICT, None)
    units = {district.name: district}
    for street_name, communities in DEMO_STREETS.items():
        street = units[street_name] = _get_or_create_unit(street_name, UnitKind.STREET, district)
        for community_name, (lon, lat) in communities.items():
            community = units[community_name] = _get_or_create_unit(community_name, UnitKind.COMMUNITY, street)
            for suffix in ("巡防队", "志愿者队"):
                team_name = community_name + suffix
                if not db.session.scalar(select(Team).where(Team.name == team_name)):
                    orgs.create_team(team_name, community)
            for area_name, (d_lon, d_lat) in {"东片": (0.0025, 0), "西片": (-0.0025, 0)}.items():
                full_name = f"{community_name}{area_name}"
                if not db.session.scalar(select(Area).where(Area.name == full_name)):
                    orgs.create_area(full_name, community, _polygon(lon + d_lon, lat + d_lat, 0.0012, 0.0014))
    return units


def _demo_passwords(path: Path, fixed: str | None) -> dict[str, str]:
    if fixed:
        return {phone: fixed for phone, *_ in DEMO_ACCOUNTS}
    passwords = json.loads(path.read_text()) if path.exists() else {}
    missing = {phone: f"demo-{secrets.token_urlsafe(6)}" for phone, *_ in DEMO_ACCOUNTS if phone not in passwords}
    if missing:  # a new demo account since the file was written gets a password of its own
        passwords |= missing
        path.touch(mode=0o600)
        path.write_text(json.dumps(passwords))
    return passwords


def _seed_accounts(units: dict[str, Unit], passwords: dict[str, str], reset_passwords: bool) -> None:
    for phone, name, role, unit_name, team_name in DEMO_ACCOUNTS:
        e164 = normalize_mainland_mobile(phone)
        user = accounts.find_user_by_phone(e164)
        if user is None:
            user = accounts.create_user(e164, name, passwords[phone], UserStatus.ACTIVE, "zh-CN")
        elif reset_passwords:
            accounts.set_password(user, passwords[phone])
        if role != Role.HANDLER:  # a handler's grant names a department, made with the reports demo
            accounts.grant_role(user, role, units[unit_name])
        team = db.session.scalar(select(Team).where(Team.name == team_name)) if team_name else None
        if team and orgs.team_membership_or_none(team, user.id) is None:
            orgs.add_member(team, user)


def _demo_phone(role: Role) -> str:
    return normalize_mainland_mobile(next(phone for phone, _, demo_role, *_ in DEMO_ACCOUNTS if demo_role == role))


jobs_cli = AppGroup("jobs", help="The periodic jobs huey's consumer runs on a schedule.")


@jobs_cli.command("list")
def list_jobs():
    """Name and schedule of every periodic job."""
    for name, task in sorted(PERIODIC_JOBS.items()):
        click.echo(f"{name:<32} {(task.__doc__ or '').strip().splitlines()[0]}")


@jobs_cli.command("run")
@click.argument("name")
def run_job(name):
    """Run one periodic job now, in this process (`flask jobs list` names them)."""
    if name not in PERIODIC_JOBS:
        raise click.BadParameter(f"no periodic job {name!r}; one of: {', '.join(sorted(PERIODIC_JOBS))}")
    PERIODIC_JOBS[name].call_local()
    click.echo(f"{name}: done")


def register_commands(app: Flask) -> None:
    app.cli.add_command(jobs_cli)

    @app.cli.command("seed-demo")
    @click.option("--password", help="Give every demo account this password (e.g. for browser tests).")
    def seed_demo(password):
        """Create the demo district, its streets, communities, teams, areas and one account per role.

        Safe to run again: what exists is kept. Passwords are generated once and kept in
        the instance folder, so every run can print them.
        """
        passwords = _demo_passwords(Path(current_app.instance_path) / "demo-accounts.json", password)
        units = _seed_organisation()
        _seed_accounts(units, passwords, reset_passwords=bool(password))
        officer, coordinator, member = (_demo_phone(role) for role in (Role.OFFICER, Role.COORDINATOR, Role.MEMBER))
        team, area = "北三里社区巡防队", "北三里社区东片"
        seed_demo_alerts(officer, member, street_name="三里屯街道")
        seed_demo_schedule(coordinator, member, team_name=team, area_name=area)
        seed_demo_attendance(member, team_name=team, area_name=area)
        seed_demo_reports(
            admin_phone=_demo_phone(Role.ADMIN),
            officer_phone=officer,
            member_phone=member,
            handler_phone=_demo_phone(Role.HANDLER),
            centres={name: centre for communities in DEMO_STREETS.values() for name, centre in communities.items()},
        )
        db.session.commit()
        click.echo("Demo accounts (sign in with phone and password):")
        for phone, name, role, unit_name, _ in DEMO_ACCOUNTS:
            click.echo(f"  {role.value:<12} {phone}  {passwords[phone]:<20} {name} @ {unit_name}")

    @app.cli.command("create-admin")
    @click.option("--phone", required=True, help="Mainland mobile number.")
    @click.option("--name", "display_name", required=True)
    @click.option("--district", required=True, help="District name; created if it does not exist.")
    @click.password_option(help="Prompted for when not given.")
    def create_admin(phone, display_name, district, password):
        """Create an administrator of a district (and the district itself if new)."""
        e164 = normalize_mainland_mobile(phone)
        if e164 is None:
            raise click.BadParameter("not a mainland mobile number", param_hint="--phone")
        problem = password_problem(password, current_app.config["PASSWORD_MIN_LENGTH"])
        if problem:
            raise click.BadParameter(problem, param_hint="--password")
        unit = _get_or_create_unit(district, UnitKind.DISTRICT, None)
        user = accounts.find_user_by_phone(e164)
        if user is None:
            user = accounts.create_user(e164, display_name, password, UserStatus.ACTIVE)
        accounts.grant_role(user, Role.ADMIN, unit)
        db.session.commit()
        click.echo(f"{display_name} ({e164}) administers {unit.name}.")
