"""gunicorn settings; each can be overridden on the command line or through GUNICORN_CMD_ARGS
(e.g. GUNICORN_CMD_ARGS="--workers 8").

Topology: with REDIS_URL (production) every worker shares the rate-limit counters in Redis,
so there are cores + 1 worker processes. Without it (the embedded default, `make run`) the
counters live in process memory, so there is exactly one process, with more threads: several
processes would each count sign-in failures alone and multiply the limits.
"""

import errno
import multiprocessing
import os
import socket
import sys

SHARED_COUNTERS = bool(os.environ.get("REDIS_URL") or os.environ.get("FLASK_RATELIMIT_STORAGE_URI"))

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads overlap database waits; processes use the cores (argon2 runs outside the GIL).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1 if SHARED_COUNTERS else 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4 if SHARED_COUNTERS else 8))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")  # "-" for stdout


def _host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host.strip("[]") or "0.0.0.0", int(port)


def on_starting(server):
    if server.cfg.workers > 1 and not SHARED_COUNTERS:
        sys.exit(
            f"Refusing to start {server.cfg.workers} workers without REDIS_URL: each process would count "
            "sign-in failures alone, multiplying the limits. Set REDIS_URL, or run one worker (WEB_CONCURRENCY=1)."
        )
    for address in server.cfg.bind:
        if address.startswith("unix:"):
            continue
        host, port = _host_port(address)
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
            try:
                probe.bind((host, port))
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                sys.exit(
                    f"Port {port} on {host} is already in use (another `make run`?). "
                    f"Pick another port: make run PORT={port + 1}  (or GUNICORN_BIND=127.0.0.1:{port + 1})"
                )


def when_ready(server):
    for listener in server.LISTENERS:
        print(f"Ping'an Patrol is listening on {listener}  (API docs: {listener}/api/v1/docs)")
    sys.stdout.flush()
