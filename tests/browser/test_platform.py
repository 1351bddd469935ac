"""The shell around every screen: the recoverable error screen, titles and names, tap targets,
offline screens, "add to home screen", the activity log, and every screen at 390 and 360 px."""

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    DEMO_TEAM,
    PHONES,
    VIEWPORT,
    api,
    create_invite_via_api,
    latin_words,
    no_horizontal_overflow,
)

pytestmark = pytest.mark.browser

DEMO_ALERT = "演示：3号门附近发现可疑人员"  # app/alerts/demo.py

ANDROID = "Mozilla/5.0 (Linux; Android 12; M2004J19C) AppleWebKit/537.36 (KHTML, like Gecko) "
ANDROID_CHROME = ANDROID + "Chrome/120.0.0.0 Mobile Safari/537.36"
WECHAT = (
    ANDROID + "Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230202 "
    "MicroMessenger/8.0.33.2320(0x28002151) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN"
)


def wait_for_service_worker(page: Page) -> None:
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20_000
    )


@pytest.mark.parametrize(
    ("locale", "title", "retry"), [("zh-CN", "页面出错了", "再试一次"), ("en", "Something went wrong", "Try again")]
)
def test_a_render_error_shows_a_screen_to_recover_from(new_context, sign_in, shot, locale, title, retry):
    page = new_context(locale).new_page()
    sign_in(page, PHONES["member"])

    # A server answer the screen cannot draw (teams missing) makes the home screen throw.
    def broken_me(route):
        me = route.fetch().json()
        route.fulfill(status=200, content_type="application/json", body=json.dumps({**me, "teams": None}))

    page.route("**/api/v1/me", broken_me)
    page.reload()
    crash = page.get_by_test_id("crash-page")
    expect(crash).to_be_visible()
    expect(crash.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_test_id("crash-retry")).to_have_text(retry)
    expect(page.get_by_role("banner")).to_be_visible()  # the header still works: not a blank page
    shot(page, "01-crash")

    page.unroute("**/api/v1/me")
    page.get_by_test_id("crash-reload").click()
    expect(page.get_by_test_id("home-teams")).to_contain_text(DEMO_TEAM)


def test_titles_names_and_tap_targets(new_context, sign_in, shot):
    page = new_context("zh-CN").new_page()
    sign_in(page, PHONES["coordinator"])
    expect(page).to_have_title("王协调，您好 · 平安巡防")
    # The logo link is named by what it shows (axe: label-content-name-mismatch).
    brand = page.locator("header a.brand")
    assert brand.evaluate("(a) => a.textContent.trim()").startswith("平安巡防")
    expect(brand).to_have_accessible_name("平安巡防 · 首页")

    for path, heading in [
        ("/invites", "邀请队员"),
        ("/approvals", "审核新队员"),
        ("/teams", "巡防队名册"),
        ("/settings", "设置"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page).to_have_title(f"{heading} · 平安巡防")

    # Phone numbers on a roster and badges are big enough for older eyes and fingers.
    team_id = next(t["id"] for t in api(page, "GET", "/teams?page_size=100")[1] if t["name"] == DEMO_TEAM)
    page.goto(f"/teams/{team_id}")
    tel = page.locator("a[href^='tel:']").first
    expect(tel).to_be_visible()
    assert tel.bounding_box()["height"] >= 44
    badge_sizes = page.locator(".badge").evaluate_all(
        "(els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert all(size >= 16 for size in badge_sizes)
    shot(page, "01-roster")


def test_join_page_link_is_a_full_size_target(new_context, sign_in):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    page = new_context("zh-CN").new_page()
    page.goto(create_invite_via_api(coordinator))
    link = page.get_by_test_id("join-have-account")
    expect(link).to_be_visible()
    assert link.bounding_box()["height"] >= 44


@pytest.mark.parametrize(("locale", "title"), [("zh-CN", "没有权限"), ("en", "No access")])
def test_a_screen_without_permission_says_so(new_context, sign_in, shot, locale, title):
    page = new_context(locale).new_page()
    sign_in(page, PHONES["member"])
    page.goto("/approvals")
    expect(page.get_by_test_id("forbidden-page").get_by_role("heading", level=1)).to_have_text(title)
    expect(page).to_have_title(title + (" · 平安巡防" if locale == "zh-CN" else " · Ping'an Patrol"))
    shot(page, "01-forbidden")


def test_offline_staff_screens_say_once_that_they_need_a_connection(new_context, sign_in, shot):
    context = new_context("zh-CN")
    page = context.new_page()
    sign_in(page, PHONES["coordinator"])
    wait_for_service_worker(page)
    team_id = next(t["id"] for t in api(page, "GET", "/teams?page_size=100")[1] if t["name"] == DEMO_TEAM)
    screens = ["/approvals", "/invites", f"/teams/{team_id}"]
    for path in screens:  # visited once online: their code is on the phone now
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()

    context.set_offline(True)
    for index, path in enumerate(screens):
        page.goto(path)
        expect(page.get_by_test_id("needs-connection-screen")).to_have_count(1)
        expect(page.get_by_test_id("needs-connection-screen")).to_contain_text("这个页面需要网络连接")
        expect(page.locator("[role='alert']")).to_have_count(0)
        # a roster (phone numbers) is never kept on the phone
        expect(page.locator("a[href^='tel:']")).to_have_count(0)
        shot(page, f"0{index + 1}-offline")

    page.goto("/")
    expect(page.get_by_test_id("home-page")).to_contain_text("王协调")
    expect(page.get_by_test_id("home-last-known")).to_be_visible()
    context.set_offline(False)


def test_add_to_home_screen_uses_the_browser_prompt(browser, live_server, shot):
    context = browser.new_context(
        viewport=VIEWPORT,
        locale="zh-CN",
        base_url=live_server,
        user_agent=ANDROID_CHROME,
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = context.new_page()
        page.goto("/login")
        # Chrome's install event, with a prompt that records being asked
        page.evaluate(
            """() => {
              const event = new Event('beforeinstallprompt');
              event.prompt = async () => { window.__prompted = true; };
              event.userChoice = Promise.resolve({ outcome: 'accepted' });
              window.dispatchEvent(event);
            }"""
        )
        page.get_by_test_id("login-phone").fill(PHONES["officer"])
        page.get_by_test_id("login-password").fill("demo-pass-2026")
        page.get_by_test_id("login-submit").click()
        card = page.get_by_test_id("install-card")
        expect(card).to_be_visible()
        expect(card).to_have_attribute("data-advice", "prompt")
        shot(page, "01-offer")
        page.get_by_test_id("install-button").click()
        expect(card).to_have_count(0)
        assert page.evaluate("window.__prompted") is True
        page.reload()
        expect(page.get_by_test_id("home-page")).to_be_visible()
        expect(page.get_by_test_id("install-card")).to_have_count(0)  # offered once
    finally:
        context.close()


@pytest.mark.parametrize(("locale", "hint"), [("zh-CN", "在浏览器中打开"), ("en", "Open in browser")])
def test_add_to_home_screen_inside_wechat_says_open_in_the_browser(browser, live_server, shot, locale, hint):
    context = browser.new_context(
        viewport=VIEWPORT, locale=locale, base_url=live_server, user_agent=WECHAT, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_test_id("login-phone").fill(PHONES["member"])
        page.get_by_test_id("login-password").fill("demo-pass-2026")
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("install-steps")).to_contain_text(hint)
        assert no_horizontal_overflow(page)
        shot(page, "01-wechat")
        page.get_by_test_id("install-later").click()
        expect(page.get_by_test_id("install-card")).to_have_count(0)
    finally:
        context.close()


def test_no_install_offer_on_a_desktop(new_context, sign_in):
    page = new_context("zh-CN").new_page()
    sign_in(page, PHONES["officer"])
    expect(page.get_by_test_id("tile-settings")).to_be_visible()
    expect(page.get_by_test_id("install-card")).to_have_count(0)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_activity_log_filters_by_action(new_context, sign_in, shot, locale):
    page = new_context(locale).new_page()
    sign_in(page, PHONES["officer"])
    page.get_by_test_id("tile-audit").click()
    rows = page.locator("[data-testid^='audit-'][data-action]")
    expect(rows.first).to_be_visible()
    page.get_by_test_id("audit-filters").click()
    page.get_by_test_id("audit-action").select_option("sign_in")
    page.get_by_test_id("audit-apply").click()
    expect(page.locator("[data-testid^='audit-'][data-action]:not([data-action='sign_in'])")).to_have_count(0)
    expect(rows.first).to_contain_text("登录" if locale == "zh-CN" else "Signed in")
    if locale == "zh-CN":
        assert latin_words(page) == []
    shot(page, "01-sign-ins")


# Every screen, as the role that sees it, in both languages, at a common phone width and a
# narrow one: nothing sticks out sideways, and a Chinese screen has no English in it.
TOUR = [
    ("member", ["/", "/settings", "/notifications", "/alerts/{alert}", "/outbox"]),
    ("coordinator", ["/", "/invites", "/approvals", "/teams", "/teams/{team}", "/alerts/new", "/alerts/sent"]),
    ("officer", ["/audit", "/alerts/{alert}/answers"]),
    ("admin", ["/admin/units", "/admin/teams", "/admin/areas"]),
]


@pytest.mark.parametrize("width", [390, 360])
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_screen_fits_the_phone(browser, live_server, sign_in, shot, locale, width):
    context = browser.new_context(viewport={"width": width, "height": 780}, locale=locale, base_url=live_server)
    try:
        page = context.new_page()
        page.goto("/login")
        assert no_horizontal_overflow(page), "/login"
        shot(page, "login")
        for role, paths in TOUR:
            sign_in(page, PHONES[role])
            team = next(t["id"] for t in api(page, "GET", "/teams?page_size=100")[1] if t["name"] == DEMO_TEAM)
            alert = next((a["id"] for a in api(page, "GET", "/alerts?page_size=100")[1] if a["title"] == DEMO_ALERT), 0)
            for path in paths:
                page.goto(path.format(team=team, alert=alert))
                expect(page.get_by_role("heading", level=1)).to_be_visible()
                page.wait_for_load_state("networkidle")
                assert no_horizontal_overflow(page), f"{role} {path} overflows at {width}px"
                if locale == "zh-CN" and role != "officer":
                    assert latin_words(page) == [], f"{role} {path}: {latin_words(page)}"
                shot(page, f"{role}{path.replace('/', '-').replace('{team}', 'roster').replace('{alert}', 'alert')}")
            api(page, "POST", "/auth/logout")
            context.clear_cookies()
    finally:
        context.close()
