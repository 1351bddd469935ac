"""The PWA in real Chromium: journey 1 (join), language, offline start, installability, bad input."""

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_TEAM,
    DEMO_UNIT,
    PHONES,
    VIEWPORT,
    create_invite_via_api,
    latin_words,
    register_via_invite,
    unique_phone,
)

pytestmark = pytest.mark.browser


def wait_for_service_worker(page: Page) -> None:
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20_000
    )


def test_join_journey_in_chinese(new_context, sign_in, shot):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    expect(coordinator.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(coordinator.get_by_test_id("tile-invites")).to_have_text("邀请队员")
    shot(coordinator, "01-coordinator-home")

    coordinator.get_by_test_id("tile-invites").click()
    coordinator.get_by_test_id("invite-team").select_option(label=DEMO_TEAM)
    coordinator.get_by_test_id("invite-create").click()
    link = coordinator.get_by_test_id("invite-link")
    expect(link).to_contain_text("/join/")
    invite_url = link.inner_text().strip()
    qr = coordinator.get_by_test_id("invite-qr")
    expect(qr).to_be_visible()
    coordinator.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    assert latin_words(coordinator) == []
    shot(coordinator, "02-invite-created", full_page=True)

    member = new_context("zh-CN").new_page()
    member.goto(invite_url)
    expect(member.get_by_test_id("invite-headline")).to_have_text(f"王协调 邀请您加入「{DEMO_TEAM}」")
    assert latin_words(member) == []
    shot(member, "03-join-form")

    phone = unique_phone()
    name = f"测试队员{phone[-4:]}"
    member.get_by_test_id("join-phone").fill(phone)
    member.get_by_test_id("join-name").fill(name)
    member.get_by_test_id("join-password").fill("Xunfang-Anquan-2026")
    member.get_by_test_id("join-submit").click()
    pending = member.get_by_test_id("pending-page")
    expect(pending).to_contain_text("等待审核")
    expect(member.get_by_test_id("pending-team")).to_contain_text(DEMO_TEAM)
    assert latin_words(member) == []
    shot(member, "04-pending")

    coordinator.goto("/approvals")
    row = coordinator.locator("[data-testid^='pending-']").filter(has_text=name)
    expect(row).to_have_count(1)
    assert latin_words(coordinator) == []
    shot(coordinator, "05-approvals", full_page=True)
    row.locator("[data-testid^='approve-']").click()
    expect(coordinator.get_by_test_id("approval-notice")).to_contain_text(f"已通过：{name}")
    expect(row).to_have_count(0)
    shot(coordinator, "06-approved")

    member.get_by_test_id("pending-refresh").click()
    home = member.get_by_test_id("home-page")
    expect(home).to_contain_text(f"{name}，您好")
    expect(member.get_by_test_id("home-teams")).to_contain_text(DEMO_TEAM)
    assert latin_words(member) == []
    shot(member, "07-member-home", full_page=True)


def test_english_choice_survives_reload(new_context, sign_in, shot):
    # A member of their own: the demo member's language stays Chinese for the other tests (and
    # for the reminders the live consumer writes in it meanwhile).
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    invite = create_invite_via_api(coordinator, auto_approve=True)
    page = new_context("zh-CN").new_page()
    register_via_invite(page, invite, "林语言")
    expect(page.get_by_test_id("home-page")).to_be_visible()
    page.get_by_test_id("nav-settings").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("设置")
    shot(page, "01-settings-zh")

    page.get_by_test_id("lang-en").click()
    expect(heading).to_have_text("Settings")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("settings-password-submit")).to_have_text("Change password")
    expect(page.get_by_test_id("lang-en")).to_have_attribute("aria-pressed", "true")
    shot(page, "02-settings-en")

    page.reload()
    expect(heading).to_have_text("Settings")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/")
    expect(page.get_by_test_id("tile-settings")).to_have_text("Settings")
    expect(heading).to_contain_text("Hello,")
    shot(page, "03-home-en", full_page=True)
    # The account remembers it too (for server-sent texts later).
    assert page.evaluate("fetch('/api/v1/me').then((r) => r.json()).then((me) => me.locale)") == "en"


def test_offline_start_shows_shell_banner_and_last_user(new_context, sign_in, shot):
    context = new_context("zh-CN")
    page = context.new_page()
    sign_in(page, PHONES["member"])
    wait_for_service_worker(page)
    expect(page.get_by_test_id("offline-banner")).to_have_count(0)

    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    expect(page.get_by_test_id("home-page")).to_contain_text("张建国")
    expect(page.get_by_test_id("home-teams")).to_contain_text(DEMO_TEAM)
    shot(page, "01-offline-home")

    # Client routing still works; actions that need the server say so and are disabled.
    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("settings-password-submit")).to_be_disabled()
    expect(page.get_by_test_id("needs-connection")).to_contain_text("需要网络连接")
    shot(page, "02-offline-settings")

    context.set_offline(False)
    page.get_by_test_id("lang-zh").click()  # any request; the banner also clears on the online event
    expect(page.get_by_test_id("offline-banner")).to_have_count(0)
    expect(page.get_by_test_id("settings-password-submit")).to_be_enabled()


def test_chromium_reports_the_app_installable(pw, live_server, tmp_path, shot):
    context = pw.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,
        locale="zh-CN",
        base_url=live_server,
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/login")
        wait_for_service_worker(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == []
        assert manifest["url"].endswith("/manifest.webmanifest")
        icons = page.evaluate(
            """async () => {
              const m = await (await fetch('/manifest.webmanifest')).json();
              const out = [];
              for (const icon of m.icons) {
                const r = await fetch(icon.src);
                out.push([icon.purpose, icon.sizes, r.status, r.headers.get('content-type')]);
              }
              return {name: m.name, short_name: m.short_name, display: m.display, icons: out};
            }"""
        )
        assert icons["short_name"] == "平安巡防"
        assert icons["display"] == "standalone"
        assert [i[2:] for i in icons["icons"]] == [[200, "image/png"]] * 3
        assert {i[0] for i in icons["icons"]} == {"any", "maskable"}
        shot(page, "01-login")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("locale", "common", "short", "summary"),
    [
        ("zh-CN", "这个密码太常见", "密码至少需要 8 位", "填写的内容有误"),
        ("en", "This password is too common", "at least 8 characters", "Some entries are not valid"),
    ],
    ids=["zh-CN", "en"],
)
def test_weak_password_shows_translated_error(new_context, sign_in, shot, locale, common, short, summary):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    invite_url = create_invite_via_api(coordinator)

    page = new_context(locale).new_page()
    page.goto(invite_url)
    page.get_by_test_id("join-phone").fill(unique_phone())
    page.get_by_test_id("join-name").fill("弱密码测试")

    page.get_by_test_id("join-password").fill("12345678")  # long enough, but the server rejects it
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("join-password-error")).to_contain_text(common)
    expect(page.get_by_test_id("form-error")).to_contain_text(summary)
    expect(page.get_by_test_id("join-password")).to_have_attribute("aria-invalid", "true")
    if locale == "zh-CN":
        assert latin_words(page) == []
    shot(page, "01-common")

    page.get_by_test_id("join-password").fill("abc")  # checked before sending
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("join-password-error")).to_contain_text(short)
    shot(page, "02-short")
    expect(page.get_by_test_id("join-page")).to_be_visible()


def test_admin_area_geometry_errors_are_translated(new_context, sign_in, shot):
    page = new_context("zh-CN").new_page()
    sign_in(page, PHONES["admin"])
    page.get_by_test_id("tile-areas").click()
    page.get_by_test_id("area-new").click()
    page.get_by_test_id("area-name-new").fill("测试巡逻区")
    page.get_by_test_id("area-unit").select_option(label=f"{DEMO_UNIT}（社区）")
    page.get_by_test_id("area-editor-new-paste").click()
    geojson = page.get_by_test_id("area-editor-new-geojson")
    apply = page.get_by_test_id("area-editor-new-apply")

    geojson.fill("{not json")
    apply.click()
    expect(page.get_by_test_id("area-editor-new-geojson-error")).to_have_text("不是有效的 JSON，请检查括号和引号。")

    bow_tie = [[116.45, 39.93], [116.46, 39.94], [116.46, 39.93], [116.45, 39.94], [116.45, 39.93]]
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [bow_tie]}}
    geojson.fill(json.dumps(feature))
    apply.click()
    page.get_by_test_id("area-save-new").click()
    # the server's code is translated; only the coordinates it names are shown as they are
    expect(page.get_by_test_id("area-editor-new-error")).to_contain_text("边界线自相交，位置：116.455 39.935")
    shot(page, "01-self-intersection", full_page=True)

    square = [[116.45, 39.93], [116.46, 39.93], [116.46, 39.94], [116.45, 39.94], [116.45, 39.93]]
    geojson.fill(json.dumps({"type": "Polygon", "coordinates": [square]}))
    apply.click()
    expect(page.get_by_test_id("area-editor-new-summary")).to_contain_text("1 个区域，共 4 个点")
    page.get_by_test_id("area-save-new").click()
    expect(page.get_by_test_id("notice")).to_have_text("已创建：测试巡逻区")
    expect(page.locator("[data-testid^='area-']").filter(has_text="测试巡逻区")).not_to_have_count(0)
    shot(page, "02-created")
