"""Constants and page helpers shared by the browser tests."""

import json
import random
import re
import time

from playwright.sync_api import Page

PASSWORD = "demo-pass-2026"
# Seeded by `flask seed-demo` (app/cli.py DEMO_ACCOUNTS).
PHONES = {"admin": "13800000001", "coordinator": "13800000002", "officer": "13800000003", "member": "13800000004"}
DEMO_TEAM = "北三里社区巡防队"
DEMO_UNIT = "北三里社区"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 390, "height": 844}

# The visible text of <main> and the header, minus things that are legitimately not
# in the UI language: elements marked with another lang (the language switch), names that
# are never translated (translate="no": browsers, systems), links/tokens and phone numbers.
_VISIBLE_TEXT = """() => {
  const root = document.body.cloneNode(true);
  const other = '[lang]:not([lang="' + document.documentElement.lang + '"])';
  const untranslated = '[translate="no"], .link-text, a[href^="tel:"], noscript, script, style';
  root.querySelectorAll(other + ', ' + untranslated).forEach((el) => el.remove());
  return root.textContent;
}"""


def latin_words(page: Page) -> list[str]:
    """Latin-script words on a zh-CN screen: there should be none (no mixed languages)."""
    return re.findall(r"[A-Za-z]{3,}", page.evaluate(_VISIBLE_TEXT))


def create_invite_via_api(page: Page, auto_approve: bool = False, team: str = DEMO_TEAM) -> str:
    """As the signed-in coordinator, create an invite for a team (the demo team by default); returns its link."""
    return page.evaluate(
        """async ([team, autoApprove]) => {
          const csrf = (await (await fetch('/api/v1/auth/csrf')).json()).csrf_token;
          const teams = await (await fetch('/api/v1/teams?sort=name&page_size=100')).json();
          const id = teams.find((t) => t.name === team).id;
          const r = await fetch(`/api/v1/teams/${id}/invites`, {
            method: 'POST',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
            body: JSON.stringify({auto_approve: autoApprove}),
          });
          return (await r.json()).url;
        }""",
        [team, auto_approve],
    )


def api(page: Page, method: str, path: str, body: dict | None = None):
    """Call the API as the page's signed-in user (with the CSRF token); returns [status, json]."""
    return page.evaluate(
        """async ([method, path, body]) => {
          const csrf = (await (await fetch('/api/v1/auth/csrf')).json()).csrf_token;
          const r = await fetch('/api/v1' + path, {
            method,
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
            body: body === null ? undefined : JSON.stringify(body),
          });
          const text = await r.text();
          return [r.status, text ? JSON.parse(text) : null];
        }""",
        [method, path, body],
    )


def no_horizontal_overflow(page: Page) -> bool:
    """Nothing sticks out sideways (a phone would have to scroll the whole page)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def unique_phone() -> str:
    return "139" + "".join(random.choices("0123456789", k=8))


def register_via_invite(page: Page, invite_url: str, name: str, password: str = "Xunfang-Anquan-2026") -> str:
    """Open the invite in `page` and register through the form; returns the new phone number."""
    phone = unique_phone()
    page.goto(invite_url)
    page.get_by_test_id("join-phone").fill(phone)
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-password").fill(password)
    page.get_by_test_id("join-submit").click()
    return phone


def wait_for_service_worker(page: Page) -> None:
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20_000
    )


def subscribe_via_api(page: Page, push_service):
    """Headless Chromium cannot subscribe to a real push service: register one of the test
    push service's subscriptions for the page's signed-in session, as the app would."""
    subscriber = push_service.subscribe()
    status, body = api(page, "POST", "/push/subscriptions", subscriber.info())
    assert status == 201, body
    return subscriber


def wait_for_push(push_service, subscriber, timeout: float = 20.0, count: int = 1, where=None) -> list[dict]:
    """The decrypted payloads the live server pushed to this subscription (once `count` arrived);
    with `where`, only those it accepts (the live consumer also sends the demo's shift reminders)."""
    deadline = time.monotonic() + timeout
    while True:
        messages = [m for m in push_service.messages_for(subscriber) if where is None or where(m)]
        if len(messages) >= count:
            return messages
        assert time.monotonic() < deadline, f"no push arrived (rejected: {push_service.rejected})"
        time.sleep(0.2)


class ServiceWorkerProtocol:
    """The DevTools protocol's ServiceWorker domain for a browser context: deliver a push message
    and fire a Background Sync event, as the browser would."""

    def __init__(self, page: Page, origin: str):
        self.page = page
        self.origin = origin
        self.registrations: dict[str, str] = {}
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.on("ServiceWorker.workerRegistrationUpdated", self._registrations)
        self.cdp.send("ServiceWorker.enable")

    def _registrations(self, event: dict) -> None:
        for registration in event["registrations"]:
            if not registration.get("isDeleted"):
                self.registrations[registration["scopeURL"]] = registration["registrationId"]

    def registration_id(self) -> str:
        scope = self.origin.rstrip("/") + "/"
        for _ in range(100):
            if scope in self.registrations:
                return self.registrations[scope]
            self.page.wait_for_timeout(100)
        raise AssertionError(f"no service worker registered for {scope}: {self.registrations}")

    def deliver_push(self, payload: dict) -> None:
        self.cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": self.origin, "registrationId": self.registration_id(), "data": json.dumps(payload)},
        )

    def dispatch_sync(self, tag: str, last_chance: bool = False) -> None:
        self.cdp.send(
            "ServiceWorker.dispatchSyncEvent",
            {"origin": self.origin, "registrationId": self.registration_id(), "tag": tag, "lastChance": last_chance},
        )


SHOWN_NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.getNotifications()).map((n) => ({
    title: n.title, body: n.body, tag: n.tag, requireInteraction: n.requireInteraction,
    actions: (n.actions || []).map((a) => [a.action, a.title]), vibrate: Array.from(n.vibrate || []), lang: n.lang,
  }));
}"""


def shown_notifications(page: Page, count: int = 0, timeout: float = 10.0) -> list[dict]:
    """What the page's service worker has on screen (registration.getNotifications()), once
    there are at least `count` (showing one is asynchronous)."""
    deadline = time.monotonic() + timeout
    while True:
        shown = page.evaluate(SHOWN_NOTIFICATIONS)
        if len(shown) >= count or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(100)
