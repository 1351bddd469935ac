"""Journey 3 on a phone (issue 10): a member standing in the patrol area checks in with one tap;
another checks in without signal (and without a position) and sees it sent once; a third is
checked in by proxy by their leader; the coordinator sees who is on duty (list, and map with the
tile server unreachable), the shift's attendance with its flags, corrects one with a reason, and
then the hours by member, and exports them; a member sees their own hours."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.support import PHONES, api, create_invite_via_api, latin_words, register_via_invite
from tests.browser.test_map import serve_unreachable_tiles
from tests.browser.test_scheduling import BEIJING, EAST_AREA, create_shift, phone_contexts, shots

pytestmark = pytest.mark.browser

# Inside 北三里社区东片 (app/attendance/demo.py); Playwright's default accuracy is 0, which the server refuses.
INSIDE = {"longitude": 116.4570, "latitude": 39.9372, "accuracy": 15}


@pytest.fixture
def phone(browser, live_server):
    """Factory: a phone-sized context, optionally standing somewhere with location allowed."""
    yield from phone_contexts(browser, live_server)


def user_id(page, phone_number: str) -> int:
    return api(page, "GET", f"/users?q={phone_number}")[1][0]["id"]


def assign(coordinator, shift: dict, member_id: int) -> None:
    """Sign-up has closed (the shift starts in minutes): the coordinator puts them on it, with a reason."""
    status, body = api(
        coordinator, "POST", f"/shifts/{shift['id']}/assign", {"user_id": member_id, "override_reason": "临时顶班"}
    )
    assert status == 200, body


def test_check_in_on_duty_and_hours(phone, sign_in, shot):
    coordinator = phone().new_page()
    sign_in(coordinator, PHONES["coordinator"])
    # On a whole minute, as the correction's time fields show it.
    starts = datetime.now(BEIJING).replace(second=0, microsecond=0) + timedelta(minutes=4)
    shift = create_shift(coordinator, starts, hours=2, places=4, note="签到演示班次")
    invite = create_invite_via_api(coordinator, auto_approve=True)

    # Two more members: one whose phone may not use its position, one without a smartphone.
    no_position = phone().new_page()
    no_position_phone = register_via_invite(no_position, invite, "不给定位的队员")
    expect(no_position.get_by_test_id("home-page")).to_be_visible()
    no_phone = phone().new_page()
    no_phone_number = register_via_invite(no_phone, create_invite_via_api(coordinator, True), "老张没有手机")
    expect(no_phone.get_by_test_id("home-page")).to_be_visible()
    for number in (PHONES["member"], no_position_phone, no_phone_number):
        assign(coordinator, shift, user_id(coordinator, number))

    # 1. On site: the home screen's one button, with the position taken on the tap.
    member = phone(geolocation=INSIDE).new_page()
    sign_in(member, PHONES["member"])
    due = member.get_by_test_id("duty-due")
    expect(due).to_contain_text("该签到了")
    expect(due).to_contain_text(EAST_AREA)
    assert latin_words(member) == []
    shots(shot, member, "01-due")
    member.get_by_test_id("checkin-button").click()
    expect(member.get_by_test_id("checkin-position")).to_have_text("在巡逻区域内")
    expect(member.get_by_test_id("checkin-punctuality")).to_have_text("准时")
    expect(member.get_by_test_id("checkin-time")).to_contain_text("已签到")
    expect(due).to_contain_text("正在值班")
    expect(member.get_by_test_id("checkout-button")).to_be_visible()
    shots(shot, member, "02-checked-in")
    # A restart remembers it (the phone's copy, confirmed by the server).
    member.reload()
    expect(member.get_by_test_id("checkin-position")).to_have_text("在巡逻区域内")

    # 2. Without signal (and without location allowed): the tap is kept on the phone, said plainly,
    # and sent once, by itself, when the signal returns.
    no_position.reload()
    expect(no_position.get_by_test_id("duty-due")).to_contain_text("该签到了")
    no_position.context.set_offline(True)
    expect(no_position.get_by_test_id("offline-banner")).to_be_visible()
    no_position.get_by_test_id("checkin-button").click()
    expect(no_position.get_by_test_id("queued-check-in")).to_contain_text("等待发送")
    expect(no_position.get_by_test_id("checkin-nofix")).to_contain_text("没有允许定位")
    expect(no_position.get_by_test_id("outbox-count")).to_have_text("1")
    expect(no_position.get_by_test_id("checkout-button")).to_be_visible()
    assert latin_words(no_position) == []
    shots(shot, no_position, "03-offline-waiting")
    no_position.context.set_offline(False)
    expect(no_position.get_by_test_id("checkin-position")).to_have_text("没有定位")
    expect(no_position.get_by_test_id("checkin-result")).to_contain_text("离线记录")
    expect(no_position.get_by_test_id("outbox-bar")).to_have_count(0)
    shots(shot, no_position, "04-offline-sent")
    records = api(coordinator, "GET", f"/shifts/{shift['id']}/attendance")[1]
    no_position_id = user_id(coordinator, no_position_phone)
    mine = [r for r in records if r["user"]["id"] == no_position_id]
    assert len(mine) == 1 and "recorded_offline" in mine[0]["flags"], mine

    # 3. Their team leader checks in the member without a smartphone, by proxy, from the shift's page.
    status, _ = api(coordinator, "PATCH", f"/teams/{shift['team']['id']}/members/{no_position_id}", {"is_leader": True})
    assert status == 200
    no_position.goto(f"/shifts/{shift['id']}")
    no_position.get_by_test_id("to-attendance").click()
    no_phone_id = user_id(coordinator, no_phone_number)
    no_position.get_by_test_id(f"proxy-in-{no_phone_id}").click()
    expect(no_position.get_by_test_id(f"att-{no_phone_id}")).to_contain_text("由 不给定位的队员 代签")
    expect(no_position.get_by_test_id(f"correct-{no_phone_id}")).to_have_count(0)  # corrections are the coordinator's
    shots(shot, no_position, "05-leader-proxy")

    coordinator.goto(f"/shifts/{shift['id']}/attendance")
    expect(coordinator.get_by_test_id("att-summary")).to_contain_text("已签到 3 人")
    member_id = user_id(coordinator, PHONES["member"])
    expect(coordinator.get_by_test_id(f"att-{member_id}")).to_contain_text("在巡逻区域内")
    expect(coordinator.get_by_test_id(f"att-{member_id}")).to_contain_text("准时")
    expect(coordinator.get_by_test_id(f"att-{no_phone_id}")).to_contain_text("代签")
    assert latin_words(coordinator) == []
    shots(shot, coordinator, "06-attendance")

    # 4. Who is on duty now: the list, and the map on its plain background (tiles unreachable).
    failed_tiles = serve_unreachable_tiles(coordinator)
    coordinator.goto("/")
    coordinator.get_by_test_id("tile-on-duty").click()
    expect(coordinator.get_by_test_id("on-duty-list")).to_contain_text("张建国")
    expect(coordinator.get_by_test_id("on-duty-list")).to_contain_text("不给定位的队员")
    expect(coordinator.get_by_test_id("on-duty-list")).to_contain_text("老张没有手机")
    on_map = coordinator.get_by_test_id("on-duty-map")
    expect(on_map.locator("path.leaflet-interactive")).to_have_count(1)  # the shift's area (drawn once it loads)
    expect(on_map.locator(".map-person")).to_have_count(1)  # only the on-site check-in had a position
    # (a label redrawn when the area arrived fades out over 200 ms: wait until only one is left)
    expect(on_map.locator(".map-point-label")).to_have_count(1)
    expect(on_map.locator(".map-point-label")).to_have_text("张建国")
    expect(coordinator.get_by_test_id("on-duty-page")).to_contain_text("2 人没有位置")
    assert failed_tiles, "the map asked the unreachable tile server for tiles"
    assert latin_words(coordinator) == []
    shots(shot, coordinator, "07-on-duty")

    # 5. A correction with a reason: the member without a position patrolled the whole shift.
    coordinator.goto(f"/shifts/{shift['id']}/attendance")
    coordinator.get_by_test_id(f"correct-{no_position_id}").click()
    ends = starts + timedelta(hours=2)
    coordinator.get_by_test_id(f"correct-in-{no_position_id}").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    coordinator.get_by_test_id(f"correct-out-{no_position_id}").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    coordinator.get_by_test_id(f"correct-save-{no_position_id}").click()
    expect(coordinator.get_by_test_id(f"correct-reason-{no_position_id}-error")).to_have_text("此项必填。")
    shots(shot, coordinator, "08-correcting")
    coordinator.get_by_test_id(f"correct-reason-{no_position_id}").fill("队长确认全程在岗")
    coordinator.get_by_test_id(f"correct-save-{no_position_id}").click()
    row = coordinator.get_by_test_id(f"att-{no_position_id}")
    expect(row).to_contain_text("已更正")
    expect(row).to_contain_text("更正理由：队长确认全程在岗")
    expect(row).to_contain_text("2 小时")

    # 6. The hours by member for the month.
    coordinator.goto("/")
    coordinator.get_by_test_id("tile-unit-hours").click()
    hours = coordinator.get_by_test_id(f"member-hours-{no_position_id}")
    expect(hours).to_contain_text("2 小时")
    expect(hours).to_contain_text("1 个班次")
    expect(coordinator.get_by_test_id(f"member-hours-{member_id}")).to_be_visible()
    assert latin_words(coordinator) == []
    shots(shot, coordinator, "09-hours-by-member")
    # The exports: CSV (UTF-8 with a BOM, so Excel in Chinese opens it) and XLSX.
    with coordinator.expect_download() as csv_download:
        coordinator.get_by_test_id("export-csv").click()
    csv_file = csv_download.value
    assert csv_file.suggested_filename.endswith(".csv")
    text = Path(csv_file.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff") and "不给定位的队员" in text and "老张没有手机" in text
    with coordinator.expect_download() as xlsx_download:
        coordinator.get_by_test_id("export-xlsx").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    assert Path(xlsx_download.value.path()).read_bytes()[:2] == b"PK"  # a zip, as XLSX is

    # 7. The member checks out, and sees their own month.
    member.get_by_test_id("checkout-button").click()
    expect(member.get_by_test_id("checkout-time")).to_contain_text("已签退")
    shots(shot, member, "10-checked-out")
    member.get_by_test_id("tile-hours").click()
    expect(member.get_by_test_id("hours-total")).to_contain_text("共计")
    expect(member.get_by_test_id(f"hours-row-{shift['id']}")).to_contain_text("准时")
    assert latin_words(member) == []
    shots(shot, member, "11-my-hours")


def test_check_in_screens_in_english(phone, sign_in, shot):
    coordinator = phone("en").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    shift = create_shift(coordinator, datetime.now(BEIJING) + timedelta(minutes=50), hours=1, places=2)
    invite = create_invite_via_api(coordinator, auto_approve=True)
    member = phone("en", geolocation={"longitude": 116.4717, "latitude": 39.935, "accuracy": 20}).new_page()
    member_phone = register_via_invite(member, invite, "李英文")
    expect(member.get_by_test_id("home-page")).to_be_visible()
    assign(coordinator, shift, user_id(coordinator, member_phone))
    member.reload()
    expect(member.get_by_test_id("duty-due")).to_contain_text("Time to check in")
    member.get_by_test_id("checkin-button").click()
    # About a kilometre east of the area: allowed, flagged with the distance; early (50 minutes before).
    expect(member.get_by_test_id("checkin-position")).to_contain_text("Outside the area, about")
    expect(member.get_by_test_id("checkin-punctuality")).to_have_text("Early")
    shots(shot, member, "01-checked-in-outside")

    coordinator.goto(f"/shifts/{shift['id']}/attendance")
    expect(coordinator.get_by_test_id("att-summary")).to_contain_text("1 checked in")
    shots(shot, coordinator, "02-attendance")
    coordinator.goto("/on-duty")
    expect(coordinator.get_by_test_id("on-duty-list")).to_contain_text("李英文")
    expect(coordinator.get_by_test_id("on-duty-count")).to_contain_text("on duty now")
    shots(shot, coordinator, "03-on-duty")
    coordinator.goto("/hours?members=1")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Hours by member")
    shots(shot, coordinator, "04-hours")
