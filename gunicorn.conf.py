"""gunicorn settings for production; each can be overridden on the command line
or through GUNICORN_CMD_ARGS (e.g. GUNICORN_CMD_ARGS="--workers 8")."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads overlap database waits; processes use the cores (argon2 holds the GIL-free C code).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")  # "-" for stdout
