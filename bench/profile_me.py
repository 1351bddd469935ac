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

    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url), "SECRET_KEY": "profile",
                      "LOGIN_LIMIT_PER_IP": "1000000 per minute", "LOGIN_LIMIT_PER_ACCOUNT": "1000000 per minute",
                      **config})
    client = app.test_client()
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    signed_in = client.post("/api/v1/auth/login", json={"phone": f"+86{PHONE_BASE + 7}", "password": BENCH_PASSWORD},
                            headers={"X-CSRFToken": token})
    assert signed_in.status_code == 200, signed_in.get_json()
    return app, client


def what_if(url: str, requests: int) -> None:
    """Mean ms per GET /me with candidate changes, best of 3 interleaved rounds."""
    from whatif_app import one_query_loader

    from app.accounts.models import User
    from app.accounts.schemas import MeSchema
    from app.extensions import db, login_manager

    original_loader = login_manager._user_callback
    variants = {
        "as is": ({}, None),
        "SESSION_REFRESH_EACH_REQUEST=False": ({"SESSION_REFRESH_EACH_REQUEST": False}, None),
        "no pool_pre_ping": ({"SQLALCHEMY_ENGINE_OPTIONS": {}}, None),
        "load_user in 1 query (joinedload)": ({}, one_query_loader),
        "all three": ({"SESSION_REFRESH_EACH_REQUEST": False, "SQLALCHEMY_ENGINE_OPTIONS": {}}, one_query_loader),
    }
    clients = {}
    for name, (config, _) in variants.items():
        clients[name] = signed_in_client(url, **config)
    variants["/ping (for reference)"] = ({}, None)
    clients["/ping (for reference)"] = clients["as is"]
    # CPU time of this process (not wall time), best of 5 interleaved rounds: other load
    # on the machine inflates wall time, much less the CPU a request needs.
    best = {name: float("inf") for name in variants}
    for _ in range(5):
        for name, (config, loader) in variants.items():
            app, client = clients[name]
            path = "/api/v1/ping" if name.startswith("/ping") else "/api/v1/me"
            login_manager._user_callback = loader or original_loader
            for _ in range(50):
                client.get(path)
            start = time.process_time()
            for _ in range(requests):
                client.get(path)
            best[name] = min(best[name], (time.process_time() - start) / requests * 1000)
    login_manager._user_callback = original_loader
    app, client = clients["as is"]
    ping = best.pop("/ping (for reference)")
    print(f"GET /api/v1/ping: {ping:.3f} ms CPU per request (test client, one thread)")
    for name, value in best.items():
        print(f"GET /api/v1/me, {name:<38} {value:.3f} ms  (beyond /ping: {value - ping:.3f} ms)")

    # The pieces of the view itself
    with app.test_request_context():
        user = db.session.get(User, db.session.scalar(db.select(User.id).where(User.phone == f"+86{PHONE_BASE + 7}")))
        _ = user.memberships
        schema = MeSchema()
        start = time.process_time()
        for _ in range(requests):
            schema.dump(user)
        dump = (time.process_time() - start) / requests * 1000
        start = time.process_time()
        for _ in range(requests):
            db.session.expunge_all()
            db.session.get(User, user.id).memberships
        load = (time.process_time() - start) / requests * 1000
    print(f"MeSchema().dump(user) alone: {dump:.3f} ms; session.get(User) + role_grants + memberships "
          f"(3 queries): {load:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--what-if", action="store_true",
                        help="also time /me under candidate changes (config overrides, patched loader)")
    args = parser.parse_args()

    from sqlalchemy import event

    from app import create_app
    from app.extensions import db

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite'}"
    app, client = signed_in_client(url)
    if args.what_if:
        what_if(url, args.requests)
        return

    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", remember)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    print(f"One GET /api/v1/me ({len(response.data)} bytes, Set-Cookie: {'Set-Cookie' in response.headers}) "
          f"ran {len(statements)} SQL statements:")
    for statement in statements:
        print(f"  - {statement[:220]}{'…' if len(statement) > 220 else ''}")
    event.remove(engine, "before_cursor_execute", remember)

    for path in ("/api/v1/ping", "/api/v1/me"):
        for _ in range(200):
            client.get(path)
        start = time.perf_counter()
        for _ in range(args.requests):
            client.get(path)
        print(f"{path}: {(time.perf_counter() - start) / args.requests * 1000:.3f} ms per request "
              f"(test client, one thread)")

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
