"""Where does a signed-in GET /api/v1/me spend its time? (stdlib cProfile, no server)

Run after bench/run.py has seeded a database (it reuses bench/.work/bench.sqlite, or
BENCH_DATABASE_URL):

    .venv/bin/python bench/profile_me.py [--requests 2000] [--top 35]

Prints the SQL statements one request runs, the mean time per request for /ping and
/me through Flask's test client (no network, one thread), and cProfile's top functions
by their own time and by cumulative time.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import BENCH_PASSWORD, PHONE_BASE, WORK, sqlalchemy_url  # noqa: E402


def signed_in_client(url: str, **config):
    from app import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url),
            "SECRET_KEY": "profile",
            "LOGIN_LIMIT_PER_IP": "1000000 per minute",
            "LOGIN_LIMIT_PER_ACCOUNT": "1000000 per minute",
            **config,
        }
    )
    client = app.test_client()
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    signed_in = client.post(
        "/api/v1/auth/login",
        json={"phone": f"+86{PHONE_BASE + 7}", "password": BENCH_PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert signed_in.status_code == 200, signed_in.get_json()
    return app, client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()

    from sqlalchemy import event

    from app.extensions import db

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite'}"
    app, client = signed_in_client(url)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", remember)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    print(
        f"One GET /api/v1/me ({len(response.data)} bytes, Set-Cookie: {'Set-Cookie' in response.headers}) "
        f"ran {len(statements)} SQL statements:"
    )
    for statement in statements:
        print(f"  - {statement[:220]}{'…' if len(statement) > 220 else ''}")
    event.remove(engine, "before_cursor_execute", remember)

    for path in ("/api/v1/ping", "/api/v1/me"):
        for _ in range(200):
            client.get(path)
        start = time.perf_counter()
        for _ in range(args.requests):
            client.get(path)
        print(
            f"{path}: {(time.perf_counter() - start) / args.requests * 1000:.3f} ms per request "
            f"(test client, one thread)"
        )

    profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting on the database
    profiler.enable()
    for _ in range(args.requests):
        client.get("/api/v1/me")
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
        print(f"\n=== cProfile, {args.requests} x GET /api/v1/me, by {order} ===")
        print("\n".join(out.getvalue().splitlines()[4:]))


if __name__ == "__main__":
    main()
