"""Load benchmark for Ping'an Patrol: gunicorn (production config) under wrk.

Run from the repository root:  .venv/bin/python bench/run.py   (or `make bench`)
PostgreSQL instead of SQLite:  BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/pingan_bench

Steps: fresh database -> migrations -> demo organisation + 20,000 members in 200 teams
-> gunicorn -> wrk against /ping (ceiling) and /me (signed in), alternating, at each
concurrency -> argon2 rate on this machine -> wrk against /auth/login -> first-load size
of the built front end -> PASS/FAIL against the targets ->
bench/results/<date>-<host>-<db>.md and .json. See bench/README.md.

Only the standard library and the app's own dependencies are used.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import platform
import random
import re
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / ".work"
RESULTS = BENCH / "results"
LUA = BENCH / "rotate.lua"

USER_AGENT = "pingan-bench"  # same as rotate.lua: Flask-Login ties a session to IP + User-Agent
BENCH_PASSWORD = "bench-Patrol-2024!"
PHONE_BASE = 15000000000  # members get +86 15000000000 + i
FIRST_LOAD_BUDGET = 60 * 1024

# Targets
ME_MIN_SHARE_OF_CEILING = 0.50
ME_MAX_P95_MS = 30.0
ME_TARGET_CLIENTS = 16
SIGNIN_MIN_SHARE_OF_KDF = 0.70
SIGNIN_TARGET_CLIENTS = 16


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------- wrk


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() != 0:
        raise BenchError("wrk is not installed and we are not root: install it (apt-get install wrk) and retry")
    log("wrk not found: installing it with apt-get")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(install, env=env, capture_output=True, timeout=300).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=300)
        done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise BenchError(f"apt-get install wrk failed:\n{done.stderr[-2000:]}")
    path = shutil.which("wrk")
    if not path:
        raise BenchError("wrk still not on PATH after apt-get install")
    return path


def wrk_version(wrk: str) -> str:
    out = subprocess.run([wrk, "--version"], capture_output=True, text=True, timeout=10)
    return (out.stdout or out.stderr).splitlines()[0].split(" Copyright")[0].strip()


def write_requests(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    """One request per line for rotate.lua: method, path, cookie, csrf token, body."""
    with path.open("w") as out:
        for row in rows:
            if any("\t" in field or "\n" in field for field in row):
                raise BenchError(f"tab or newline in a request field: {row!r}")
            out.write("\t".join(row) + "\n")
    return path


def run_wrk(
    wrk: str, base_url: str, requests_file: Path, clients: int, seconds: float, count_statuses: bool, timeout_s: int
) -> dict:
    threads = max(1, min(2, clients))
    cmd = [
        wrk,
        "-t",
        str(threads),
        "-c",
        str(clients),
        "-d",
        f"{seconds:g}s",
        "--latency",
        "--timeout",
        f"{timeout_s}s",
        "-s",
        str(LUA),
        base_url,
        "--",
        str(requests_file),
    ]
    if count_statuses:
        cmd.append("count")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + timeout_s + 30)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish in time: {' '.join(cmd)}") from exc
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-1000:]}")
    return parse_wrk(done.stdout, threads, clients)


def parse_wrk(output: str, threads: int, clients: int) -> dict:
    match = re.search(r"^BENCH_JSON (.*)$", output, re.M)
    if not match:
        raise BenchError(f"no BENCH_JSON line in wrk's output:\n{output}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    errors = raw["errors"]
    lat = raw["latency_us"]
    # wrk's "Non-2xx or 3xx responses" counter is in fact every status >= 400;
    # with a status tally (sign-in) we count everything that is not 2xx.
    if raw["statuses"]:
        non_2xx = sum(n for status, n in raw["statuses"].items() if not 200 <= int(status) < 300)
    else:
        non_2xx = errors["status"]
    text_rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return {
        "clients": clients,
        "threads": threads,
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "wrk_requests_per_sec": float(text_rps.group(1)) if text_rps else None,
        "p50_ms": lat["p50"] / 1000,
        "p75_ms": lat["p75"] / 1000,
        "p90_ms": lat["p90"] / 1000,
        "p95_ms": lat["p95"] / 1000,
        "p99_ms": lat["p99"] / 1000,
        "max_ms": lat["max"] / 1000,
        "mean_ms": round(lat["mean"] / 1000, 3),
        "non_2xx": non_2xx,
        "statuses": raw["statuses"],
        "socket_errors": {k: v for k, v in errors.items() if k != "status"},
        "bytes": raw["bytes"],
    }


# --------------------------------------------------------------------------- database


def sqlalchemy_url(url: str) -> str:
    for legacy in ("postgres://", "postgresql://"):
        if url.startswith(legacy):
            return "postgresql+psycopg://" + url[len(legacy) :]
    return url


def reset_database(url: str) -> str:
    """Empty the target database. Returns its kind ('sqlite' or 'postgresql')."""
    if url.startswith("sqlite:"):
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return "sqlite"
    from sqlalchemy import MetaData, create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    target = make_url(sqlalchemy_url(url))
    engine = create_engine(target)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        if "does not exist" not in str(exc):
            raise BenchError(f"cannot connect to {target.render_as_string(hide_password=True)}: {exc}") from exc
        log(f"creating database {target.database}")
        admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
        admin.dispose()
    # Drop every table (alembic_version included) so migrations start from nothing.
    metadata = MetaData()
    with engine.begin() as conn:
        metadata.reflect(conn)
        metadata.drop_all(conn)
    engine.dispose()
    return "postgresql"


def flask_cli(args: list[str], env: dict, timeout: int = 300) -> str:
    cmd = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise BenchError(f"`flask {' '.join(args)}` failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def seed_population(url: str, secret_key: str, members: int, teams: int) -> dict:
    """Bulk-insert teams, members, their member RoleGrants and TeamMemberships."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import func, insert, select

    from app import create_app
    from app.accounts.models import Role, RoleGrant, User, UserStatus
    from app.accounts.passwords import hash_password
    from app.core.models import utcnow
    from app.extensions import db
    from app.orgs.models import Team, TeamMembership, Unit, UnitKind

    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url), "SECRET_KEY": secret_key})
    started = time.monotonic()
    with app.app_context():
        communities = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.COMMUNITY).order_by(Unit.id)).all()
        if not communities:
            raise BenchError("seed-demo created no communities")
        now = utcnow()
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
        chunk = 5000
        for start in range(0, members, chunk):
            db.session.execute(
                insert(User),
                [
                    {
                        "phone": member_phone(i),
                        "display_name": f"队员{i:05d}",
                        "password_hash": shared_hash,
                        "status": UserStatus.ACTIVE,
                        "locale": "zh-CN",
                        "session_version": 1,
                        "created_at": now,
                    }
                    for i in range(start, min(members, start + chunk))
                ],
            )
        user_ids = dict(
            db.session.execute(select(User.phone, User.id).where(User.phone.like(f"+86{str(PHONE_BASE)[:3]}%"))).all()
        )
        grants, memberships = [], []
        for i in range(members):
            team_id, unit_id = bench_teams[i % teams]
            user_id = user_ids[member_phone(i)]
            grants.append({"user_id": user_id, "role": Role.MEMBER, "unit_id": unit_id, "created_at": now})
            memberships.append({"team_id": team_id, "user_id": user_id, "is_leader": i < teams, "joined_at": now})
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


def member_phone(i: int) -> str:
    return f"+86{PHONE_BASE + i}"


def database_version(url: str) -> str:
    if url.startswith("sqlite:"):
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(url))
    with engine.connect() as conn:
        version = conn.execute(text("show server_version")).scalar()
    engine.dispose()
    return f"PostgreSQL {version}"


# --------------------------------------------------------------------------- KDF

KDF_WORKER = r"""
import os, sys, time
from argon2 import PasswordHasher
time_cost, memory_kib, parallelism, seconds, pin = sys.argv[1:6]
if pin != "-":
    os.sched_setaffinity(0, {int(pin)})
hasher = PasswordHasher(time_cost=int(time_cost), memory_cost=int(memory_kib), parallelism=int(parallelism))
hasher.hash("warm-up password")
count, start = 0, time.perf_counter()
while time.perf_counter() - start < float(seconds):
    hasher.hash("correct horse battery staple")
    count += 1
print(count, time.perf_counter() - start)
"""


def measure_kdf(seconds: float, gate: QuietGate) -> dict:
    sys.path.insert(0, str(ROOT))
    from config import Config

    params = [
        str(Config.PASSWORD_HASH_TIME_COST),
        str(Config.PASSWORD_HASH_MEMORY_KIB),
        str(Config.PASSWORD_HASH_PARALLELISM),
    ]

    def run(pins: list[str]) -> float:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", KDF_WORKER, *params, str(seconds), pin], stdout=subprocess.PIPE, text=True
            )
            for pin in pins
        ]
        rate = 0.0
        for proc in procs:
            out, _ = proc.communicate(timeout=seconds + 60)
            if proc.returncode != 0:
                raise BenchError("argon2 measurement failed")
            count, elapsed = out.split()
            rate += int(count) / float(elapsed)
        return round(rate, 2)

    cores = sorted(os.sched_getaffinity(0))
    gate.wait()
    with CpuMeter() as one_meter:
        one_core = run([str(cores[0])])
    gate.wait()
    with CpuMeter() as two_meter:
        two_procs = run(["-", "-"])
    return {
        "cpu_1_core": one_meter.result,
        "cpu_2_procs": two_meter.result,
        "time_cost": Config.PASSWORD_HASH_TIME_COST,
        "memory_kib": Config.PASSWORD_HASH_MEMORY_KIB,
        "parallelism": Config.PASSWORD_HASH_PARALLELISM,
        "hashes_per_s_1_core": one_core,
        "hashes_per_s_2_procs": two_procs,
        "seconds_each": seconds,
    }


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CLK_TCK = os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float, float]:
    """Seconds of CPU since boot: (busy, steal, total), summed over all CPUs."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    return ((user + nice + system + irq + softirq) / CLK_TCK, steal / CLK_TCK, sum(fields) / CLK_TCK)


def process_table() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command name, CPU seconds used)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / CLK_TCK)
    return table


def tree_cpu(root_pid: int, table: dict | None = None) -> float:
    """CPU seconds (user + system) of a process and all its descendants."""
    table = table if table is not None else process_table()
    wanted, frontier = {root_pid}, [root_pid]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, _, _) in table.items():
            if ppid == parent and pid not in wanted:
                wanted.add(pid)
                frontier.append(pid)
    return sum(table[pid][2] for pid in wanted if pid in table)


def database_cpu(table: dict) -> float:
    """CPU seconds of the PostgreSQL server's processes (0 for SQLite, which runs in gunicorn)."""
    return sum(cpu for _, name, cpu in table.values() if name.startswith("postgres"))


def own_cpu() -> float:
    """CPU seconds of this process and its waited-for children (wrk, the KDF probes)."""
    import resource

    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


class CpuMeter:
    """Where the machine's CPU went during a stretch of time, in % of all cores."""

    def __init__(self, server_pid: int | None = None):
        self.server_pid = server_pid

    def _sample(self):
        table = process_table()
        server = tree_cpu(self.server_pid, table) if self.server_pid else 0.0
        return time.monotonic(), machine_cpu(), own_cpu(), server, database_cpu(table)

    def __enter__(self):
        self.start = self._sample()
        return self

    def __exit__(self, *exc):
        end = self._sample()
        wall = end[0] - self.start[0]
        (busy0, steal0, _), (busy1, steal1, _) = self.start[1], end[1]
        own, server, database = (end[i] - self.start[i] for i in (2, 3, 4))
        capacity = wall * (os.cpu_count() or 1) / 100
        busy = busy1 - busy0
        self.result = {
            "server_cpu_s": round(server, 2),
            "database_cpu_s": round(database, 2),
            "busy_pct": round(busy / capacity, 1),
            "server_pct": round(server / capacity, 1),
            "database_pct": round(database / capacity, 1),
            "bench_and_wrk_pct": round(own / capacity, 1),
            # the kernel's own work (loopback networking in softirq) lands here too
            "other_pct": round(max(0.0, busy - server - database - own) / capacity, 1),
            "steal_pct": round((steal1 - steal0) / capacity, 1),
        }
        return False


def wait_until_idle(server_pid: int, limit_s: float = 60) -> float:
    """Wait until gunicorn stops burning CPU (requests orphaned by the last run are done)."""
    started = time.monotonic()
    last = tree_cpu(server_pid)
    while time.monotonic() - started < limit_s:
        time.sleep(0.3)
        now = tree_cpu(server_pid)
        if now - last < 0.3 * 0.1:  # under 10 % of one core
            break
        last = now
    return round(time.monotonic() - started, 1)


class QuietGate:
    """Other work on the machine (tests, browsers) skews a run: wait, within a budget, for a
    second in which processes other than gunicorn and the bench use under `threshold` % of
    the cores. Each wait is recorded with the run."""

    def __init__(self, budget_s: float, per_wait_s: float = 20, threshold_pct: float = 10):
        self.left = budget_s
        self.per_wait = per_wait_s
        self.threshold = threshold_pct

    def wait(self, server_pid: int | None = None) -> dict:
        started = time.monotonic()
        other = None
        while True:
            with CpuMeter(server_pid) as meter:
                time.sleep(1.0)
            other = meter.result["other_pct"]
            waited = time.monotonic() - started
            if other < self.threshold or waited >= min(self.per_wait, self.left):
                break
        self.left = max(0.0, self.left - waited)
        if other >= self.threshold:
            log(f"  machine still busy ({other:.0f}% of the CPUs used by other processes): measuring anyway")
        return {"waited_s": round(waited, 1), "other_pct_before": other}


class Gunicorn:
    def __init__(self, env: dict, log_path: Path, app: str = "wsgi:app"):
        self.app = app
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_file = self.log_path.open("w")
        cmd = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", self.app]
        if not Path(cmd[0]).exists():
            cmd = [sys.executable, "-m", "gunicorn", *cmd[1:]]
        # Own session: Ctrl-C reaches us, and we stop gunicorn in order.
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is not None:
            self.log_file.close()
            return
        log("stopping gunicorn")
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            log("gunicorn did not stop in 30 s: killing it")
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log_file.close()

    def check_alive(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            tail = self.log_path.read_text()[-3000:] if self.log_path.exists() else ""
            raise BenchError(f"gunicorn exited (code {self.proc.returncode if self.proc else None}):\n{tail}")


def gunicorn_settings(env: dict) -> dict:
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    settings = {key: conf.get(key) for key in ("workers", "threads", "worker_class", "keepalive", "timeout")}
    settings["overrides"] = {
        k: env[k] for k in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_CMD_ARGS") if env.get(k)
    }
    return settings


class Client:
    """A tiny HTTP client on http.client, one connection per call."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port

    def call(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        cookie: str | None = None,
        csrf: str | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict | None, str | None]:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if cookie:
            headers["Cookie"] = cookie
        if csrf:
            headers["X-CSRFToken"] = csrf
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            session = None
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                if "session" in jar:
                    session = f"session={jar['session'].value}"
            try:
                payload = json.loads(raw) if raw else None
            except ValueError:
                payload = None
            return response.status, payload, session
        finally:
            conn.close()

    def csrf_pair(self) -> tuple[str, str]:
        status, payload, cookie = self.call("GET", "/api/v1/auth/csrf")
        if status != 200 or not cookie or not payload:
            raise BenchError(f"GET /api/v1/auth/csrf answered {status}")
        return cookie, payload["csrf_token"]

    def sign_in(self, phone: str) -> str:
        cookie, token = self.csrf_pair()
        status, payload, session = self.call(
            "POST", "/api/v1/auth/login", {"phone": phone, "password": BENCH_PASSWORD}, cookie, token
        )
        if status != 200 or not session:
            raise BenchError(f"sign-in of {phone} answered {status}: {payload}")
        return session


def wait_for_ping(client: Client, server: Gunicorn, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server.check_alive()
        try:
            if client.call("GET", "/api/v1/ping", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /api/v1/ping within {timeout:.0f} s")


# --------------------------------------------------------------------------- first load


class AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.assets.append(("script", attributes["src"]))
        elif tag == "link" and attributes.get("href"):
            rel = (attributes.get("rel") or "").lower().split()
            if "stylesheet" in rel:
                self.assets.append(("stylesheet", attributes["href"]))
            elif "modulepreload" in rel:
                self.assets.append(("modulepreload", attributes["href"]))


def first_load(dist: Path) -> dict:
    index = dist / "index.html"
    if not index.is_file():
        return {
            "built": False,
            "dist": str(dist),
            "note": f"{index} not found: build the front end first (cd frontend && npm run build)",
        }
    parser = AssetParser()
    html = index.read_text(encoding="utf-8")
    parser.feed(html)
    files, seen, missing = [], set(), []
    for kind, url in parser.assets:
        if re.match(r"^(https?:)?//", url):
            missing.append({"url": url, "why": "external, not counted"})
            continue
        relative = url.split("?", 1)[0].split("#", 1)[0].lstrip("/")
        if relative in seen:
            continue
        seen.add(relative)
        path = dist / relative
        if not path.is_file():
            missing.append({"url": url, "why": "not in dist"})
            continue
        raw = path.read_bytes()
        files.append(
            {
                "url": url,
                "kind": kind,
                "bytes": len(raw),
                "gzip_bytes": len(gzip.compress(raw, compresslevel=9, mtime=0)),
            }
        )
    total = sum(f["gzip_bytes"] for f in files)
    html_gzip = len(gzip.compress(html.encode(), compresslevel=9, mtime=0))
    return {
        "built": True,
        "dist": str(dist),
        "files": files,
        "skipped": missing,
        "js_css_gzip_bytes": total,
        "index_html_gzip_bytes": html_gzip,
        "budget_bytes": FIRST_LOAD_BUDGET,
    }


# --------------------------------------------------------------------------- report


def machine_facts(db_kind: str, db_version: str, gunicorn: dict, wrk: str) -> dict:
    mem_kib = 0
    cpu = platform.processor() or ""
    try:
        meminfo = Path("/proc/meminfo").read_text()
        mem_kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    except (OSError, AttributeError):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "app", "config.py", "gunicorn.conf.py", "wsgi.py", "migrations"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return {
        "hostname": socket.gethostname(),
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "db_kind": db_kind,
        "db_version": db_version,
        "gunicorn": gunicorn,
        "wrk": wrk,
        "git_commit": commit.stdout.strip() or None,
        "backend_uncommitted_changes": bool(dirty.stdout.strip()),
    }


def ms(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def evaluate(results: dict) -> list[dict]:
    targets = []
    runs = results["runs"]
    ceiling = {r["clients"]: r for r in runs.get("ping", [])}
    me = {r["clients"]: r for r in runs.get("me", [])}
    if ME_TARGET_CLIENTS in me and ME_TARGET_CLIENTS in ceiling:
        run, top = me[ME_TARGET_CLIENTS], ceiling[ME_TARGET_CLIENTS]
        share = run["rps"] / top["rps"] if top["rps"] else 0
        ok = share >= ME_MIN_SHARE_OF_CEILING and run["p95_ms"] < ME_MAX_P95_MS and run["non_2xx"] == 0
        targets.append(
            {
                "name": "/me",
                "ok": ok,
                "detail": (
                    f"GET /api/v1/me at {ME_TARGET_CLIENTS} clients: {run['rps']:.0f} req/s = {share:.0%} of the "
                    f"ceiling's {top['rps']:.0f} (target >= {ME_MIN_SHARE_OF_CEILING:.0%}), p95 {ms(run['p95_ms'])} ms "
                    f"(target < {ME_MAX_P95_MS:.0f} ms; the ceiling's own p95 is {ms(top['p95_ms'])} ms)"
                ),
            }
        )
    load = results.get("first_load") or {}
    if load.get("built"):
        total = load["js_css_gzip_bytes"]
        targets.append(
            {
                "name": "first load",
                "ok": total <= FIRST_LOAD_BUDGET,
                "detail": (f"first load JS+CSS {total / 1024:.1f} KB gzipped (budget {FIRST_LOAD_BUDGET // 1024} KB)"),
            }
        )
    elif load:
        targets.append({"name": "first load", "ok": None, "detail": f"first load not measured: {load['note']}"})
    signin = {r["clients"]: r for r in runs.get("login", [])}
    kdf = results.get("kdf")
    if SIGNIN_TARGET_CLIENTS in signin and kdf:
        run = signin[SIGNIN_TARGET_CLIENTS]
        share = run["rps"] / kdf["hashes_per_s_2_procs"] if kdf["hashes_per_s_2_procs"] else 0
        targets.append(
            {
                "name": "sign-in",
                "ok": share >= SIGNIN_MIN_SHARE_OF_KDF and run["non_2xx"] == 0,
                "detail": (
                    f"sign-in at {SIGNIN_TARGET_CLIENTS} clients: {run['rps']:.1f} req/s = {share:.0%} of argon2's "
                    f"{kdf['hashes_per_s_2_procs']:.1f} hashes/s with 2 processes "
                    f"(target >= {SIGNIN_MIN_SHARE_OF_KDF:.0%})"
                ),
            }
        )
    return targets


ENDPOINT_TITLES = {
    "ping": "GET /api/v1/ping (ceiling)",
    "me": "GET /api/v1/me (signed in)",
    "login": "POST /api/v1/auth/login",
}


def markdown(results: dict) -> str:
    m = results["machine"]
    p = results["parameters"]
    g = m["gunicorn"]
    lines = [
        f"# Benchmark {results['date']} — {m['db_kind']}",
        "",
        f"- Machine: {m['hostname']}, {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB, "
        f"Linux {m['kernel']}, Python {m['python']}",
        f"- Database: {m['db_version']}; {results['population']['users']} users, "
        f"{results['population']['teams']} teams, {results['population']['role_grants']} role grants",
        f"- Server: gunicorn {p['app']}, {g['worker_class']}, {g['workers']} workers × {g['threads']} threads "
        f"(gunicorn.conf.py{', ' + str(g['overrides']) if g.get('overrides') else ''}), "
        f"same machine as the load generator",
        f"- Load: {m['wrk']}; {p['duration_s']:g} s per run after {p['warmup_s']:g} s warm-up; "
        f"≤ 2 wrk threads; /me rotates over {p['me_sessions']} sessions"
        + (f", sign-in over {p['login_phones']} phones" if results["runs"].get("login") else ""),
        "- *server CPU ms/req*: CPU time gunicorn (+ PostgreSQL) spent per completed request; "
        "the 2 cores (shared with wrk) cap req/s at roughly 2000 ÷ that figure.",
        f"- Background: load average {' '.join(results['loadavg_before'])} before the run; the last column "
        f"is CPU (% of all cores) used during each run by gunicorn / by PostgreSQL / by everything else "
        f"except wrk and this script (other sessions' tests and browsers, kernel networking)",
        f"- Commit: {m['git_commit']}{' (+ uncommitted backend changes)' if m['backend_uncommitted_changes'] else ''}",
        "",
        "| Endpoint | Clients | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors | vs ceiling "
        "| server CPU ms/req | CPU % gunicorn / db / other |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ceiling = {r["clients"]: r["rps"] for r in results["runs"].get("ping", [])}
    for endpoint, runs in results["runs"].items():
        for run in runs:
            top = ceiling.get(run["clients"])
            share = (f"{run['rps'] / top:.0%}" if run["rps"] >= top / 10 else f"{run['rps'] / top:.1%}") if top else "—"
            per_request = run.get("cpu_ms_per_request")
            errors = sum(run["socket_errors"].values())
            lines.append(
                f"| {ENDPOINT_TITLES[endpoint]} | {run['clients']} | {run['rps']:.1f} | {ms(run['p50_ms'])} | "
                f"{ms(run['p95_ms'])} | {ms(run['p99_ms'])} | {run['non_2xx']} | {errors} | {share} "
                f"| {ms(per_request) if per_request is not None else '—'} "
                f"| {run['cpu']['server_pct']:.0f} / {run['cpu']['database_pct']:.0f} / "
                f"{run['cpu']['other_pct']:.0f} |"
            )
    kdf = results.get("kdf")
    if kdf and results["runs"].get("login"):
        lines += [
            "",
            f"Password KDF: argon2id t={kdf['time_cost']}, m={kdf['memory_kib']} KiB, p={kdf['parallelism']} — "
            f"**{kdf['hashes_per_s_1_core']:.1f} hashes/s on 1 core, {kdf['hashes_per_s_2_procs']:.1f} hashes/s "
            f"with 2 processes**. Sign-in: "
            + ", ".join(f"{r['rps']:.1f} req/s at {r['clients']}" for r in results["runs"].get("login", []))
            + " (each sign-in verifies one hash, so its ceiling is the KDF rate). At 64 clients the queue "
            "outlasts a short run: a client's steady-state wait is clients ÷ req/s = "
            + ", ".join(
                f"{r['steady_latency_ms'] / 1000:.1f} s at {r['clients']}"
                for r in results["runs"].get("login", [])
                if r["steady_latency_ms"]
            )
            + ".",
        ]
    load = results.get("first_load") or {}
    lines.append("")
    if load.get("built"):
        lines += [
            "First load (what index.html fetches, gzip -9):",
            "",
            "| File | Kind | bytes | gzip bytes |",
            "|---|---|---:|---:|",
        ]
        for f in load["files"]:
            lines.append(f"| {f['url']} | {f['kind']} | {f['bytes']} | {f['gzip_bytes']} |")
        lines.append(
            f"| **JS + CSS total** | | | **{load['js_css_gzip_bytes']}** "
            f"({load['js_css_gzip_bytes'] / 1024:.1f} KB of {FIRST_LOAD_BUDGET // 1024} KB) |"
        )
        lines.append(f"| index.html (not in the budget) | html | | {load['index_html_gzip_bytes']} |")
        for skipped in load["skipped"]:
            lines.append(f"| {skipped['url']} (not counted: {skipped['why']}) | | | |")
    elif load:
        lines.append(f"First load: not measured — {load['note']}")
    lines += ["", "Targets:", ""]
    lines += [f"- {target_line(t)}" for t in results["targets"]]
    return "\n".join(lines) + "\n"


def target_line(target: dict) -> str:
    verdict = {True: "PASS", False: "FAIL", None: "SKIP"}[target["ok"]]
    return f"{verdict} {target['detail']}"


# --------------------------------------------------------------------------- main


def measure_kdf_now(results: dict, args, gate: QuietGate, server: Gunicorn) -> None:
    wait_until_idle(server.proc.pid)
    log(
        f"measuring argon2 ({args.kdf_seconds:g} s on 1 core, then {args.kdf_seconds:g} s with 2 processes; "
        f"gunicorn idle)"
    )
    results["kdf"] = measure_kdf(args.kdf_seconds, gate)
    log(
        f"argon2: {results['kdf']['hashes_per_s_1_core']} hashes/s on 1 core, "
        f"{results['kdf']['hashes_per_s_2_procs']} with 2 processes"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run (default 10)")
    parser.add_argument("--login-duration", type=float, default=10, help="seconds per sign-in run (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds before each run (default 2)")
    parser.add_argument("--clients", default="1,16,64", help="concurrency levels (default 1,16,64)")
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=200, help="signed-in sessions /me rotates over")
    parser.add_argument("--login-phones", type=int, default=1000, help="phones the sign-in run rotates over")
    parser.add_argument("--kdf-seconds", type=float, default=4)
    parser.add_argument(
        "--quiet-budget",
        type=float,
        default=60,
        help="total seconds to spend waiting for other processes to go quiet before runs (default 60; 0 disables)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=20,
        help="at most this many seconds of waiting before any one run (default 20)",
    )
    parser.add_argument("--dist", type=Path, default=ROOT / "frontend" / "dist", help="built front end")
    parser.add_argument("--only", default="ping,me,login", help="endpoints to load (default ping,me,login)")
    parser.add_argument(
        "--app",
        default="wsgi:app",
        help="WSGI app for gunicorn (default wsgi:app); results of any other app, such as an "
        "experiment, get a -whatif suffix",
    )
    parser.add_argument(
        "--keep-server", action="store_true", help="leave gunicorn running after the runs until Ctrl-C (for profiling)"
    )
    parser.add_argument("--no-save", action="store_true", help="don't write bench/results/")
    parser.add_argument("--strict", action="store_true", help="exit 2 when a target fails")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    endpoints = [e for e in args.only.split(",") if e]
    unknown = set(endpoints) - set(ENDPOINT_TITLES)
    if unknown:
        raise BenchError(f"unknown endpoints in --only: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    loadavg_before = Path("/proc/loadavg").read_text().split()[:3]
    WORK.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite'}"
    secret_key = secrets.token_urlsafe(32)
    # FLASK_* settings of the caller's shell must not leak into the measured app; the
    # gunicorn knobs (WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_CMD_ARGS) may, and are recorded.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") and k != "GUNICORN_BIND"}
    env.update(
        {
            "DATABASE_URL": url,
            "FLASK_SECRET_KEY": secret_key,
            "FLASK_LOGIN_LIMIT_PER_IP": '"1000000 per minute"',
            "FLASK_LOGIN_LIMIT_PER_ACCOUNT": '"1000000 per minute"',
            "PYTHONUNBUFFERED": "1",
        }
    )

    log(f"database: {re.sub(r'://[^@/]*@', '://***@', url)}")
    db_kind = reset_database(url)
    flask_cli(["db", "upgrade"], env)
    flask_cli(["seed-demo", "--password", BENCH_PASSWORD], env)
    population = seed_population(url, secret_key, args.members, args.teams)
    log(f"seeded {population['users']} users, {population['teams']} teams in {population['seconds']} s")

    gate = QuietGate(args.quiet_budget, args.quiet_wait)

    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    settings = gunicorn_settings(env)
    results = {
        "date": datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine_facts(db_kind, database_version(url), settings, wrk_version(wrk)),
        "parameters": {
            "app": args.app,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "clients": clients,
            "members": args.members,
            "teams": args.teams,
            "me_sessions": args.sessions,
            "login_phones": args.login_phones,
            "wrk_timeout_s": 30,
            "login_duration_s": args.login_duration,
        },
        "loadavg_before": loadavg_before,
        "population": population,
        "kdf": None,
        "runs": {},
    }

    server = Gunicorn(env, WORK / "gunicorn.log", args.app)
    base_url = f"http://127.0.0.1:{port}"
    client = Client("127.0.0.1", port)
    try:
        server.start()
        wait_for_ping(client, server)
        log(f"gunicorn up on {base_url}: {settings['workers']} workers × {settings['threads']} threads")

        rng = random.Random(20240601)
        chosen = rng.sample(range(args.members), min(args.members, args.sessions + args.login_phones))
        me_members, login_members = chosen[: args.sessions], chosen[args.sessions :]
        files = {"ping": write_requests(WORK / "ping.tsv", [("GET", "/api/v1/ping", "", "", "")])}

        if "me" in endpoints:
            log(f"signing in {len(me_members)} members for /me")
            t0 = time.monotonic()
            with ThreadPoolExecutor(max_workers=8) as pool:
                cookies = list(pool.map(lambda i: client.sign_in(member_phone(i)), me_members))
            log(f"  done in {time.monotonic() - t0:.1f} s")
            status, payload, _ = client.call("GET", "/api/v1/me", cookie=cookies[0])
            if status != 200 or not payload or payload.get("phone") != member_phone(me_members[0]):
                raise BenchError(f"GET /api/v1/me with a fresh session answered {status}: {payload}")
            files["me"] = write_requests(WORK / "me.tsv", [("GET", "/api/v1/me", c, "", "") for c in cookies])

        if "login" in endpoints:
            log(f"fetching {len(login_members)} session cookie + CSRF token pairs for sign-in")
            with ThreadPoolExecutor(max_workers=4) as pool:
                pairs = list(pool.map(lambda _: client.csrf_pair(), login_members))
            files["login"] = write_requests(
                WORK / "login.tsv",
                [
                    (
                        "POST",
                        "/api/v1/auth/login",
                        cookie,
                        token,
                        json.dumps({"phone": member_phone(i), "password": BENCH_PASSWORD}),
                    )
                    for i, (cookie, token) in zip(login_members, pairs, strict=True)
                ],
            )

        # /ping and /me alternate at each concurrency, so the ratio compares runs made
        # within a minute of each other (the host's speed drifts); sign-in comes last,
        # right after the argon2 measurement it is compared with.
        schedule = [(e, c) for c in clients for e in ("ping", "me") if e in endpoints]
        schedule += [("login", c) for c in clients if "login" in endpoints]
        for endpoint in endpoints:
            results["runs"][endpoint] = []
        for endpoint, c in schedule:
            login = endpoint == "login"
            if login and results["kdf"] is None:
                measure_kdf_now(results, args, gate, server)
            server.check_alive()
            # Sign-in needs no warm-up (the sessions above warmed every worker), and a
            # warm-up would leave a queue of orphaned 250 ms requests behind.
            if args.warmup > 0 and not login:
                run_wrk(wrk, base_url, files[endpoint], c, args.warmup, login, 30)
                wait_until_idle(server.proc.pid)
            duration = args.login_duration if login else args.duration
            quiet = gate.wait(server.proc.pid)
            with CpuMeter(server.proc.pid) as meter:
                run = run_wrk(wrk, base_url, files[endpoint], c, duration, login, 30)
            run["cpu"] = meter.result
            run["quiet_wait"] = quiet
            # CPU one request costs the server side (gunicorn + PostgreSQL), in ms
            run["cpu_ms_per_request"] = (
                round((meter.result["server_cpu_s"] + meter.result["database_cpu_s"]) / run["requests"] * 1000, 2)
                if run["requests"]
                else None
            )
            # Little's law: what a client waits once the queue is full (short runs cut it off)
            run["steady_latency_ms"] = round(c / run["rps"] * 1000, 1) if run["rps"] else None
            run["drain_s"] = wait_until_idle(server.proc.pid)
            results["runs"][endpoint].append(run)
            log(
                f"{ENDPOINT_TITLES[endpoint]:<30} c={c:<3} {run['rps']:>8.1f} req/s  "
                f"p50 {ms(run['p50_ms'])} p95 {ms(run['p95_ms'])} p99 {ms(run['p99_ms'])} ms  "
                f"non-2xx {run['non_2xx']}  socket errors {sum(run['socket_errors'].values())}  "
                f"cpu gunicorn {run['cpu']['server_pct']}% db {run['cpu']['database_pct']}% "
                f"other {run['cpu']['other_pct']}%"
            )
            if run["non_2xx"] or any(run["socket_errors"].values()):
                log(
                    f"!!! {run['non_2xx']} non-2xx responses {run['statuses'] or ''}, "
                    f"socket errors {run['socket_errors']}"
                )
        server.check_alive()
        if args.keep_server:
            log(f"--keep-server: gunicorn stays up on {base_url}; Ctrl-C to stop it and write the report")
            try:
                while server.proc.poll() is None:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
    finally:
        server.stop()

    results["first_load"] = first_load(args.dist)
    results["targets"] = evaluate(results)
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    report = markdown(results)
    print()
    print(report)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        host = re.sub(r"[^A-Za-z0-9_.-]", "-", socket.gethostname()) or "python-svc"
        suffix = "" if args.app == "wsgi:app" else "-whatif"
        stem = RESULTS / f"{datetime.now().strftime('%Y-%m-%d')}-{host}-{db_kind}{suffix}"
        stem.with_suffix(".md").write_text(report)
        stem.with_suffix(".json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        log(f"wrote {stem.relative_to(ROOT)}.md and .json ({results['elapsed_s']} s in all)")

    failures = [
        (e, r) for e, runs in results["runs"].items() for r in runs if r["non_2xx"] or any(r["socket_errors"].values())
    ]
    if failures:
        for endpoint, run in failures:
            print(
                f"ERROR: {ENDPOINT_TITLES[endpoint]} at {run['clients']} clients: {run['non_2xx']} non-2xx "
                f"responses {run['statuses'] or ''}, socket errors {run['socket_errors']}",
                file=sys.stderr,
            )
        return 1
    if args.strict and any(t["ok"] is False for t in results["targets"]):
        return 2
    return 0


def _terminate(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench interrupted", file=sys.stderr)
        sys.exit(130)
