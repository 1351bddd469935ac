"""Constants and page helpers shared by the browser tests."""

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
# in the UI language: elements marked with another lang (the language switch),
# links/tokens and phone numbers.
_VISIBLE_TEXT = """() => {
  const root = document.body.cloneNode(true);
  const other = '[lang]:not([lang="' + document.documentElement.lang + '"])';
  root.querySelectorAll(other + ', .link-text, a[href^="tel:"], noscript, script, style').forEach((el) => el.remove());
  return root.textContent;
}"""


def latin_words(page: Page) -> list[str]:
    """Latin-script words on a zh-CN screen: there should be none (no mixed languages)."""
    return re.findall(r"[A-Za-z]{3,}", page.evaluate(_VISIBLE_TEXT))


def create_invite_via_api(page: Page, auto_approve: bool = False) -> str:
    """As the signed-in coordinator, create an invite for the demo team; returns its link."""
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
        [DEMO_TEAM, auto_approve],
    )
