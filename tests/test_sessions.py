"""Signed-in devices: server-side sessions that sign-out, a password change or deactivation end."""

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, update

from app.accounts import principal_cache, services
from app.accounts.models import User
from app.core import clock
from app.core.access import Role
from app.extensions import db
from tests.factories.accounts import PASSWORD
from tests.support import assert_error

ANDROID_WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; V2118A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/86.0.4240.99 Mobile Safari/537.36 MicroMessenger/8.0.40"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)


def sign_in(client, user, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"phone": user.phone, "password": password})


def copy_cookies(source, target) -> None:
    """What someone who lifted the session cookie off a shared phone would hold."""
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def test_sign_out_ends_a_copied_session_cookie(app, create_user):
    user = create_user()
    phone = app.test_client()
    sign_in(phone, user)
    thief = app.test_client()
    copy_cookies(phone, thief)
    assert thief.get("/api/v1/me").status_code == 200
    assert phone.post("/api/v1/auth/logout").status_code == 204
    assert_error(thief.get("/api/v1/me"), 401, "unauthorized")


def test_sign_out_without_a_session_is_harmless(client):
    assert client.post("/api/v1/auth/logout").status_code == 204


def test_devices_lists_each_sign_in_with_the_current_one_marked(client_as, create_user):
    user = create_user()
    client_as(user, IPHONE_SAFARI)
    phone = client_as(user, ANDROID_WECHAT)
    devices = phone.get("/api/v1/me/sessions").get_json()
    assert [(d["browser"], d["system"], d["is_current"]) for d in devices] == [
        ("WeChat", "Android", True),
        ("Safari", "iPhone", False),
    ]


def test_ending_another_device_signs_it_out(client_as, create_user):
    user = create_user()
    tablet = client_as(user, IPHONE_SAFARI)
    phone = client_as(user, ANDROID_WECHAT)
    other = next(d for d in phone.get("/api/v1/me/sessions").get_json() if not d["is_current"])
    assert phone.delete(f"/api/v1/me/sessions/{other['id']}").status_code == 204
    assert_error(tablet.get("/api/v1/me"), 401, "unauthorized")
    assert phone.get("/api/v1/me").status_code == 200


def test_end_others_keeps_only_this_device(client_as, create_user):
    user = create_user()
    others = [client_as(user) for _ in range(3)]
    phone = client_as(user)
    assert phone.post("/api/v1/me/sessions/end-others").status_code == 204
    assert [d["is_current"] for d in phone.get("/api/v1/me/sessions").get_json()] == [True]
    for other in others:
        assert_error(other.get("/api/v1/me"), 401, "unauthorized")


def test_another_persons_session_cannot_be_ended(client_as, create_user):
    victim = client_as(create_user())
    victim_session = victim.get("/api/v1/me/sessions").get_json()[0]["id"]
    attacker = client_as(create_user())
    assert_error(attacker.delete(f"/api/v1/me/sessions/{victim_session}"), 404, "not_found")
    assert victim.get("/api/v1/me").status_code == 200


def test_a_session_unused_for_its_lifetime_expires(app, client_as, create_user, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    phone = client_as(create_user())
    time_machine.shift(app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1))
    assert_error(phone.get("/api/v1/me"), 401, "unauthorized")


def test_a_session_in_use_stays_alive(app, client_as, create_user, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    phone = client_as(create_user())
    for _ in range(3):
        time_machine.shift(app.config["PERMANENT_SESSION_LIFETIME"] - timedelta(days=1))
        assert phone.get("/api/v1/me").status_code == 200


def test_last_seen_is_recorded_at_most_every_few_minutes(app, client_as, create_user, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    phone = client_as(create_user())
    first = phone.get("/api/v1/me/sessions").get_json()[0]["last_seen_at"]
    time_machine.shift(timedelta(seconds=app.config["SESSION_TOUCH_SECONDS"] - 1))
    assert phone.get("/api/v1/me/sessions").get_json()[0]["last_seen_at"] == first
    time_machine.shift(timedelta(seconds=2))
    phone.get("/api/v1/me")
    assert phone.get("/api/v1/me/sessions").get_json()[0]["last_seen_at"] > first


def test_a_deactivated_account_can_end_no_session_of_anyone(client_as, staff):
    member = client_as(staff.member_a1)
    client_as(staff.coordinator_a1).post(f"/api/v1/users/{staff.member_a1.id}/deactivate")
    assert_error(member.post("/api/v1/me/sessions/end-others"), 401, "account_deactivated")


def test_a_cookie_signed_by_a_host_whose_clock_is_ahead_still_works(client_as, create_user, time_machine):
    """Behind a load balancer another host's clock may run a second ahead of this one's."""
    time_machine.move_to(clock.now(), tick=False)
    phone = client_as(create_user())
    time_machine.shift(timedelta(seconds=-5))
    assert phone.get("/api/v1/me").status_code == 200


# Principals kept between requests (app/accounts/principal_cache.py) ------------------------


@contextmanager
def statements(app):
    """The SQL statements run inside the block."""
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_kept_principal_answers_me_without_sql(app, client_as, staff):
    coordinator = client_as(staff.coordinator_a1)
    first = coordinator.get("/api/v1/me").get_json()
    with statements(app) as seen:
        again = coordinator.get("/api/v1/me").get_json()
    assert seen == []
    assert again == first


def test_a_kept_principal_is_read_again_after_its_time(app, client_as, staff, time_machine):
    coordinator = client_as(staff.coordinator_a1)
    coordinator.get("/api/v1/me")
    time_machine.move_to(clock.now() + timedelta(seconds=app.config["PRINCIPAL_CACHE_SECONDS"] + 1))
    with statements(app) as seen:
        assert coordinator.get("/api/v1/me").status_code == 200
    assert seen


def test_a_role_taken_away_applies_to_the_very_next_request(client_as, staff, org, create_user):
    leader = create_user(roles=[(Role.COORDINATOR, org.a1)], team=org.team_a1)
    phone = client_as(leader)
    assert phone.get("/api/v1/me").get_json()["capabilities"]["plan_shifts"]
    grant = next(g for g in leader.role_grants if g.role == Role.COORDINATOR)
    assert client_as(staff.street_a_admin).delete(f"/api/v1/users/{leader.id}/roles/{grant.id}").status_code == 204
    me = phone.get("/api/v1/me").get_json()
    assert not me["capabilities"]["plan_shifts"]
    assert [r["role"] for r in me["roles"]] == ["member"]


def test_a_deactivated_member_is_signed_out_on_the_very_next_request(client_as, staff):
    phone = client_as(staff.member_a1)
    assert phone.get("/api/v1/me").status_code == 200
    assert client_as(staff.street_a_admin).post(f"/api/v1/users/{staff.member_a1.id}/deactivate").status_code == 200
    assert_error(phone.get("/api/v1/me"), 401, "account_deactivated")


def test_a_renamed_community_shows_in_everyones_next_request(client_as, staff, org):
    phone = client_as(staff.member_a1)
    assert phone.get("/api/v1/me").get_json()["teams"][0]["unit"]["name"] == org.a1.name
    renamed = client_as(staff.street_a_admin).patch(f"/api/v1/units/{org.a1.id}", json={"name": "幸福里社区"})
    assert renamed.status_code == 200
    assert phone.get("/api/v1/me").get_json()["teams"][0]["unit"]["name"] == "幸福里社区"


def test_a_change_made_outside_any_request_reaches_the_next_request(client_as, staff, in_app):
    phone = client_as(staff.member_a1)
    phone.get("/api/v1/me")
    with in_app():
        db.session.execute(update(User).where(User.id == staff.member_a1.id).values(display_name="王阿姨"))
        db.session.commit()
    assert phone.get("/api/v1/me").get_json()["display_name"] == "王阿姨"


def test_a_principal_read_while_a_change_commits_is_not_kept(app, staff):
    """The read saw the old rows; keeping it after the change's forgetting would revive them."""
    with app.app_context():
        store = app.extensions["principal_cache"]
        user = db.session.get(User, staff.member_a1.id)
        principal = services.principal_of(user)
        seen = principal_cache.change_count()
        principal_cache.forget({user.id})
        principal_cache.keep("digest-of-a-device", principal, clock.now(), seen)
        assert store.get("digest-of-a-device") is None
        principal_cache.keep("digest-of-a-device", principal, clock.now(), principal_cache.change_count())
        assert store.get("digest-of-a-device").principal == principal


def test_a_full_memory_store_makes_room_by_forgetting_the_oldest(app, staff):
    with app.app_context():
        principal = services.principal_of(db.session.get(User, staff.member_a1.id))
    store = principal_cache.MemoryStore(limit=10)
    entry = principal_cache.Entry(principal, clock.now(), clock.now())
    for n in range(11):
        store.keep(f"device-{n}", entry, store.change_count(), 60)
    assert store.get("device-0") is None
    assert store.get("device-1") is not None and store.get("device-10") is not None
