"""Journey 5 in real Chromium: an officer sends an urgent alert, a member's phone shows it
through Web Push, the member answers offline, the outbox sends it exactly once, and the
officer's tally shows it. Also the bell, the inbox, refusals, push settings and English."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.browser.support import (
    PHONES,
    ServiceWorkerProtocol,
    api,
    latin_words,
    shown_notifications,
    subscribe_via_api,
    wait_for_push,
    wait_for_service_worker,
)

pytestmark = pytest.mark.browser

STREET = "三里屯街道"


def photo_png() -> bytes:
    """A photo as a phone would take it, larger than the server keeps (it is made smaller first)."""
    image = Image.new("RGB", (2400, 1800), (70, 90, 120))
    ImageDraw.Draw(image).ellipse((900, 500, 1500, 1300), fill=(200, 160, 120))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def compose_alert(page: Page, title: str, body: str, severity: str = "urgent") -> None:
    """On the compose screen: severity, words, and the default audience (the sender's top unit)."""
    page.get_by_test_id(f"severity-{severity}").click()
    page.get_by_test_id("compose-title").fill(title)
    page.get_by_test_id("compose-body").fill(body)


def tally(page: Page, alert_id: int) -> dict:
    status, body = api(page, "GET", f"/alerts/{alert_id}/tally")
    assert status == 200, body
    return body


def test_urgent_alert_reaches_a_member_who_answers_offline_exactly_once(
    new_context, sign_in, shot, live_server, live_push
):
    member_context = new_context("zh-CN")
    member_context.grant_permissions(["notifications"])
    member = member_context.new_page()
    sign_in(member, PHONES["member"])
    wait_for_service_worker(member)
    subscriber = subscribe_via_api(member, live_push)

    # The officer writes an urgent alert to the whole street and sees whom it reaches.
    officer = new_context("zh-CN").new_page()
    sign_in(officer, PHONES["officer"])
    officer.get_by_test_id("tile-send-alert").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("发布预警")
    compose_alert(officer, "3号门附近有可疑人员", "身穿灰色外套，约四十岁。看到请回复，并联系社区民警。")
    officer.get_by_test_id("compose-photo-input").set_input_files(
        files=[{"name": "suspect.png", "mimeType": "image/png", "buffer": photo_png()}]
    )
    expect(officer.get_by_test_id("compose-photo-preview")).to_be_visible()
    officer.get_by_test_id("place-point").click()
    officer.get_by_test_id("compose-point").locator(".map").click()  # the map's centre, no tiles needed
    expect(officer.get_by_test_id("compose-point-value")).to_contain_text("经度")
    officer.get_by_test_id("compose-point-radius").fill("500")
    expect(officer.get_by_test_id("audience-unit")).to_have_value(
        str(next(u["id"] for u in api(officer, "GET", "/units?page_size=100")[1] if u["name"] == STREET))
    )
    expect(officer.get_by_test_id("preview-count")).to_contain_text("将通知")
    expect(officer.get_by_test_id("preview-push")).to_contain_text("其中 1 人")
    assert latin_words(officer) == []
    shot(officer, "01-compose", full_page=True)
    officer.get_by_test_id("compose-send").click()
    expect(officer.get_by_test_id("compose-confirm")).to_contain_text("紧急")
    shot(officer, "02-confirm")
    officer.get_by_test_id("compose-confirm-send").click()
    expect(officer.get_by_test_id("answers-page")).to_be_visible()
    alert_id = int(officer.url.rstrip("/").split("/")[-2])
    expect(officer.get_by_test_id("tally-on_my_way")).to_contain_text("0")
    # The photo follows through the outbox and shows once it is there.
    expect(officer.get_by_test_id("alert-photo").locator("img")).to_be_visible(timeout=15_000)
    assert officer.get_by_test_id("alert-photo").locator("img").evaluate("(img) => img.naturalWidth") > 0

    # The live server pushed it (VAPID checked, payload decrypted by the test push service) ...
    [payload] = wait_for_push(live_push, subscriber, where=lambda message: message.get("alert_id") == alert_id)
    assert payload["severity"] == "urgent" and payload["severity_label"] == "紧急"
    assert [a["action"] for a in payload["actions"]] == ["on_my_way", "cannot_come"]
    # ... and the member's service worker shows it, urgent: it stays until answered, with two buttons.
    ServiceWorkerProtocol(member, live_server).deliver_push(payload)
    [shown] = shown_notifications(member, count=1)
    assert shown["title"] == "【紧急】3号门附近有可疑人员"
    assert shown["body"].startswith("身穿灰色外套")
    assert shown["requireInteraction"] is True
    assert shown["actions"] == [["on_my_way", "我在路上"], ["cannot_come", "去不了"]]
    assert shown["tag"] == f"alert-{alert_id}"
    # the bell asks at once (the service worker tells the page)
    expect(member.get_by_test_id("bell-count")).not_to_have_text("")

    # The member opens it (recorded as seen) and, without signal, answers "on my way".
    member.goto(payload["url"])
    expect(member.get_by_test_id("severity-banner")).to_have_attribute("data-severity", "urgent")
    expect(member.get_by_role("heading", level=1)).to_have_text("3号门附近有可疑人员")
    expect(member.get_by_test_id("answer-on-my-way")).to_be_visible()
    expect(member.get_by_test_id("alert-place")).to_contain_text("周围 500 米")
    expect(member.get_by_test_id("alert-photo").locator("img")).to_be_visible()
    expect(member.get_by_test_id("alert-map").locator("path.leaflet-interactive, path")).not_to_have_count(0)
    assert latin_words(member) == []
    shot(member, "03-alert", full_page=True)
    # No signal: the page is offline, and so are its service worker's own requests (which
    # Playwright's set_offline does not cut, and which Background Sync would make at once).
    member_context.set_offline(True)
    member_context.route("**/api/v1/**", lambda route: route.abort("internetdisconnected"))
    member.get_by_test_id("answer-on-my-way").click()
    expect(member.get_by_test_id("outbox-count")).to_have_text("1")
    expect(member.get_by_test_id("answer-queued")).to_contain_text("有网络时会自动发出")
    expect(member.get_by_test_id("answer-on-my-way")).to_have_attribute("aria-pressed", "true")
    shot(member, "04-answered-offline")
    assert tally(officer, alert_id)["answers"]["on_my_way"] == 0

    # The phone is put away (no page left to replay); the signal returns and the browser fires
    # Background Sync, here through the protocol: the service worker sends the answer.
    member.close()
    member_context.unroute("**/api/v1/**")
    member_context.set_offline(False)
    woken = member_context.new_page()
    woken.goto("about:blank")
    ServiceWorkerProtocol(woken, live_server).dispatch_sync("pingan-outbox")
    expect(officer.get_by_test_id("tally-on_my_way")).to_contain_text("1", timeout=15_000)
    answers = tally(officer, alert_id)["answers"]
    assert answers["on_my_way"] == 1
    shot(officer, "05-tally", full_page=True)

    # Back in the app: nothing waits, and the answer is the server's.
    member = member_context.new_page()
    member.goto(f"/alerts/{alert_id}")
    expect(member.get_by_test_id("answer-mine")).to_contain_text("我在路上")
    expect(member.get_by_test_id("outbox-bar")).to_have_count(0)
    assert tally(officer, alert_id)["answers"]["on_my_way"] == 1


def send_alert_via_api(page: Page, title: str, severity: str = "urgent") -> int:
    """As the signed-in officer: an alert to the whole street, without the compose screen."""
    street = next(u["id"] for u in api(page, "GET", "/units?page_size=100")[1] if u["name"] == STREET)
    status, body = api(
        page,
        "POST",
        "/alerts",
        {
            "severity": severity,
            "title": title,
            "body": "测试预警正文。",
            "audience": {"kind": "unit", "unit_id": street},
            "expires_at": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
        },
    )
    assert status == 201, body
    return body["id"]


def wait_until_delivered(page: Page, alert_id: int) -> None:
    """Recipients are written by a job: wait for it before a recipient opens the alert."""
    for _ in range(100):
        if tally(page, alert_id)["delivered"]:
            return
        page.wait_for_timeout(150)
    raise AssertionError("the alert was never delivered")


def wait_for_tally(page: Page, alert_id: int, answer: str, count: int) -> None:
    for _ in range(100):
        if tally(page, alert_id)["answers"][answer] == count:
            return
        page.wait_for_timeout(150)
    raise AssertionError(f"tally {answer} never reached {count}: {tally(page, alert_id)}")


def test_notification_buttons_answer_without_opening_the_app(new_context, sign_in, live_server, live_push):
    context = new_context("zh-CN")
    context.grant_permissions(["notifications"])
    member = context.new_page()
    sign_in(member, PHONES["member"])
    wait_for_service_worker(member)
    subscriber = subscribe_via_api(member, live_push)
    officer = new_context("zh-CN").new_page()
    sign_in(officer, PHONES["officer"])
    alert_id = send_alert_via_api(officer, "通知按钮测试")
    [payload] = wait_for_push(live_push, subscriber, where=lambda message: message.get("alert_id") == alert_id)
    protocol = ServiceWorkerProtocol(member, live_server)
    protocol.deliver_push(payload)
    assert len(shown_notifications(member, count=1)) == 1

    # "Can't come" on the notification: answered with the push's token, no window opened.
    [worker] = context.service_workers
    click = """async (action) => {
      const [notification] = await self.registration.getNotifications();
      self.dispatchEvent(new NotificationEvent('notificationclick', { notification, action }));
    }"""
    worker.evaluate(click, "cannot_come")
    wait_for_tally(officer, alert_id, "cannot_come", 1)
    assert len(context.pages) == 1
    assert shown_notifications(member) == []  # the button closed it

    # Tapping the notification itself opens the alert in the app that is already open.
    member.goto("/")
    protocol.deliver_push(payload)
    shown_notifications(member, count=1)
    worker.evaluate(click, "")
    expect(member).to_have_url(f"{live_server}/alerts/{alert_id}")
    expect(member.get_by_test_id("answer-cannot-come")).to_have_attribute("aria-pressed", "true")
    assert len(context.pages) == 1


@pytest.mark.parametrize(
    ("locale", "audience_refused", "reach"),
    [
        ("zh-CN", "您只能向自己协调的巡防队发送预警", "将通知"),
        ("en", "You may send alerts only to the teams you coordinate", "Will reach"),
    ],
    ids=["zh-CN", "en"],
)
def test_compose_says_what_the_server_refuses(new_context, sign_in, shot, locale, audience_refused, reach):
    page = new_context(locale).new_page()
    sign_in(page, PHONES["coordinator"])
    page.get_by_test_id("tile-send-alert").click()
    compose_alert(page, "巡逻注意事项", "今晚风大，请注意高空坠物。", severity="warning")
    # The whole community is not theirs to alert: the preview already says so, translated.
    expect(page.get_by_test_id("preview")).to_contain_text(audience_refused)
    expect(page.get_by_test_id("compose-send")).to_be_disabled()
    page.get_by_test_id("preview-to-teams").click()
    expect(page.get_by_test_id("audience-kind")).to_have_value("teams")
    page.locator("[data-testid^='audience-team-']").first.check()
    expect(page.get_by_test_id("preview-count")).to_contain_text(reach)
    # Urgent is for officers (capability send_urgent_alert): a coordinator is not offered it.
    expect(page.get_by_test_id("severity-warning")).to_be_visible()
    expect(page.get_by_test_id("severity-urgent")).to_have_count(0)
    expect(page.get_by_test_id("compose-send")).to_be_enabled()
    if locale == "zh-CN":
        assert latin_words(page) == []
    shot(page, "01-refused", full_page=True)


# Each in their own account: a notification is written in its recipient's language of the moment.
@pytest.mark.parametrize(("locale", "role"), [("zh-CN", "member"), ("en", "officer")])
def test_the_bell_counts_unread_and_the_inbox_reads_them(new_context, sign_in, shot, locale, role):
    page = new_context(locale).new_page()
    sign_in(page, PHONES[role])
    for _ in range(2):  # inbox rows even without push
        assert api(page, "POST", "/push/test")[0] == 201
    page.reload()
    unread = api(page, "GET", "/notifications/unread-count")[1]["unread"]
    assert unread >= 2, unread
    expect(page.get_by_test_id("bell-count")).to_have_text(str(unread))
    page.get_by_test_id("nav-bell").click()
    expect(page.get_by_test_id("inbox-page")).to_be_visible()
    tests = page.locator("[data-kind='test'][data-unread='true']")
    expect(tests).to_have_count(2)
    expect(tests.first).to_contain_text("测试通知" if locale == "zh-CN" else "Test notification")
    alert_row = page.locator("[data-kind='alert']").first  # the demo alert, or a later one
    expect(alert_row).to_be_visible()
    if locale == "zh-CN":
        assert latin_words(page) == []
    shot(page, "01-inbox", full_page=True)

    tests.first.locator("[data-testid^='inbox-read-']").click()
    expect(tests).to_have_count(1)
    expect(page.get_by_test_id("bell-count")).to_have_text(str(unread - 1))

    alert_row.click()
    expect(page.get_by_test_id("alert-page")).to_be_visible()
    expect(page.get_by_test_id("answer-card")).to_be_visible()
    page.go_back()
    page.get_by_test_id("inbox-show-unread").click()
    expect(page.locator("[data-unread='false']")).to_have_count(0)
    expect(tests).to_have_count(1)
    page.get_by_test_id("inbox-read-all").click()
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    expect(page.get_by_test_id("list-empty")).to_be_visible()
    shot(page, "02-all-read")


def test_an_answer_the_server_refuses_says_why(new_context, sign_in, shot):
    member = new_context("zh-CN").new_page()
    sign_in(member, PHONES["member"])
    officer = new_context("zh-CN").new_page()
    sign_in(officer, PHONES["officer"])
    alert_id = send_alert_via_api(officer, "即将取消的预警", severity="warning")
    wait_until_delivered(officer, alert_id)
    member.goto(f"/alerts/{alert_id}")
    expect(member.get_by_test_id("answer-on-my-way")).to_be_visible()
    # The officer changes it, then cancels it, from the answers screen.
    officer.goto(f"/alerts/{alert_id}/answers")
    officer.get_by_test_id("alert-edit").locator("summary").click()
    officer.get_by_test_id("edit-title").fill("即将取消的预警（已更新）")
    officer.get_by_test_id("edit-save").click()
    expect(officer.get_by_test_id("answers-notice")).to_contain_text("已修改，已通知所有人")
    expect(officer.get_by_test_id("answers-alert-title")).to_have_text("即将取消的预警（已更新）")
    officer.get_by_test_id("alert-cancel").click()
    officer.get_by_test_id("alert-cancel-confirm").click()
    expect(officer.get_by_test_id("answers-notice")).to_contain_text("预警已取消")
    expect(officer.get_by_test_id("alert-closed")).to_have_attribute("data-state", "cancelled")

    member.get_by_test_id("answer-on-my-way").click()
    expect(member.get_by_test_id("answer-failed")).to_contain_text("没有发出去：这条预警已取消或已过期")
    expect(member.get_by_test_id("outbox-bar")).to_contain_text("1 项没有发出去")
    shot(member, "01-refused")
    member.get_by_test_id("outbox-bar").click()
    entry = member.locator("[data-testid^='outbox-'][data-state='failed']")
    expect(entry).to_contain_text("即将取消的预警")
    expect(entry.get_by_test_id("outbox-failed")).to_contain_text("已取消或已过期")
    assert latin_words(member) == []
    shot(member, "02-outbox")
    entry.get_by_test_id("outbox-discard").click()
    entry.get_by_test_id("outbox-discard-confirm").click()
    expect(member.get_by_test_id("outbox-empty")).to_be_visible()
    expect(member.get_by_test_id("outbox-bar")).to_have_count(0)

    member.goto(f"/alerts/{alert_id}")
    expect(member.get_by_test_id("alert-closed")).to_contain_text("这条预警已经取消")
    expect(member.get_by_test_id("answer-on-my-way")).to_have_count(0)
    shot(member, "03-cancelled")


def test_signing_out_warns_and_drops_unsent_answers(new_context, sign_in, shot):
    page = new_context("zh-CN").new_page()
    sign_in(page, PHONES["member"])
    demo = next(a for a in api(page, "GET", "/alerts?page_size=100")[1] if a["title"].startswith("演示"))
    # The server is in trouble for answers: for the page and for its service worker (Background Sync).
    page.context.route("**/api/v1/alerts/*/answer", lambda route: route.fulfill(status=503, body="{}"))
    page.goto(f"/alerts/{demo['id']}")
    page.get_by_test_id("answer-cannot-come").click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")

    page.get_by_test_id("nav-settings").click()
    page.get_by_test_id("settings-logout").click()
    expect(page.get_by_test_id("settings-logout-unsent")).to_contain_text("还有 1 项没有发出去")
    shot(page, "01-warning")
    page.get_by_test_id("settings-logout-anyway").click()
    expect(page.get_by_test_id("login-page")).to_be_visible()
    page.context.unroute("**/api/v1/alerts/*/answer")

    sign_in(page, PHONES["member"])
    page.goto(f"/alerts/{demo['id']}")
    expect(page.get_by_test_id("answer-on-my-way")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("outbox-bar")).to_have_count(0)
    page.wait_for_timeout(500)
    assert api(page, "GET", f"/alerts/{demo['id']}")[1]["mine"]["answer"] == "on_my_way"


def test_push_in_settings_is_best_effort(new_context, sign_in, shot, live_server, live_push):
    context = new_context("zh-CN")
    context.grant_permissions(["notifications"])
    page = context.new_page()
    sign_in(page, PHONES["member"])
    wait_for_service_worker(page)
    page.get_by_test_id("nav-settings").click()
    panel = page.get_by_test_id("push-panel")
    expect(panel).to_have_attribute("data-on", "false")
    # Headless Chromium has Push but no push service, like a phone whose FCM is blocked.
    page.get_by_test_id("push-enable").click()
    expect(page.get_by_test_id("push-message")).to_contain_text("连不上推送服务")
    shot(page, "01-no-service", full_page=True)

    subscriber = subscribe_via_api(page, live_push)
    page.reload()
    expect(panel).to_have_attribute("data-on", "true")
    expect(page.get_by_test_id("push-on")).to_contain_text("已开启通知")
    this_phone = page.locator("[data-testid^='device-']").filter(has=page.locator(".badge-ok"))
    expect(this_phone.locator("[data-testid^='device-push-']")).to_have_count(1)
    page.get_by_test_id("push-test").click()
    expect(page.get_by_test_id("push-message")).to_contain_text("测试通知已发出")
    [payload] = wait_for_push(live_push, subscriber, where=lambda message: message.get("kind") == "test")
    assert payload["url"] == "/notifications"
    ServiceWorkerProtocol(page, live_server).deliver_push(payload)
    [shown] = shown_notifications(page, count=1)
    assert shown["title"] == "测试通知" and shown["actions"] == [] and shown["requireInteraction"] is False
    assert latin_words(page) == []
    shot(page, "02-on", full_page=True)

    page.get_by_test_id("push-disable").click()
    expect(panel).to_have_attribute("data-on", "false")
    expect(page.get_by_test_id("push-enable")).to_be_visible()


@pytest.mark.parametrize(("locale", "words"), [("zh-CN", "铃铛"), ("en", "bell")])
def test_without_push_the_app_says_the_inbox_still_works(new_context, sign_in, shot, locale, words):
    context = new_context(locale)
    context.add_init_script("delete window.PushManager")  # most browsers on phones here
    page = context.new_page()
    sign_in(page, PHONES["member"])
    card = page.get_by_test_id("push-card")
    expect(card).to_have_attribute("data-state", "unsupported")
    expect(card).to_contain_text(words)
    shot(page, "01-home")
    page.get_by_test_id("push-card-close").click()
    expect(card).to_have_count(0)
    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("push-unsupported")).to_contain_text(words)
    expect(page.get_by_test_id("push-enable")).to_have_count(0)
    if locale == "zh-CN":
        assert latin_words(page) == []
    shot(page, "02-settings", full_page=True)
    page.goto("/")
    expect(page.get_by_test_id("home-page")).to_be_visible()
    expect(card).to_have_count(0)  # offered once


def test_allow_notifications_is_offered_once_after_signing_in(new_context, sign_in, shot):
    context = new_context("zh-CN")
    page = context.new_page()
    sign_in(page, PHONES["coordinator"])
    card = page.get_by_test_id("push-card")
    expect(card).to_have_attribute("data-state", "offer")
    expect(card).to_contain_text("开启通知后，手机会响铃提醒您")
    shot(page, "01-offer")
    # The permission is asked only after the tap; headless Chromium answers "denied" by default.
    page.get_by_test_id("push-card-enable").click()
    expect(card).to_have_attribute("data-state", "denied")
    expect(card).to_contain_text("消息都在铃铛里")
    page.get_by_test_id("push-card-close").click()
    page.reload()
    expect(page.get_by_test_id("home-page")).to_be_visible()
    expect(card).to_have_count(0)


def test_an_ended_session_holds_the_outbox_until_the_same_person_signs_in(new_context, sign_in, shot):
    context = new_context("zh-CN")
    page = context.new_page()
    sign_in(page, PHONES["member"])
    officer = new_context("zh-CN").new_page()
    sign_in(officer, PHONES["officer"])
    alert_id = send_alert_via_api(officer, "会话结束测试", severity="warning")
    wait_until_delivered(officer, alert_id)
    page.goto(f"/alerts/{alert_id}")
    context.route("**/api/v1/alerts/*/answer", lambda route: route.abort("internetdisconnected"))
    page.get_by_test_id("answer-on-my-way").click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")

    # Meanwhile the account is signed out of this phone from another one.
    elsewhere = new_context("zh-CN").new_page()
    sign_in(elsewhere, PHONES["member"])
    assert api(elsewhere, "POST", "/me/sessions/end-others")[0] == 204
    context.unroute("**/api/v1/alerts/*/answer")

    # The signal returns: the replay meets a 401, keeps the answer and asks to sign in.
    page.get_by_test_id("outbox-bar").click()
    page.get_by_test_id("outbox-send-now").click()
    expect(page.get_by_test_id("login-page")).to_be_visible()
    expect(page.get_by_test_id("outbox-bar")).to_contain_text("1 项等待您登录后发送")
    shot(page, "01-sign-in-to-send")
    assert tally(officer, alert_id)["answers"]["on_my_way"] == 0

    page.get_by_test_id("login-phone").fill(PHONES["member"])
    page.get_by_test_id("login-password").fill("demo-pass-2026")
    page.get_by_test_id("login-submit").click()
    wait_for_tally(officer, alert_id, "on_my_way", 1)
    expect(page.get_by_test_id("outbox-bar")).to_have_count(0)


def test_a_replaced_push_subscription_is_registered_again(new_context, sign_in, live_server, live_push):
    context = new_context("zh-CN")
    context.grant_permissions(["notifications"])
    page = context.new_page()
    sign_in(page, PHONES["member"])
    wait_for_service_worker(page)
    replacement = live_push.subscribe()
    [worker] = context.service_workers
    # The browser's event, with the new subscription it made (headless Chromium has no push service).
    worker.evaluate(
        """(info) => {
          const event = new ExtendableEvent('pushsubscriptionchange');
          Object.defineProperty(event, 'newSubscription', { value: { toJSON: () => info } });
          self.dispatchEvent(event);
        }""",
        replacement.info(),
    )
    for _ in range(50):
        if len(api(page, "GET", "/push/subscriptions")[1]) == 1:
            break
        page.wait_for_timeout(200)
    assert len(api(page, "GET", "/push/subscriptions")[1]) == 1
    api(page, "POST", "/push/test")
    [payload] = wait_for_push(live_push, replacement, where=lambda message: message.get("kind") == "test")
