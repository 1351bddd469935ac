"""A live server (gunicorn on a temp SQLite file) and Debian's Chromium through Playwright.

The front end is not built here: run `cd frontend && npm ci && npm run build` first.
Screenshots land in tests/browser/screenshots/<test>-<step>.png.
"""

import json
import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, PASSWORD, VIEWPORT
from tests.push_service import FakePushService

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
BIN = ROOT / ".venv" / "bin"
SHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(autouse=True)
def _clean_database():
    """Overrides the API suite's per-test cleanup: browser tests use the live server's database."""
    yield


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env: dict, *args: str) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=180
    )


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def live_push():
    """A Web Push service on 127.0.0.1 that the live server may push to (headless Chromium has
    none): it checks the VAPID JWT and decrypts each message, which the tests then hand to a
    browser's service worker through the DevTools protocol."""
    service = FakePushService()
    yield service
    service.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, live_push) -> str:
    """The app as `make run` serves it: gunicorn (one process, threads) and a real job consumer."""
    if not (DIST / "index.html").is_file():
        pytest.fail(f"{DIST} has no build: run `cd frontend && npm ci && npm run build` first", pytrace=False)
    tmp = tmp_path_factory.mktemp("live")
    env = {
        **{key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")},
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'db.sqlite'}",
        "FLASK_JOBS_SQLITE_PATH": f'"{tmp / "jobs.sqlite"}"',
        "FLASK_SECRET_KEY": "test",
        "FLASK_PUSH_EXTRA_ENDPOINT_ORIGINS": json.dumps([live_push.origin]),
    }
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo", "--password", PASSWORD)
    port = _free_port()
    with open(tmp / "gunicorn.log", "wb") as log, open(tmp / "consumer.log", "wb") as consumer_log:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        consumer = subprocess.Popen(
            [str(BIN / "huey_consumer"), "app.worker.huey", "--worker-type", "thread", "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=consumer_log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/api/v1/ping", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the live server did not start; see {tmp / 'gunicorn.log'}", pytrace=False)
            time.sleep(0.2)
        yield base
    finally:
        _stop(server)
        _stop(consumer)


@pytest.fixture(scope="session")
def pw() -> Playwright:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(pw: Playwright) -> Browser:
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server: str):
    """Factory: a fresh phone-sized context (own cookies, storage and service worker)."""
    contexts: list[BrowserContext] = []

    def make(locale: str = "zh-CN") -> BrowserContext:
        context = browser.new_context(viewport=VIEWPORT, locale=locale, base_url=live_server)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request):
    """shot(page, "step") saves screenshots/<test>-<step>.png."""
    SHOTS.mkdir(exist_ok=True)
    test = re.sub(r"[^\w.-]+", "-", request.node.name.removeprefix("test_")).strip("-")

    def take(page: Page, step: str, full_page: bool = False) -> None:
        page.screenshot(path=str(SHOTS / f"{test}-{step}.png"), full_page=full_page)

    return take


@pytest.fixture
def sign_in():
    """sign_in(page, phone) signs in through the login form and waits for home."""

    def run(page: Page, phone: str, password: str = PASSWORD) -> None:
        page.goto("/login")
        page.get_by_test_id("login-phone").fill(phone)
        page.get_by_test_id("login-password").fill(password)
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("home-page").wait_for()

    return run
