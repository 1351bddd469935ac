"""The inbox and Web Push: subscriptions, the fan-out and what each push service answer does."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.notifications.models import Notification, PushStatus, PushSubscription
from tests.support import assert_error, field_errors


def test_test_notification(client_as, staff):
    member = client_as(staff.member_a1)
    assert member.post("/api/v1/push/test").status_code == 201
    [notification] = member.get("/api/v1/notifications").get_json()
    assert notification["payload"]["title"] == "测试通知" and notification["push_status"] == "none"


def test_pushes_are_encrypted_signed_and_carry_ttl_and_urgency(client_as, staff, subscribe, fake_push):
    member = client_as(staff.member_a1)
    subscriber = subscribe(member)
    member.post("/api/v1/push/test")
    [received] = [m for m in fake_push.received if m.subscription_id == subscriber.id]
    assert received.payload["title"] == "测试通知" and received.payload["kind"] == "test"
    assert int(received.headers["ttl"]) == 24 * 3600 and received.headers["urgency"] == "normal"
    assert received.jwt_claims["aud"] == fake_push.origin and received.jwt_claims["sub"].startswith("mailto:")
    assert fake_push.rejected == []
    [notification] = member.get("/api/v1/notifications").get_json()
    assert notification["push_status"] == "sent"


def test_the_vapid_jwt_is_signed_once_per_push_service(client_as, staff, subscribe, fake_push):
    member = client_as(staff.member_a1)
    for _ in range(3):
        subscribe(member)
    member.post("/api/v1/push/test")
    member.post("/api/v1/push/test")
    assert len(fake_push.received) == 6
    assert len(fake_push.tokens_by_origin[fake_push.origin]) == 1


def test_the_recipients_language_names_the_test(client_as, staff, subscribe, fake_push):
    member = client_as(staff.member_a1)
    member.patch("/api/v1/me", json={"locale": "en"})
    subscriber = subscribe(member)
    member.post("/api/v1/push/test")
    assert fake_push.messages_for(subscriber)[0]["title"] == "Test notification"


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted(client_as, staff, subscribe, fake_push, in_app, status):
    member = client_as(staff.member_a1)
    subscriber = subscribe(member)
    fake_push.answer(subscriber, status)
    member.post("/api/v1/push/test")
    assert member.get("/api/v1/push/subscriptions").get_json() == []
    assert member.get("/api/v1/notifications").get_json()[0]["push_status"] == "failed"


@pytest.mark.parametrize("status", [413, 400, 403])
def test_other_refusals_are_recorded_not_retried(client_as, staff, subscribe, fake_push, run_scheduled_jobs, status):
    member = client_as(staff.member_a1)
    subscriber = subscribe(member)
    fake_push.answer(subscriber, status)
    member.post("/api/v1/push/test")
    assert run_scheduled_jobs() == 0
    [subscription] = member.get("/api/v1/push/subscriptions").get_json()
    assert subscription["last_error"] == f"refused:{status}"
    assert member.get("/api/v1/notifications").get_json()[0]["push_status"] == "failed"


def test_server_errors_are_retried_with_backoff_until_accepted(
    client_as, staff, subscribe, fake_push, run_scheduled_jobs
):
    member = client_as(staff.member_a1)
    subscriber = subscribe(member)
    fake_push.answer(subscriber, 503, 502)
    member.post("/api/v1/push/test")
    assert member.get("/api/v1/notifications").get_json()[0]["push_status"] == "pending"  # a retry is due
    assert run_scheduled_jobs() == 1
    assert run_scheduled_jobs() == 1
    assert member.get("/api/v1/notifications").get_json()[0]["push_status"] == "sent"
    assert len(fake_push.messages_for(subscriber)) == 1


def test_a_429_waits_for_retry_after(client_as, staff, subscribe, fake_push, run_scheduled_jobs):
    member = client_as(staff.member_a1)
    subscriber = subscribe(member)
    fake_push.answer(subscriber, (429, {"Retry-After": "3600"}))
    member.post("/api/v1/push/test")
    assert run_scheduled_jobs(within_seconds=3000) == 0
    assert run_scheduled_jobs(within_seconds=3700) == 1
    assert len(fake_push.messages_for(subscriber)) == 1


def test_retries_stop_after_the_limit(app, client_as, staff, subscribe, fake_push, run_scheduled_jobs):
    member = client_as(staff.member_a1)
    subscriber = subscribe(member)
    fake_push.answer(subscriber, *[500] * app.config["PUSH_MAX_ATTEMPTS"])
    member.post("/api/v1/push/test")
    while run_scheduled_jobs():
        pass
    assert member.get("/api/v1/notifications").get_json()[0]["push_status"] == "failed"
    assert member.get("/api/v1/push/subscriptions").get_json()[0]["last_error"] == "retry:500"


def test_the_inbox_keeps_everything_even_when_push_fails(client_as, staff, subscribe, fake_push):
    member = client_as(staff.member_a1)
    fake_push.answer(subscribe(member), 500)
    member.post("/api/v1/push/test")
    assert len(member.get("/api/v1/notifications").get_json()) == 1


def test_signing_out_deletes_that_devices_subscription(client_as, staff, subscribe, in_app):
    member = client_as(staff.member_a1)
    subscribe(member)
    other_device = client_as(staff.member_a1)
    subscribe(other_device)
    member.post("/api/v1/auth/logout")
    assert len(other_device.get("/api/v1/push/subscriptions").get_json()) == 1
    with in_app():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1


def test_a_password_change_deletes_the_other_devices_subscriptions(client_as, staff, subscribe, in_app):
    member = client_as(staff.member_a1)
    subscribe(member)
    subscribe(client_as(staff.member_a1))
    member.post(
        "/api/v1/me/password", json={"current_password": "correct-horse-battery", "new_password": "another-long-one"}
    )
    assert len(member.get("/api/v1/push/subscriptions").get_json()) == 1


def test_deactivation_deletes_every_subscription(client_as, staff, subscribe, in_app):
    subscribe(client_as(staff.member_a1))
    client_as(staff.coordinator_a1).post(f"/api/v1/users/{staff.member_a1.id}/deactivate")
    with in_app():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_one_browser_pushes_to_whoever_signed_in_last(client_as, staff, fake_push):
    subscriber = fake_push.subscribe()
    client_as(staff.member_a1).post("/api/v1/push/subscriptions", json=subscriber.info())
    coordinator = client_as(staff.coordinator_a1)
    coordinator.post("/api/v1/push/subscriptions", json=subscriber.info())
    assert len(coordinator.get("/api/v1/push/subscriptions").get_json()) == 1
    assert client_as(staff.member_a1).get("/api/v1/push/subscriptions").get_json() == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://127.0.0.1/push/abc",
        "https://10.0.0.5/push",
        "https://localhost/push/abc",
        "https://metadata.internal/latest",
        "https://fcm.googleapis.com:8443/fcm/send/abc",
    ],
)
def test_endpoints_must_be_public_https_push_services(client_as, staff, fake_push, endpoint):
    info = fake_push.subscribe().info() | {"endpoint": endpoint}
    response = client_as(staff.member_a1).post("/api/v1/push/subscriptions", json=info)
    body = assert_error(response, 422, "push_endpoint_invalid")
    assert field_errors(body) == {"endpoint": ["push_endpoint_invalid"]}


def test_someone_elses_subscription_cannot_be_deleted(client_as, staff, subscribe):
    subscribe(client_as(staff.member_a1))
    [mine] = client_as(staff.member_a1).get("/api/v1/push/subscriptions").get_json()
    assert_error(client_as(staff.member_b1).delete(f"/api/v1/push/subscriptions/{mine['id']}"), 404, "not_found")


def test_a_pending_member_may_allow_notifications(client_as, org, create_user, subscribe):
    from app.accounts.models import UserStatus

    pending = client_as(create_user(team=org.team_a1, status=UserStatus.PENDING))
    subscribe(pending)
    assert pending.get("/api/v1/push/vapid-key").get_json()["public_key"]


# The inbox ------------------------------------------------------------------------------------


def test_unread_count_answers_304_while_nothing_changed(client_as, staff):
    member = client_as(staff.member_a1)
    first = member.get("/api/v1/notifications/unread-count")
    assert first.get_json() == {"unread": 0}
    etag = first.headers["ETag"]
    assert member.get("/api/v1/notifications/unread-count", headers={"If-None-Match": etag}).status_code == 304
    member.post("/api/v1/push/test")
    changed = member.get("/api/v1/notifications/unread-count", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json() == {"unread": 1}


def test_reading_clears_the_count(client_as, staff):
    member = client_as(staff.member_a1)
    member.post("/api/v1/push/test")
    member.post("/api/v1/push/test")
    first = member.get("/api/v1/notifications?unread=true").get_json()[0]
    member.post(f"/api/v1/notifications/{first['id']}/read")
    assert member.get("/api/v1/notifications/unread-count").get_json() == {"unread": 1}
    member.post("/api/v1/notifications/read-all")
    assert member.get("/api/v1/notifications/unread-count").get_json() == {"unread": 0}


def test_someone_elses_notification_is_a_404(client_as, staff, in_app):
    client_as(staff.member_a1).post("/api/v1/push/test")
    with in_app():
        notification_id = db.session.scalar(select(Notification.id))
    assert_error(client_as(staff.member_b1).post(f"/api/v1/notifications/{notification_id}/read"), 404, "not_found")


def test_notifications_keep_their_push_status_per_row(in_app, client_as, staff, subscribe, fake_push):
    member = client_as(staff.member_a1)
    member.post("/api/v1/push/test")
    subscribe(member)
    member.post("/api/v1/push/test")
    statuses = [n["push_status"] for n in member.get("/api/v1/notifications").get_json()]
    assert statuses == [PushStatus.SENT.value, PushStatus.NONE.value]
