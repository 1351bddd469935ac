"""Constants and page helpers shared by the browser tests."""

import random
import re

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
