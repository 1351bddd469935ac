"""gunicorn with the production settings (gunicorn.conf.py, wsgi:app): start, stop, topology; a tiny client."""

from __future__ import annotations

import http.client
import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

from bench import ROOT, BenchError, log
from bench.cpu import descendants, process_table
from bench.scenarios import Session
from bench.seed import BENCH_PASSWORD, member_phone
from bench.wrk import USER_AGENT

# Variables the bench passes through to gunicorn.conf.py and records.
GUNICORN_KNOBS = ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_CMD_ARGS")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_settings(env: dict) -> dict:
    """What gunicorn.conf.py configures when it runs with ``env``."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    settings = {key: conf.get(key) for key in ("workers", "threads", "worker_class", "keepalive", "timeout")}
    settings["overrides"] = {k: env[k] for k in GUNICORN_KNOBS if env.get(k)}
    return settings


class Gunicorn:
    def __init__(self, env: dict, log_path: Path, app: str = "wsgi:app"):
        self.app = app
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def start(self) -> None:
        self.log_file = self.log_path.open("w")
        cmd = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", self.app]
        if not Path(cmd[0]).exists():
            cmd = [sys.executable, "-m", "gunicorn", *cmd[1:]]
        # Own session: Ctrl-C reaches us, and we stop gunicorn in order.
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            log("stopping gunicorn")
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                log("gunicorn did not stop in 30 s: killing it")
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log_file.close()

    def check_alive(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            tail = self.log_path.read_text()[-3000:] if self.log_path.exists() else ""
            raise BenchError(f"gunicorn exited (code {self.proc.returncode if self.proc else None}):\n{tail}")

    def topology(self) -> dict:
        """The worker processes gunicorn actually runs, and the OS threads of each."""
        table = process_table()
        workers = sorted(pid for pid in descendants(self.pid, table) if table[pid].ppid == self.pid)
        threads = []
        for pid in workers:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                threads.append(int(status.split("Threads:", 1)[1].split()[0]))
            except (OSError, IndexError, ValueError):
                threads.append(None)
        return {"workers": len(workers), "os_threads_per_worker": threads}


class Client:
    """A tiny HTTP client on http.client, one connection per call, sending the bench's User-Agent."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port

    def call(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        cookie: str | None = None,
        csrf: str | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict | None, str | None]:
        """(status, JSON payload or None, the session cookie it set or None)."""
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if cookie:
            headers["Cookie"] = cookie
        if csrf:
            headers["X-CSRFToken"] = csrf
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            return response.status, _json_or_none(raw), session_cookie(response.headers.get_all("Set-Cookie") or [])
        finally:
            conn.close()

    def csrf_pair(self, cookie: str | None = None) -> tuple[str, str]:
        """(session cookie, CSRF token): a fresh pre-login pair, or a token for a signed-in cookie."""
        status, payload, new_cookie = self.call("GET", "/api/v1/auth/csrf", cookie=cookie)
        cookie = new_cookie or cookie
        if status != 200 or not cookie or not payload:
            raise BenchError(f"GET /api/v1/auth/csrf answered {status}")
        return cookie, payload["csrf_token"]

    def sign_in(self, phone: str) -> str:
        cookie, token = self.csrf_pair()
        status, payload, session = self.call(
            "POST", "/api/v1/auth/login", {"phone": phone, "password": BENCH_PASSWORD}, cookie, token
        )
        if status != 200 or not session:
            raise BenchError(f"sign-in of {phone} answered {status}: {payload}")
        return session

    def signed_in_session(self, member: int) -> Session:
        """Sign in, fetch a CSRF token, then GET /me once and keep the cookie it renews: the
        state a browser holds, so replaying it doesn't make every response re-issue the cookie."""
        phone = member_phone(member)
        cookie, token = self.csrf_pair(self.sign_in(phone))
        status, payload, renewed = self.call("GET", "/api/v1/me", cookie=cookie)
        if status != 200:
            raise BenchError(f"GET /api/v1/me after the sign-in of {phone} answered {status}: {payload}")
        return Session(member, phone, renewed or cookie, token)

    def pre_login_session(self, member: int) -> Session:
        cookie, token = self.csrf_pair()
        return Session(member, member_phone(member), cookie, token)


def session_cookie(set_cookie_headers: list[str]) -> str | None:
    """``session=...`` from a response's Set-Cookie headers, as a Cookie header sends it back."""
    session = None
    for header in set_cookie_headers:
        jar = SimpleCookie()
        jar.load(header)
        if "session" in jar:
            session = f"session={jar['session'].value}"
    return session


def _json_or_none(raw: bytes):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def wait_for_ping(client: Client, server: Gunicorn, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server.check_alive()
        try:
            if client.call("GET", "/api/v1/ping", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /api/v1/ping within {timeout:.0f} s")
