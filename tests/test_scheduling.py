"""Shift scheduling: patterns, sign-up rules, capacity under concurrency, waitlist, drops, swaps,
the board, reminders, announcements and the calendar feed."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from app.extensions import db
from app.scheduling.models import Shift, ShiftSignup
from tests.factories.scheduling import NOW
from tests.support import assert_error


def pattern_body(org, area, **overrides) -> dict:
    return {
        "name": "晚间巡逻",
        "unit_id": org.a1.id,
        "team_id": org.team_a1.id,
        "area_id": area.id,
        "weekdays": [2, 4, 6],
        "start_time": "19:00",
        "duration_minutes": 120,
        "places": 6,
        "leader_needed": True,
        "valid_from": "2026-12-01",
    } | overrides


def shifts_of_pattern(in_app, pattern_id) -> list[Shift]:
    with in_app():
        return db.session.scalars(select(Shift).where(Shift.pattern_id == pattern_id).order_by(Shift.starts_at)).all()


def sign_up(client, shift):
    return client.post(f"/api/v1/shifts/{shift.id}/signup")


# Patterns ------------------------------------------------------------------------------------------


def test_a_pattern_makes_its_shifts_for_the_coming_weeks_at_local_times(client_as, staff, org, area_a1, in_app, now):
    response = client_as(staff.coordinator_a1).post("/api/v1/shift-patterns", json=pattern_body(org, area_a1))
    assert response.status_code == 201, response.get_json()
    shifts = shifts_of_pattern(in_app, response.get_json()["id"])
    # Tue 1 Dec 19:00 (still ahead at 10:00) ... 4 weeks of Tue, Thu, Sat
    assert len(shifts) == 12
    first = shifts[0]
    assert first.starts_at.isoformat() == "2026-12-01T11:00:00+00:00"  # 19:00 in Beijing
    assert (first.ends_at - first.starts_at) == timedelta(hours=2)
    assert {shift.starts_at.astimezone().isoweekday() for shift in shifts} <= {2, 4, 6}
    assert all(shift.places == 6 and shift.leader_needed for shift in shifts)


def test_generating_twice_makes_nothing_twice(client_as, staff, org, area_a1, in_app, runner):
    pattern = client_as(staff.coordinator_a1).post("/api/v1/shift-patterns", json=pattern_body(org, area_a1)).get_json()
    runner.invoke(args=["jobs", "run", "generate_pattern_shifts"])
    runner.invoke(args=["jobs", "run", "generate_pattern_shifts"])
    assert len(shifts_of_pattern(in_app, pattern["id"])) == 12


def test_skipped_dates_make_no_shift(client_as, staff, org, area_a1, in_app, now):
    body = pattern_body(org, area_a1, skipped_dates=["2026-12-03", "2026-12-05"])
    pattern = client_as(staff.coordinator_a1).post("/api/v1/shift-patterns", json=body).get_json()
    days = {shift.pattern_date.isoformat() for shift in shifts_of_pattern(in_app, pattern["id"])}
    assert "2026-12-03" not in days and "2026-12-05" not in days and len(days) == 10


def test_editing_a_pattern_moves_empty_future_shifts_and_lists_the_others(client_as, staff, org, area_a1, in_app, now):
    coordinator = client_as(staff.coordinator_a1)
    pattern = coordinator.post("/api/v1/shift-patterns", json=pattern_body(org, area_a1)).get_json()
    first, second, *_ = shifts_of_pattern(in_app, pattern["id"])
    assert sign_up(client_as(staff.member_a1), first).status_code == 200
    coordinator.patch(f"/api/v1/shifts/{second.id}", json={"note": "集合点改到北门"})
    change = coordinator.patch(f"/api/v1/shift-patterns/{pattern['id']}", json={"start_time": "18:30"}).get_json()
    assert {shift["id"] for shift in change["left_alone"]} == {first.id, second.id}
    assert change["updated"] == 10
    by_id = {shift.id: shift for shift in shifts_of_pattern(in_app, pattern["id"])}
    assert by_id[first.id].starts_at.isoformat() == "2026-12-01T11:00:00+00:00"
    assert all(
        shift.starts_at.astimezone(shift.starts_at.tzinfo).minute == 30
        for shift_id, shift in by_id.items()
        if shift_id not in (first.id, second.id)
    )


def test_a_day_dropped_from_the_pattern_cancels_its_empty_shifts(client_as, staff, org, area_a1, in_app, now):
    coordinator = client_as(staff.coordinator_a1)
    pattern = coordinator.post("/api/v1/shift-patterns", json=pattern_body(org, area_a1)).get_json()
    change = coordinator.patch(f"/api/v1/shift-patterns/{pattern['id']}", json={"weekdays": [2]}).get_json()
    assert change["removed"] == 8
    live = [s for s in shifts_of_pattern(in_app, pattern["id"]) if s.status == "scheduled"]
    assert len(live) == 4


def test_overlapping_patterns_are_refused(client_as, staff, org, area_a1, in_app):
    coordinator = client_as(staff.coordinator_a1)
    coordinator.post("/api/v1/shift-patterns", json=pattern_body(org, area_a1))
    overlapping = pattern_body(org, area_a1, name="重复", weekdays=[4], start_time="20:00")
    assert_error(coordinator.post("/api/v1/shift-patterns", json=overlapping), 409, "pattern_overlap")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [0, 8]}, "weekdays"),
        ({"weekdays": [2, 2]}, "weekdays"),
        ({"start_time": "25:00"}, "start_time"),
        ({"start_time": "19:00:30"}, "start_time"),
        ({"places": 0}, "places"),
        ({"places": 10_000}, "places"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"valid_until": "2026-11-01"}, "valid_until"),
    ],
)
def test_bad_patterns_are_refused_by_field(client_as, staff, org, area_a1, change, field):
    response = client_as(staff.coordinator_a1).post("/api/v1/shift-patterns", json=pattern_body(org, area_a1) | change)
    assert field in assert_error(response, 422, "validation_failed")["errors"]["json"]


# One-off shifts and bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"starts_at": "2026-11-30T10:00:00+08:00", "ends_at": "2026-11-30T12:00:00+08:00"}, 422, "in_the_past"),
        ({"ends_at": "2026-12-05T18:00:00+08:00"}, 422, "validation_failed"),
        ({"places": 0}, 422, "validation_failed"),
        ({"places": 51}, 422, "validation_failed"),
        ({"ends_at": "2026-12-06T19:00:00+08:00"}, 422, "validation_failed"),
    ],
)
def test_bad_shifts_are_refused(client_as, staff, org, area_a1, now, change, status, error):
    body = {
        "unit_id": org.a1.id,
        "team_id": org.team_a1.id,
        "area_id": area_a1.id,
        "starts_at": "2026-12-05T19:00:00+08:00",
        "ends_at": "2026-12-05T21:00:00+08:00",
        "places": 4,
    } | change
    assert_error(client_as(staff.coordinator_a1).post("/api/v1/shifts", json=body), status, error)


def test_another_communitys_shift_is_a_404(client_as, staff, create_shift):
    shift = create_shift()
    assert_error(client_as(staff.member_b1).get(f"/api/v1/shifts/{shift.id}"), 404, "not_found")
    assert_error(sign_up(client_as(staff.coordinator_b1), shift), 404, "not_found")


def test_places_cannot_drop_below_those_taken(client_as, staff, create_shift, create_user, org):
    shift = create_shift(places=3)
    sign_up(client_as(staff.member_a1), shift)
    sign_up(client_as(create_user(team=org.team_a1)), shift)
    response = client_as(staff.coordinator_a1).patch(f"/api/v1/shifts/{shift.id}", json={"places": 1})
    assert_error(response, 409, "places_below_taken")


# Sign-up rules -------------------------------------------------------------------------------------


def test_a_member_signs_up_and_sees_it_in_my_shifts(client_as, staff, create_shift):
    shift = create_shift()
    member = client_as(staff.member_a1)
    detail = sign_up(member, shift).get_json()
    assert detail["mine"] == "active" and detail["taken"] == 1
    assert [s["id"] for s in member.get("/api/v1/me/shifts").get_json()] == [shift.id]


@pytest.mark.parametrize(
    ("starts_in", "error"),
    [(timedelta(days=20), "signup_not_open"), (timedelta(minutes=30), "signup_closed")],
)
def test_sign_up_only_within_its_window(client_as, staff, create_shift, starts_in, error):
    shift = create_shift(starts_in=starts_in)
    assert_error(sign_up(client_as(staff.member_a1), shift), 422, error)


def test_overlapping_shifts_are_refused(client_as, staff, create_shift, org):
    first = create_shift(starts_in=timedelta(days=2))
    second = create_shift(starts_in=timedelta(days=2, hours=1), team=None)
    member = client_as(staff.member_a1)
    sign_up(member, first)
    assert_error(sign_up(member, second), 422, "overlap")


def test_a_minimum_rest_between_shifts(client_as, staff, create_shift):
    first = create_shift(starts_in=timedelta(days=2), hours=2)
    right_after = create_shift(starts_in=timedelta(days=2, hours=2, minutes=30), hours=2)
    member = client_as(staff.member_a1)
    sign_up(member, first)
    assert_error(sign_up(member, right_after), 422, "rest_too_short")


def test_the_weekly_hours_cap(client_as, staff, create_shift):
    member = client_as(staff.member_a1)
    # Thursday to Saturday of the same week: 3 shifts of 8 hours = 24 h, the default cap
    for day in range(2, 5):
        assert sign_up(member, create_shift(starts_in=timedelta(days=day), hours=8)).status_code == 200
    assert_error(sign_up(member, create_shift(starts_in=timedelta(days=4, hours=10), hours=1)), 422, "weekly_cap")


def test_another_teams_shift_is_not_for_me(client_as, staff, create_shift, create_team, org):
    shift = create_shift(team=create_team(org.a1, "北三里志愿者队"))
    assert_error(sign_up(client_as(staff.member_a1), shift), 403, "not_eligible")


def test_a_units_shift_is_open_to_its_members_and_those_below(client_as, staff, create_shift, org):
    shift = create_shift(team=None, unit=org.street_a)
    assert sign_up(client_as(staff.member_a1), shift).status_code == 200
    assert_error(sign_up(client_as(staff.member_b1), shift), 404, "not_found")


def test_signing_up_twice_is_a_409(client_as, staff, create_shift):
    shift = create_shift()
    member = client_as(staff.member_a1)
    sign_up(member, shift)
    assert_error(sign_up(member, shift), 409, "already_signed_up")


def test_a_cancelled_shift_takes_nobody_and_tells_those_on_it(client_as, staff, create_shift):
    shift = create_shift()
    member = client_as(staff.member_a1)
    sign_up(member, shift)
    client_as(staff.coordinator_a1).post(f"/api/v1/shifts/{shift.id}/cancel")
    assert member.get("/api/v1/notifications").get_json()[0]["kind"] == "shift_cancelled"
    assert_error(sign_up(client_as(staff.coordinator_a1), shift), 403, "not_eligible")


# Capacity under concurrency ------------------------------------------------------------------------


def test_fifty_people_tapping_the_last_place_at_once_give_one_success(
    client_as, create_shift, create_user, org, in_app
):
    shift = create_shift(places=1)
    clients = [client_as(create_user(team=org.team_a1)) for _ in range(50)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(lambda client: sign_up(client, shift), clients))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [409] * 49
    assert {r.get_json()["error"] for r in responses if r.status_code == 409} == {"shift_full"}
    with in_app():
        assert db.session.get(Shift, shift.id).taken == 1
        assert db.session.scalar(select(func.count()).select_from(ShiftSignup)) == 1


# The leader's place --------------------------------------------------------------------------------


def test_the_last_place_waits_for_a_leader_until_its_release(
    client_as, staff, create_shift, create_user, org, time_machine
):
    shift = create_shift(places=2, leader_needed=True, starts_in=timedelta(days=3))
    sign_up(client_as(staff.member_a1), shift)
    other = client_as(create_user(team=org.team_a1))
    assert_error(sign_up(other, shift), 409, "shift_full")
    time_machine.shift(timedelta(days=2, hours=1))  # within 24 h of the start: the place opens to all
    assert sign_up(other, shift).status_code == 200


def test_a_leader_takes_the_held_place(client_as, staff, create_shift, create_user, org):
    shift = create_shift(places=2, leader_needed=True)
    sign_up(client_as(staff.member_a1), shift)
    leader = client_as(create_user(team=org.team_a1, is_leader=True))
    detail = sign_up(leader, shift).get_json()
    assert detail["leader_taken"] is True and detail["taken"] == 2


# Waitlist and drops --------------------------------------------------------------------------------


def test_full_then_waitlist_then_promoted_when_someone_drops(client_as, staff, create_shift, create_user, org):
    shift = create_shift(places=1, starts_in=timedelta(days=3))
    first = client_as(staff.member_a1)
    second = client_as(create_user(team=org.team_a1, name="候补队员"))
    sign_up(first, shift)
    assert_error(sign_up(second, shift), 409, "shift_full")
    assert second.post(f"/api/v1/shifts/{shift.id}/waitlist").get_json()["mine"] == "waitlisted"
    assert first.post(f"/api/v1/shifts/{shift.id}/drop", json={}).get_json()["mine"] is None
    assert second.get(f"/api/v1/shifts/{shift.id}").get_json()["mine"] == "active"
    assert second.get("/api/v1/notifications").get_json()[0]["kind"] == "waitlist_promoted"


def test_the_waitlist_is_for_full_shifts(client_as, staff, create_shift):
    shift = create_shift(places=2)
    assert_error(client_as(staff.member_a1).post(f"/api/v1/shifts/{shift.id}/waitlist"), 409, "shift_not_full")


def test_a_late_drop_waits_for_the_coordinator(client_as, staff, create_shift, create_user, org):
    shift = create_shift(places=1, starts_in=timedelta(hours=12))
    member = client_as(staff.member_a1)
    sign_up(member, shift)
    waiting = client_as(create_user(team=org.team_a1))
    waiting.post(f"/api/v1/shifts/{shift.id}/waitlist")
    assert member.post(f"/api/v1/shifts/{shift.id}/drop", json={}).get_json()["mine"] == "drop_requested"
    coordinator = client_as(staff.coordinator_a1)
    assert coordinator.get("/api/v1/notifications").get_json()[0]["kind"] == "drop_requested"
    approved = coordinator.post(f"/api/v1/shifts/{shift.id}/drop", json={"user_id": staff.member_a1.id})
    assert approved.status_code == 200
    assert waiting.get(f"/api/v1/shifts/{shift.id}").get_json()["mine"] == "active"


def test_a_member_cannot_take_someone_else_off(client_as, staff, create_shift, create_user, org):
    shift = create_shift()
    sign_up(client_as(staff.member_a1), shift)
    other = client_as(create_user(team=org.team_a1))
    assert_error(other.post(f"/api/v1/shifts/{shift.id}/drop", json={"user_id": staff.member_a1.id}), 403, "forbidden")


# Assigning -----------------------------------------------------------------------------------------


def test_a_coordinator_assigns_within_the_rules(client_as, staff, create_shift):
    shift = create_shift()
    response = client_as(staff.coordinator_a1).post(
        f"/api/v1/shifts/{shift.id}/assign", json={"user_id": staff.member_a1.id}
    )
    assert response.get_json()["taken"] == 1
    assert client_as(staff.member_a1).get(f"/api/v1/shifts/{shift.id}").get_json()["mine"] == "active"


def test_a_rule_is_overridden_only_with_a_reason_which_is_audited(client_as, staff, create_shift):
    shift = create_shift(starts_in=timedelta(minutes=30))
    coordinator = client_as(staff.coordinator_a1)
    url = f"/api/v1/shifts/{shift.id}/assign"
    assert_error(coordinator.post(url, json={"user_id": staff.member_a1.id}), 422, "signup_closed")
    assert coordinator.post(url, json={"user_id": staff.member_a1.id, "override_reason": "临时顶班"}).status_code == 200
    [event] = client_as(staff.district_admin).get("/api/v1/audit?action=shift_assigned").get_json()
    assert event["data"]["overridden_rule"] == "signup_closed" and event["data"]["reason"] == "临时顶班"


def test_members_cannot_assign(client_as, staff, create_shift, create_user, org):
    shift = create_shift()
    other = create_user(team=org.team_a1)
    response = client_as(staff.member_a1).post(f"/api/v1/shifts/{shift.id}/assign", json={"user_id": other.id})
    assert_error(response, 403, "forbidden")


# Swaps ---------------------------------------------------------------------------------------------


def test_a_swap_with_the_coordinators_approval(client_as, staff, create_shift, create_user, org, in_app):
    shift = create_shift(places=1)
    member = client_as(staff.member_a1)
    sign_up(member, shift)
    offer = member.post(f"/api/v1/shifts/{shift.id}/swap-offers").get_json()
    taker = create_user(team=org.team_a1, name="接班队员")
    taken = client_as(taker).post(f"/api/v1/swap-offers/{offer['id']}/take").get_json()
    assert taken["status"] == "taken"
    coordinator = client_as(staff.coordinator_a1)
    assert [o["id"] for o in coordinator.get("/api/v1/swap-offers?status=taken").get_json()] == [offer["id"]]
    assert coordinator.post(f"/api/v1/swap-offers/{offer['id']}/approve").get_json()["status"] == "done"
    assert member.get(f"/api/v1/shifts/{shift.id}").get_json()["mine"] is None
    assert client_as(taker).get(f"/api/v1/shifts/{shift.id}").get_json()["mine"] == "active"
    with in_app():
        assert db.session.get(Shift, shift.id).taken == 1


def test_a_swap_without_approval_where_the_unit_allows_it(client_as, staff, create_shift, create_user, org):
    client_as(staff.coordinator_a1).patch(
        f"/api/v1/units/{org.a1.id}/scheduling-rules", json={"swap_needs_approval": False}
    )
    shift = create_shift(places=1)
    member = client_as(staff.member_a1)
    sign_up(member, shift)
    offer = member.post(f"/api/v1/shifts/{shift.id}/swap-offers").get_json()
    assert (
        client_as(create_user(team=org.team_a1)).post(f"/api/v1/swap-offers/{offer['id']}/take").get_json()["status"]
        == "done"
    )


def test_one_cannot_take_ones_own_offer(client_as, staff, create_shift):
    shift = create_shift()
    member = client_as(staff.member_a1)
    sign_up(member, shift)
    offer = member.post(f"/api/v1/shifts/{shift.id}/swap-offers").get_json()
    assert_error(member.post(f"/api/v1/swap-offers/{offer['id']}/take"), 422, "own_offer")


# The board, open shifts ----------------------------------------------------------------------------


def test_the_week_board_shows_fill_and_missing_leaders(client_as, staff, create_shift, org):
    shift = create_shift(places=6, leader_needed=True)
    create_shift(starts_in=timedelta(days=9))  # next week
    sign_up(client_as(staff.member_a1), shift)
    board = client_as(staff.coordinator_a1).get(f"/api/v1/shifts?unit_id={org.a1.id}&first_day=2026-11-30").get_json()
    assert [(s["id"], s["taken"], s["places"], s["leader_taken"]) for s in board] == [(shift.id, 1, 6, False)]
    assert board[0]["signups"][0]["user"]["display_name"] == "张建国"


def test_the_board_of_another_community_is_a_404(client_as, staff, org):
    response = client_as(staff.coordinator_b1).get(f"/api/v1/shifts?unit_id={org.a1.id}&first_day=2026-11-30")
    assert_error(response, 404, "not_found")


def test_open_shifts_are_those_i_can_take_nearest_first(client_as, staff, create_shift, create_team, org, now):
    near = create_shift(starts_in=timedelta(days=3))
    full = create_shift(starts_in=timedelta(days=2), places=1)
    create_shift(team=create_team(org.a1, "北三里志愿者队"))  # another team's
    client_as(staff.coordinator_a1).post(f"/api/v1/shifts/{full.id}/assign", json={"user_id": staff.member_a1.id})
    listed = client_as(staff.member_a1).get("/api/v1/shifts/open?lon=116.455&lat=39.935").get_json()
    assert [s["id"] for s in listed] == [near.id] and listed[0]["distance_m"] < 1000


# Reminders, announcements, fill --------------------------------------------------------------------


def test_reminders_go_once_per_person_and_lead_time(client_as, staff, create_shift, runner, time_machine):
    shift = create_shift(starts_in=timedelta(days=2))
    member = client_as(staff.member_a1)
    sign_up(member, shift)
    time_machine.shift(timedelta(days=1, minutes=1))  # 23:59 before the start
    runner.invoke(args=["jobs", "run", "remind_shifts"])
    runner.invoke(args=["jobs", "run", "remind_shifts"])
    assert [n["kind"] for n in member.get("/api/v1/notifications").get_json()] == ["shift_reminder"]
    time_machine.shift(timedelta(hours=23))  # 59 minutes before
    runner.invoke(args=["jobs", "run", "remind_shifts"])
    runner.invoke(args=["jobs", "run", "remind_shifts"])
    assert [n["kind"] for n in member.get("/api/v1/notifications").get_json()] == ["shift_reminder"] * 2


def test_a_reminder_is_written_in_the_members_language(client_as, staff, create_shift, runner, time_machine):
    shift = create_shift(starts_in=timedelta(hours=5))
    member = client_as(staff.member_a1)
    member.patch("/api/v1/me", json={"locale": "en"})
    sign_up(member, shift)
    runner.invoke(args=["jobs", "run", "remind_shifts"])
    [reminder] = member.get("/api/v1/notifications").get_json()
    assert reminder["payload"]["title"] == "Shift reminder"
    assert reminder["payload"]["body"] == "Tue 1 Dec, 15:00, 北三里东片"
    # The row says which language its words are in, so after a switch back the app can mark it.
    member.patch("/api/v1/me", json={"locale": "zh-CN"})
    [reminder] = member.get("/api/v1/notifications").get_json()
    assert reminder["payload"]["lang"] == "en"


def test_members_hear_once_per_week_when_shifts_open(client_as, staff, create_shift, runner):
    for day in (2, 3, 4):
        create_shift(starts_in=timedelta(days=day))
    runner.invoke(args=["jobs", "run", "announce_open_weeks"])
    runner.invoke(args=["jobs", "run", "announce_open_weeks"])
    [notice] = client_as(staff.member_a1).get("/api/v1/notifications").get_json()
    assert notice["kind"] == "shifts_open" and "3 个班次" in notice["payload"]["body"]


def test_fill_is_kept_at_start_time(client_as, staff, create_shift, runner, time_machine, in_app):
    shift = create_shift(places=4, starts_in=timedelta(days=2))
    sign_up(client_as(staff.member_a1), shift)
    time_machine.shift(timedelta(days=2, minutes=1))
    runner.invoke(args=["jobs", "run", "record_shift_fill"])
    with in_app():
        stored = db.session.get(Shift, shift.id)
        assert (stored.fill_taken, stored.fill_leader_present) == (1, False) and stored.fill_recorded_at


# The calendar feed ---------------------------------------------------------------------------------


def test_my_shifts_in_the_phones_calendar(client, client_as, staff, create_shift):
    shift = create_shift()
    member = client_as(staff.member_a1)
    sign_up(member, shift)
    url = member.post("/api/v1/me/calendar-token").get_json()["url"]
    feed = client.get(url.replace("http://localhost", ""))
    assert feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2026-12-03T10:00:00+08:00"
    assert str(event["dtstart"].params["TZID"]) == "Asia/Shanghai"
    assert calendar.walk("VTIMEZONE")
    assert "北三里东片" in str(event["summary"])


def test_a_new_calendar_link_ends_the_old_one(client, client_as, staff):
    member = client_as(staff.member_a1)
    old = member.post("/api/v1/me/calendar-token").get_json()["url"].replace("http://localhost", "")
    member.post("/api/v1/me/calendar-token")
    assert_error(client.get(old), 404, "calendar_not_found")


# Rules per unit ------------------------------------------------------------------------------------


def test_a_streets_rules_are_inherited_by_its_communities(client_as, staff, org):
    client_as(staff.street_a_admin).patch(
        f"/api/v1/units/{org.street_a.id}/scheduling-rules", json={"weekly_hours_cap": 10}
    )
    rules = client_as(staff.coordinator_a1).get(f"/api/v1/units/{org.a1.id}/scheduling-rules").get_json()
    assert rules["weekly_hours_cap"] == 10 and rules["signup_opens_days"] == 14


def test_members_cannot_change_rules(client_as, staff, org):
    response = client_as(staff.member_a1).patch(
        f"/api/v1/units/{org.a1.id}/scheduling-rules", json={"weekly_hours_cap": 30}
    )
    assert_error(response, 403, "forbidden")


def test_local_day_helpers_use_beijing_time(app):
    from app.scheduling.rules import local_date, week_start

    with app.app_context():
        assert local_date(NOW.replace(hour=17)) == date(2026, 12, 2)  # 01:00 on Wednesday in Beijing
        assert week_start(date(2026, 12, 3)) == date(2026, 11, 30)
