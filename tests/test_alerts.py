"""Alerts: audiences and send rights, delivery through the inbox and push, answers, tally, CAP."""

import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from app.alerts.models import Alert
from app.core import clock
from app.extensions import db
from tests.support import Endpoint, assert_error, call, field_errors, matrix

CAP_SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "CAP-v1.2-schema.xsd")))


def alert_body(audience: dict, **overrides) -> dict:
    return {
        "severity": "urgent",
        "title": "可疑人员",
        "body": "3号门附近有可疑人员，请留意并报告。",
        "audience": audience,
        "expires_at": (clock.now() + timedelta(hours=2)).isoformat(),
    } | overrides


def alert_count(in_app) -> int:
    with in_app():
        return db.session.scalar(select(func.count()).select_from(Alert))


@pytest.fixture
def street_alert(client_as, staff, org):
    """The officer of street A sends an urgent alert to the whole street; returns (alert, officer client)."""
    officer = client_as(staff.street_a_officer)
    response = officer.post("/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.street_a.id}))
    assert response.status_code == 201, response.get_json()
    return response.get_json(), officer


# Audiences and send rights ------------------------------------------------------------------------


def test_preview_says_how_many_it_reaches_and_by_push(client_as, staff, org, create_user, subscribe):
    subscribe(client_as(staff.member_a1))
    create_user(team=org.team_a2)
    preview = client_as(staff.street_a_officer).post(
        "/api/v1/alerts/preview", json={"audience": {"kind": "unit", "unit_id": org.street_a.id}}
    )
    # member A1, coordinator A1, the street officer and admin, and the new member of A2
    assert preview.get_json() == {"recipients": 5, "with_push": 1}


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ({"kind": "teams", "team_ids": ["{team_a1}"]}, 1),
        ({"kind": "roles", "unit_id": "{street_a}", "roles": ["member"]}, 2),
        ({"kind": "roles", "unit_id": "{street_a}", "roles": ["coordinator", "officer"]}, 2),
        ({"kind": "area", "area_id": "{area_a1}"}, 1),
        ({"kind": "unit", "unit_id": "{a1}"}, 2),
    ],
)
def test_each_kind_of_audience(client_as, staff, org, create_user, create_area, audience, expected):
    create_user(team=org.team_a2)
    ids = {"team_a1": org.team_a1.id, "street_a": org.street_a.id, "a1": org.a1.id, "area_a1": create_area(org.a1).id}
    response = client_as(staff.street_a_officer).post("/api/v1/alerts/preview", json={"audience": _fill(audience, ids)})
    assert response.get_json()["recipients"] == expected


def _fill(audience: dict, ids: dict) -> dict:
    from tests.support import fill

    return fill(audience, ids)


def test_deactivated_and_pending_accounts_are_not_in_the_audience(client_as, staff, org, create_user):
    from app.accounts.models import UserStatus

    create_user(team=org.team_a1, status=UserStatus.PENDING)
    create_user(team=org.team_a1, status=UserStatus.DEACTIVATED)
    preview = client_as(staff.coordinator_a1).post(
        "/api/v1/alerts/preview", json={"audience": {"kind": "teams", "team_ids": [org.team_a1.id]}}
    )
    assert preview.get_json()["recipients"] == 1


SENDS = matrix(
    Endpoint(
        "post",
        "/api/v1/alerts",
        {"severity": "urgent", "audience": {"kind": "unit", "unit_id": "{street_a}"}},
        {
            "district_admin": 201,
            "street_a_officer": 201,
            "street_a_admin": 201,
            "coordinator_a1": 404,  # the street is above their sight
            "member_a1": 404,
            "coordinator_b1": 404,
        },
    ),
    Endpoint(
        "post",
        "/api/v1/alerts",
        {"severity": "warning", "audience": {"kind": "teams", "team_ids": ["{team_a1}"]}},
        {"coordinator_a1": 201, "street_a_officer": 201, "member_a1": 403, "coordinator_b1": 404},
    ),
    Endpoint(
        "post",
        "/api/v1/alerts",
        {"severity": "urgent", "audience": {"kind": "teams", "team_ids": ["{team_a1}"]}},
        {"coordinator_a1": 403, "street_a_officer": 201},
    ),
    Endpoint(
        "post",
        "/api/v1/alerts",
        {"severity": "info", "audience": {"kind": "unit", "unit_id": "{a1}"}},
        {"coordinator_a1": 403, "member_a1": 403, "street_a_officer": 201},
    ),
)


@pytest.mark.parametrize(("endpoint", "who", "status"), SENDS)
def test_who_may_send_to_whom(client_as, staff, org, endpoint, who, status):
    ids = {"street_a": org.street_a.id, "team_a1": org.team_a1.id, "a1": org.a1.id}
    body = alert_body({}) | endpoint.body
    response = call(client_as(getattr(staff, who)), Endpoint("post", endpoint.path, body, {}), ids)
    assert response.status_code == status, response.get_json()


def test_refusals_name_their_rule(client_as, staff, org, in_app):
    coordinator = client_as(staff.coordinator_a1)
    too_severe = coordinator.post("/api/v1/alerts", json=alert_body({"kind": "teams", "team_ids": [org.team_a1.id]}))
    assert_error(too_severe, 403, "alert_severity_forbidden")
    not_teams = coordinator.post(
        "/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.a1.id}, severity="info")
    )
    assert_error(not_teams, 403, "alert_audience_forbidden")
    assert alert_count(in_app) == 0


def test_an_empty_audience_is_a_422_and_writes_nothing(client_as, staff, org, in_app):
    empty = client_as(staff.district_admin).post(
        "/api/v1/alerts", json=alert_body({"kind": "teams", "team_ids": [org.team_a2.id]})
    )
    body = assert_error(empty, 422, "alert_audience_empty")
    assert field_errors(body) == {"audience": ["alert_audience_empty"]}
    assert alert_count(in_app) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"audience": {"kind": "teams"}}, "audience"),
        ({"audience": {"kind": "unit", "unit_id": 1, "team_ids": [1]}}, "audience"),
        ({"expires_at": "2020-01-01T00:00:00+08:00"}, "expires_at"),
        ({"expires_at": "2030-01-01T00:00:00"}, "expires_at"),
        ({"radius_m": 500}, "radius_m"),
        ({"lat": 39.9}, "lat"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_alerts_are_refused_by_field(client_as, staff, org, in_app, change, field):
    body = alert_body({"kind": "unit", "unit_id": org.street_a.id}) | change
    response = client_as(staff.street_a_officer).post("/api/v1/alerts", json=body)
    assert field in assert_error(response, 422, "validation_failed")["errors"]["json"]
    assert alert_count(in_app) == 0


def test_sending_is_limited_per_sender(app, client_as, staff, org, monkeypatch):
    monkeypatch.setitem(app.config, "ALERT_LIMIT_PER_SENDER", "2 per hour")
    officer = client_as(staff.street_a_officer)
    body = alert_body({"kind": "unit", "unit_id": org.a1.id}, severity="info")
    assert [officer.post("/api/v1/alerts", json=body).status_code for _ in range(2)] == [201, 201]
    response = officer.post("/api/v1/alerts", json=body)
    assert_error(response, 429, "too_many_requests")
    assert int(response.headers["Retry-After"]) > 0


# Delivery ----------------------------------------------------------------------------------------


def test_every_recipient_finds_the_alert_in_the_inbox(client_as, staff, street_alert):
    alert, _ = street_alert
    inbox = client_as(staff.member_a1).get("/api/v1/notifications").get_json()
    assert [(n["kind"], n["subject_id"], n["payload"]["title"]) for n in inbox] == [("alert", alert["id"], "可疑人员")]
    assert client_as(staff.member_b1).get("/api/v1/notifications").get_json() == []


def test_the_push_carries_a_token_and_buttons_in_the_recipients_language(client_as, staff, org, subscribe, fake_push):
    member = client_as(staff.member_a1)
    member.patch("/api/v1/me", json={"locale": "en"})
    subscriber = subscribe(member)
    client_as(staff.street_a_officer).post("/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.a1.id}))
    [message] = fake_push.messages_for(subscriber)
    assert message["title"] == "可疑人员"  # as the sender wrote it
    assert [action["title"] for action in message["actions"]] == ["On my way", "Can't come"]
    assert message["severity_label"] == "Urgent" and message["url"].startswith("/alerts/")
    assert message["token"]
    assert fake_push.received[0].headers["urgency"] == "high"


def test_a_long_body_is_truncated_only_in_the_push(client_as, staff, org, subscribe, fake_push):
    member = client_as(staff.member_a1)
    subscriber = subscribe(member)
    body = alert_body({"kind": "unit", "unit_id": org.a1.id}, body="很长的内容。" * 330)
    client_as(staff.street_a_officer).post("/api/v1/alerts", json=body)
    [message] = fake_push.messages_for(subscriber)
    assert len(json.dumps(message, ensure_ascii=False).encode()) <= 3800 and message["body"].endswith("…")
    assert member.get("/api/v1/notifications").get_json()[0]["payload"]["body"] == "很长的内容。" * 330


# Answers ------------------------------------------------------------------------------------------


def test_answering_in_the_app(client_as, staff, street_alert):
    alert, _ = street_alert
    member = client_as(staff.member_a1)
    assert member.post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "seen"}).get_json()["answer"] is None
    mine = member.post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "on_my_way"}).get_json()
    assert mine["answer"] == "on_my_way" and mine["seen_at"] and mine["answered_at"]
    assert member.get(f"/api/v1/alerts/{alert['id']}").get_json()["mine"]["answer"] == "on_my_way"


def test_answering_twice_the_same_changes_nothing(client_as, staff, street_alert, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    alert, _ = street_alert
    member = client_as(staff.member_a1)
    first = member.post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "on_my_way"}).get_json()
    time_machine.shift(timedelta(minutes=5))
    again = member.post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "on_my_way"}).get_json()
    assert again["answered_at"] == first["answered_at"]


def test_the_notification_buttons_answer_with_the_token_alone(app, client_as, staff, org, subscribe, fake_push):
    subscriber = subscribe(client_as(staff.member_a1))
    alert = (
        client_as(staff.street_a_officer)
        .post("/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.a1.id}))
        .get_json()
    )
    [message] = fake_push.messages_for(subscriber)
    service_worker = app.test_client()  # no session, no CSRF token
    service_worker.send_csrf = False
    response = service_worker.post(
        f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "cannot_come", "token": message["token"]}
    )
    assert response.status_code == 200 and response.get_json()["answer"] == "cannot_come"


def test_a_token_answers_only_for_its_recipient_and_alert(app, client_as, staff, org, subscribe, fake_push):
    subscriber = subscribe(client_as(staff.member_a1))
    officer = client_as(staff.street_a_officer)
    first = officer.post("/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.a1.id})).get_json()
    second = officer.post("/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.a1.id})).get_json()
    token = fake_push.messages_for(subscriber)[0]["token"]
    user_id, _, mac = token.partition(".")
    anonymous = app.test_client()
    anonymous.send_csrf = False
    for alert_id, forged in [
        (second["id"], token),
        (first["id"], f"{staff.coordinator_a1.id}.{mac}"),
        (first["id"], f"{user_id}.{'0' * 32}"),
        (first["id"], "not-a-token"),
    ]:
        response = anonymous.post(f"/api/v1/alerts/{alert_id}/answer", json={"answer": "on_my_way", "token": forged})
        assert_error(response, 404, "alert_token_invalid")


def test_a_token_dies_with_its_alert(app, client_as, staff, org, subscribe, fake_push):
    subscriber = subscribe(client_as(staff.member_a1))
    officer = client_as(staff.street_a_officer)
    alert = officer.post("/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.a1.id})).get_json()
    token = fake_push.messages_for(subscriber)[0]["token"]
    officer.post(f"/api/v1/alerts/{alert['id']}/cancel")
    anonymous = app.test_client()
    anonymous.send_csrf = False
    response = anonymous.post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "on_my_way", "token": token})
    assert_error(response, 422, "alert_closed")


def test_an_expired_alert_takes_no_answers(client_as, staff, street_alert, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    alert, _ = street_alert
    time_machine.shift(timedelta(hours=3))
    response = client_as(staff.member_a1).post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "on_my_way"})
    assert_error(response, 422, "alert_closed")


def test_answering_without_session_or_token_is_a_401(app, street_alert):
    alert, _ = street_alert
    anonymous = app.test_client()
    anonymous.send_csrf = False
    assert_error(anonymous.post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "seen"}), 401, "unauthorized")


def test_answering_with_a_session_still_needs_the_csrf_token(client_as, staff, street_alert):
    alert, _ = street_alert
    member = client_as(staff.member_a1)
    member.send_csrf = False
    assert_error(member.post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "seen"}), 400, "csrf_failed")


def test_someone_outside_the_audience_cannot_answer_or_read(client_as, staff, street_alert):
    alert, _ = street_alert
    outsider = client_as(staff.member_b1)
    assert_error(outsider.post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "seen"}), 404, "not_found")
    assert_error(outsider.get(f"/api/v1/alerts/{alert['id']}"), 404, "not_found")


# The tally ------------------------------------------------------------------------------------------


def test_the_tally_counts_answers_per_kind_and_team(client_as, staff, org, create_user, street_alert):
    alert, officer = street_alert
    client_as(staff.member_a1).post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "on_my_way"})
    client_as(staff.coordinator_a1).post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "seen"})
    tally = officer.get(f"/api/v1/alerts/{alert['id']}/tally").get_json()
    assert tally["total"] == 4 and tally["delivered"] is True
    assert tally["answers"] == {"on_my_way": 1, "cannot_come": 0, "seen": 1, "unseen": 2}
    team = next(t for t in tally["teams"] if t["team"] and t["team"]["name"] == "北三里巡防队")
    assert team["answers"]["on_my_way"] == 1
    assert tally["push"] == {"none": 4}


def test_who_has_not_answered_with_phones_where_the_viewer_may_see_them(client_as, staff, org, street_alert):
    alert, officer = street_alert
    client_as(staff.member_a1).post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "on_my_way"})
    waiting = officer.get(f"/api/v1/alerts/{alert['id']}/recipients?answer=none").get_json()
    names = {r["user"]["display_name"]: r["user"]["phone"] for r in waiting}
    assert "张建国" not in names and names["王协调"] == staff.coordinator_a1.phone


def test_a_coordinator_sees_phones_of_members_but_not_of_staff(client_as, staff, org, create_user):
    from app.core.access import Role

    create_user(team=org.team_a1, roles=[(Role.OFFICER, org.a2)], name="兼职民警")
    coordinator = client_as(staff.coordinator_a1)
    body = alert_body({"kind": "teams", "team_ids": [org.team_a1.id]}, severity="warning")
    alert = coordinator.post("/api/v1/alerts", json=body).get_json()
    listed = coordinator.get(f"/api/v1/alerts/{alert['id']}/recipients").get_json()
    phones = {r["user"]["display_name"]: r["user"]["phone"] for r in listed}
    assert phones == {"张建国": staff.member_a1.phone, "兼职民警": None}


def test_a_member_cannot_read_the_tally(client_as, staff, street_alert):
    alert, _ = street_alert
    assert_error(client_as(staff.member_a1).get(f"/api/v1/alerts/{alert['id']}/tally"), 403, "forbidden")


def test_sent_and_received_boxes(client_as, staff, street_alert):
    alert, officer = street_alert
    assert [a["id"] for a in officer.get("/api/v1/alerts?box=sent").get_json()] == [alert["id"]]
    assert [a["id"] for a in client_as(staff.member_a1).get("/api/v1/alerts").get_json()] == [alert["id"]]
    assert client_as(staff.member_a1).get("/api/v1/alerts?box=sent").get_json() == []
    assert client_as(staff.member_b1).get("/api/v1/alerts").get_json() == []


def test_home_asks_only_for_open_alerts_i_have_not_answered(client_as, staff, street_alert):
    alert, officer = street_alert
    member, coordinator = client_as(staff.member_a1), client_as(staff.coordinator_a1)
    member.post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "seen"})
    assert [a["id"] for a in member.get("/api/v1/alerts?unanswered=true").get_json()] == [alert["id"]]
    member.post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "on_my_way"})
    assert member.get("/api/v1/alerts?unanswered=true").get_json() == []
    assert [a["id"] for a in coordinator.get("/api/v1/alerts?unanswered=true").get_json()] == [alert["id"]]
    officer.post(f"/api/v1/alerts/{alert['id']}/cancel")
    assert coordinator.get("/api/v1/alerts?unanswered=true").get_json() == []
    refused = officer.get("/api/v1/alerts?box=sent&unanswered=true")
    assert refused.status_code == 422
    assert field_errors(refused.get_json(), "query") == {"unanswered": ["invalid"]}


# Reminders, cancel and update -----------------------------------------------------------------------


def test_urgent_alerts_remind_those_who_did_not_answer_once(app, client_as, staff, org, time_machine, runner):
    time_machine.move_to(clock.now(), tick=False)
    officer = client_as(staff.street_a_officer)
    alert = officer.post("/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.a1.id})).get_json()
    client_as(staff.member_a1).post(f"/api/v1/alerts/{alert['id']}/answer", json={"answer": "on_my_way"})
    runner.invoke(args=["jobs", "run", "remind_urgent_alerts"])
    assert len(client_as(staff.coordinator_a1).get("/api/v1/notifications").get_json()) == 1  # too early
    time_machine.shift(timedelta(seconds=app.config["ALERT_REMINDER_DELAY_SECONDS"] + 1))
    runner.invoke(args=["jobs", "run", "remind_urgent_alerts"])
    runner.invoke(args=["jobs", "run", "remind_urgent_alerts"])
    kinds = [n["kind"] for n in client_as(staff.coordinator_a1).get("/api/v1/notifications").get_json()]
    assert kinds == ["alert_reminder", "alert"]
    assert [n["kind"] for n in client_as(staff.member_a1).get("/api/v1/notifications").get_json()] == ["alert"]


def test_cancelling_tells_every_recipient(client_as, staff, street_alert):
    alert, officer = street_alert
    cancelled = officer.post(f"/api/v1/alerts/{alert['id']}/cancel").get_json()
    assert cancelled["status"] == "cancelled" and cancelled["is_open"] is False
    inbox = client_as(staff.member_a1).get("/api/v1/notifications").get_json()
    assert inbox[0]["kind"] == "alert_cancelled" and inbox[0]["payload"]["title"] == "已取消：可疑人员"
    assert_error(officer.post(f"/api/v1/alerts/{alert['id']}/cancel"), 422, "alert_cancelled")


def test_a_cancellation_is_worded_in_each_recipients_language(client_as, staff, street_alert):
    alert, officer = street_alert
    member = client_as(staff.member_a1)
    assert member.patch("/api/v1/me", json={"locale": "en"}).status_code == 200
    officer.post(f"/api/v1/alerts/{alert['id']}/cancel")
    assert member.get("/api/v1/notifications").get_json()[0]["payload"]["title"] == "Cancelled: 可疑人员"


def test_only_the_sender_and_oversight_manage_an_alert(client_as, staff, street_alert):
    alert, _ = street_alert
    assert_error(client_as(staff.coordinator_a1).post(f"/api/v1/alerts/{alert['id']}/cancel"), 403, "forbidden")
    assert client_as(staff.district_admin).post(f"/api/v1/alerts/{alert['id']}/cancel").status_code == 200


def test_updating_tells_every_recipient(client_as, staff, street_alert):
    alert, officer = street_alert
    updated = officer.patch(f"/api/v1/alerts/{alert['id']}", json={"body": "人已离开，继续留意。"}).get_json()
    assert updated["version"] == 2 and updated["body"] == "人已离开，继续留意。"
    assert client_as(staff.member_a1).get("/api/v1/notifications").get_json()[0]["kind"] == "alert_updated"


# CAP 1.2 ---------------------------------------------------------------------------------------------

CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def cap_of(client, alert_id: int):
    response = client.get(f"/api/v1/alerts/{alert_id}/cap")
    assert response.mimetype == "application/cap+xml"
    document = etree.fromstring(response.data)
    CAP_SCHEMA.assertValid(document)
    return document


def test_cap_of_an_alert_with_a_circle(client_as, staff, org):
    officer = client_as(staff.street_a_officer)
    body = alert_body(
        {"kind": "unit", "unit_id": org.a1.id}, lon=116.4545, lat=39.9372, radius_m=300, category="Safety"
    )
    alert = officer.post("/api/v1/alerts", json=body).get_json()
    cap = cap_of(officer, alert["id"])
    assert cap.findtext(f"{CAP}msgType") == "Alert" and cap.findtext(f"{CAP}status") == "Actual"
    assert CAP_TIME.match(cap.findtext(f"{CAP}sent")) and CAP_TIME.match(cap.findtext(f"{CAP}info/{CAP}expires"))
    assert " " not in cap.findtext(f"{CAP}identifier") and "," not in cap.findtext(f"{CAP}sender")
    info = cap.find(f"{CAP}info")
    assert [info.findtext(f"{CAP}{name}") for name in ("urgency", "severity", "certainty")] == [
        "Immediate",
        "Severe",
        "Observed",
    ]
    assert info.findtext(f"{CAP}event") == "可疑人员" and info.findtext(f"{CAP}category") == "Safety"
    assert info.findtext(f"{CAP}area/{CAP}circle") == "39.9372,116.4545 0.3"


def test_cap_polygons_are_closed_lat_lon_rings_one_per_part(client_as, staff, org, create_area):
    multi = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[116.45, 39.93], [116.46, 39.93], [116.46, 39.94], [116.45, 39.93]]],
            [[[116.47, 39.93], [116.48, 39.93], [116.48, 39.94], [116.47, 39.93]]],
        ],
    }
    area = create_area(org.a1, geometry=multi)
    officer = client_as(staff.street_a_officer)
    body = alert_body({"kind": "area", "area_id": area.id}, severity="warning", area_id=area.id, is_test=True)
    alert = officer.post("/api/v1/alerts", json=body).get_json()
    cap = cap_of(officer, alert["id"])
    polygons = [p.text for p in cap.iter(f"{CAP}polygon")]
    assert polygons[0] == "39.93,116.45 39.93,116.46 39.94,116.46 39.93,116.45" and len(polygons) == 2
    assert cap.findtext(f"{CAP}status") == "Test"
    assert cap.findtext(f"{CAP}info/{CAP}urgency") == "Expected"


def test_cap_update_and_cancel_reference_the_earlier_messages(client_as, staff, street_alert):
    alert, officer = street_alert
    first = cap_of(officer, alert["id"]).findtext(f"{CAP}identifier")
    officer.patch(f"/api/v1/alerts/{alert['id']}", json={"title": "可疑人员（更新）"})
    update = cap_of(officer, alert["id"])
    assert update.findtext(f"{CAP}msgType") == "Update"
    assert f",{first}," in update.findtext(f"{CAP}references")
    officer.post(f"/api/v1/alerts/{alert['id']}/cancel")
    cancel = cap_of(officer, alert["id"])
    assert cancel.findtext(f"{CAP}msgType") == "Cancel"
    assert len(cancel.findtext(f"{CAP}references").split(" ")) == 2


# Exactly once under an Idempotency-Key -------------------------------------------------------------------


def test_the_same_key_twice_sends_one_alert(client_as, staff, org, in_app):
    officer = client_as(staff.street_a_officer)
    key = str(uuid.uuid4())
    body = alert_body({"kind": "unit", "unit_id": org.a1.id})
    first = officer.post("/api/v1/alerts", json=body, headers={"Idempotency-Key": key})
    again = officer.post("/api/v1/alerts", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert alert_count(in_app) == 1
    assert len(client_as(staff.member_a1).get("/api/v1/notifications").get_json()) == 1


def test_another_users_key_is_a_409(client_as, staff, org, in_app):
    key = str(uuid.uuid4())
    body = alert_body({"kind": "unit", "unit_id": org.a1.id})
    client_as(staff.street_a_officer).post("/api/v1/alerts", json=body, headers={"Idempotency-Key": key})
    response = client_as(staff.district_admin).post("/api/v1/alerts", json=body, headers={"Idempotency-Key": key})
    assert_error(response, 409, "idempotency_conflict")
    assert alert_count(in_app) == 1


def test_the_same_key_with_another_body_is_a_409(client_as, staff, org, in_app):
    officer = client_as(staff.street_a_officer)
    key = str(uuid.uuid4())
    officer.post(
        "/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.a1.id}), headers={"Idempotency-Key": key}
    )
    other = alert_body({"kind": "unit", "unit_id": org.a1.id}, title="另一条")
    assert_error(
        officer.post("/api/v1/alerts", json=other, headers={"Idempotency-Key": key}), 409, "idempotency_conflict"
    )
    assert alert_count(in_app) == 1


def test_a_key_that_is_not_a_uuid_is_a_400(client_as, staff, org):
    response = client_as(staff.street_a_officer).post(
        "/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.a1.id}), headers={"Idempotency-Key": "x"}
    )
    assert_error(response, 400, "idempotency_key_invalid")


def test_a_refused_request_does_not_burn_its_key(client_as, staff, org, in_app):
    officer = client_as(staff.street_a_officer)
    key = str(uuid.uuid4())
    empty = alert_body({"kind": "teams", "team_ids": [org.team_a2.id]})
    assert_error(
        officer.post("/api/v1/alerts", json=empty, headers={"Idempotency-Key": key}), 422, "alert_audience_empty"
    )
    assert_error(
        officer.post("/api/v1/alerts", json=empty, headers={"Idempotency-Key": key}), 422, "alert_audience_empty"
    )


def test_keys_of_rows_that_are_gone_are_purged(client_as, staff, org, in_app, runner):
    from app.alerts.models import AlertRecipient
    from app.core.idempotency import IdempotencyKey
    from app.notifications.models import Notification

    officer = client_as(staff.street_a_officer)
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    officer.post("/api/v1/alerts", json=alert_body({"kind": "unit", "unit_id": org.a1.id}), headers=headers)
    officer.post(
        "/api/v1/alerts",
        json=alert_body({"kind": "unit", "unit_id": org.a1.id}),
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    with in_app():
        first = db.session.scalar(select(Alert.id).order_by(Alert.id))
        db.session.execute(AlertRecipient.__table__.delete().where(AlertRecipient.alert_id == first))
        db.session.execute(Notification.__table__.delete().where(Notification.subject_id == first))
        db.session.execute(Alert.__table__.delete().where(Alert.id == first))
        db.session.commit()
    assert runner.invoke(args=["jobs", "run", "purge_orphaned_keys"]).exit_code == 0
    with in_app():
        assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
