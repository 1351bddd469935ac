"""Load benchmark for Ping'an Patrol: gunicorn (production config) under wrk. See bench/README.md.

`bench/run.py` is the command; the modules beside it are its seams:

- ``scenarios``  what is loaded: endpoints, the sessions they rotate over, their targets
- ``targets``    PASS/FAIL rules (share of the ping ceiling, share of the KDF rate, first-load budget,
                 the photo and push factors)
- ``wrk``        request lists for rotate.lua, running wrk, parsing its output
- ``cpu``        where the machine's CPU went, and waiting for a quiet machine
- ``kdf``        argon2 hashes per second with the app's own hasher
- ``server``     gunicorn's lifecycle and topology, a tiny HTTP client
- ``seed``       database reset and population
- ``first_load`` the gzipped JS + CSS that index.html fetches
- ``photo_ingest`` the app's photo pipeline against Pillow's bare decode + encode, in-process
- ``push_fanout`` the push job for 10,000 subscriptions against bare encryption + sends
- ``report``     machine facts, the markdown table, writing bench/results/
"""

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / ".work"
RESULTS = BENCH / "results"


class BenchError(Exception):
    """The bench cannot go on: a setup step failed, gunicorn died, wrk misbehaved."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)
