"""Journey 2 on a phone (issue 9): a coordinator makes a recurring pattern and sees the week board
with its gaps; a member signs up, a second finds the shift full and joins the waitlist, the first
drops and the second is moved up and told. Then every scheduling screen at 390 and 360 px."""

import random
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import (
    DEMO_TEAM,
    DEMO_UNIT,
    PHONES,
    VIEWPORT,
    api,
    create_invite_via_api,
    latin_words,
    no_horizontal_overflow,
    register_via_invite,
)

pytestmark = pytest.mark.browser

BEIJING = ZoneInfo("Asia/Shanghai")
EAST_AREA = "北三里社区东片"
WEST_AREA = "北三里社区西片"


def shots(shot, page: Page, step: str) -> None:
    """The screen at 390 px and at 360 px (the smallest phones in use); back to 390 after."""
    assert no_horizontal_overflow(page), f"{step} overflows at 390px"
    shot(page, f"{step}-390")
    page.set_viewport_size({"width": 360, "height": 800})
    page.wait_for_timeout(200)
    assert no_horizontal_overflow(page), f"{step} overflows at 360px"
    shot(page, f"{step}-360")
    page.set_viewport_size({"width": 390, "height": 844})


def phone_contexts(browser, live_server):
    """Factory of phone-sized contexts, optionally standing somewhere with location allowed; closed after."""
    contexts: list[BrowserContext] = []

    def make(locale: str = "zh-CN", geolocation: dict | None = None) -> BrowserContext:
        options = {"geolocation": geolocation, "permissions": ["geolocation"]} if geolocation else {}
        context = browser.new_context(viewport=VIEWPORT, locale=locale, base_url=live_server, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(browser, live_server):
    yield from phone_contexts(browser, live_server)


def ids(page: Page) -> dict:
    """The demo community, team and areas, as the signed-in coordinator sees them."""
    teams = api(page, "GET", "/teams?page_size=100")[1]
    team = next(t for t in teams if t["name"] == DEMO_TEAM)
    areas = {a["name"]: a["id"] for a in api(page, "GET", "/areas?page_size=100")[1]}
    return {"unit": team["unit"]["id"], "team": team["id"], "east": areas[EAST_AREA], "west": areas[WEST_AREA]}


def create_shift(
    page: Page, starts: datetime, hours: int = 2, places: int = 1, leader: bool = False, note: str = ""
) -> dict:
    """As the signed-in coordinator, a one-off shift of the demo team in the east area (POST /shifts)."""
    place = ids(page)
    status, shift = api(
        page,
        "POST",
        "/shifts",
        {
            "unit_id": place["unit"],
            "team_id": place["team"],
            "area_id": place["east"],
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=hours)).isoformat(),
            "places": places,
            "leader_needed": leader,
            "note": note,
        },
    )
    assert status == 201, shift
    return shift


def local_day_at(days: int, hour: int, minute: int = 0) -> datetime:
    day = datetime.now(BEIJING).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


def test_coordinator_makes_a_pattern_and_sees_the_board_with_gaps(new_context, sign_in, shot):
    page = new_context("zh-CN").new_page()
    sign_in(page, PHONES["coordinator"])
    page.get_by_test_id("tile-board").click()
    expect(page.get_by_test_id("board-page")).to_be_visible()
    # The demo pattern: every evening, 6 places, a leader needed and none yet.
    expect(page.get_by_test_id("board-summary")).to_contain_text("缺队长")
    assert latin_words(page) == []
    shots(shot, page, "01-board")

    page.get_by_test_id("to-patterns").click()
    expect(page.get_by_test_id("pattern-list")).to_contain_text("晚间巡逻（演示）")
    shots(shot, page, "02-patterns")
    page.get_by_test_id("pattern-new").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建排班规律")

    name = f"周末白天巡逻{random.randint(100, 999)}"
    page.get_by_test_id("pattern-save").click()  # nothing filled in: each missing field says so
    expect(page.get_by_test_id("pattern-name-error")).to_have_text("此项必填。")
    expect(page.get_by_test_id("pattern-weekdays-error")).to_have_text("此项必填。")

    page.get_by_test_id("pattern-name").fill(name)
    page.get_by_test_id("pattern-team").select_option(label=DEMO_TEAM)
    # The area is picked on the map (no tiles here: a plain background with the outlines).
    label = page.get_by_test_id("pattern-area-map").locator(".map-area-label", has_text=WEST_AREA)
    label.scroll_into_view_if_needed()
    box = label.bounding_box()
    page.mouse.click(
        box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    )  # the name lets taps through to the area
    expect(page.get_by_test_id("pattern-area").locator("option:checked")).to_have_text(WEST_AREA)
    label.scroll_into_view_if_needed()
    shots(shot, page, "03-area-picked")
    page.get_by_test_id("weekday-6").click()
    page.get_by_test_id("weekday-7").click()
    expect(page.get_by_test_id("weekday-6")).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("pattern-start").fill("09:00")
    page.get_by_test_id("pattern-duration").select_option("120")
    page.get_by_test_id("pattern-places").fill("4")
    expect(page.get_by_test_id("pattern-leader")).to_be_checked()
    page.get_by_test_id("pattern-note").fill("在西门集合")
    # A holiday four weeks on is skipped.
    holiday = datetime.now(BEIJING).date() + timedelta(days=(5 - datetime.now(BEIJING).weekday()) % 7 + 21)
    page.get_by_test_id("pattern-skip-day").fill(holiday.isoformat())
    page.get_by_test_id("pattern-skip-add").click()
    expect(page.get_by_test_id("pattern-skipped")).to_contain_text(f"{holiday.month}月{holiday.day}日")
    assert latin_words(page) == []
    shots(shot, page, "03-pattern-form-filled")

    page.get_by_test_id("pattern-save").click()
    expect(page.get_by_test_id("board-page")).to_be_visible()
    expect(page.get_by_test_id("board-flash")).to_contain_text(name)
    # Next week certainly has the new Saturday and Sunday shifts: four places free, no leader yet.
    page.get_by_test_id("week-next").click()
    saturday = page.locator("[data-testid^='board-day-']").nth(5)
    new_shift = saturday.locator(".board-shift", has_text=WEST_AREA)
    expect(new_shift).to_contain_text("09:00–11:00")
    expect(new_shift).to_contain_text("0/4 人")
    expect(new_shift).to_contain_text("缺 4 人")
    expect(new_shift).to_contain_text("缺队长")
    expect(new_shift).to_have_class(r"board-shift has-gap no-leader")
    expect(page.get_by_test_id("board-summary")).to_contain_text("个缺队长")
    shots(shot, page, "04-board-with-gaps")

    # The days stand side by side on a desktop.
    page.set_viewport_size({"width": 1280, "height": 900})
    boxes = [page.locator("[data-testid^='board-day-']").nth(i).bounding_box() for i in range(7)]
    assert len({round(box["y"]) for box in boxes}) == 1, "seven columns on a wide screen"
    shot(page, "05-board-desktop")
    page.set_viewport_size({"width": 390, "height": 844})

    # Someone is put on one of its shifts; editing the pattern then leaves that one alone, and says so.
    pattern = next(p for p in api(page, "GET", "/shift-patterns?page_size=50")[1] if p["name"] == name)
    monday = (
        page.get_by_test_id("board-days").locator("li").first.get_attribute("data-testid").removeprefix("board-day-")
    )
    week = api(page, "GET", f"/shifts?unit_id={pattern['unit']['id']}&first_day={monday}")[1]
    taken = next(s for s in week if s["pattern_id"] == pattern["id"])
    member_id = api(page, "GET", "/users?q=13800000004")[1][0]["id"]
    assert api(page, "POST", f"/shifts/{taken['id']}/assign", {"user_id": member_id})[0] == 200
    page.get_by_test_id("to-patterns").click()
    page.locator("[data-testid^='pattern-']", has_text=name).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("修改排班规律")
    page.get_by_test_id("pattern-places").fill("5")
    page.get_by_test_id("pattern-save").click()
    expect(page.get_by_test_id("pattern-changed")).to_contain_text("已更新")
    expect(page.get_by_test_id("pattern-left-alone")).to_contain_text("下面 1 个班次已经有人报名或被单独改过")
    expect(page.get_by_test_id("left-alone")).to_contain_text("1/4 人")
    shots(shot, page, "06-pattern-edited")


def test_sign_up_full_waitlist_drop_and_promotion(new_context, sign_in, shot):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    # One place, three days ahead (before the drop cut-off of 24 h, inside the sign-up window).
    shift = create_shift(coordinator, local_day_at(3, 10), places=1, note="一个名额的演示班次")
    second_url = create_invite_via_api(coordinator, auto_approve=True)

    # The second member opens the shift while a place is still free...
    second = new_context("zh-CN").new_page()
    register_via_invite(second, second_url, "候补队员")
    expect(second.get_by_test_id("home-page")).to_be_visible()
    second.goto(f"/shifts/{shift['id']}")
    expect(second.get_by_test_id("shift-fill")).to_contain_text("0/1 人")

    # ...the first takes it from the list of open shifts...
    first = new_context("zh-CN").new_page()
    sign_in(first, PHONES["member"])
    first.get_by_test_id("tile-open-shifts").click()
    row = first.get_by_test_id(f"shift-{shift['id']}")
    expect(row).to_contain_text("0/1 人")
    expect(row).to_contain_text(EAST_AREA)
    expect(first.get_by_test_id(f"shift-map-{shift['id']}")).to_be_attached()
    assert latin_words(first) == []
    shots(shot, first, "01-open-shifts")
    row.get_by_test_id(f"signup-{shift['id']}").click()
    expect(first.get_by_test_id(f"signed-up-{shift['id']}")).to_contain_text("报名成功")
    first.goto("/shifts")
    expect(first.get_by_test_id("my-shifts")).to_contain_text("1/1 人")
    shots(shot, first, "02-my-shifts")

    # ...and the second's tap comes too late: shift_full.
    second.get_by_test_id("signup").click()
    # Full: the refusal is said in Chinese and the waitlist is one tap away.
    expect(second.get_by_test_id("signup-full")).to_contain_text("这个班次已经满员了")
    shots(shot, second, "03-full-offers-waitlist")
    second.get_by_test_id("signup-waitlist").click()
    expect(second.get_by_test_id("waitlisted")).to_contain_text("您在候补名单上（共 1 人）")
    expect(second.get_by_test_id("shift-mine")).to_have_text("候补中")
    assert latin_words(second) == []
    shots(shot, second, "04-waitlisted")

    first.goto(f"/shifts/{shift['id']}")
    expect(first.get_by_test_id("drop-hint")).to_contain_text("开始前 24 小时以前可以直接退出")
    shots(shot, first, "05-my-shift")
    first.get_by_test_id("drop").click()
    first.get_by_test_id("drop-confirm").click()
    expect(first.get_by_test_id("shift-notice")).to_have_text("您已退出这个班次。")
    # The place went to the waitlist at once: the shift is full again.
    expect(first.get_by_test_id("signup-full")).to_be_visible()
    shots(shot, first, "06-dropped")

    # The second is moved up and told: the notice is in their inbox and leads to the shift.
    second.goto("/")
    second.get_by_test_id("tile-inbox").click()
    notice = second.locator("[data-kind='waitlist_promoted']").first
    expect(notice).to_be_visible()
    assert latin_words(second) == []
    shots(shot, second, "07-inbox")
    notice.click()
    expect(second).to_have_url(re.compile(f"/shifts/{shift['id']}"))
    expect(second.get_by_test_id("shift-mine")).to_have_text("已报名")
    expect(second.get_by_test_id("shift-people")).to_contain_text("候补队员")
    shots(shot, second, "08-promoted")
    second.goto("/")
    expect(second.get_by_test_id("duty-next")).to_contain_text(EAST_AREA)
    shots(shot, second, "09-home-next-shift")


def test_a_late_drop_is_explained_and_waits_for_the_coordinator(new_context, sign_in, shot):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    # Within the 24-hour cut-off: dropping needs the coordinator.
    shift = create_shift(coordinator, local_day_at(0, 0) + timedelta(hours=datetime.now(BEIJING).hour + 6), places=3)
    member = new_context("zh-CN").new_page()
    sign_in(member, PHONES["member"])
    member.goto(f"/shifts/{shift['id']}")
    member.get_by_test_id("signup").click()
    expect(member.get_by_test_id("shift-notice")).to_have_text("报名成功！")
    expect(member.get_by_test_id("drop-hint")).to_contain_text("离开始已不到 24 小时，退出需要协调员同意")
    member.get_by_test_id("drop").click()
    member.get_by_test_id("drop-confirm").click()
    expect(member.get_by_test_id("shift-notice")).to_have_text("已申请退出，协调员会收到通知。")
    expect(member.get_by_test_id("shift-mine")).to_have_text("申请退出中")
    shots(shot, member, "01-drop-requested")

    coordinator.goto(f"/shifts/{shift['id']}")
    member_id = api(member, "GET", "/me")[1]["id"]
    expect(coordinator.get_by_test_id(f"person-{member_id}")).to_contain_text("申请退出")
    coordinator.get_by_test_id(f"approve-drop-{member_id}").click()
    expect(coordinator.get_by_test_id("shift-notice")).to_contain_text("移出")
    shots(shot, coordinator, "02-drop-approved")


def test_assigning_against_a_rule_needs_a_reason(new_context, sign_in, shot):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    # Starts in 40 minutes: sign-up closed an hour before.
    shift = create_shift(coordinator, datetime.now(BEIJING) + timedelta(minutes=40), hours=1, places=2)
    coordinator.goto(f"/shifts/{shift['id']}")
    coordinator.get_by_test_id("assign-search").fill("张建国")
    member_id = api(coordinator, "GET", "/users?q=13800000004")[1][0]["id"]
    coordinator.get_by_test_id(f"assign-{member_id}").click()
    expect(coordinator.get_by_test_id("override-rule")).to_have_text("报名已经截止了。")
    coordinator.get_by_test_id("override-submit").click()
    expect(coordinator.get_by_test_id("override-reason-error")).to_have_text("此项必填。")
    shots(shot, coordinator, "01-override")
    coordinator.get_by_test_id("override-reason").fill("临时顶班")
    coordinator.get_by_test_id("override-submit").click()
    expect(coordinator.get_by_test_id("assign-done")).to_contain_text("已安排 张建国")
    expect(coordinator.get_by_test_id(f"person-{member_id}")).to_contain_text("协调员安排")
    shots(shot, coordinator, "02-assigned")
    # The unit's sign-up rules are one screen away from the board.
    coordinator.goto("/board")
    coordinator.get_by_test_id("to-rules").click()
    expect(coordinator.get_by_test_id("rule-drop_cutoff_hours")).to_have_value("24")
    shots(shot, coordinator, "03-rules")


def test_swap_offered_taken_and_approved(new_context, sign_in, shot):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    shift = create_shift(coordinator, local_day_at(5, 15), places=2)
    taker_url = create_invite_via_api(coordinator, auto_approve=True)
    member = new_context("zh-CN").new_page()
    sign_in(member, PHONES["member"])
    member.goto(f"/shifts/{shift['id']}")
    member.get_by_test_id("signup").click()
    member.get_by_test_id("offer-swap").click()
    expect(member.get_by_test_id("swap-offered")).to_be_visible()
    shots(shot, member, "01-offered")

    taker = new_context("zh-CN").new_page()
    register_via_invite(taker, taker_url, "接班队员")
    expect(taker.get_by_test_id("home-page")).to_be_visible()
    taker.goto("/shifts/open")
    offers = taker.get_by_test_id("open-swaps")
    expect(offers).to_contain_text("张建国 让出")
    offers.locator("[data-testid^='take-swap-']").first.click()
    expect(offers.locator("[data-testid^='swap-result-']").first).to_have_text("已接下，等待协调员同意。")
    shots(shot, taker, "02-taken")

    coordinator.goto("/board")
    waiting = coordinator.get_by_test_id("swaps-waiting")
    expect(waiting).to_contain_text("张建国 → 接班队员")
    waiting.locator("[data-testid^='approve-swap-']").first.click()
    expect(waiting.locator("[data-testid^='swap-approved-']").first).to_contain_text("接班队员 接替 张建国")
    coordinator.get_by_test_id("swaps").scroll_into_view_if_needed()
    shots(shot, coordinator, "03-approved")


@pytest.mark.parametrize("locale", ["en"])
def test_scheduling_screens_in_english(new_context, sign_in, shot, locale):
    member = new_context(locale).new_page()
    sign_in(member, PHONES["member"])
    expect(member.locator("[data-testid^='duty-']").first).to_contain_text(
        re.compile("Next shift|Time to check in|On duty")
    )
    member.get_by_test_id("tile-shifts").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("My shifts")
    member.get_by_test_id("calendar-get").click()
    expect(member.get_by_test_id("calendar-link")).to_contain_text("/api/v1/calendar/")
    expect(member.get_by_test_id("calendar-open")).to_have_attribute("href", re.compile(r"^webcal://.*\.ics$"))
    shots(shot, member, "01-my-shifts")
    member.goto("/shifts/open")
    expect(member.get_by_role("heading", level=1)).to_have_text("Shifts I can take")
    shots(shot, member, "02-open-shifts")
    member.locator("[data-testid^='shift-'] a").first.click()
    expect(member.get_by_test_id("signup")).to_have_text("Sign up")
    shots(shot, member, "03-shift")

    coordinator = new_context(locale).new_page()
    sign_in(coordinator, PHONES["coordinator"])
    coordinator.get_by_test_id("tile-board").click()
    expect(coordinator.get_by_test_id("board-summary")).to_contain_text("without a leader")
    shots(shot, coordinator, "04-board")
    coordinator.goto("/patterns/new")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("New pattern")
    shots(shot, coordinator, "05-pattern-form")
    coordinator.goto(f"/patterns?unit={ids(coordinator)['unit']}")
    expect(coordinator.get_by_test_id("pattern-list")).to_contain_text("Every day, 19:00–21:00")
    shots(shot, coordinator, "06-patterns")


def test_the_unit_name_is_shown_for_a_whole_units_shift(new_context, sign_in):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    place = ids(coordinator)
    starts = local_day_at(6, 8)
    status, shift = api(
        coordinator,
        "POST",
        "/shifts",
        {
            "unit_id": place["unit"],
            "area_id": place["west"],
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "places": 3,
        },
    )
    assert status == 201
    coordinator.goto(f"/shifts/{shift['id']}")
    expect(coordinator.locator("p.lead")).to_contain_text(f"{DEMO_UNIT}全体队员")


def test_copy_a_weeks_one_off_shifts_once(new_context, sign_in, shot):
    coordinator = new_context("zh-CN").new_page()
    sign_in(coordinator, PHONES["coordinator"])
    shift = create_shift(coordinator, local_day_at(14, 7), places=2, note="复制周演示")
    day = local_day_at(14, 7).date().isoformat()
    coordinator.goto(f"/board?week={day}")
    expect(coordinator.get_by_test_id(f"board-shift-{shift['id']}")).to_contain_text("临时班次")
    coordinator.get_by_test_id("copy-week-button").click()
    expect(coordinator.get_by_test_id("copy-result")).to_contain_text("到下一周")
    shots(shot, coordinator, "01-copied")
    coordinator.get_by_test_id("copy-to-next").click()
    copied = coordinator.get_by_test_id(f"board-day-{local_day_at(21, 7).date().isoformat()}")
    expect(copied.locator(".board-shift", has_text="07:00–09:00")).to_have_count(1)
    # Copying the same week again makes nothing twice.
    coordinator.goto(f"/board?week={day}")
    coordinator.get_by_test_id("copy-week-button").click()
    expect(coordinator.get_by_test_id("copy-result")).to_contain_text("已经有了")
    coordinator.get_by_test_id("copy-to-next").click()
    expect(copied.locator(".board-shift", has_text="07:00–09:00")).to_have_count(1)


def test_open_shifts_nearest_first_with_the_phones_position(phone, sign_in, shot):
    member = phone(geolocation={"longitude": 116.4520, "latitude": 39.9372, "accuracy": 30}).new_page()
    sign_in(member, PHONES["member"])
    member.goto("/shifts/open")
    member.get_by_test_id("sort-nearest").click()
    expect(member.get_by_test_id("sorted-nearest")).to_be_visible()
    first = member.locator("[data-testid^='shift-']").first
    expect(first).to_contain_text("约")
    expect(first).to_contain_text("米")
    expect(member.locator(".map-me").first).to_be_attached()
    assert latin_words(member) == []
    shots(shot, member, "01-nearest")
