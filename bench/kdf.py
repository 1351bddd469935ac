"""argon2 hashes per second on this machine, with the app's own hasher and parameters.

Each probe is a separate process that builds the app and calls
``app.accounts.passwords.hash_password`` in a loop, so it measures exactly what a sign-in
verifies (verification costs the same as hashing).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench import ROOT, BenchError
from bench.cpu import CpuMeter, QuietGate

PROBE = r"""
import json, os, sys, time
seconds, pin = float(sys.argv[1]), sys.argv[2]
if pin != "-":
    os.sched_setaffinity(0, {int(pin)})
from app import create_app
from app.accounts.passwords import hash_password
app = create_app({"SECRET_KEY": "kdf-probe", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
with app.app_context():
    hash_password("warm-up password")
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        hash_password("correct horse battery staple")
        count += 1
    elapsed = time.perf_counter() - start
    config = app.config
    print(json.dumps({"count": count, "elapsed": elapsed, "time_cost": config["PASSWORD_HASH_TIME_COST"],
                      "memory_kib": config["PASSWORD_HASH_MEMORY_KIB"],
                      "parallelism": config["PASSWORD_HASH_PARALLELISM"]}))
"""


def _probe(pins: list[str], seconds: float, env: dict) -> tuple[float, dict]:
    """Hashes per second of ``len(pins)`` probes running together, and the parameters they used."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE, str(seconds), pin], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for pin in pins
    ]
    rate, params = 0.0, {}
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 120)
        if proc.returncode != 0:
            raise BenchError("argon2 measurement failed")
        report = json.loads(out.strip().splitlines()[-1])
        rate += report["count"] / report["elapsed"]
        params = {k: report[k] for k in ("time_cost", "memory_kib", "parallelism")}
    return round(rate, 2), params


def measure_kdf(seconds: float, gate: QuietGate, env: dict) -> dict:
    """On one pinned core, then two unpinned processes (what 2 cores give sign-in at best)."""
    first_core = str(min(os.sched_getaffinity(0)))
    gate.wait()
    with CpuMeter() as one_meter:
        one_core, params = _probe([first_core], seconds, env)
    gate.wait()
    with CpuMeter() as two_meter:
        two_procs, _ = _probe(["-", "-"], seconds, env)
    return {
        **params,
        "cpu_1_core": one_meter.result,
        "cpu_2_procs": two_meter.result,
        "hashes_per_s_1_core": one_core,
        "hashes_per_s_2_procs": two_procs,
        "seconds_each": seconds,
    }
