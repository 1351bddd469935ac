"""The bench's database: emptied, migrated, seeded with the demo organisation plus 20,000 members.

The app itself does the work wherever it can: ``create_app`` normalises the database URL
(postgres:// → psycopg 3) and builds the engine, the migrations build the schema,
``flask seed-demo`` the organisation, ``hash_password`` the one shared password hash,
``normalize_mainland_mobile`` the stored phone numbers. Only the 20,000 members are
bulk-inserted here, because creating them one by one through the services would take
minutes of argon2.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bench import ROOT, WORK, BenchError, log

BENCH_PASSWORD = "bench-Patrol-2024!"
PHONE_BASE = 15000000000  # member i has the mobile number 150 0000 0000 + i
JOBS_SQLITE_PATH = WORK / "jobs.sqlite"  # the bench's job queue without Redis, not the instance folder's


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


def seed_population(app: Flask, members: int, teams: int) -> dict:
    """Bulk-insert teams spread over the demo communities, and members with one member grant
    and one team membership each. All members share one password hash."""
    from app.accounts.models import RoleGrant, User, UserStatus
    from app.accounts.passwords import hash_password
    from app.core import clock
    from app.core.access import Role
    from app.extensions import db
    from app.orgs.models import MembershipStatus, Team, TeamMembership, Unit, UnitKind

    started = time.monotonic()
    with app.app_context():
        communities = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.COMMUNITY).order_by(Unit.id)).all()
        if not communities:
            raise BenchError("seed-demo created no communities")
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
        phones = [member_phone(i) for i in range(members)]
        chunk = 5000
        for start in range(0, members, chunk):
            db.session.execute(
                insert(User),
                [
                    {
                        "phone": phones[i],
                        "display_name": f"队员{i:05d}",
                        "password_hash": shared_hash,
                        "status": UserStatus.ACTIVE,
                        "locale": "zh-CN",
                        "created_at": now,
                    }
                    for i in range(start, min(members, start + chunk))
                ],
            )
        prefix = phones[0][:6]  # +86150: no demo account has it
        user_ids = dict(db.session.execute(select(User.phone, User.id).where(User.phone.startswith(prefix))).all())
        grants, memberships = [], []
        for i in range(members):
            team_id, unit_id = bench_teams[i % teams]
            user_id = user_ids[phones[i]]
            grants.append({"user_id": user_id, "role": Role.MEMBER, "unit_id": unit_id, "created_at": now})
            memberships.append(
                {
                    "team_id": team_id,
                    "user_id": user_id,
                    "is_leader": i < teams,
                    "status": MembershipStatus.ACTIVE,
                    "joined_at": now,
                }
            )
        for start in range(0, members, chunk):
            db.session.execute(insert(RoleGrant), grants[start : start + chunk])
            db.session.execute(insert(TeamMembership), memberships[start : start + chunk])
        db.session.commit()
        counts = {
            "users": db.session.scalar(select(func.count(User.id))),
            "teams": db.session.scalar(select(func.count(Team.id))),
            "role_grants": db.session.scalar(select(func.count(RoleGrant.id))),
            "team_memberships": db.session.scalar(select(func.count(TeamMembership.id))),
            "communities": len(communities),
        }
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        db.session.remove()
        db.engine.dispose()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


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
