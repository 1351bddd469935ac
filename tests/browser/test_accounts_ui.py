"""Journey 1 as a new user tries it: signing out and in, waiting for approval, joining a second team,
sharing the invite QR, forgotten passwords, devices, and what a shared phone forgets at sign-out."""

import re
import struct
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    DEMO_TEAM,
    PASSWORD,
    PHONES,
    api,
    create_invite_via_api,
    latin_words,
    register_via_invite,
)

pytestmark = pytest.mark.browser

SECOND_TEAM = "北三里社区志愿者队"


def test_sign_out_then_sign_in_lands_on_home_and_forgets_the_user(new_context, sign_in, shot):
    page = new_context("zh-CN").new_page()
    sign_in(page, PHONES["member"])
    # Data a later feature keeps for the user (a database, cached photos) must go at sign-out too.
    page.evaluate(
        """async () => {
          await new Promise((resolve) => {
            const request = indexedDB.open('pingan-drafts');
            request.onsuccess = () => { request.result.close(); resolve(); };
          });
          await (await caches.open('pingan-photos')).put('/photo/1', new Response('x'));
        }"""
    )
    page.get_by_test_id("nav-settings").click()
    page.get_by_test_id("settings-logout").click()
    expect(page.get_by_test_id("login-page")).to_be_visible()
    assert page.url.endswith("/login"), page.url  # no ?next=/settings
    kept = page.evaluate(
        """async () => ({
          keys: Object.keys(localStorage).filter((k) => k.startsWith('pingan.user.')),
          caches: (await caches.keys()).filter((name) => !name.startsWith('workbox-precache')),
          // The outbox's database stays: it keeps entries per user, and the leaving user's are
          // dropped (test_alerts_ui.py test_signing_out_warns_and_drops_unsent_answers).
          databases: (await indexedDB.databases()).map((d) => d.name).filter((name) => name !== 'pingan-outbox'),
        })"""
    )
    assert kept == {"keys": [], "caches": [], "databases": []}

    page.get_by_test_id("login-phone").fill(PHONES["member"])
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("home-page")).to_be_visible()
    assert page.url.rstrip("/").endswith(page.url.split("/")[2])  # home, not settings
    shot(page, "01-home-again")


@pytest.mark.parametrize(("locale", "text"), [("zh-CN", "请联系您的协调员"), ("en", "Ask your coordinator")])
def test_sign_in_says_who_resets_a_forgotten_password(new_context, shot, locale, text):
    page = new_context(locale).new_page()
    page.goto("/login")
    expect(page.get_by_test_id("login-forgot")).to_contain_text(text)
    expect(page).to_have_title("登录 · 平安巡防" if locale == "zh-CN" else "Sign in · Ping'an Patrol")
    if locale == "zh-CN":
        assert latin_words(page) == []
    shot(page, "01-login")


def test_waiting_applicant_is_counted_and_let_in_without_tapping(new_context, sign_in, shot):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    invite_url = create_invite_via_api(coordinator)

    applicant = new_context("zh-CN").new_page()
    register_via_invite(applicant, invite_url, "等待者")
    expect(applicant.get_by_test_id("pending-page")).to_be_visible()
    expect(applicant).to_have_title("等待审核 · 平安巡防")
    shot(applicant, "01-pending")

    coordinator.goto("/")
    count = coordinator.get_by_test_id("pending-count")
    expect(count).to_contain_text(re.compile(r"\d+ 人等待审核"))
    shot(coordinator, "02-coordinator-home-count")
    count.click()
    row = coordinator.locator("[data-testid^='pending-']").filter(has_text="等待者")
    row.first.locator("[data-testid^='approve-']").click()
    expect(coordinator.get_by_test_id("approval-notice")).to_contain_text("已通过：等待者")

    # The applicant's screen asks again by itself (every 15 s) and opens home.
    expect(applicant.get_by_test_id("home-page")).to_be_visible(timeout=25_000)
    expect(applicant.get_by_test_id("home-teams")).to_contain_text(DEMO_TEAM)


def test_pending_count_in_english_uses_the_plural(new_context, sign_in, shot):
    coordinator = new_context("en").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    applicant = new_context("en").new_page()
    register_via_invite(applicant, create_invite_via_api(coordinator), "英文界面的申请人")
    expect(applicant.get_by_test_id("pending-page")).to_be_visible()
    coordinator.goto("/")
    expect(coordinator.get_by_test_id("pending-count")).to_contain_text(
        re.compile(r"^\d+ (person is|people are) waiting for approval")
    )
    text = coordinator.get_by_test_id("pending-count").inner_text()
    assert "1 people" not in text and not re.search(r"\b([2-9]|\d\d+) person is", text)
    shot(coordinator, "01-count")


def test_rejected_applicant_learns_it(new_context, sign_in, shot):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    applicant = new_context("zh-CN").new_page()
    phone = register_via_invite(applicant, create_invite_via_api(coordinator), "被拒者")
    expect(applicant.get_by_test_id("pending-page")).to_be_visible()
    status, users = api(coordinator, "GET", "/users?status=pending&page_size=100")
    user_id = next(u["id"] for u in users if u["phone"].endswith(phone))
    assert api(coordinator, "POST", f"/users/{user_id}/reject")[0] == 200

    applicant.get_by_test_id("pending-refresh").click()
    expect(applicant.get_by_test_id("login-page")).to_be_visible()
    applicant.get_by_test_id("login-phone").fill(phone)
    applicant.get_by_test_id("login-password").fill("Xunfang-Anquan-2026")
    applicant.get_by_test_id("login-submit").click()
    expect(applicant.get_by_test_id("form-error")).to_have_text("您的注册申请未获通过。")
    shot(applicant, "01-told")


def test_member_joins_a_second_team_with_their_account(new_context, sign_in, shot):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    invite_url = create_invite_via_api(coordinator, team=SECOND_TEAM)

    member = new_context("zh-CN").new_page()
    sign_in(member, PHONES["member"])
    member.goto(invite_url)
    expect(member.get_by_test_id("invite-headline")).to_have_text(f"王协调 邀请您加入「{SECOND_TEAM}」")
    shot(member, "01-join-signed-in")
    member.get_by_test_id("join-accept").click()
    outcome = member.get_by_test_id("join-outcome")
    expect(outcome).to_contain_text(f"已提交加入「{SECOND_TEAM}」的申请")
    shot(member, "02-requested")

    coordinator.goto("/approvals")
    request = coordinator.locator("[data-testid^='request-']").filter(has_text="张建国")
    expect(request.first).to_contain_text(SECOND_TEAM)
    assert latin_words(coordinator) == []
    shot(coordinator, "03-approvals-with-request", full_page=True)
    request.first.locator("[data-testid^='approve-request-']").click()
    expect(coordinator.get_by_test_id("approval-notice")).to_contain_text("已通过：张建国")

    member.goto("/")
    expect(member.get_by_test_id("home-teams")).to_contain_text(SECOND_TEAM)
    member.goto(invite_url)
    member.get_by_test_id("join-accept").click()
    expect(member.get_by_test_id("join-outcome")).to_contain_text(f"您已经是「{SECOND_TEAM}」的队员了")


def test_invite_qr_code_saves_as_a_picture(new_context, sign_in, shot):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    coordinator.get_by_test_id("tile-invites").click()
    coordinator.get_by_test_id("invite-team").select_option(label=DEMO_TEAM)
    coordinator.get_by_test_id("invite-create").click()
    expect(coordinator.get_by_test_id("invite-qr")).to_be_visible()
    with coordinator.expect_download() as download:
        coordinator.get_by_test_id("invite-save-qr").click()
    picture = download.value
    assert picture.suggested_filename == f"平安巡防邀请-{DEMO_TEAM}.png"
    data = Path(picture.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 600 and height > width  # the code with the team's name under it
    expect(coordinator.get_by_test_id("invite-qr-saved")).to_contain_text("可以发到微信群里")
    shot(coordinator, "01-saved", full_page=True)


def test_settings_lists_devices_and_signs_out_the_others(new_context, sign_in, shot):
    phone = new_context("zh-CN").new_page()
    sign_in(phone, PHONES["officer"])
    other = new_context("zh-CN").new_page()
    sign_in(other, PHONES["officer"])

    phone.goto("/settings")
    devices = phone.get_by_test_id("devices")
    expect(devices.locator("[data-testid^='device-']").nth(1)).to_be_visible()
    expect(devices).to_contain_text("本机")
    shot(phone, "01-devices", full_page=True)
    end_others = phone.get_by_test_id("end-other-devices")
    if end_others.count():
        end_others.click()
        phone.get_by_test_id("end-other-devices-confirm").click()
    else:
        phone.locator("[data-testid^='end-device-']").first.click()
        phone.locator("[data-testid$='-confirm']").first.click()
    expect(phone.get_by_test_id("devices-notice")).to_be_visible()
    expect(devices.locator("[data-testid^='device-']")).to_have_count(1)

    # The other phone finds out at its next request, and says so.
    other.get_by_test_id("nav-settings").click()
    other.reload()
    expect(other.get_by_test_id("login-page")).to_be_visible()
    expect(other.get_by_test_id("signed-out-notice")).to_have_text("您已退出登录，请重新登录。")
