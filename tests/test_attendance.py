"""Attendance: check-in and check-out against the area and the clock, offline replays, proxies,
corrections, no-shows, forgotten check-outs, who is on duty, and the hours ledger."""

import codecs
import csv
import io
import uuid
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from app.attendance.models import Attendance
from app.extensions import db
from tests.support import assert_error

INSIDE = {"lon": 116.455, "lat": 39.935, "accuracy_m": 20}
ONE_KM_EAST = {"lon": 116.4717, "lat": 39.935, "accuracy_m": 20}


def check_in(client, shift, fix=INSIDE, **extra):
    body = {"fix": fix} | extra
    headers = {"Idempotency-Key": extra.pop("key")} if "key" in extra else {}
    return client.post(
        f"/api/v1/shifts/{shift.id}/check-in", json={k: v for k, v in body.items() if k != "key"}, headers=headers
    )


def check_out(client, shift, fix=INSIDE):
    return client.post(f"/api/v1/shifts/{shift.id}/check-out", json={"fix": fix})


@pytest.fixture
def my_shift(client_as, staff, create_shift, time_machine):
    """The demo member is on a 2-hour shift starting in 2 days; the clock stands at its start."""
    shift = create_shift(starts_in=timedelta(days=2), places=4)
    assert client_as(staff.member_a1).post(f"/api/v1/shifts/{shift.id}/signup").status_code == 200
    time_machine.shift(timedelta(days=2))
    return shift


def test_one_tap_on_site_and_on_time(client_as, staff, my_shift):
    response = check_in(client_as(staff.member_a1), my_shift)
    assert response.status_code == 201
    attendance = response.get_json()
    assert (attendance["check_in_position"], attendance["punctuality"], attendance["flags"]) == (
        "on_site",
        "on_time",
        [],
    )
    assert attendance["check_in_distance_m"] == 0


def test_a_second_tap_gives_the_same_record(client_as, staff, my_shift, in_app):
    member = client_as(staff.member_a1)
    first = check_in(member, my_shift).get_json()
    again = check_in(member, my_shift)
    assert again.status_code == 200 and again.get_json()["id"] == first["id"]
    with in_app():
        assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1


def test_outside_the_area_is_allowed_and_flagged_with_the_distance(client_as, staff, my_shift):
    attendance = check_in(client_as(staff.member_a1), my_shift, fix=ONE_KM_EAST).get_json()
    assert attendance["check_in_position"] == "outside" and 950 < attendance["check_in_distance_m"] < 1050
    assert "check_in_outside" in attendance["flags"]


def test_just_outside_within_the_buffer_counts_as_on_site(client_as, staff, my_shift):
    fix = {"lon": 116.4612, "lat": 39.935, "accuracy_m": 10}  # about 100 m east of the edge
    assert check_in(client_as(staff.member_a1), my_shift, fix=fix).get_json()["check_in_position"] == "on_site"


def test_no_fix_is_allowed_and_flagged(client_as, staff, my_shift):
    attendance = check_in(client_as(staff.member_a1), my_shift, fix=None).get_json()
    assert attendance["check_in_position"] == "no_fix" and "check_in_no_fix" in attendance["flags"]


def test_a_cell_tower_fix_cannot_stretch_the_area(client_as, staff, my_shift):
    vague_and_far = {"lon": 116.4717, "lat": 39.935, "accuracy_m": 1500}
    attendance = check_in(client_as(staff.member_a1), my_shift, fix=vague_and_far).get_json()
    assert attendance["check_in_position"] == "outside" and "imprecise" in attendance["flags"]


@pytest.mark.parametrize(
    "fix",
    [
        {"lon": 200, "lat": 39.9, "accuracy_m": 10},
        {"lon": 116.4, "lat": -91, "accuracy_m": 10},
        {"lon": 116.4, "lat": 39.9, "accuracy_m": 0},
        {"lon": 116.4, "lat": 39.9, "accuracy_m": -5},
        {"lon": 116.4, "lat": 39.9},
    ],
)
def test_absurd_fixes_are_refused_and_nothing_is_written(client_as, staff, my_shift, in_app, fix):
    assert_error(check_in(client_as(staff.member_a1), my_shift, fix=fix), 422, "validation_failed")
    with in_app():
        assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


@pytest.mark.parametrize(("offset", "expected"), [(-30, "early"), (-10, "on_time"), (4, "on_time"), (20, "late")])
def test_punctuality_from_the_clock(client_as, staff, my_shift, time_machine, offset, expected):
    time_machine.shift(timedelta(minutes=offset))
    assert check_in(client_as(staff.member_a1), my_shift).get_json()["punctuality"] == expected


@pytest.mark.parametrize("offset", [timedelta(hours=-2), timedelta(hours=2, minutes=1)])
def test_check_in_outside_its_window_is_not_due(client_as, staff, my_shift, time_machine, offset):
    time_machine.shift(offset)
    assert_error(check_in(client_as(staff.member_a1), my_shift), 409, "not_due")


def test_a_shift_i_am_not_on(client_as, staff, my_shift, create_user, org):
    teammate = client_as(create_user(team=org.team_a1))
    assert_error(check_in(teammate, my_shift), 403, "not_on_shift")
    assert_error(check_in(client_as(staff.member_b1), my_shift), 404, "not_found")


# Offline -----------------------------------------------------------------------------------------------------


def test_an_offline_check_in_keeps_the_phones_time_and_is_flagged(client_as, staff, my_shift, time_machine):
    from app.core import clock

    tapped = clock.now()
    time_machine.shift(timedelta(minutes=40))  # the signal came back 40 minutes later
    attendance = check_in(
        client_as(staff.member_a1), my_shift, device_at=tapped.isoformat(), recorded_offline=True
    ).get_json()
    assert attendance["checked_in_at"] == tapped.isoformat() and attendance["punctuality"] == "on_time"
    assert attendance["check_in_received_at"] > attendance["checked_in_at"]
    assert "recorded_offline" in attendance["flags"]


def test_a_phone_clock_in_the_future_is_not_believed(client_as, staff, my_shift):
    from app.core import clock

    future = (clock.now() + timedelta(hours=3)).isoformat()
    attendance = check_in(client_as(staff.member_a1), my_shift, device_at=future, recorded_offline=True).get_json()
    assert attendance["checked_in_at"] == attendance["check_in_received_at"]


def test_an_outbox_replay_is_exactly_once(client_as, staff, my_shift, in_app):
    member = client_as(staff.member_a1)
    key = str(uuid.uuid4())
    first = check_in(member, my_shift, key=key, recorded_offline=True)
    again = check_in(member, my_shift, key=key, recorded_offline=True)
    assert first.status_code == again.status_code == 201 and first.get_json()["id"] == again.get_json()["id"]
    with in_app():
        assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1


def test_another_users_key_is_a_409(client_as, staff, my_shift, create_user, org, create_shift):
    key = str(uuid.uuid4())
    check_in(client_as(staff.member_a1), my_shift, key=key)
    other = create_user(team=org.team_a1)
    assert_error(check_in(client_as(other), my_shift, key=key), 409, "idempotency_conflict")


# Check-out and hours ------------------------------------------------------------------------------------------


def test_check_out_credits_the_overlap_with_the_shift(client_as, staff, my_shift, time_machine):
    member = client_as(staff.member_a1)
    time_machine.shift(timedelta(minutes=-20))  # 20 minutes early: those minutes are not the shift's
    check_in(member, my_shift)
    time_machine.shift(timedelta(hours=1, minutes=50))
    attendance = check_out(member, my_shift).get_json()
    assert attendance["credited_minutes"] == 90
    assert member.get("/api/v1/hours?month=2026-12").get_json()["minutes"] == 90


def test_check_out_before_check_in_is_a_409(client_as, staff, my_shift):
    assert_error(check_out(client_as(staff.member_a1), my_shift), 409, "not_checked_in")


def test_hours_per_member_for_a_coordinator(client_as, staff, my_shift, time_machine):
    member = client_as(staff.member_a1)
    check_in(member, my_shift)
    time_machine.shift(timedelta(hours=2))
    check_out(member, my_shift)
    rows = client_as(staff.coordinator_a1).get(f"/api/v1/units/{my_shift.unit_id}/hours?month=2026-12").get_json()
    assert [(r["user"]["display_name"], r["minutes"], r["shifts"], r["phone"]) for r in rows] == [
        ("张建国", 120, 1, staff.member_a1.phone)
    ]
    assert_error(member.get(f"/api/v1/units/{my_shift.unit_id}/hours?month=2026-12"), 403, "forbidden")


@pytest.mark.parametrize("month", ["2026-13", "26-12", "2026-1x"])
def test_a_month_must_be_a_month(client_as, staff, month):
    assert_error(client_as(staff.member_a1).get(f"/api/v1/hours?month={month}"), 422, "validation_failed")


# Proxies and corrections ------------------------------------------------------------------------------------------


def test_a_leader_checks_in_a_member_without_a_smartphone(client_as, staff, my_shift, create_user, org):
    leader = client_as(create_user(team=org.team_a1, is_leader=True))
    response = leader.post(f"/api/v1/shifts/{my_shift.id}/attendance/{staff.member_a1.id}", json={"action": "check_in"})
    attendance = response.get_json()
    assert "by_proxy" in attendance["flags"] and attendance["check_in_position"] == "no_fix"
    assert attendance["proxy_by"]["display_name"].startswith("user")


def test_a_member_cannot_check_in_someone_else(client_as, staff, my_shift, create_user, org):
    other = client_as(create_user(team=org.team_a1))
    response = other.post(f"/api/v1/shifts/{my_shift.id}/attendance/{staff.member_a1.id}", json={"action": "check_in"})
    assert_error(response, 403, "forbidden")


def test_a_coordinator_corrects_with_a_reason_which_is_audited(client_as, staff, my_shift):
    from app.core import clock

    coordinator = client_as(staff.coordinator_a1)
    url = f"/api/v1/shifts/{my_shift.id}/attendance/{staff.member_a1.id}"
    start = clock.now()
    body = {
        "action": "correct",
        "checked_in_at": start.isoformat(),
        "checked_out_at": (start + timedelta(hours=1)).isoformat(),
        "reason": "手机没电，口头报到",
    }
    attendance = coordinator.post(url, json=body).get_json()
    assert attendance["credited_minutes"] == 60 and "corrected" in attendance["flags"]
    [event] = client_as(staff.district_admin).get("/api/v1/audit?action=attendance_corrected").get_json()
    assert event["data"]["reason"] == "手机没电，口头报到"
    assert_error(coordinator.post(url, json={"action": "correct", "no_show": True}), 422, "validation_failed")


# Jobs: no-shows and forgotten check-outs ---------------------------------------------------------------------------


def test_a_no_show_is_called_after_the_grace_and_the_coordinator_hears(
    client_as, staff, my_shift, runner, time_machine
):
    time_machine.shift(timedelta(minutes=31))
    runner.invoke(args=["jobs", "run", "mark_no_shows"])
    runner.invoke(args=["jobs", "run", "mark_no_shows"])
    [row] = client_as(staff.coordinator_a1).get(f"/api/v1/shifts/{my_shift.id}/attendance").get_json()
    assert row["no_show"] is True
    assert [n["kind"] for n in client_as(staff.coordinator_a1).get("/api/v1/notifications").get_json()] == ["no_show"]
    late = check_in(client_as(staff.member_a1), my_shift).get_json()
    assert late["no_show"] is False and late["punctuality"] == "late"


def test_a_forgotten_check_out_is_closed_at_the_end_and_flagged(client_as, staff, my_shift, runner, time_machine):
    check_in(client_as(staff.member_a1), my_shift)
    time_machine.shift(timedelta(hours=3, minutes=1))
    runner.invoke(args=["jobs", "run", "close_forgotten_check_outs"])
    [row] = client_as(staff.coordinator_a1).get(f"/api/v1/shifts/{my_shift.id}/attendance").get_json()
    assert row["credited_minutes"] == 120 and "auto_closed" in row["flags"]


# On duty and alert audiences -------------------------------------------------------------------------------------


def test_who_is_on_duty_now(client_as, staff, my_shift, org, time_machine):
    member = client_as(staff.member_a1)
    check_in(member, my_shift)
    coordinator = client_as(staff.coordinator_a1)
    [row] = coordinator.get(f"/api/v1/units/{org.a1.id}/on-duty").get_json()
    assert (row["user"]["display_name"], row["area"]["name"], row["position"]) == ("张建国", "北三里东片", "on_site")
    assert (row["lon"], row["lat"]) == (INSIDE["lon"], INSIDE["lat"])
    check_out(member, my_shift)
    assert coordinator.get(f"/api/v1/units/{org.a1.id}/on-duty").get_json() == []


def test_on_duty_is_for_staff_in_scope(client_as, staff, org):
    assert_error(client_as(staff.member_a1).get(f"/api/v1/units/{org.a1.id}/on-duty"), 403, "forbidden")
    assert_error(client_as(staff.coordinator_b1).get(f"/api/v1/units/{org.a1.id}/on-duty"), 404, "not_found")


def test_an_alert_to_those_on_duty_now(client_as, staff, my_shift, org, create_user):
    check_in(client_as(staff.member_a1), my_shift)
    officer = client_as(staff.street_a_officer)
    preview = officer.post("/api/v1/alerts/preview", json={"audience": {"kind": "on_duty", "unit_id": org.street_a.id}})
    assert preview.get_json()["recipients"] == 1


def test_an_alert_to_those_on_shift_in_an_area_today(client_as, staff, my_shift, org, area_a1):
    officer = client_as(staff.street_a_officer)
    audience = {"kind": "area_today", "area_id": area_a1.id}
    assert officer.post("/api/v1/alerts/preview", json={"audience": audience}).get_json()["recipients"] == 1


# The hours export -------------------------------------------------------------------------------------------------


@pytest.fixture
def attended_month(client_as, staff, my_shift, create_user, org, time_machine, in_app):
    """The demo member and a member whose name looks like a formula attended the shift."""
    from app.accounts.models import User

    tricky = create_user(team=org.team_a1, name="=HYPERLINK(1)")
    with in_app():
        tricky_phone = db.session.get(User, tricky.id).phone
    coordinator = client_as(staff.coordinator_a1)
    coordinator.post(f"/api/v1/shifts/{my_shift.id}/assign", json={"user_id": tricky.id, "override_reason": "补录"})
    for person in (staff.member_a1, tricky):
        check_in(client_as(person), my_shift)
    time_machine.shift(timedelta(hours=2))
    for person in (staff.member_a1, tricky):
        check_out(client_as(person), my_shift)
    return my_shift, tricky_phone


def test_the_hours_export_as_csv_opens_in_chinese_excel(client_as, staff, attended_month, org):
    shift, tricky_phone = attended_month
    response = client_as(staff.coordinator_a1).get(f"/api/v1/hours/export?format=csv&unit_id={org.a1.id}&month=2026-12")
    assert response.mimetype == "text/csv" and response.data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["姓名", "电话"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["'=HYPERLINK(1)"][1] == "'" + tricky_phone  # never a formula, and +86 stays readable
    assert by_name["张建国"][10] == "120"


def test_the_hours_export_as_xlsx_has_no_formulas(client_as, staff, attended_month, org):
    shift, tricky_phone = attended_month
    url = f"/api/v1/hours/export?format=xlsx&unit_id={org.a1.id}&month=2026-12"
    with client_as(staff.coordinator_a1).get(url) as response:
        workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    tricky = next(row for row in values if row[0] == "=HYPERLINK(1)")
    assert sheet.cell(row=values.index(tricky) + 2, column=1).data_type == "s"
    assert tricky[1] == tricky_phone and tricky[10] == 120


def test_a_large_hours_export_becomes_a_job_announced_in_the_inbox_in_my_language(
    app, client_as, staff, attended_month, org, monkeypatch
):
    monkeypatch.setitem(app.config, "HOURS_EXPORT_SYNC_MAX_ROWS", 1)
    coordinator = client_as(staff.coordinator_a1)
    coordinator.patch("/api/v1/me", json={"locale": "en"})
    response = coordinator.get(f"/api/v1/hours/export?format=csv&unit_id={org.a1.id}&month=2026-12")
    assert response.status_code == 202
    [notice] = coordinator.get("/api/v1/notifications").get_json()[:1]
    assert notice["kind"] == "export_ready"
    assert notice["payload"]["title"] == f"Export ready: {notice['payload']['filename']}"
    with coordinator.get(notice["payload"]["url"]) as download:
        assert download.status_code == 200 and "张建国" in download.data.decode("utf-8-sig")


def test_members_cannot_export_hours(client_as, staff, org):
    response = client_as(staff.member_a1).get(f"/api/v1/hours/export?format=csv&unit_id={org.a1.id}&month=2026-12")
    assert_error(response, 403, "forbidden")
