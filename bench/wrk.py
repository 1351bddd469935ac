"""wrk, the load generator: the request lists rotate.lua replays, running wrk, parsing its report."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench import BENCH, BenchError, log

LUA = BENCH / "rotate.lua"
USER_AGENT = "pingan-bench"  # also in rotate.lua: Flask-Login ties a session to IP + User-Agent
MAX_THREADS = 2  # wrk shares the 2 cores with gunicorn
TIMEOUT_S = 30


@dataclass(frozen=True)
class Request:
    """One prepared request: rotate.lua reads it as one tab-separated line."""

    method: str
    path: str
    cookie: str = ""
    csrf: str = ""
    body: str = ""  # JSON text; empty for none

    def line(self) -> str:
        fields = (self.method, self.path, self.cookie, self.csrf, self.body)
        if any(ch in field for field in fields for ch in "\t\r\n"):
            raise BenchError(f"tab or newline in a request field: {self!r}")
        return "\t".join(fields)


def write_requests(path: Path, requests: Iterable[Request]) -> Path:
    lines = [request.line() for request in requests]
    if not lines:
        raise BenchError(f"no requests to write to {path.name}")
    path.write_text("\n".join(lines) + "\n")
    return path


def threads_for(clients: int) -> int:
    return max(1, min(MAX_THREADS, clients))


def wrk_command(
    wrk: str,
    base_url: str,
    requests_file: Path,
    clients: int,
    seconds: float,
    *,
    timeout_s: int = TIMEOUT_S,
    count_statuses: bool = False,
) -> list[str]:
    cmd = [wrk, "-t", str(threads_for(clients)), "-c", str(clients), "-d", f"{seconds:g}s", "--latency"]
    cmd += ["--timeout", f"{timeout_s}s", "-s", str(LUA), base_url, "--", str(requests_file)]
    if count_statuses:
        cmd.append("count")
    return cmd


def run_wrk(
    wrk: str,
    base_url: str,
    requests_file: Path,
    clients: int,
    seconds: float,
    *,
    timeout_s: int = TIMEOUT_S,
    count_statuses: bool = False,
) -> dict:
    cmd = wrk_command(
        wrk, base_url, requests_file, clients, seconds, timeout_s=timeout_s, count_statuses=count_statuses
    )
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + timeout_s + 30)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish in time: {' '.join(cmd)}") from exc
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-1000:]}")
    return parse_wrk(done.stdout, threads_for(clients), clients)


def parse_wrk(output: str, threads: int, clients: int) -> dict:
    """wrk's report, from the BENCH_JSON line rotate.lua prints; latencies in ms."""
    match = re.search(r"^BENCH_JSON (.*)$", output, re.M)
    if not match:
        raise BenchError(f"no BENCH_JSON line in wrk's output:\n{output}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    errors = raw["errors"]
    latency = raw["latency_us"]
    # wrk's "Non-2xx or 3xx responses" counter is in fact every status >= 400;
    # with a status tally we count everything that is not 2xx.
    if raw["statuses"]:
        non_2xx = sum(n for status, n in raw["statuses"].items() if not 200 <= int(status) < 300)
    else:
        non_2xx = errors["status"]
    text_rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    run = {
        "clients": clients,
        "threads": threads,
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "wrk_requests_per_sec": float(text_rps.group(1)) if text_rps else None,
    }
    for name in ("p50", "p75", "p90", "p95", "p99", "max"):
        run[f"{name}_ms"] = latency[name] / 1000
    run["mean_ms"] = round(latency["mean"] / 1000, 3)
    run["non_2xx"] = non_2xx
    run["statuses"] = raw["statuses"]
    run["socket_errors"] = {k: v for k, v in errors.items() if k != "status"}
    run["bytes"] = raw["bytes"]
    return run


def failed(run: dict) -> bool:
    """A run with a non-2xx answer or a socket error: the bench exits with status 1."""
    return bool(run["non_2xx"] or any(run["socket_errors"].values()))


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
