"""Where does a signed-in GET /api/v1/me spend its time? In-process, no server, no network.

Run after bench/run.py has seeded a database (it reuses bench/.work/bench.sqlite, or
BENCH_DATABASE_URL):

    .venv/bin/python bench/profile_me.py [--requests 2000] [--top 30]

Signs a seeded member in through POST /auth/login (a real server-side session), then
prints the SQL statements one GET /me runs, the CPU per request of /ping and /me through
Flask's test client (one thread), what the session loader costs inside a request (/me
again with the principal taken from memory, with and without checking out a connection),
the share of /me's CPU in its main stages under cProfile, and cProfile's top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0]).resolve() == _HERE:
    sys.path[0] = str(_HERE.parent)  # run as bench/profile_me.py: import the package from the repository root

from bench import WORK, BenchError  # noqa: E402
from bench.seed import BENCH_PASSWORD, bench_app, member_phone  # noqa: E402

# Stages of a request, found in the profile by function name and a hint of its file; where
# several functions match (an app override and Flask's own), the outermost one counts.
STAGES = [
    ("whole request (Flask wsgi_app)", "flask/app.py", "wsgi_app"),
    ("open the cookie session", "", "open_session"),
    ("load the principal (Flask-Login's user loader)", "", "load_principal"),
    ("  of which: SQL execution", "sqlalchemy/engine/base.py", "_execute_context"),
    ("access policy (before_request, loads the principal)", "core/access.py", "enforce_access_policy"),
    ("rate limiter (before_request)", "flask_limiter/", "_check_request_limit"),
    ("the view + MeSchema dump + jsonify", "flask_smorest/response.py", "wrapper"),
    ("  of which: capabilities", "core/access.py", "capabilities_of"),
    ("save the cookie session", "", "save_session"),
    ("after_request hooks", "flask/app.py", "process_response"),
    ("tear down (returns the connection)", "flask/ctx.py", "pop"),
]


def signed_in_client(url: str):
    app = bench_app(
        url,
        "profile",
        LOGIN_LIMIT_PER_IP="1000000 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="1000000 per minute",
    )
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = "pingan-bench"
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    signed_in = client.post(
        "/api/v1/auth/login",
        json={"phone": member_phone(7), "password": BENCH_PASSWORD},
        headers={"X-CSRFToken": token},
    )
    if signed_in.status_code != 200:
        raise BenchError(f"sign-in answered {signed_in.status_code}: {signed_in.get_json()}")
    client.get("/api/v1/auth/csrf")
    client.get("/api/v1/me")  # the first request after sign-in renews the cookie; a browser keeps it
    return app, client


def per_request_ms(client, path: str, requests: int) -> tuple[float, float]:
    """(wall ms, CPU ms) per request, after 200 warm-up requests."""
    for _ in range(200):
        client.get(path)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        client.get(path)
    return (time.perf_counter() - wall) / requests * 1000, (time.process_time() - cpu) / requests * 1000


def stage_table(stats: pstats.Stats, requests: int, total_ms: float) -> list[str]:
    lines = []
    for label, file_hint, function in STAGES:
        cumulative = max(
            (ct for (file, _, name), (_, _, _, ct, _) in stats.stats.items() if name == function and file_hint in file),
            default=0.0,
        )
        per_request = cumulative / requests * 1000
        lines.append(f"  {label:<48} {per_request:7.3f} ms  {per_request / total_ms:6.0%}")
    return lines


def loader_costs(app, client, requests: int) -> None:
    """/me with app.accounts.login.load_principal replaced: what the loader costs in a whole request."""
    from flask import request

    from app.accounts import login
    from app.extensions import db

    real = getattr(login, "load_principal", None)
    if real is None:
        print("(app.accounts.login.load_principal is gone: loader costs not measured)")
        return
    with app.test_request_context("/", headers={"Cookie": f"session={client.get_cookie('session').value}"}):
        key = app.session_interface.open_session(app, request)["_user_id"]
        principal = real(key)
        db.session.remove()

    def with_connection(_key):
        db.session.connection()
        return principal

    variants = {
        "as it is": real,
        "principal from memory, the ORM session's connection checked out": with_connection,
        "principal from memory: no connection, no SQL": lambda _key: principal,
    }
    print("\nGET /api/v1/me with the loader replaced (CPU per request, test client):")
    try:
        for label, loader in variants.items():
            login.load_principal = loader
            print(f"  {per_request_ms(client, '/api/v1/me', requests)[1]:.3f} ms  {label}")
    finally:
        login.load_principal = real


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()

    from sqlalchemy import event

    from app.extensions import db

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite'}"
    app, client = signed_in_client(url)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", remember)
    response = client.get("/api/v1/me")
    event.remove(engine, "before_cursor_execute", remember)
    if response.status_code != 200:
        raise BenchError(f"GET /api/v1/me answered {response.status_code}")
    print(
        f"One GET /api/v1/me ({engine.dialect.name}; {len(response.data)} bytes; "
        f"Set-Cookie: {'yes' if 'Set-Cookie' in response.headers else 'no'}) ran {len(statements)} SQL statements:"
    )
    for statement in statements:
        print(f"  - {statement[:240]}{'…' if len(statement) > 240 else ''}")

    timings = {path: per_request_ms(client, path, args.requests) for path in ("/api/v1/ping", "/api/v1/me")}
    for path, (wall, cpu) in timings.items():
        print(f"{path}: {wall:.3f} ms wall, {cpu:.3f} ms CPU per request (test client, one thread)")
    loader_costs(app, client, args.requests)

    profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting on the database
    profiler.enable()
    for _ in range(args.requests):
        client.get("/api/v1/me")
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(tt for _, _, tt, _, _ in stats.stats.values()) / args.requests * 1000
    print(f"\n=== Stages of GET /api/v1/me under cProfile ({total:.3f} ms CPU per request with profiling) ===")
    print("\n".join(stage_table(stats, args.requests, total)))
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
        print(f"\n=== cProfile, {args.requests} x GET /api/v1/me, by {order} ===")
        print("\n".join(out.getvalue().splitlines()[4:]))


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"profile_me failed: {exc}")
