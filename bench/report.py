"""The report: machine facts, the markdown table, the PASS/FAIL lines, bench/results/<date>-<host>-<db>.md + .json."""

from __future__ import annotations

import json
import os
import platform
import re
import socket
import subprocess
from datetime import datetime
from pathlib import Path

from bench import RESULTS, ROOT
from bench.targets import FIRST_LOAD_BUDGET, ms, ratio

COLUMNS = [
    "Endpoint",
    "Clients",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "non-2xx",
    "socket errors",
    "vs ceiling",
    "p95 vs ceiling",
    "server CPU ms/req",
    "CPU % gunicorn / db / other",
]


def machine_facts(db_kind: str, db_version: str, gunicorn: dict, wrk: str, redis: str | None) -> dict:
    mem_kib = 0
    cpu = platform.processor() or ""
    try:
        mem_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
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
        "redis": redis,
        "gunicorn": gunicorn,
        "wrk": wrk,
        "git_commit": commit.stdout.strip() or None,
        "backend_uncommitted_changes": bool(dirty.stdout.strip()),
    }


def share_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0%}" if value >= 0.1 else f"{value:.1%}"


def table_row(title: str, run: dict, ceiling: dict | None) -> str:
    """One row of the table; ``ceiling`` is /ping's run at the same concurrency, if any."""
    share = ratio(run["rps"], ceiling["rps"]) if ceiling else None
    p95_factor = ratio(run["p95_ms"], ceiling["p95_ms"]) if ceiling else None
    per_request = run.get("cpu_ms_per_request")
    cpu = run["cpu"]
    cells = [
        title,
        str(run["clients"]),
        f"{run['rps']:.1f}",
        ms(run["p50_ms"]),
        ms(run["p95_ms"]),
        ms(run["p99_ms"]),
        str(run["non_2xx"]),
        str(sum(run["socket_errors"].values())),
        share_text(share),
        f"{p95_factor:.1f}×" if p95_factor is not None else "—",
        ms(per_request) if per_request is not None else "—",
        f"{cpu['server_pct']:.0f} / {cpu['database_pct']:.0f} / {cpu['other_pct']:.0f}",
    ]
    return "| " + " | ".join(cells) + " |"


def table(results: dict) -> list[str]:
    if not any(results["runs"].values()):
        return []
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * (len(COLUMNS) - 1)]
    ceiling = {r["clients"]: r for r in results["runs"].get(results.get("ceiling", "ping"), [])}
    for name, runs in results["runs"].items():
        title = results["scenarios"][name]["title"]
        lines += [table_row(title, run, ceiling.get(run["clients"])) for run in runs]
    return lines


def commit_line(machine: dict) -> str:
    dirty = " (+ uncommitted backend changes)" if machine["backend_uncommitted_changes"] else ""
    return f"- Commit: {machine['git_commit']}{dirty}"


def header(results: dict) -> list[str]:
    m, p, g = results["machine"], results["parameters"], results["machine"]["gunicorn"]
    if results.get("population") is None:  # in-process measurements only: no server, no load
        return [
            f"# Benchmark {results['date']} — in-process measurements only",
            "",
            f"- Machine: {m['hostname']}, {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB, "
            f"Linux {m['kernel']}, Python {m['python']}",
            f"- Background: load average {' '.join(results['loadavg_before'])} before the run",
            commit_line(m),
            "",
        ]
    running = g.get("running") or {}
    topology = f"{g['workers']} worker{'s' if g['workers'] != 1 else ''} × {g['threads']} threads"
    if running and running.get("workers") != g["workers"]:
        topology += f" configured, **{running['workers']} running**"
    pools = ", ".join(f"{name} ({size})" for name, size in p["pools"].items())
    return [
        f"# Benchmark {results['date']} — {m['db_kind']}{' + Redis' if m.get('redis') else ''}",
        "",
        f"- Machine: {m['hostname']}, {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB, "
        f"Linux {m['kernel']}, Python {m['python']}",
        f"- Database: {m['db_version']}; {results['population']['users']} users, "
        f"{results['population']['teams']} teams, {results['population']['role_grants']} role grants"
        + (
            f", {results['population']['reports']['reports']} hazard reports"
            if results["population"].get("reports")
            else ""
        )
        + (f"; Redis {m['redis']} (rate limits, jobs)" if m.get("redis") else "; no Redis"),
        f"- Server: gunicorn {p['app']}, {g['worker_class']}, {topology} "
        f"(gunicorn.conf.py{', ' + str(g['overrides']) if g.get('overrides') else ''}), "
        f"same machine as the load generator",
        f"- Load: {m['wrk']}; {p['duration_s']:g} s per run after {p['warmup_s']:g} s warm-up "
        f"(KDF-bound runs: {p['kdf_bound_duration_s']:g} s, no warm-up); ≤ 2 wrk threads; session pools: {pools}",
        "- *vs ceiling*: req/s ÷ /ping's req/s at the same concurrency; *p95 vs ceiling*: p95 ÷ /ping's p95. "
        "*server CPU ms/req*: CPU time gunicorn (+ PostgreSQL, Redis) spent per completed request; "
        "the 2 cores (shared with wrk) cap req/s at roughly 2000 ÷ that figure.",
        f"- Background: load average {' '.join(results['loadavg_before'])} before the run; the last column "
        f"is CPU (% of all cores) used during each run by gunicorn / by PostgreSQL and Redis / by everything "
        f"else except wrk and this script (other sessions' tests and browsers, kernel networking)",
        commit_line(m),
        "",
    ]


def kdf_paragraph(results: dict) -> list[str]:
    kdf = results.get("kdf")
    bound = [
        name for name, info in results["scenarios"].items() if info["target"] and info["target"]["kind"] == "KdfShare"
    ]
    lines = []
    for name in bound:
        runs = results["runs"].get(name) or []
        if not (kdf and runs):
            continue
        title = results["scenarios"][name]["title"]
        rates = ", ".join(f"{r['rps']:.1f} req/s at {r['clients']}" for r in runs)
        waits = ", ".join(
            f"{r['steady_latency_ms'] / 1000:.1f} s at {r['clients']}" for r in runs if r["steady_latency_ms"]
        )
        lines += [
            "",
            f"Password KDF: argon2id t={kdf['time_cost']}, m={kdf['memory_kib']} KiB, p={kdf['parallelism']} — "
            f"**{kdf['hashes_per_s_1_core']:.1f} hashes/s on 1 core, {kdf['hashes_per_s_2_procs']:.1f} hashes/s "
            f"with 2 processes**. {title}: {rates} (each verifies one hash, so its ceiling is the KDF rate). "
            f"A long queue outlasts a short run: a client's steady-state wait is clients ÷ req/s = {waits}.",
        ]
    return lines


def first_load_lines(load: dict) -> list[str]:
    if not load:
        return []
    if not load.get("built"):
        return ["", f"First load: not measured — {load['note']}"]
    lines = [
        "",
        "First load (what index.html fetches, gzip -9):",
        "",
        "| File | Kind | bytes | gzip bytes |",
        "|---|---|---:|---:|",
    ]
    lines += [f"| {f['url']} | {f['kind']} | {f['bytes']} | {f['gzip_bytes']} |" for f in load["files"]]
    lines.append(
        f"| **JS + CSS total** | | | **{load['js_css_gzip_bytes']}** "
        f"({load['js_css_gzip_bytes'] / 1024:.1f} KB of {FIRST_LOAD_BUDGET // 1024} KB) |"
    )
    lines.append(f"| index.html (not in the budget) | html | | {load['index_html_gzip_bytes']} |")
    lines += [f"| {s['url']} (not counted: {s['why']}) | | | |" for s in load["skipped"]]
    return lines


def photo_ingest_lines(result: dict | None) -> list[str]:
    if not result:
        return []
    photo, settings, app, bare, out = (result[k] for k in ("photo", "settings", "app", "bare", "output"))
    cpu_factor, wall_factor = ratio(app["cpu_ms"], bare["cpu_ms"]), ratio(app["wall_ms"], bare["wall_ms"])
    return [
        "",
        f"Photo ingest: a {photo['width']}×{photo['height']} phone JPEG ({photo['bytes']} bytes, quality "
        f"{photo['quality']}, EXIF orientation 6 and GPS) to {settings['long_edge']} px at quality "
        f"{settings['quality']} plus a {settings['thumb_edge']} px thumbnail at {settings['thumb_quality']}; "
        f"median of {result['repetitions']} each, alternating, in one process (CPU: this process's CPU time):",
        "",
        "| | CPU ms | wall ms | output bytes (photo + thumbnail) |",
        "|---|---:|---:|---:|",
        f"| the app: `ingest_with_config` | {ms(app['cpu_ms'])} | {ms(app['wall_ms'])} | "
        f"{out['app_bytes']} + {out['app_thumb_bytes']} |",
        f"| Pillow's bare decode (draft) + encode | {ms(bare['cpu_ms'])} | {ms(bare['wall_ms'])} | "
        f"{out['bare_bytes']} + {out['bare_thumb_bytes']} |",
        f"| app ÷ bare | {cpu_factor:.2f}× | {wall_factor:.2f}× | |",
        "",
        f"Other processes took {result['cpu']['other_pct']:.0f}% of the CPUs meanwhile.",
    ]


def push_fanout_lines(result: dict | None) -> list[str]:
    if not result:
        return []
    lines = [
        "",
        f"Push fan-out: {result['count']} subscriptions on the fake push service of tests/push_service.py (its own "
        f"process, keep-alive); the push job in batches of {result['batch_size']} on {result['concurrency']} threads, "
        f"the floor's sends on one pool of {result['concurrency']} threads. Seconds of this process's CPU "
        f"(wall in brackets); the database is {result['database']}.",
        "",
        "| Service checks pushes | Floor: encrypt | Floor: send | Floor | Push job | its send phase (wall) "
        "| Job ÷ floor | Service CPU ms/push (floor / job) | Other % (floor / job) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run in result["passes"].items():
        floor, fanout = run["floor"], run["fanout"]
        per_push = [f"{r['cpu']['server_cpu_s'] / result['count'] * 1000:.2f}" for r in (floor, fanout)]
        lines.append(
            f"| {'yes (VAPID, decrypt)' if name == 'checked' else 'no'} "
            f"| {floor['encrypt_cpu_s']:.2f} ({floor['encrypt_s']:.2f}) "
            f"| {floor['send_cpu_s']:.2f} ({floor['send_s']:.2f}) "
            f"| {floor['cpu_s']:.2f} ({floor['total_s']:.2f}) | {fanout['cpu_s']:.2f} ({fanout['total_s']:.2f}) "
            f"| {fanout['send_s']:.2f} | {run['cpu_ratio']:.2f}× ({run['ratio']:.2f}×) | {' / '.join(per_push)} "
            f"| {floor['cpu']['other_pct']:.0f} / {fanout['cpu']['other_pct']:.0f} |"
        )
    for name, run in result["passes"].items():
        rounds = run.get("rounds") or {}
        if len(rounds.get("fanout", [])) > 1:
            lines += [
                "",
                f"Rounds of the {name} pass (CPU s, alternating; the table gives each side's median): "
                f"floor {', '.join(f'{s:.2f}' for s in rounds['floor'])}; "
                f"push job {', '.join(f'{s:.2f}' for s in rounds['fanout'])}.",
            ]
    statements = [run["fanout"].get("sql_statements") for run in result["passes"].values()]
    if statements and statements[-1]:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(statements[-1].items()))
        total = sum(statements[-1].values())
        lines += ["", f"SQL statements of one push job pass: {counts} ({total / result['count']:.2f} per push)."]
    return lines


def markdown(results: dict) -> str:
    lines = header(results) + table(results) + kdf_paragraph(results) + first_load_lines(results.get("first_load"))
    lines += photo_ingest_lines(results.get("photo_ingest")) + push_fanout_lines(results.get("push_fanout"))
    lines += ["", "Targets:", ""]
    lines += [f"- {target['line']}" for target in results["targets"]]
    return "\n".join(lines) + "\n"


def results_stem(day: datetime, hostname: str, db_kind: str, whatif: bool = False) -> str:
    """<date>-<host>-<sqlite|postgresql>[-whatif]: one pair of files per machine, database and day."""
    host = re.sub(r"[^A-Za-z0-9_.-]", "-", hostname) or "host"
    return f"{day.strftime('%Y-%m-%d')}-{host}-{db_kind}{'-whatif' if whatif else ''}"


def save(results: dict, report: str, stem: str, directory: Path = RESULTS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{stem}.md").write_text(report)
    (directory / f"{stem}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return directory / stem
