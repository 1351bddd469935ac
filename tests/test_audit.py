"""The audit log: what is recorded, who may read it, filters and retention."""

import json
import logging
from datetime import timedelta

import pytest

from app.audit.jobs import purge_audit_events
from app.core import clock
from tests.factories.accounts import PASSWORD
from tests.support import assert_error


def sign_in(client, phone, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"phone": phone, "password": password})


def actions(client, **filters) -> list[str]:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return [event["action"] for event in client.get(f"/api/v1/audit?{query}").get_json()]


def test_a_members_sign_in_is_in_the_log_of_their_admin(app, client_as, staff):
    sign_in(app.test_client(), staff.member_a1.phone)
    events = client_as(staff.district_admin).get("/api/v1/audit?action=sign_in").get_json()
    assert [(e["actor"]["display_name"], e["unit"]["name"], e["ip"]) for e in events] == [
        ("张建国", "北三里社区", "127.0.0.1")
    ]


def test_failed_sign_ins_are_recorded_even_though_they_change_nothing(app, client_as, staff):
    sign_in(app.test_client(), staff.member_a1.phone, "wrong-password")
    events = client_as(staff.street_a_officer).get("/api/v1/audit?action=sign_in_failed").get_json()
    assert [(e["actor"], e["subject_type"], e["subject_id"]) for e in events] == [(None, "user", staff.member_a1.id)]


def test_sign_ins_with_unknown_phones_are_read_from_the_top(app, client_as, staff):
    sign_in(app.test_client(), "13700000000")
    assert actions(client_as(staff.district_admin), action="sign_in_failed") == ["sign_in_failed"]
    assert actions(client_as(staff.street_a_admin), action="sign_in_failed") == []


def test_officers_read_only_their_subtree(app, client_as, staff):
    sign_in(app.test_client(), staff.member_a1.phone)
    sign_in(app.test_client(), staff.member_b1.phone)
    events = client_as(staff.street_a_officer).get("/api/v1/audit?action=sign_in").get_json()
    assert [e["subject_id"] for e in events] == [staff.member_a1.id]


def test_everyone_reads_their_own_events_and_no_one_elses(app, client_as, staff):
    sign_in(app.test_client(), staff.member_a1.phone)
    sign_in(app.test_client(), staff.member_b1.phone)
    member = client_as(staff.member_a1)
    assert {e["subject_id"] for e in member.get("/api/v1/audit").get_json()} == {staff.member_a1.id}


@pytest.mark.parametrize(
    ("path", "body", "action"),
    [
        ("/api/v1/users/{member}/deactivate", None, "account_deactivated"),
        ("/api/v1/users/{member}/password-reset", None, "password_reset_issued"),
        ("/api/v1/teams/{team}/invites", {}, "invite_created"),
    ],
)
def test_coordinator_actions_are_recorded_with_the_actor(client_as, staff, org, path, body, action):
    coordinator = client_as(staff.coordinator_a1)
    response = coordinator.post(path.format(member=staff.member_a1.id, team=org.team_a1.id), json=body)
    assert response.status_code in (200, 201)
    events = client_as(staff.district_admin).get(f"/api/v1/audit?action={action}").get_json()
    assert [e["actor"]["id"] for e in events] == [staff.coordinator_a1.id]


def test_role_grants_and_revocations_are_recorded(client_as, staff, org):
    admin = client_as(staff.district_admin)
    grant = admin.post(
        f"/api/v1/users/{staff.member_a1.id}/roles", json={"role": "coordinator", "unit_id": org.a1.id}
    ).get_json()
    admin.delete(f"/api/v1/users/{staff.member_a1.id}/roles/{grant['id']}")
    events = admin.get(f"/api/v1/audit?subject_type=user&subject_id={staff.member_a1.id}").get_json()
    assert [(e["action"], e["data"]) for e in events] == [
        ("role_revoked", {"role": "coordinator"}),
        ("role_granted", {"role": "coordinator"}),
    ]


def test_organisation_changes_name_the_fields_changed(client_as, staff, org):
    admin = client_as(staff.district_admin)
    admin.patch(f"/api/v1/teams/{org.team_a1.id}", json={"name": "新名字"})
    admin.patch(f"/api/v1/teams/{org.team_a1.id}", json={"name": "新名字"})  # no change, no event
    events = admin.get("/api/v1/audit?action=team_updated").get_json()
    assert [(e["subject_id"], e["data"]) for e in events] == [(org.team_a1.id, {"fields": ["name"]})]


def test_ending_sessions_is_recorded(client_as, staff):
    member = client_as(staff.member_a1)
    member.post("/api/v1/me/sessions/end-others")
    member.post("/api/v1/auth/logout")
    assert actions(client_as(staff.district_admin), subject_id=staff.member_a1.id) == ["sign_out", "sessions_ended"]


def test_the_log_filters_by_time(app, client_as, staff, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    sign_in(app.test_client(), staff.member_a1.phone)
    time_machine.shift(timedelta(hours=2))
    since = (clock.now() - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    sign_in(app.test_client(), staff.member_b1.phone)
    events = client_as(staff.district_admin).get(f"/api/v1/audit?action=sign_in&since={since}").get_json()
    assert [e["subject_id"] for e in events] == [staff.member_b1.id]


def test_times_without_a_zone_are_refused(client_as, staff):
    response = client_as(staff.district_admin).get("/api/v1/audit?since=2026-01-01T00:00:00")
    assert_error(response, 422, "validation_failed")


def test_events_older_than_the_retention_are_purged(app, client_as, staff, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    sign_in(app.test_client(), staff.member_a1.phone)
    time_machine.shift(timedelta(days=app.config["AUDIT_RETENTION_DAYS"] - 1))
    sign_in(app.test_client(), staff.member_b1.phone)
    time_machine.shift(timedelta(days=2))
    purge_audit_events.call_local()
    events = client_as(staff.district_admin).get("/api/v1/audit?action=sign_in").get_json()
    assert [e["subject_id"] for e in events] == [staff.member_b1.id]


def test_security_events_go_to_the_log_as_json_lines(app, staff, caplog):
    with caplog.at_level(logging.INFO, logger="pingan.security"):
        sign_in(app.test_client(), staff.member_a1.phone, "wrong-password")
    [line] = [record.getMessage() for record in caplog.records if record.name == "pingan.security"]
    event = json.loads(line)
    assert event["action"] == "sign_in_failed" and event["subject_id"] == staff.member_a1.id
