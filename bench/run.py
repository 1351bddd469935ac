"""Load benchmark for Ping'an Patrol: gunicorn (production config) under wrk.

Run from the repository root:  .venv/bin/python bench/run.py   (or `make bench`)
PostgreSQL + Redis, as production runs:
  BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/pingan_bench REDIS_URL=redis://127.0.0.1:6379/14

Steps: fresh database -> migrations -> demo organisation + 20,000 members in 200 teams
-> gunicorn -> session pools signed in -> at each concurrency, /ping (the ceiling) and the
endpoints compared with it, back to back -> argon2 rate -> sign-in runs -> gunicorn stopped
-> photo ingest and push fan-out, each against its floor, in-process -> first-load size of the
built front end -> PASS/FAIL -> bench/results/<date>-<host>-<db>.md and .json.
The scenarios and their targets are in bench/scenarios.py; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0]).resolve() == _HERE:
    sys.path[0] = str(_HERE.parent)  # run as bench/run.py: import the package from the repository root

from bench import ROOT, WORK, BenchError, log  # noqa: E402
from bench.cpu import CpuMeter, QuietGate, Services, wait_until_idle  # noqa: E402
from bench.first_load import first_load  # noqa: E402
from bench.kdf import measure_kdf  # noqa: E402
from bench.photo_ingest import measure_photo_ingest  # noqa: E402
from bench.push_fanout import DEFAULT_COUNT, DEFAULT_ROUNDS, measure_push_fanout  # noqa: E402
from bench.report import machine_facts, markdown, results_stem, save  # noqa: E402
from bench.scenarios import (  # noqa: E402
    BY_NAME,
    CEILING,
    POOLS,
    SCENARIOS,
    Scenario,
    Session,
    assign_members,
    schedule,
    select,
)
from bench.seed import (  # noqa: E402
    BENCH_PASSWORD,
    JOBS_SQLITE_PATH,
    bench_app,
    database_kind,
    database_name,
    database_version,
    flask_cli,
    reset_database,
    seed_population,
    seed_reports,
)
from bench.server import Client, Gunicorn, free_port, gunicorn_settings, wait_for_ping  # noqa: E402
from bench.targets import first_load_verdict, ms, photo_ingest_verdict, push_fanout_verdict  # noqa: E402
from bench.wrk import TIMEOUT_S, ensure_wrk, failed, run_wrk, write_requests, wrk_version  # noqa: E402

UNLIMITED = '"1000000 per minute"'  # sign-in throttles: the bench measures the server, not the limiter
RETRIES = 2  # a run that shared the machine with other work is measured again, at most this often
# In-process measurements, each against a floor measured in the same run; --only takes their names too.
MEASUREMENTS = {
    "photo-ingest": "the app's photo pipeline vs Pillow's bare decode + encode of a 12 MP phone JPEG (<= 1.3×)",
    "push-fanout": "the push job for --push-count subscriptions vs bare encryption + bare sends (<= 1.5×)",
}


def parse_clients(text: str) -> list[int]:
    try:
        clients = [int(c) for c in text.split(",") if c.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not clients or any(c < 1 for c in clients):
        raise argparse.ArgumentTypeError(f"concurrency levels must be positive: {text!r}")
    return clients


def parse_names(text: str) -> list[str]:
    """Scenario and measurement names, comma-separated."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = sorted(set(names) - set(BY_NAME) - set(MEASUREMENTS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown names: {', '.join(unknown) or '(none given)'} "
            f"(scenarios: {', '.join(BY_NAME)}; measurements: {', '.join(MEASUREMENTS)})"
        )
    return names


def split_names(names: list[str]) -> tuple[list[Scenario], list[str]]:
    """The scenarios to load (registry order) and the in-process measurements to make."""
    return select([n for n in names if n in BY_NAME]), [m for m in MEASUREMENTS if m in names]


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run (default 10)")
    parser.add_argument(
        "--login-duration", type=float, default=10, help="seconds per KDF-bound (sign-in) run (default 10)"
    )
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds before each run (default 2)")
    parser.add_argument(
        "--clients", type=parse_clients, default=[1, 16, 64], help="concurrency levels (default 1,16,64)"
    )
    parser.add_argument("--members", type=int, default=20000, help="members seeded (default 20000)")
    parser.add_argument("--teams", type=int, default=200, help="teams seeded (default 200)")
    parser.add_argument(
        "--reports", type=int, default=200_000, help="hazard reports seeded for the reports scenarios (default 200000)"
    )
    parser.add_argument(
        "--sessions", type=int, default=POOLS["members"].size, help="signed-in members the endpoints rotate over"
    )
    parser.add_argument(
        "--login-phones", type=int, default=POOLS["pre-login"].size, help="phones the sign-in runs rotate over"
    )
    parser.add_argument("--kdf-seconds", type=float, default=4, help="seconds per argon2 measurement (default 4)")
    parser.add_argument(
        "--quiet-budget",
        type=float,
        default=60,
        help="total seconds to spend waiting for other processes to go quiet before runs (default 60; 0 disables)",
    )
    parser.add_argument(
        "--quiet-wait", type=float, default=20, help="at most this many seconds of waiting before any one run"
    )
    parser.add_argument("--dist", type=Path, default=ROOT / "frontend" / "dist", help="the built front end")
    parser.add_argument(
        "--only",
        type=parse_names,
        default=[s.name for s in SCENARIOS] + list(MEASUREMENTS),
        help=f"scenarios to load and measurements to make (default all: "
        f"{','.join([s.name for s in SCENARIOS] + list(MEASUREMENTS))}); without a scenario, no server is started",
    )
    parser.add_argument(
        "--photo-repetitions", type=positive_int, default=7, help="photo ingest: timed runs of each side (default 7)"
    )
    parser.add_argument(
        "--push-count",
        type=positive_int,
        default=DEFAULT_COUNT,
        help=f"push fan-out: subscriptions pushed to (default {DEFAULT_COUNT})",
    )
    parser.add_argument(
        "--push-rounds",
        type=positive_int,
        default=DEFAULT_ROUNDS,
        help=f"push fan-out: rounds of the judged pass, floor and job alternating (default {DEFAULT_ROUNDS})",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the scenarios, the measurements and their targets, then exit"
    )
    parser.add_argument(
        "--app",
        default="wsgi:app",
        help="WSGI app for gunicorn (default wsgi:app); results of any other app get a -whatif suffix",
    )
    parser.add_argument(
        "--keep-server", action="store_true", help="leave gunicorn running after the runs until Ctrl-C (for profiling)"
    )
    parser.add_argument("--no-save", action="store_true", help="don't write bench/results/")
    parser.add_argument("--strict", action="store_true", help="exit 2 when a target fails")
    return parser.parse_args(argv)


def bench_environment(base: dict, url: str, secret_key: str) -> dict:
    """gunicorn's environment: the caller's, minus FLASK_* settings (the measured app runs with the
    same settings every time), plus the bench's. WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_CMD_ARGS
    and REDIS_URL pass through, and the report records them."""
    env = {k: v for k, v in base.items() if not k.startswith("FLASK_") and k != "GUNICORN_BIND"}
    env.update(
        {
            "DATABASE_URL": url,
            "FLASK_SECRET_KEY": secret_key,
            "FLASK_LOGIN_LIMIT_PER_IP": UNLIMITED,
            "FLASK_LOGIN_LIMIT_PER_ACCOUNT": UNLIMITED,
            "FLASK_JOBS_SQLITE_PATH": json.dumps(str(JOBS_SQLITE_PATH)),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def redact(url: str | None) -> str | None:
    return re.sub(r"://[^@/]*@", "://***@", url) if url else url


def pool_sizes(scenarios: list[Scenario], args: argparse.Namespace) -> dict[str, int]:
    sizes = {"members": args.sessions, "pre-login": args.login_phones}
    return {s.sessions: sizes.get(s.sessions, POOLS[s.sessions].size) for s in scenarios if s.sessions}


def open_sessions(client: Client, pool: str, members: list[int]) -> list[Session]:
    signed_in = POOLS[pool].signed_in
    log(f"opening {len(members)} sessions for pool {pool!r} ({'signing in' if signed_in else 'pre-login'})")
    started = time.monotonic()
    # signing in is argon2-bound: more parallel sign-ins than cores only queue
    with ThreadPoolExecutor(max_workers=8 if signed_in else 4) as workers:
        sessions = list(workers.map(client.signed_in_session if signed_in else client.pre_login_session, members))
    log(f"  done in {time.monotonic() - started:.1f} s")
    return sessions


def smoke_test(client: Client, scenario: Scenario, sessions: list[Session]) -> dict:
    """Send the scenario's first request once: it must answer 2xx and pass the scenario's check."""
    session = sessions[0] if scenario.sessions else None
    request = scenario.request(session)
    body = json.loads(request.body) if request.body else None
    status, payload, set_cookie = client.call(
        request.method, request.path, body, request.cookie or None, request.csrf or None
    )
    if not 200 <= status < 300:
        raise BenchError(f"{scenario.label} answered {status} before the runs: {payload}")
    if scenario.check and not scenario.check(payload, session):
        raise BenchError(f"{scenario.label} failed its check before the runs: {payload}")
    if set_cookie and scenario.method == "GET":
        log(f"  note: {scenario.label} re-issues the session cookie on every request")
    return {"status": status, "sets_cookie": bool(set_cookie)}


def measure(
    scenario: Scenario, clients: int, args, wrk: str, base_url: str, files: dict, server: Gunicorn, gate
) -> dict:
    """One measured run: warm-up, wait for a quiet machine, load, CPU accounting, drain."""
    duration = args.login_duration if scenario.kdf_bound else args.duration
    server.check_alive()
    # KDF-bound runs get no warm-up: the sign-ins before the runs warmed every worker, and a
    # warm-up would leave a queue of orphaned 250 ms requests behind.
    if args.warmup > 0 and not scenario.kdf_bound:
        run_wrk(wrk, base_url, files[scenario.name], clients, args.warmup)
        wait_until_idle(server.pid)
    for attempt in range(1, RETRIES + 2):
        quiet = gate.wait(server.pid)
        started = time.monotonic()
        with CpuMeter(server.pid, gate.services) as meter:
            run = run_wrk(wrk, base_url, files[scenario.name], clients, duration, count_statuses=scenario.kdf_bound)
        run["cpu"] = meter.result
        run["quiet_wait"] = quiet
        run["attempt"] = attempt
        # CPU one request costs the server side (gunicorn + PostgreSQL + Redis), in ms
        server_cpu = meter.result["server_cpu_s"] + meter.result["database_cpu_s"]
        run["cpu_ms_per_request"] = round(server_cpu / run["requests"] * 1000, 2) if run["requests"] else None
        # Little's law: what a client waits once the queue is full (short runs cut it off)
        run["steady_latency_ms"] = round(clients / run["rps"] * 1000, 1) if run["rps"] else None
        run["drain_s"] = wait_until_idle(server.pid)
        if attempt > RETRIES or failed(run) or not gate.disturbed(meter.result, time.monotonic() - started):
            break
        log(
            f"  {scenario.label} c={clients}: other processes took {meter.result['other_pct']:.0f}% of the CPUs "
            f"({run['rps']:.1f} req/s): measuring again"
        )
    cpu = run["cpu"]
    log(
        f"{scenario.label:<30} c={clients:<3} {run['rps']:>8.1f} req/s  "
        f"p50 {ms(run['p50_ms'])} p95 {ms(run['p95_ms'])} p99 {ms(run['p99_ms'])} ms  "
        f"non-2xx {run['non_2xx']}  socket errors {sum(run['socket_errors'].values())}  "
        f"cpu gunicorn {cpu['server_pct']}% db {cpu['database_pct']}% other {cpu['other_pct']}%"
    )
    if failed(run):
        log(f"!!! {run['non_2xx']} non-2xx responses {run['statuses'] or ''}, socket errors {run['socket_errors']}")
    return run


def evaluate(results: dict, scenarios: list[Scenario]) -> list[dict]:
    by_clients = {name: {r["clients"]: r for r in runs} for name, runs in results["runs"].items()}
    ceiling = by_clients.get(CEILING, {})
    verdicts = [
        s.target.evaluate(s.label, by_clients.get(s.name, {}), ceiling, results.get("kdf"))
        for s in scenarios
        if s.target
    ]
    verdicts.append(first_load_verdict(results["first_load"]))
    if "photo_ingest" in results:
        verdicts.append(photo_ingest_verdict(results["photo_ingest"]))
    if "push_fanout" in results:
        verdicts.append(push_fanout_verdict(results["push_fanout"]))
    return [v.as_dict() for v in verdicts]


def list_scenarios() -> None:
    for s in SCENARIOS:
        target = s.target or ("none: the others are compared with it" if s.name == CEILING else "none")
        print(f"{s.name:<10} {s.label:<32} sessions: {s.sessions or 'none':<10} target: {target}")
    for name, about in MEASUREMENTS.items():
        print(f"{name:<12} {about}")


def load(args, scenarios: list[Scenario], wrk: str, env: dict, settings: dict, gate: QuietGate, results: dict) -> None:
    """gunicorn up, the session pools signed in, every scenario run at every concurrency, gunicorn down."""
    server = Gunicorn(env, WORK / "gunicorn.log", args.app)
    base_url = f"http://{env['GUNICORN_BIND']}"
    host, port = env["GUNICORN_BIND"].rsplit(":", 1)
    client = Client(host, int(port))
    sizes = results["parameters"]["pools"]
    try:
        server.start()
        wait_for_ping(client, server)
        members = assign_members(sizes, args.members)
        sessions = {pool: open_sessions(client, pool, members[pool]) for pool in sizes}
        files = {}
        for s in scenarios:
            pool = sessions.get(s.sessions, [])
            files[s.name] = write_requests(WORK / f"{s.name}.tsv", s.requests(pool))
            results["scenarios"][s.name]["smoke"] = smoke_test(client, s, pool)
        settings["running"] = server.topology()
        log(
            f"gunicorn up on {base_url}: {settings['running']['workers']} worker process(es) running, "
            f"configured {settings['workers']} × {settings['threads']} threads"
        )
        if settings["running"]["workers"] != settings["workers"]:
            log("!!! gunicorn runs a different number of workers than gunicorn.conf.py configures")

        for scenario, clients in schedule(scenarios, args.clients):
            if scenario.kdf_bound and results["kdf"] is None:
                wait_until_idle(server.pid)
                log(f"measuring argon2 ({args.kdf_seconds:g} s on 1 core, then with 2 processes; gunicorn idle)")
                results["kdf"] = measure_kdf(args.kdf_seconds, gate, env)
                log(
                    f"argon2: {results['kdf']['hashes_per_s_1_core']} hashes/s on 1 core, "
                    f"{results['kdf']['hashes_per_s_2_procs']} with 2 processes"
                )
            run = measure(scenario, clients, args, wrk, base_url, files, server, gate)
            results["runs"][scenario.name].append(run)
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


def measure_in_process(measurements: list[str], args, env: dict, gate: QuietGate, results: dict) -> None:
    """The in-process measurements, each with its floor; gunicorn is not running."""
    if "photo-ingest" in measurements:
        log(f"photo ingest: the app's pipeline vs Pillow's bare decode + encode, {args.photo_repetitions} each")
        photo = results["photo_ingest"] = measure_photo_ingest(gate, args.photo_repetitions)
        log(
            f"photo ingest: app {photo['app']['cpu_ms']} ms CPU ({photo['app']['wall_ms']} wall), "
            f"bare {photo['bare']['cpu_ms']} ms CPU ({photo['bare']['wall_ms']} wall)"
        )
    if "push-fanout" in measurements:
        log(f"push fan-out: {args.push_count} subscriptions, the push job vs bare encryption + sends")
        push = results["push_fanout"] = measure_push_fanout(gate, args.push_count, env, args.push_rounds)
        for name, run in push["passes"].items():
            log(
                f"push fan-out ({name}): job {run['fanout']['cpu_s']} s CPU ({run['fanout']['total_s']} wall), "
                f"floor {run['floor']['cpu_s']} s CPU ({run['floor']['total_s']} wall)"
            )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        list_scenarios()
        return 0
    scenarios, measurements = split_names(args.only)
    started = time.monotonic()
    loadavg_before = Path("/proc/loadavg").read_text().split()[:3]
    WORK.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk() if scenarios else None  # only the load needs wrk

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite'}"
    secret_key = secrets.token_urlsafe(32)
    env = bench_environment(os.environ, url, secret_key)
    for key in [k for k in os.environ if k.startswith("FLASK_")]:
        del os.environ[key]  # the app built in this process (seeding) ignores them too
    app = bench_app(url, secret_key)
    db_kind = database_kind(app)
    population = None
    if scenarios:
        log(f"database: {redact(url)}; Redis: {redact(env.get('REDIS_URL')) or 'none'}")
        reset_database(app)
        flask_cli(["db", "upgrade"], env)
        flask_cli(["seed-demo", "--password", BENCH_PASSWORD], env)
        population = seed_population(app, args.members, args.teams)
        log(f"seeded {population['users']} users, {population['teams']} teams in {population['seconds']} s")
        if any(s.needs_reports for s in scenarios):
            population["reports"] = seed_reports(app, args.reports)
            log(f"seeded {population['reports']['reports']} hazard reports in {population['reports']['seconds']} s")

    services = Services(database=database_name(app), redis=bool(env.get("REDIS_URL")))
    gate = QuietGate(args.quiet_budget, args.quiet_wait, services=services)
    env["GUNICORN_BIND"] = f"127.0.0.1:{free_port()}"
    settings = gunicorn_settings(env)
    results = {
        "date": datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine_facts(
            db_kind,
            database_version(app) if scenarios else "not used",
            settings,
            wrk_version(wrk) if wrk else "not used",
            redact(env.get("REDIS_URL")),
        ),
        "parameters": {
            "app": args.app,
            "duration_s": args.duration,
            "kdf_bound_duration_s": args.login_duration,
            "warmup_s": args.warmup,
            "clients": args.clients,
            "members": args.members,
            "teams": args.teams,
            "pools": pool_sizes(scenarios, args),
            "wrk_timeout_s": TIMEOUT_S,
            "measurements": measurements,
            "photo_repetitions": args.photo_repetitions,
            "push_count": args.push_count,
            "push_rounds": args.push_rounds,
        },
        "loadavg_before": loadavg_before,
        "population": population,
        "ceiling": CEILING,
        "scenarios": {s.name: s.describe() for s in scenarios},
        "kdf": None,
        "runs": {s.name: [] for s in scenarios},
    }
    if scenarios:
        load(args, scenarios, wrk, env, settings, gate, results)
    measure_in_process(measurements, args, env, gate, results)

    results["first_load"] = first_load(args.dist)
    results["targets"] = evaluate(results, scenarios)
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    report = markdown(results)
    print()
    print(report)
    if not args.no_save:
        stem = results_stem(datetime.now(), socket.gethostname(), db_kind, whatif=args.app != "wsgi:app")
        path = save(results, report, stem)
        log(f"wrote {path.relative_to(ROOT)}.md and .json ({results['elapsed_s']} s in all)")

    failures = [(name, r) for name, runs in results["runs"].items() for r in runs if failed(r)]
    for name, run in failures:
        print(
            f"ERROR: {results['scenarios'][name]['title']} at {run['clients']} clients: {run['non_2xx']} non-2xx "
            f"responses {run['statuses'] or ''}, socket errors {run['socket_errors']}",
            file=sys.stderr,
        )
    if failures:
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
