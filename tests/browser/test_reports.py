"""Journey 4 on a phone (issue 11): a member reports a hazard with two real photos while offline,
and it reaches the server exactly once when the signal returns, even though the answer to the
first attempt is lost on the way; the officer accepts and dispatches it from the queue and sees
it on the case map without tiles; the department's handler starts it and resolves it with a
photo; the member follows the progress and reads the notification."""

import io
import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import (
    PHONES,
    VIEWPORT,
    api,
    create_invite_via_api,
    latin_words,
    no_horizontal_overflow,
    register_via_invite,
)
from tests.browser.test_map import serve_unreachable_tiles
from tests.browser.test_scheduling import shots

pytestmark = pytest.mark.browser

HANDLER_PHONE = "13800000005"  # 城管刘师傅, handler for the district's city management (app/cli.py)
# A few metres from the demo's loose manhole cover (app/reports/demo.py), in 北三里社区.
STANDING = {"longitude": 116.4550, "latitude": 39.9373, "accuracy": 12}


def jpeg(path, seed: int, size=(2400, 1800)) -> str:
    """A real phone-sized JPEG with some texture (so it is not trivially small)."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randint(90, 200), rng.randint(90, 200), rng.randint(90, 200)))
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randint(0, size[0]), rng.randint(0, size[1])
        draw.ellipse(
            [x, y, x + rng.randint(10, 120), y + rng.randint(10, 120)],
            fill=tuple(rng.randint(0, 255) for _ in range(3)),
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    path.write_bytes(out.getvalue())
    return str(path)


@pytest.fixture
def phone(browser, live_server):
    """Phone-sized contexts. The member's has no service worker, so the test alone decides what
    the network does to the page's requests (Playwright cannot see requests a worker answers)."""
    contexts: list[BrowserContext] = []

    def make(geolocation: dict | None = None, workers: bool = True, locale: str = "zh-CN") -> BrowserContext:
        options = {"geolocation": geolocation, "permissions": ["geolocation"]} if geolocation else {}
        context = browser.new_context(
            viewport=VIEWPORT,
            locale=locale,
            base_url=live_server,
            service_workers="allow" if workers else "block",
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def server_case(officer: Page, description: str) -> list[dict]:
    """The cases in the officer's queue with this description (newest first)."""
    status, rows = api(officer, "GET", "/reports?box=queue&page_size=200")
    assert status == 200, rows
    return [row for row in rows if row["description"] == description]


def test_report_offline_sent_once_then_handled_to_the_end(phone, sign_in, shot, tmp_path, live_server):
    # Its own words each run (the live server's database lives for the whole session).
    description = f"单元门口台阶塌了一块（{random.randint(10000, 99999)}）"
    photos = [jpeg(tmp_path / "a.jpg", 1), jpeg(tmp_path / "b.jpg", 2)]

    officer = phone().new_page()
    sign_in(officer, PHONES["officer"])

    # 1. Online, the form opens from the home screen's big button; the position fills itself,
    # and choosing the category shows the open case a few metres away (category, distance, time, status).
    member = phone(geolocation=STANDING, workers=False).new_page()
    sign_in(member, PHONES["member"])
    member.goto("/reports/mine")  # seen once online: the phone keeps the first page
    expect(member.get_by_test_id("my-reports")).to_contain_text("井盖松动")
    member.goto("/")
    expect(member.get_by_test_id("home-report")).to_contain_text("上报隐患")
    shots(shot, member, "01-home")
    member.get_by_test_id("home-report").click()  # tap 1
    expect(member.get_by_test_id("report-position-state")).to_contain_text("已自动定位")
    member.get_by_test_id("category-road_facilities").click()
    nearby = member.get_by_test_id("nearby")
    expect(nearby).to_contain_text("附近已有同类上报")
    expect(nearby).to_contain_text("米")
    assert "井盖" not in nearby.inner_text()  # never another report's words
    assert latin_words(member) == []
    shots(shot, member, "02-form-nearby")

    # 2. The signal goes: two photos, the category, send. Kept on the phone, said plainly.
    member.context.set_offline(True)
    expect(member.get_by_test_id("offline-banner")).to_be_visible()
    member.get_by_test_id("report-photos-input").set_input_files(photos)  # taps 2-4: gallery, two photos
    ready = member.locator("[data-testid='report-photos-photo'][data-state='ready']")
    expect(ready).to_have_count(2)
    expect(member.get_by_test_id("report-photos-list")).to_contain_text("已就绪")
    member.get_by_test_id("category-road_facilities").click()  # tap 5 (already chosen here: stays chosen)
    expect(member.get_by_test_id("category-road_facilities")).to_have_attribute("aria-pressed", "true")
    member.get_by_test_id("severity-high").click()
    member.get_by_test_id("report-description").fill(description)
    expect(member.get_by_test_id("report-send")).to_have_text("保存，有网络时自动发送")
    shots(shot, member, "03-form-offline")
    # The photos were made small on the phone: each well under the original's size.
    sizes = member.locator("[data-testid='report-photos-photo'] .photo-state").all_inner_texts()
    assert all(int(text.split("·")[1].split("KB")[0]) <= 450 for text in sizes), sizes
    member.get_by_test_id("report-send").click()  # tap 6
    waiting = member.get_by_test_id("waiting-report")
    expect(waiting).to_contain_text("等待发送")
    expect(waiting).to_contain_text("2 张照片")
    expect(member.get_by_test_id("outbox-count")).to_have_text("1")  # one report (its photos go with it)
    expect(member.get_by_test_id("mine-saved")).to_contain_text("上次看到的内容")
    expect(member.get_by_test_id("my-reports")).to_contain_text("井盖松动")
    assert latin_words(member) == []
    shots(shot, member, "04-waiting")
    assert server_case(officer, description) == []

    # 3. The signal returns, but the answer to the first attempt is lost on the way back: the
    # server made the report, the phone never heard. It sends again with the same key.
    dropped = []

    def drop_first_answer(route):
        if route.request.method == "POST" and not dropped:
            response = route.fetch()
            dropped.append(response.status)
            route.abort("connectionreset")
        else:
            route.continue_()

    member.route("**/api/v1/reports", drop_first_answer)
    member.context.set_offline(False)
    expect(member.get_by_test_id("waiting-report")).to_have_count(0, timeout=45_000)
    expect(member.get_by_test_id("outbox-bar")).to_have_count(0, timeout=30_000)
    assert dropped == [201]
    [case] = server_case(officer, description)  # exactly one
    expect(member.get_by_test_id(f"case-{case['id']}")).to_contain_text("待受理")
    expect(member.get_by_test_id("mine-saved")).to_have_count(0)
    shots(shot, member, "05-sent")
    status, detail = api(officer, "GET", f"/reports/{case['id']}")
    assert status == 200 and len(detail["photos"]) == 2, detail
    assert detail["severity"] == "high" and detail["category"]["code"] == "road_facilities"
    case_id = case["id"]

    # 4. The officer: the queue, accept with one tap, dispatch with one tap (the category's department).
    officer.goto("/")
    officer.get_by_test_id("tile-report-queue").click()
    row = officer.get_by_test_id(f"case-{case_id}")
    expect(row).to_contain_text("待受理")
    assert latin_words(officer) == []
    shots(shot, officer, "06-queue")
    officer.get_by_test_id(f"row-accept-{case_id}").click()
    expect(officer.get_by_test_id(f"case-{case_id}-status")).to_have_text("已受理")
    officer.get_by_test_id(f"row-dispatch-{case_id}").click()
    expect(officer.get_by_test_id(f"case-{case_id}-status")).to_have_text("已派遣")
    expect(row).to_contain_text("朝阳区城市管理委员会")
    expect(officer.get_by_test_id("queue-notice")).to_contain_text(f"案件 #{case_id}：派遣")
    # Filters live in the address: only dispatched cases, and the case is among them.
    officer.get_by_test_id("filters-toggle").click()
    officer.get_by_test_id("filter-status-dispatched").click()
    expect(officer).to_have_url(f"{live_server}/reports/queue?status=dispatched")
    expect(officer.get_by_test_id(f"case-{case_id}")).to_be_visible()
    expect(officer.locator("[data-status='submitted']")).to_have_count(0)
    shots(shot, officer, "07-queue-dispatched")

    # The case map with the same filters, on its plain background (the tile server is unreachable).
    serve_unreachable_tiles(officer)
    officer.get_by_test_id("to-map").click()
    expect(officer.get_by_test_id("map-count")).to_contain_text("图上")
    expect(
        officer.locator("[data-testid='reports-map'] .map-case, [data-testid='reports-map'] .map-cluster").first
    ).to_be_visible()
    shots(shot, officer, "08-map")

    # 5. The handler: start the work, then report it done with a photo (through the outbox, photo first).
    handler = phone().new_page()
    sign_in(handler, HANDLER_PHONE)
    handler.get_by_test_id("tile-handler-queue").click()
    handler.get_by_test_id(f"case-{case_id}").locator("a").first.click()
    expect(handler.get_by_test_id("case-status")).to_have_text("已派遣")
    expect(handler.get_by_test_id("case-head")).not_to_contain_text(PHONES["member"][-4:])  # no reporter's phone
    handler.get_by_test_id("action-start").click()
    expect(handler.get_by_test_id("case-status")).to_have_text("处置中")
    handler.get_by_test_id("action-resolve").click()
    handler.get_by_test_id("action-text").fill("台阶已用水泥补好，设了警示牌")
    handler.get_by_test_id("resolve-photos-input").set_input_files([jpeg(tmp_path / "done.jpg", 3)])
    expect(handler.locator("[data-testid='resolve-photos-photo'][data-state='ready']")).to_have_count(1)
    assert latin_words(handler) == []
    shots(shot, handler, "09-resolve")
    handler.get_by_test_id("action-confirm").click()
    expect(handler.get_by_test_id("case-status")).to_have_text("已处置", timeout=30_000)
    photos_shown(handler, "work-photos")
    shots(shot, handler, "10-resolved")
    status, detail = api(officer, "GET", f"/reports/{case_id}")
    assert detail["status"] == "resolved"
    assert [p["kind"] for p in detail["photos"]].count("resolution") == 1

    # 6. The member: the progress in "my reports", each step in the timeline, and the notification.
    member.goto("/reports/mine")
    mine = member.get_by_test_id(f"case-{case_id}")
    expect(mine).to_contain_text("已处置")
    mine.locator("a").first.click()
    expect(member.get_by_test_id("case-status")).to_have_text("已处置")
    timeline = member.get_by_test_id("timeline")
    for action in ("created", "accept", "dispatch", "start", "resolve"):
        expect(timeline.get_by_test_id(f"event-{action}")).to_have_count(1)
    expect(member.get_by_test_id("event-resolve")).to_contain_text("台阶已用水泥补好")
    photos_shown(member, "case-photos")
    photos_shown(member, "work-photos")
    member.get_by_test_id("case-photos-0").click()
    expect(member.get_by_test_id("lightbox")).to_be_visible()
    shots(shot, member, "11-lightbox")
    member.get_by_test_id("lightbox").get_by_role("button").click()
    expect(member.get_by_test_id("lightbox")).to_have_count(0)
    assert latin_words(member) == []
    shots(shot, member, "12-progress")
    member.goto("/notifications")
    expect(member.get_by_test_id("inbox-page")).to_contain_text("您上报的隐患已处置完毕")
    shots(shot, member, "13-inbox")
    # The notification opens the case in the app.
    member.locator("a[data-kind='report_update']", has_text="您上报的隐患已处置完毕").first.click()
    expect(member).to_have_url(f"{live_server}/reports/{case_id}")
    expect(member.get_by_test_id("case-status")).to_have_text("已处置")


def photos_shown(page: Page, testid: str) -> None:
    """Every thumbnail of that gallery has loaded (a broken or forbidden image would not)."""
    page.wait_for_function(
        """(id) => {
          const images = [...document.querySelectorAll(`[data-testid="${id}"] img`)];
          return images.length > 0 && images.every((image) => image.complete && image.naturalWidth > 0);
        }""",
        arg=testid,
    )


def new_case(member: Page, code: str, description: str) -> int:
    """A report made through the API as the signed-in member (as the outbox would send it)."""
    categories = api(member, "GET", "/report-categories")[1]
    category = next(c for c in categories if c["code"] == code)
    body = {
        "category_id": category["id"],
        "description": description,
        "position": {"lon": 116.4541, "lat": 39.9368, "accuracy_m": 9, "fixed_at": None},
    }
    status, report = api(member, "POST", "/reports", body)
    assert status == 201, report
    return report["id"]


def test_staff_see_refusals_in_their_language_and_admins_manage_departments(phone, sign_in, shot):
    member = phone().new_page()
    sign_in(member, PHONES["member"])
    description = f"垃圾堆在消防通道上（{random.randint(10000, 99999)}）"
    case_id = new_case(member, "sanitation", description)

    # A second officer's tap got there first: the step is refused as the server says, in English.
    officer = phone(locale="en").new_page()
    sign_in(officer, PHONES["officer"])
    officer.goto(f"/reports/{case_id}")
    expect(officer.get_by_test_id("case-status")).to_have_text("Waiting")
    assert api(officer, "POST", f"/reports/{case_id}/accept", {})[0] == 200
    officer.get_by_test_id("action-accept").click()
    expect(officer.get_by_test_id("action-error")).to_have_text("The case's state does not allow this step; reload it.")
    officer.reload()
    expect(officer.get_by_test_id("case-status")).to_have_text("Accepted")
    expect(officer.get_by_test_id("action-reject")).to_have_count(0)  # only the steps the server allows now

    # A duplicate of itself is refused, in words.
    officer.get_by_test_id("action-mark_duplicate").click()
    officer.get_by_test_id("duplicate-of").fill(str(case_id))
    officer.get_by_test_id("action-confirm").click()
    expect(officer.get_by_test_id("action-error")).to_have_text("A case cannot duplicate itself.")
    officer.get_by_test_id("action-mark_duplicate").click()  # fold it away again

    # Dispatch to a chosen department and one of its handlers; the facts say who has it.
    officer.get_by_test_id("action-dispatch").click()
    officer.get_by_test_id("dispatch-department").select_option(label="朝阳区城市管理委员会")
    officer.get_by_test_id("dispatch-handler").select_option(label="城管刘师傅")
    officer.get_by_test_id("action-text").fill("Please go today")
    officer.get_by_test_id("action-confirm").click()
    expect(officer.get_by_test_id("case-status")).to_have_text("Dispatched")
    expect(officer.get_by_test_id("case-head")).to_contain_text("城管刘师傅")
    expect(officer.get_by_test_id("timeline").get_by_test_id("event-dispatch")).to_contain_text("Please go today")

    # An internal comment and a public one: the reporter reads only the public one.
    officer.get_by_test_id("comment-body").fill("Check the fire lane again on Friday")
    officer.get_by_test_id("comment-send").click()
    expect(officer.get_by_test_id("comments")).to_contain_text("Internal")
    officer.get_by_test_id("comment-body").fill("已派城管清理，谢谢您")
    officer.get_by_test_id("comment-public").check()
    officer.get_by_test_id("comment-send").click()
    expect(officer.get_by_test_id("comments")).to_contain_text("Public")
    shots(shot, officer, "01-case-en")
    member.goto(f"/reports/{case_id}")
    expect(member.get_by_test_id("comments")).to_contain_text("已派城管清理")
    expect(member.get_by_test_id("comments")).not_to_contain_text("Friday")
    expect(member.get_by_test_id("case-head")).not_to_contain_text("城管刘师傅")  # a handler's name is staff's business
    # ... and the officers' screens are not theirs.
    member.goto("/reports/queue")
    expect(member.get_by_test_id("forbidden-page")).to_be_visible()

    # The handler sends it back with a reason; the officer dispatches it again from the queue's row,
    # to another department.
    handler = phone().new_page()
    sign_in(handler, HANDLER_PHONE)
    handler.goto(f"/reports/{case_id}")
    handler.get_by_test_id("action-return").click()
    handler.get_by_test_id("action-text").fill("消防通道归街道管，请改派")
    handler.get_by_test_id("action-confirm").click()
    expect(handler.get_by_test_id("case-status")).to_have_text("已受理")
    officer.goto("/reports/queue?status=accepted")
    expect(officer.get_by_test_id(f"case-{case_id}")).to_contain_text("Accepted")
    officer.get_by_test_id(f"row-dispatch-to-{case_id}").click()
    officer.get_by_test_id(f"row-{case_id}-department").select_option(label="三里屯街道综治中心")
    officer.get_by_test_id(f"row-dispatch-confirm-{case_id}").click()
    expect(officer.get_by_test_id(f"case-{case_id}-status")).to_have_text("Dispatched")
    expect(officer.get_by_test_id(f"case-{case_id}")).to_contain_text("三里屯街道综治中心")
    officer.goto(f"/reports/{case_id}")
    expect(officer.get_by_test_id("timeline").get_by_test_id("event-return")).to_contain_text("消防通道归街道管")

    # A resolved case: checked and closed with one tap, then reopened with a reason.
    rows = api(officer, "GET", "/reports?box=queue&status=resolved&page_size=200")[1]
    [paving] = [r for r in rows if (r["description"] or "").startswith("【演示】人行道地砖破损")]
    officer.goto(f"/reports/{paving['id']}")
    officer.get_by_test_id("action-close").click()
    expect(officer.get_by_test_id("case-status")).to_have_text("Closed")
    expect(officer.get_by_test_id("action-done")).to_have_text("Done: Close")
    officer.get_by_test_id("action-reopen").click()
    officer.get_by_test_id("action-confirm").click()  # no reason yet: said on the field, nothing sent
    expect(officer.get_by_test_id("action-text-error")).to_be_visible()
    expect(officer.get_by_test_id("case-status")).to_have_text("Closed")
    officer.get_by_test_id("action-text").fill("The tiles came loose again")
    officer.get_by_test_id("action-confirm").click()
    expect(officer.get_by_test_id("case-status")).to_have_text("Accepted")
    expect(officer.get_by_test_id("timeline").get_by_test_id("event-reopen")).to_contain_text(
        "The tiles came loose again"
    )

    # The filtered queue as a CSV file: UTF-8 with a BOM, with this case in it.
    officer.goto("/reports/queue?status=dispatched")
    expect(officer.get_by_test_id(f"case-{case_id}")).to_be_visible()
    with officer.expect_download() as download:
        officer.get_by_test_id("export-csv").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf"), content[:20]
    assert description in content.decode("utf-8-sig")
    expect(officer.get_by_test_id("queue-notice")).to_have_text("Downloaded.")

    # The report form in English on the smallest phones in use: everything fits, nothing untranslated.
    english = phone(locale="en", geolocation=STANDING).new_page()
    english.set_viewport_size({"width": 360, "height": 640})
    sign_in(english, PHONES["member"])
    english.get_by_test_id("home-report").click()
    expect(english.get_by_test_id("report-new-page")).to_contain_text("Report a hazard")
    expect(english.get_by_test_id("report-photos")).to_contain_text("Take photo")
    expect(english.get_by_test_id("report-position-state")).to_contain_text("Position found")
    english.get_by_test_id("severity-high").click()
    assert no_horizontal_overflow(english)
    shot(english, "02-report-form-en-360x640", full_page=True)

    # An administrator adds a department at the street, taking fire hazards by default there.
    admin = phone(locale="en").new_page()
    sign_in(admin, PHONES["admin"])
    admin.get_by_test_id("tile-departments").click()
    admin.get_by_test_id("dept-new").click()
    name = f"三里屯街道消防站（{random.randint(100, 999)}）"
    admin.get_by_test_id("dept-name").fill(name)
    unit_value = admin.get_by_test_id("dept-unit").locator("option", has_text="三里屯街道").first.get_attribute("value")
    admin.get_by_test_id("dept-unit").select_option(unit_value)
    admin.get_by_test_id("dept-cat-fire_hazard").check()
    admin.get_by_test_id("dept-create").click()
    expect(admin.get_by_test_id("dept-list")).to_contain_text(name)
    admin.set_viewport_size({"width": 360, "height": 640})
    assert no_horizontal_overflow(admin)
    shot(admin, "03-departments-360x640")
    admin.goto("/reports/categories")
    expect(admin.get_by_test_id("cat-list")).to_contain_text("fire_hazard")
    assert no_horizontal_overflow(admin)
    shot(admin, "04-categories-360x640")


def test_a_neighbour_adds_a_photo_to_the_case_nearby_instead_of_reporting_it_again(phone, sign_in, shot, tmp_path):
    coordinator = phone().new_page()
    sign_in(coordinator, PHONES["coordinator"])
    neighbour = phone(geolocation=STANDING).new_page()
    register_via_invite(neighbour, create_invite_via_api(coordinator, auto_approve=True), "李阿姨")
    expect(neighbour.get_by_test_id("home-page")).to_be_visible()
    officer = phone().new_page()
    sign_in(officer, PHONES["officer"])
    rows = api(officer, "GET", "/reports?box=queue&page_size=200")[1]
    [cover] = [r for r in rows if (r["description"] or "").startswith("【演示】小区东门井盖松动")]
    photos_before = len(api(officer, "GET", f"/reports/{cover['id']}")[1]["photos"])

    # Standing at the same loose cover: the form shows the open case a few metres away.
    neighbour.get_by_test_id("home-report").click()
    # An iPhone's HEIC this browser cannot decode: said on the phone, with what to do.
    heic = {"name": "IMG_0001.HEIC", "mimeType": "image/heic", "buffer": b"\x00\x00\x00\x18ftypheic" + bytes(2000)}
    neighbour.get_by_test_id("report-photos-input").set_input_files(files=[heic])
    expect(neighbour.locator("[data-testid='report-photos-photo'][data-state='error']")).to_contain_text("HEIC")
    neighbour.get_by_test_id("report-photos-camera").set_input_files(jpeg(tmp_path / "cover.jpg", 7))
    expect(neighbour.locator("[data-testid='report-photos-photo'][data-state='ready']")).to_have_count(1)
    expect(neighbour.locator("[data-testid='report-photos-photo'][data-state='error']")).to_have_count(0)
    neighbour.get_by_test_id("category-road_facilities").click()
    nearby = neighbour.get_by_test_id(f"nearby-{cover['id']}")
    expect(nearby).to_contain_text("道路设施")
    expect(nearby).to_contain_text("米")
    assert "井盖" not in neighbour.get_by_test_id("nearby").inner_text()  # category, distance, time, status only
    assert latin_words(neighbour) == []
    shots(shot, neighbour, "01-nearby")

    # "Same place": the photo goes to that case, and the neighbour follows it; no second report.
    neighbour.get_by_test_id(f"nearby-add-{cover['id']}").click()
    expect(neighbour.get_by_test_id("followed")).to_be_visible()
    expect(neighbour.get_by_test_id("outbox-bar")).to_have_count(0, timeout=20_000)
    photos_shown(neighbour, "case-photos")
    shots(shot, neighbour, "02-following")
    detail = api(officer, "GET", f"/reports/{cover['id']}")[1]
    assert len(detail["photos"]) == photos_before + 1
    mine = api(neighbour, "GET", "/reports?box=mine")[1]
    assert [(r["id"], r["is_mine"], r["is_following"]) for r in mine] == [(cover["id"], False, True)]
    neighbour.goto("/reports/mine")
    expect(neighbour.get_by_test_id(f"case-{cover['id']}")).to_contain_text("关注的")
