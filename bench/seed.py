"""The bench's database: emptied, migrated, seeded with the demo organisation plus the scheduling
dataset: one street with 200 teams, 20,000 members and 6,300 shifts over 10 weeks.

The app itself does the work wherever it can: ``create_app`` normalises the database URL
(postgres:// → psycopg 3) and builds the engine, the migrations build the schema,
``flask seed-demo`` the organisation, ``orgs.services`` the street's extra communities and
their areas, ``hash_password`` the one shared password hash, ``normalize_mainland_mobile``
the stored phone numbers, ``attendance.services`` punctuality and credited minutes. The
members, teams, shifts, sign-ups and attendances are bulk-inserted, because creating them
one by one through the services would take minutes (of argon2, for the members).

Who is who, by index (``member_phone(i)``): members ``0 … members-1`` belong to team
``i % teams`` (``i < teams`` lead it); the staff come after them (``staff_index``). What the
scenarios need to know about the seeded rows (ids, dates, who is on a shift now) is written
to ``bench/.work/dataset.json`` (``load_dataset``).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bench import ROOT, WORK, BenchError, log

BENCH_PASSWORD = "bench-Patrol-2024!"
PHONE_BASE = 15000000000  # member i has the mobile number 150 0000 0000 + i
JOBS_SQLITE_PATH = WORK / "jobs.sqlite"  # the bench's job queue without Redis, not the instance folder's
DATASET_PATH = WORK / "dataset.json"  # what the scenarios need to know about the seeded rows

STREET = "三里屯街道"  # the demo street holds the bench's teams, members and shifts
# The street's communities besides the demo's two, with the centre (lon, lat) of their areas
EXTRA_COMMUNITIES = {
    "幸福村社区": (116.4470, 39.9410),
    "东三里社区": (116.4610, 39.9290),
    "工体社区": (116.4450, 39.9300),
    "团结湖社区": (116.4690, 39.9250),
}
AREA_OFFSETS = {"东片": (0.0025, 0.0), "西片": (-0.0025, 0.0)}  # two areas per community, as the demo's
BOARD_COMMUNITY = "幸福村社区"  # the week board the `board` scenario loads: a bench community, no demo rows

WEEKS = 10  # shifts from WEEKS_BEFORE weeks before this week's Monday, WEEKS weeks in all
WEEKS_BEFORE = 3
# A community's day: 15 shifts, three at each of five local start times, 2 h each; the first
# of each start time is the community's (no team: any member of the community may take it).
SLOTS = (clock_time(7, 0), clock_time(9, 30), clock_time(14, 0), clock_time(17, 0), clock_time(19, 30))
PER_SLOT = 3
SHIFT_MINUTES = 120
TEAM_PLACES, COMMUNITY_PLACES = 6, 10
LEADER_SLOT = clock_time(19, 30)  # evening team patrols hold a place for a team leader
# On now, whatever the hour: the first NOW_PER_COMMUNITY shifts of each community's day start a
# quarter of an hour before seeding and last 4 h. Each has NOW_WAITING members signed up who have
# not checked in yet (the check-in scenario's people) and NOW_ON_DUTY already checked in.
NOW_PER_COMMUNITY = 5
NOW_MINUTES = 240
NOW_WAITING, NOW_ON_DUTY, NOW_PLACES = 4, 3, 8
STAFF = 20  # street staff after the members: even ones coordinators, odd ones officers of the street


def member_phone(i: int) -> str:
    """Member i's phone number as the app stores it (E.164)."""
    from app.accounts.phones import normalize_mainland_mobile

    phone = normalize_mainland_mobile(str(PHONE_BASE + i))
    if phone is None:
        raise BenchError(f"member {i} has no valid mobile number: {PHONE_BASE + i}")
    return phone


def bench_app(url: str, secret_key: str, **config) -> Flask:
    """The app as the bench's gunicorn runs it, for seeding and profiling in this process."""
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secret_key,
            "JOBS_SQLITE_PATH": str(JOBS_SQLITE_PATH),
            **config,
        }
    )


def database_kind(app: Flask) -> str:
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


def database_name(app: Flask) -> str | None:
    """The PostgreSQL database's name, or None for SQLite."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return url.database if url.get_backend_name() == "postgresql" else None


def reset_database(app: Flask) -> None:
    """Empty the bench database: delete the SQLite file, or create the PostgreSQL database if
    needed and drop its schema, so the migrations start from nothing."""
    from app.extensions import db

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)
        return
    with app.app_context():
        try:
            with db.engine.connect():
                pass
        except OperationalError as exc:
            if "does not exist" not in str(exc):
                raise BenchError(f"cannot connect to {url.render_as_string(hide_password=True)}: {exc}") from exc
            log(f"creating database {url.database}")
            admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            admin.dispose()
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.engine.dispose()


def flask_cli(args: list[str], env: dict, timeout: int = 300) -> str:
    cmd = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise BenchError(f"`flask {' '.join(args)}` failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


# Who is who, and the schedule: pure, so the tests can check them without a database ----------------


@dataclass(frozen=True)
class Layout:
    """The seeded people by index (``member_phone(index)``): members in teams, then the staff."""

    members: int
    teams: int

    def team_of(self, member: int) -> int:
        return member % self.teams

    def members_of(self, team: int) -> range:
        """Team ``team``'s members; the first is its leader."""
        return range(team, self.members, self.teams)

    def staff_index(self, k: int) -> int:
        return self.members + k


@dataclass(frozen=True)
class CommunityPlan:
    unit_id: int
    area_ids: tuple[int, ...]
    teams: tuple[int, ...]  # team numbers (0 … teams-1), as Layout counts them


@dataclass
class PlannedShift:
    unit_id: int
    team: int | None  # a team number, or None: the community's shift, open to all its members
    area_id: int
    starts_at: datetime
    ends_at: datetime
    places: int
    leader_needed: bool = False
    on_now: bool = False
    people: list[int] = field(default_factory=list)  # signed up; with leader_taken the team's leader first
    leader_taken: bool = False

    @property
    def waiting(self) -> list[int]:
        """On a shift on now: the people signed up who have not checked in yet."""
        return self.people[:NOW_WAITING] if self.on_now else []

    @property
    def on_duty(self) -> list[int]:
        """On a shift on now: the people checked in already."""
        return self.people[NOW_WAITING:] if self.on_now else []


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def plan_shifts(communities: list[CommunityPlan], now: datetime, tz: ZoneInfo) -> list[PlannedShift]:
    """Every community's shifts for WEEKS weeks from WEEKS_BEFORE weeks before this week (local
    time): len(SLOTS) × PER_SLOT a day, NOW_PER_COMMUNITY of today's on now, each on its own team."""
    today = now.astimezone(tz).date()
    first = week_start(today) - timedelta(weeks=WEEKS_BEFORE)
    now_start = now.replace(second=0, microsecond=0) - timedelta(minutes=15)
    shifts = []
    for community in communities:
        turn = 0  # the community's team shifts go round its teams
        for d in range(WEEKS * 7):
            day = first + timedelta(days=d)
            for j in range(len(SLOTS) * PER_SLOT):
                slot = SLOTS[j // PER_SLOT]
                area_id = community.area_ids[j % len(community.area_ids)]
                if day == today and j < NOW_PER_COMMUNITY:
                    shifts.append(
                        PlannedShift(
                            community.unit_id,
                            community.teams[j],
                            area_id,
                            now_start,
                            now_start + timedelta(minutes=NOW_MINUTES),
                            NOW_PLACES,
                            on_now=True,
                        )
                    )
                    continue
                team = None
                if j % PER_SLOT:
                    team = community.teams[turn % len(community.teams)]
                    turn += 1
                starts_at = datetime.combine(day, slot, tzinfo=tz).astimezone(UTC)
                shifts.append(
                    PlannedShift(
                        community.unit_id,
                        team,
                        area_id,
                        starts_at,
                        starts_at + timedelta(minutes=SHIFT_MINUTES),
                        COMMUNITY_PLACES if team is None else TEAM_PLACES,
                        leader_needed=team is not None and slot == LEADER_SLOT,
                    )
                )
    return shifts


def fill_share(starts_at: datetime, now: datetime, rng: random.Random) -> float:
    """How full a shift is: past ones mostly full, the next days filling up, later weeks barely begun."""
    ahead = (starts_at - now) / timedelta(days=1)
    if ahead < 0:
        return rng.uniform(0.6, 1.0)
    if ahead < 3:
        return rng.uniform(0.5, 1.0)
    if ahead < 14:
        return rng.uniform(0.1, 0.7)
    return rng.uniform(0.0, 0.3)


def fill_shifts(
    shifts: list[PlannedShift],
    layout: Layout,
    community_members: dict[int, list[int]],
    now: datetime,
    leader_release: timedelta,
    rng: random.Random,
) -> None:
    """Sign people up: a team's members on its shifts, a community's on the community's. A held
    leader place (leader needed, no leader yet, before the release) stays free, as sign-up keeps it."""
    for shift in shifts:
        if shift.on_now:
            shift.people = list(layout.members_of(shift.team))[-(NOW_WAITING + NOW_ON_DUTY) :]
            continue
        pool = community_members[shift.unit_id] if shift.team is None else list(layout.members_of(shift.team))
        taken = round(shift.places * fill_share(shift.starts_at, now, rng))
        shift.leader_taken = shift.leader_needed and taken > 0 and rng.random() < 0.6
        held = shift.leader_needed and not shift.leader_taken and now < shift.starts_at - leader_release
        taken = min(taken, shift.places - 1) if held else taken
        if shift.leader_taken:
            leader = layout.members_of(shift.team)[0]
            shift.people = [leader, *rng.sample([m for m in pool if m != leader], taken - 1)]
        else:
            shift.people = rng.sample(pool, taken)


def board_first_day(now: datetime, tz: ZoneInfo) -> date:
    """The week the `board` scenario shows: this local week, from Monday."""
    return week_start(now.astimezone(tz).date())


def area_polygon(lon: float, lat: float, half_width: float = 0.0012, half_height: float = 0.0014) -> dict:
    """A slightly irregular pentagon around (lon, lat), shaped like the demo's areas."""
    ring = [
        [lon - half_width, lat - half_height],
        [lon + half_width, lat - half_height * 0.8],
        [lon + half_width * 1.1, lat + half_height * 0.6],
        [lon, lat + half_height],
        [lon - half_width * 0.9, lat + half_height * 0.7],
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def load_dataset(path: Path = DATASET_PATH) -> dict:
    """What seeding wrote about its rows: the street, the board's community and week, the staff,
    and for each member waiting on a shift on now, that shift and a position inside its area."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise BenchError(
            f"{path} is missing: the scheduling scenarios need a database seeded by bench/run.py"
        ) from None


# Seeding ---------------------------------------------------------------------------------------------


def _street_communities(street_name: str):
    """The street and its communities, the EXTRA_COMMUNITIES (each with two areas) made first."""
    from app.extensions import db
    from app.orgs import services as orgs
    from app.orgs.models import Unit, UnitKind

    street = db.session.scalar(select(Unit).where(Unit.name == street_name, Unit.kind == UnitKind.STREET))
    if street is None:
        raise BenchError(f"seed-demo created no street {street_name}")
    for name, (lon, lat) in EXTRA_COMMUNITIES.items():
        community = orgs.create_unit(name, UnitKind.COMMUNITY, street)
        for suffix, (d_lon, d_lat) in AREA_OFFSETS.items():
            orgs.create_area(f"{name}{suffix}", community, area_polygon(lon + d_lon, lat + d_lat))
    communities = db.session.scalars(
        select(Unit).where(Unit.kind == UnitKind.COMMUNITY, Unit.path.startswith(street.path)).order_by(Unit.id)
    ).all()
    return street, communities


def _insert(model, rows: list[dict], chunk: int = 2000, returning=None) -> list:
    from app.extensions import db

    ids = []
    for start in range(0, len(rows), chunk):
        stmt = insert(model)
        if returning is not None:
            stmt = stmt.returning(returning, sort_by_parameter_order=True)
            ids += db.session.scalars(stmt, rows[start : start + chunk]).all()
        else:
            db.session.execute(stmt, rows[start : start + chunk])
    return ids


def seed_population(app: Flask, members: int, teams: int) -> dict:
    """Bulk-insert the scheduling dataset into the demo street: teams spread over its communities,
    members with one member grant and one team membership each (all sharing one password hash),
    the street's staff, and the shifts with their sign-ups and attendances (``seed_schedule``)."""
    from app.accounts.models import RoleGrant, User, UserStatus
    from app.accounts.passwords import hash_password
    from app.core import clock
    from app.core.access import Role
    from app.extensions import db
    from app.orgs.models import MembershipStatus, Team, TeamMembership

    started = time.monotonic()
    layout = Layout(members, teams)
    with app.app_context():
        street, communities = _street_communities(STREET)
        now = clock.now()
        team_rows = [
            {
                "name": f"{communities[t % len(communities)].name}巡防{t // len(communities) + 1:02d}队",
                "unit_id": communities[t % len(communities)].id,
                "is_active": True,
                "created_at": now,
            }
            for t in range(teams)
        ]
        db.session.execute(insert(Team), team_rows)
        team_ids = {
            name: (tid, unit_id)
            for tid, name, unit_id in db.session.execute(
                select(Team.id, Team.name, Team.unit_id).where(Team.name.in_([r["name"] for r in team_rows]))
            )
        }
        bench_teams = [team_ids[r["name"]] for r in team_rows]

        # One argon2 hash for everyone: hashing 20k passwords would take many minutes.
        shared_hash = hash_password(BENCH_PASSWORD)
        people = members + STAFF
        phones = [member_phone(i) for i in range(people)]
        _insert(
            User,
            [
                {
                    "phone": phones[i],
                    "display_name": f"队员{i:05d}" if i < members else f"街道干部{i - members:02d}",
                    "password_hash": shared_hash,
                    "status": UserStatus.ACTIVE,
                    "locale": "zh-CN",
                    "created_at": now,
                }
                for i in range(people)
            ],
            chunk=5000,
        )
        prefix = phones[0][:6]  # +86150: no demo account has it
        user_ids = dict(db.session.execute(select(User.phone, User.id).where(User.phone.startswith(prefix))).all())
        grants, memberships = [], []
        for i in range(members):
            team_id, unit_id = bench_teams[layout.team_of(i)]
            user_id = user_ids[phones[i]]
            grants.append(
                {"user_id": user_id, "role": Role.MEMBER, "unit_id": unit_id, "department_id": None, "created_at": now}
            )
            memberships.append(
                {
                    "team_id": team_id,
                    "user_id": user_id,
                    "is_leader": i < teams,
                    "status": MembershipStatus.ACTIVE,
                    "joined_at": now,
                }
            )
        staff = [layout.staff_index(k) for k in range(STAFF)]
        for k, i in enumerate(staff):
            role = Role.COORDINATOR if k % 2 == 0 else Role.OFFICER
            grants.append(
                {
                    "user_id": user_ids[phones[i]],
                    "role": role,
                    "unit_id": street.id,
                    "department_id": None,
                    "created_at": now,
                }
            )
        _insert(RoleGrant, grants, chunk=5000)
        _insert(TeamMembership, memberships, chunk=5000)
        db.session.commit()
        schedule = seed_schedule(layout, communities, [tid for tid, _ in bench_teams], user_ids, phones, now)
        dataset = {
            "street_id": street.id,
            "staff": staff,
            "officers": staff[1::2],
            **schedule.pop("dataset"),
        }
        DATASET_PATH.parent.mkdir(parents=True, exist_ok=True)
        DATASET_PATH.write_text(json.dumps(dataset, ensure_ascii=False, indent=1))
        counts = {
            "users": db.session.scalar(select(func.count(User.id))),
            "teams": db.session.scalar(select(func.count(Team.id))),
            "role_grants": db.session.scalar(select(func.count(RoleGrant.id))),
            "team_memberships": db.session.scalar(select(func.count(TeamMembership.id))),
            "communities": len(communities),
            "street_teams": teams,
            "staff": STAFF,
            **schedule,
        }
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        db.session.remove()
        db.engine.dispose()
    counts["seconds"] = round(time.monotonic() - started, 1)
    log(
        f"scheduling dataset: {counts['communities']} communities of {STREET} ({counts['areas']} areas), "
        f"{counts['shifts']} shifts over {WEEKS} weeks ({counts['board_shifts']} on the board of {BOARD_COMMUNITY}'s "
        f"week, {counts['shifts_on_now']} on now), {counts['signups']} sign-ups, {counts['attendances']} attendances "
        f"({counts['on_duty']} on duty now), {STAFF} street staff"
    )
    return counts


def seed_schedule(
    layout: Layout, communities, team_ids: list[int], user_ids: dict, phones: list[str], now: datetime
) -> dict:
    """Bulk-insert the planned shifts, their sign-ups (``taken`` counts them) and attendances: past
    shifts attended (a few no-shows), the shifts on now with some people checked in."""
    from flask import current_app

    from app.attendance.models import Attendance, Position
    from app.attendance.services import credited_minutes, judge_punctuality
    from app.extensions import db
    from app.orgs.models import Area
    from app.scheduling.models import Shift, ShiftSignup, ShiftStatus, SignupStatus

    tz = ZoneInfo(current_app.config["TIME_ZONE"])
    rng = random.Random(20240601)
    unit_ids = [c.id for c in communities]
    areas = db.session.execute(
        select(Area.id, Area.unit_id, Area.centroid_lon, Area.centroid_lat)
        .where(Area.unit_id.in_(unit_ids), Area.is_active.is_(True))
        .order_by(Area.id)
    ).all()
    centre = {a.id: (a.centroid_lon, a.centroid_lat) for a in areas}
    teams_of = {uid: tuple(t for t in range(layout.teams) if unit_ids[t % len(unit_ids)] == uid) for uid in unit_ids}
    plans = [CommunityPlan(uid, tuple(a.id for a in areas if a.unit_id == uid), teams_of[uid]) for uid in unit_ids]
    if any(not p.area_ids or len(p.teams) < NOW_PER_COMMUNITY for p in plans):
        raise BenchError(f"every community of {STREET} needs an area and {NOW_PER_COMMUNITY} teams")
    community_members = {uid: [m for t in teams_of[uid] for m in layout.members_of(t)] for uid in unit_ids}
    shifts = plan_shifts(plans, now, tz)
    release = timedelta(hours=current_app.config["SHIFT_LEADER_RELEASE_HOURS"])
    fill_shifts(shifts, layout, community_members, now, release, rng)
    user = [user_ids[phone] for phone in phones]  # member index -> user id
    shift_ids = _insert(
        Shift,
        [
            {
                "unit_id": s.unit_id,
                "team_id": None if s.team is None else team_ids[s.team],
                "area_id": s.area_id,
                "pattern_id": None,
                "pattern_date": None,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "places": s.places,
                "taken": len(s.people),
                "leader_needed": s.leader_needed,
                "leader_taken": s.leader_taken,
                "leader_release_at": s.starts_at - release if s.leader_needed else None,
                "note": "",
                "status": ShiftStatus.SCHEDULED,
                "is_edited": False,
                "created_at": now,
            }
            for s in shifts
        ],
        returning=Shift.id,
    )
    signups, attendances = [], []
    for shift_id, s in zip(shift_ids, shifts, strict=True):
        for k, member in enumerate(s.people):
            signups.append(
                {
                    "shift_id": shift_id,
                    "user_id": user[member],
                    "status": SignupStatus.ACTIVE,
                    "is_leader": s.leader_taken and k == 0,
                    "created_at": min(now, s.starts_at) - timedelta(days=2),
                }
            )
        lon, lat = centre[s.area_id]
        if s.ends_at <= now:
            for member in s.people:
                if rng.random() < 0.05:
                    attendances.append(_attendance(shift_id, user[member], s.ends_at, no_show=True))
                    continue
                arrived = s.starts_at + timedelta(minutes=rng.randint(-20, 12))
                left = s.ends_at + timedelta(minutes=rng.randint(-10, 10))
                attendances.append(
                    _attendance(
                        shift_id,
                        user[member],
                        arrived,
                        checked_in_at=arrived,
                        check_in_received_at=arrived,
                        check_in_lon=lon,
                        check_in_lat=lat,
                        check_in_accuracy_m=15.0,
                        check_in_position=Position.ON_SITE,
                        check_in_distance_m=0,
                        punctuality=judge_punctuality(s, arrived),
                        checked_out_at=left,
                        check_out_received_at=left,
                        check_out_lon=lon,
                        check_out_lat=lat,
                        check_out_accuracy_m=15.0,
                        check_out_position=Position.ON_SITE,
                        check_out_distance_m=0,
                        credited_minutes=credited_minutes(
                            SimpleNamespace(starts_at=s.starts_at, ends_at=s.ends_at), arrived, left
                        ),
                    )
                )
        for member in s.on_duty:
            arrived = now - timedelta(minutes=rng.randint(1, 14))
            attendances.append(
                _attendance(
                    shift_id,
                    user[member],
                    arrived,
                    checked_in_at=arrived,
                    check_in_received_at=arrived,
                    check_in_lon=lon,
                    check_in_lat=lat,
                    check_in_accuracy_m=15.0,
                    check_in_position=Position.ON_SITE,
                    check_in_distance_m=0,
                    punctuality=judge_punctuality(s, arrived),
                )
            )
    _insert(ShiftSignup, signups, chunk=5000)
    _insert(Attendance, attendances)
    db.session.commit()

    board_unit = next(c for c in communities if c.name == BOARD_COMMUNITY)
    first_day = board_first_day(now, tz)
    board_from = datetime.combine(first_day, clock_time(0), tzinfo=tz)
    waiting = {
        member: {"shift_id": shift_id, "lon": centre[s.area_id][0], "lat": centre[s.area_id][1]}
        for shift_id, s in zip(shift_ids, shifts, strict=True)
        for member in s.waiting
    }
    # `taken` must be what the sign-ups say, as sign-up keeps it (demo shifts included)
    taken_off = db.session.scalar(
        select(func.count(Shift.id)).where(
            Shift.taken
            != select(func.count(ShiftSignup.id))
            .where(ShiftSignup.shift_id == Shift.id, ShiftSignup.status != SignupStatus.DROPPED)
            .scalar_subquery()
        )
    )
    if taken_off:
        raise BenchError(f"{taken_off} seeded shifts count another number of places taken than their sign-ups")
    return {
        "areas": len(areas),
        "shifts": len(shift_ids),
        "shifts_on_now": sum(s.on_now for s in shifts),
        "board_shifts": sum(
            s.unit_id == board_unit.id and board_from <= s.starts_at < board_from + timedelta(days=7) for s in shifts
        ),
        "signups": len(signups),
        "attendances": len(attendances),
        "on_duty": sum(len(s.on_duty) for s in shifts),
        "waiting_to_check_in": len(waiting),
        "dataset": {
            "board_unit_id": board_unit.id,
            "board_first_day": first_day.isoformat(),
            "on_shift": sorted(waiting),
            "check_ins": {str(member): spot for member, spot in sorted(waiting.items())},
        },
    }


def _attendance(shift_id: int, user_id: int, created_at: datetime, **values) -> dict:
    """An attendance row with every column bulk insert needs (the same keys for every row)."""
    row = {
        "shift_id": shift_id,
        "user_id": user_id,
        "created_at": created_at,
        "checked_in_at": None,
        "check_in_received_at": None,
        "check_in_lon": None,
        "check_in_lat": None,
        "check_in_accuracy_m": None,
        "check_in_position": None,
        "check_in_distance_m": None,
        "check_in_imprecise": False,
        "punctuality": None,
        "recorded_offline": False,
        "checked_out_at": None,
        "check_out_received_at": None,
        "check_out_lon": None,
        "check_out_lat": None,
        "check_out_accuracy_m": None,
        "check_out_position": None,
        "check_out_distance_m": None,
        "auto_closed": False,
        "no_show": False,
        "credited_minutes": 0,
    }
    row.update(values)
    return row


def database_version(app: Flask) -> str:
    from app.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            if db.engine.dialect.name == "sqlite":
                version = f"SQLite {conn.exec_driver_sql('select sqlite_version()').scalar()}"
            else:
                version = f"PostgreSQL {conn.exec_driver_sql('show server_version').scalar()}"
        db.engine.dispose()
    return version


REPORT_STATUS_MIX = (  # (status, share): most cases are closed, a working queue is open
    ("closed", 0.55),
    ("resolved", 0.08),
    ("in_progress", 0.07),
    ("dispatched", 0.08),
    ("accepted", 0.07),
    ("submitted", 0.10),
    ("rejected", 0.03),
    ("duplicate", 0.02),
)


def report_statuses(count: int) -> list[str]:
    """``count`` statuses in the mix's shares, interleaved so that any page of the queue mixes them."""
    statuses = [status for status, share in REPORT_STATUS_MIX for _ in range(round(share * count))]
    statuses = (statuses + ["submitted"] * count)[:count]
    random.Random(20240601).shuffle(statuses)
    return statuses


def seed_reports(app: Flask, count: int, days: int = 365) -> dict:
    """Bulk-insert ``count`` hazard reports by the seeded members over the last ``days``, spread
    over the demo communities around the demo cases, in every state (the officers' queue and
    map at scale). Only the rows the queue and the map read: no photos, events or followers."""
    from app.accounts.models import User
    from app.core import clock
    from app.extensions import db
    from app.orgs.models import Team, TeamMembership
    from app.reports.models import Report, ReportCategory, ReportStatus

    started = time.monotonic()
    rng = random.Random(20240602)
    with app.app_context():
        box = db.session.execute(
            select(func.min(Report.lon), func.max(Report.lon), func.min(Report.lat), func.max(Report.lat))
        ).one()
        if box[0] is None:
            raise BenchError("seed-demo created no reports to place the bench's cases around")
        west, east, south, north = box[0] - 0.01, box[1] + 0.01, box[2] - 0.01, box[3] + 0.01
        categories = db.session.scalars(select(ReportCategory.id).where(ReportCategory.is_active)).all()
        prefix = member_phone(0)[:6]
        reporters = db.session.execute(
            select(User.id, TeamMembership.team_id, Team.unit_id)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .join(Team, TeamMembership.team_id == Team.id)
            .where(User.phone.startswith(prefix))
        ).all()
        if not reporters:
            raise BenchError("no seeded members to report the bench's cases")
        now = clock.now()
        statuses = report_statuses(count)
        chunk = 5000
        for start in range(0, count, chunk):
            rows = []
            for i in range(start, min(count, start + chunk)):
                user_id, team_id, unit_id = reporters[i % len(reporters)]
                created = now - timedelta(seconds=rng.uniform(0, days * 86400))
                status = ReportStatus(statuses[i])
                rows.append(
                    {
                        "unit_id": unit_id,
                        "category_id": categories[i % len(categories)],
                        "severity": ("low", "medium", "high")[i % 3],
                        "description": f"压测案件{i:06d}",
                        "lon": rng.uniform(west, east),
                        "lat": rng.uniform(south, north),
                        "accuracy_m": 10.0,
                        "status": status,
                        "reporter_id": user_id,
                        "team_id": team_id,
                        "created_at": created,
                        "updated_at": created,
                        "accepted_at": None if status == ReportStatus.SUBMITTED else created,
                        "due_at": created + timedelta(days=3) if status in _WAITING else None,
                    }
                )
            db.session.execute(insert(Report), rows)
        db.session.commit()
        total = db.session.scalar(select(func.count(Report.id)))
        dataset = load_dataset()
        dataset["reports_bbox"] = [round(v, 5) for v in (west, south, east, north)]
        DATASET_PATH.write_text(json.dumps(dataset, ensure_ascii=False, indent=1))
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE reports")
        db.session.remove()
        db.engine.dispose()
    return {"reports": total, "seconds": round(time.monotonic() - started, 1)}


_WAITING = {"submitted", "accepted", "dispatched", "in_progress"}
