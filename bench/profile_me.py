"""Where does a signed-in GET /api/v1/me spend its time? In-process, no server, no network.

Run after bench/run.py has seeded a database (it reuses bench/.work/bench.sqlite, or
BENCH_DATABASE_URL):

    .venv/bin/python bench/profile_me.py [--requests 2000] [--top 30]

Signs a seeded member in through POST /auth/login (a real server-side session), then
prints the SQL statements one GET /me runs, the CPU per request of /ping and /me through
Flask's test client (one thread), the share of /me's CPU in its main stages, and
cProfile's top functions by own time and by cumulative time.
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

# Stages of a request, found in the profile by function name: (label, file suffix, function)
STAGES = [
    ("whole request (Flask wsgi_app)", "flask/app.py", "wsgi_app"),
    ("open the cookie session (itsdangerous)", "flask/sessions.py", "open_session"),
    ("load the principal (2 SQL statements)", "accounts/login.py", "load_principal"),
    ("  of which: SQL execution", "sqlalchemy/engine/base.py", "_execute_context"),
    ("  of which: check out + return a connection", "sqlalchemy/orm/session.py", "close"),
    ("access policy (before_request)", "core/access.py", "enforce_access_policy"),
    ("rate limiter (before_request)", "flask_limiter/extension.py", "_check_request_limit"),
    ("the view + MeSchema dump", "flask_smorest/response.py", "wrapper"),
    ("  of which: capabilities", "core/access.py", "capabilities_of"),
    ("save the cookie session", "flask/sessions.py", "save_session"),
    ("after_request hooks", "flask/app.py", "process_response"),
    ("tear down the app context", "flask/ctx.py", "pop"),
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
    for label, file_suffix, function in STAGES:
        cumulative = sum(
            ct
            for (file, _, name), (_, _, _, ct, _) in stats.stats.items()
            if name == function and file.endswith(file_suffix)
        )
        per_request = cumulative / requests * 1000
        lines.append(f"  {label:<48} {per_request:7.3f} ms  {per_request / total_ms:6.0%}")
    return lines


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
