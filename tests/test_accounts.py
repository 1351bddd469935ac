"""Joining by invite, signing in, approval, passwords and account management."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Invite, PasswordReset, User, UserStatus
from app.core import clock
from app.core.access import Role
from app.core.memory_limits import ThreadSafeMemoryStorage
from app.extensions import db, limiter
from app.orgs.models import Team
from tests.factories.accounts import PASSWORD
from tests.support import assert_error, field_errors


def register(client, invite, **overrides):
    body = {
        "invite_token": invite.token,
        "phone": "13712345678",
        "display_name": "陈阿姨",
        "password": "patrol-evening-7",
        "locale": "zh-CN",
    } | overrides
    return client.post("/api/v1/auth/register", json=body)


@pytest.fixture
def user_count(in_app):
    def count() -> int:
        with in_app():
            return db.session.scalar(select(func.count()).select_from(User))

    return count


@pytest.fixture
def fresh(in_app):
    """The row as stored now."""

    def load(model, row_id):
        with in_app():
            return db.session.get(model, row_id)

    return load


def sign_in(client, user, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"phone": user.phone, "password": password})


# Registration ----------------------------------------------------------------


def test_register_with_invite_creates_a_pending_member_of_the_team(client, org, create_invite, fresh):
    invite = create_invite(org.team_a1)
    response = register(client, invite)
    assert response.status_code == 201
    me = response.get_json()
    assert me["status"] == "pending"
    assert me["phone"] == "+8613712345678"
    assert [team["name"] for team in me["teams"]] == ["北三里巡防队"]
    assert [(r["role"], r["unit"]["name"]) for r in me["roles"]] == [("member", "北三里社区")]
    assert fresh(Invite, invite.id).use_count == 1


def test_register_signs_the_new_member_in(client, org, create_invite):
    register(client, create_invite(org.team_a1))
    assert client.get("/api/v1/me").get_json()["display_name"] == "陈阿姨"


def test_auto_approving_invite_makes_the_member_active(client, org, create_invite):
    response = register(client, create_invite(org.team_a1, auto_approve=True))
    assert response.get_json()["status"] == "active"


@pytest.mark.parametrize("spelling", ["13712345678", "137 1234 5678", "+86 137-1234-5678", "8613712345678"])
def test_phone_is_stored_in_e164_whatever_the_spelling(client, org, create_invite, spelling):
    response = register(client, create_invite(org.team_a1), phone=spelling)
    assert response.get_json()["phone"] == "+8613712345678"


@pytest.mark.parametrize("phone", ["1371234567", "12712345678", "23712345678", "1371234567a", "+1 415 555 0100", ""])
def test_bad_phone_is_rejected_and_nothing_is_stored(client, org, create_invite, phone, user_count, fresh):
    invite = create_invite(org.team_a1)
    before = user_count()
    body = assert_error(register(client, invite, phone=phone), 422, "validation_failed")
    assert field_errors(body)["phone"] == ["phone_invalid"]
    assert user_count() == before
    assert fresh(Invite, invite.id).use_count == 0


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short7!", "password_too_short"),
        ("password", "password_common"),
        ("woaini1314", "password_common"),
        ("Password1", "password_common"),
        ("x" * 129, "password_too_long"),
    ],
)
def test_weak_password_is_rejected(client, org, create_invite, password, problem):
    body = assert_error(register(client, create_invite(org.team_a1), password=password), 422, "validation_failed")
    assert field_errors(body)["password"] == [problem]


def test_duplicate_phone_is_a_409_and_the_invite_is_not_used(client, org, create_invite, create_user, fresh):
    existing = create_user()
    invite = create_invite(org.team_a1)
    body = assert_error(register(client, invite, phone=existing.phone), 409, "phone_taken")
    assert field_errors(body) == {"phone": ["phone_taken"]}
    assert fresh(Invite, invite.id).use_count == 0


@pytest.mark.parametrize(
    ("options", "error"),
    [({"expired": True}, "invite_expired"), ({"revoked": True}, "invite_revoked"), ({"max_uses": 0}, "invite_used_up")],
)
def test_unusable_invite_is_a_410(client, org, create_invite, options, error, user_count):
    invite = create_invite(org.team_a1, **options)
    before = user_count()
    assert_error(register(client, invite), 410, error)
    assert_error(client.get(f"/api/v1/invites/by-token/{invite.token}"), 410, error)
    assert user_count() == before


def test_invite_of_a_deactivated_team_stops_working(client, org, create_invite, in_app):
    invite = create_invite(org.team_a1)
    with in_app():
        db.session.get(Team, org.team_a1.id).is_active = False
        db.session.commit()
    assert_error(register(client, invite), 410, "invite_revoked")


def test_invite_is_used_up_after_max_uses(client, app, org, create_invite):
    invite = create_invite(org.team_a1, max_uses=1)
    assert register(client, invite).status_code == 201
    assert_error(register(app.test_client(), invite, phone="13812345678"), 410, "invite_used_up")


def test_unknown_invite_token_is_a_404(client):
    assert_error(client.get("/api/v1/invites/by-token/nope"), 404, "invite_not_found")


def test_invite_preview_shows_team_and_unit_without_secrets(client, org, create_invite):
    preview = client.get(f"/api/v1/invites/by-token/{create_invite(org.team_a1).token}").get_json()
    assert preview["team"]["name"] == "北三里巡防队"
    assert preview["unit"]["name"] == "北三里社区"
    assert "use_count" not in preview and "token" not in preview


# Signing in ------------------------------------------------------------------


def test_sign_in_sets_a_hardened_session_cookie(client, create_user):
    user = create_user()
    response = sign_in(client, user)
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/api/v1/me").get_json()["id"] == user.id


def test_session_cookie_is_secure_over_https(app, create_user):
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"  # CSRF checks the referrer over HTTPS
    user = create_user()
    response = client.post(
        "/api/v1/auth/login", json={"phone": user.phone, "password": PASSWORD}, base_url="https://localhost"
    )
    assert response.status_code == 200
    assert "Secure" in response.headers["Set-Cookie"]


def test_sign_in_accepts_the_11_digit_number(client, create_user):
    user = create_user()
    assert client.post("/api/v1/auth/login", json={"phone": user.phone[3:], "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_wrong_password_is_a_401(client, create_user, password):
    assert_error(sign_in(client, create_user(), password), 401, "invalid_credentials")


def test_unknown_phone_is_the_same_401(client):
    response = client.post("/api/v1/auth/login", json={"phone": "13700000000", "password": PASSWORD})
    assert_error(response, 401, "invalid_credentials")


@pytest.mark.parametrize(
    ("status", "error"), [(UserStatus.DEACTIVATED, "account_deactivated"), (UserStatus.REJECTED, "account_rejected")]
)
def test_closed_accounts_cannot_sign_in(client, create_user, status, error):
    assert_error(sign_in(client, create_user(status=status)), 403, error)


def test_failed_sign_ins_are_throttled_per_account(app, client, create_user):
    user = create_user()
    for _ in range(5):
        assert sign_in(client, user, "wrong-password").status_code == 401
    other_ip = app.test_client()
    other_ip.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    response = sign_in(other_ip, user)  # even the right password, even from elsewhere
    assert_error(response, 429, "too_many_requests")
    assert 0 < int(response.headers["Retry-After"]) <= 5 * 60 + 1


def test_failed_sign_ins_are_throttled_per_ip(client, create_user, monkeypatch, app):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "3 per minute")
    users = [create_user() for _ in range(4)]
    for user in users[:3]:
        assert sign_in(client, user, "wrong-password").status_code == 401
    assert_error(sign_in(client, users[3]), 429, "too_many_requests")


def test_successful_sign_ins_do_not_count_towards_the_throttle(client, create_user):
    user = create_user()
    for _ in range(8):
        assert sign_in(client, user).status_code == 200


def test_sign_out_ends_the_session(client, create_user):
    sign_in(client, create_user())
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")


def test_pending_member_sees_only_their_own_account(client_as, org, create_user):
    pending = client_as(create_user(team=org.team_a1, status=UserStatus.PENDING))
    assert pending.get("/api/v1/me").status_code == 200
    assert_error(pending.get("/api/v1/teams"), 403, "account_pending")


# Profile and passwords ---------------------------------------------------------


def test_member_changes_language_and_name(client_as, staff):
    response = client_as(staff.member_a1).patch("/api/v1/me", json={"locale": "en", "display_name": " 张大爷 "})
    assert response.get_json()["locale"] == "en"
    assert response.get_json()["display_name"] == "张大爷"


def test_unsupported_language_is_rejected(client_as, staff):
    assert_error(client_as(staff.member_a1).patch("/api/v1/me", json={"locale": "fr"}), 422, "validation_failed")


def test_change_password_keeps_this_session_and_ends_the_others(app, client_as, create_user):
    user = create_user()
    this_phone, other_phone = app.test_client(), app.test_client()
    sign_in(this_phone, user)
    sign_in(other_phone, user)
    response = this_phone.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "a-new-long-secret"}
    )
    assert response.status_code == 204
    assert this_phone.get("/api/v1/me").status_code == 200
    assert_error(other_phone.get("/api/v1/me"), 401, "unauthorized")
    assert sign_in(app.test_client(), user, "a-new-long-secret").status_code == 200


def test_change_password_needs_the_current_one(client_as, create_user):
    response = client_as(create_user()).post(
        "/api/v1/me/password", json={"current_password": "guess-guess", "new_password": "a-new-long-secret"}
    )
    body = assert_error(response, 422, "password_incorrect")
    assert field_errors(body) == {"current_password": ["password_incorrect"]}


# Invites ---------------------------------------------------------------------


def test_coordinator_creates_an_invite_with_link_and_qr(client_as, staff, org):
    client = client_as(staff.coordinator_a1)
    response = client.post(f"/api/v1/teams/{org.team_a1.id}/invites", json={"max_uses": 5, "expires_in_hours": 24})
    assert response.status_code == 201
    invite = response.get_json()
    assert invite["url"] == f"http://localhost/join/{invite['token']}"
    assert invite["max_uses"] == 5 and invite["is_usable"]
    qr = client.get(invite["qr_svg_url"])
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


@pytest.mark.parametrize(("who", "status"), [("member_a1", 403), ("street_a_officer", 403), ("coordinator_b1", 404)])
def test_only_coordinators_in_scope_create_invites(client_as, staff, org, who, status):
    response = client_as(getattr(staff, who)).post(f"/api/v1/teams/{org.team_a1.id}/invites", json={})
    assert response.status_code == status


@pytest.mark.parametrize("body", [{"max_uses": 0}, {"expires_in_hours": 721}, {"auto_approve": "maybe"}])
def test_invite_options_are_validated(client_as, staff, org, body):
    response = client_as(staff.coordinator_a1).post(f"/api/v1/teams/{org.team_a1.id}/invites", json=body)
    assert_error(response, 422, "validation_failed")


def test_revoked_invite_link_stops_working(client, client_as, staff, org, create_invite):
    invite = create_invite(org.team_a1, by=staff.coordinator_a1)
    response = client_as(staff.coordinator_a1).post(f"/api/v1/invites/{invite.id}/revoke")
    assert response.get_json()["is_usable"] is False
    assert_error(client.get(f"/api/v1/invites/by-token/{invite.token}"), 410, "invite_revoked")


def test_invite_list_shows_only_my_teams(client_as, staff, org, create_invite):
    mine = create_invite(org.team_a1)
    create_invite(org.team_b1)
    listed = client_as(staff.coordinator_a1).get("/api/v1/invites").get_json()
    assert [invite["id"] for invite in listed] == [mine.id]


def test_qr_of_another_community_is_a_404(client_as, staff, org, create_invite):
    invite = create_invite(org.team_b1)
    assert client_as(staff.coordinator_a1).get(f"/api/v1/invites/{invite.id}/qr.svg").status_code == 404


# Approval and account management ----------------------------------------------


def test_coordinator_approves_a_pending_member(client_as, staff, org, create_user, fresh):
    pending = create_user(team=org.team_a1, status=UserStatus.PENDING)
    response = client_as(staff.coordinator_a1).post(f"/api/v1/users/{pending.id}/approve")
    assert response.get_json()["status"] == "active"
    assert client_as(fresh(User, pending.id)).get("/api/v1/teams").status_code == 200


def test_a_rejected_applicant_is_signed_out_and_told_why(client_as, staff, org, create_user):
    pending = create_user(team=org.team_a1, status=UserStatus.PENDING)
    member_client = client_as(pending)
    assert client_as(staff.coordinator_a1).post(f"/api/v1/users/{pending.id}/reject").status_code == 200
    assert_error(member_client.get("/api/v1/me"), 401, "account_rejected")


def test_approving_an_active_member_is_a_409(client_as, staff):
    response = client_as(staff.coordinator_a1).post(f"/api/v1/users/{staff.member_a1.id}/approve")
    assert_error(response, 409, "not_pending")


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator_b1", 404), ("member_a1", 404), ("street_a_officer", 403), ("street_a_admin", 200)],
)
def test_who_may_approve(client_as, staff, org, create_user, who, status):
    pending = create_user(team=org.team_a1, status=UserStatus.PENDING)
    assert client_as(getattr(staff, who)).post(f"/api/v1/users/{pending.id}/approve").status_code == status


def test_deactivating_an_account_ends_its_sessions_at_once(client_as, staff):
    member_client = client_as(staff.member_a1)
    assert member_client.get("/api/v1/me").status_code == 200
    response = client_as(staff.coordinator_a1).post(f"/api/v1/users/{staff.member_a1.id}/deactivate")
    assert response.get_json()["status"] == "deactivated"
    assert_error(member_client.get("/api/v1/me"), 401, "account_deactivated")


def test_reactivated_account_can_sign_in_again(client, client_as, staff):
    coordinator = client_as(staff.coordinator_a1)
    coordinator.post(f"/api/v1/users/{staff.member_a1.id}/deactivate")
    coordinator.post(f"/api/v1/users/{staff.member_a1.id}/reactivate")
    assert sign_in(client, staff.member_a1).status_code == 200


@pytest.mark.parametrize("target", ["street_a_admin", "coordinator_a1"])
def test_coordinator_cannot_deactivate_staff_or_themselves(client_as, staff, target, fresh):
    response = client_as(staff.coordinator_a1).post(f"/api/v1/users/{getattr(staff, target).id}/deactivate")
    assert response.status_code in (403, 404)
    assert fresh(User, getattr(staff, target).id).status == UserStatus.ACTIVE


def test_user_list_is_scoped_to_my_units(client_as, staff, org, create_user):
    create_user(team=org.team_a2, name="中三里队员")
    names = {u["display_name"] for u in client_as(staff.coordinator_a1).get("/api/v1/users").get_json()}
    assert "张建国" in names and "刘大妈" not in names and "中三里队员" not in names
    names = {u["display_name"] for u in client_as(staff.street_a_officer).get("/api/v1/users").get_json()}
    assert {"张建国", "中三里队员"} <= names and "刘大妈" not in names


def test_user_list_filters_pending_and_searches(client_as, staff, org, create_user):
    create_user(team=org.team_a1, status=UserStatus.PENDING, name="待审核")
    client = client_as(staff.coordinator_a1)
    assert [u["display_name"] for u in client.get("/api/v1/users?status=pending").get_json()] == ["待审核"]
    assert [u["display_name"] for u in client.get("/api/v1/users?q=建国").get_json()] == ["张建国"]


def test_member_cannot_list_accounts(client_as, staff):
    assert client_as(staff.member_a1).get("/api/v1/users").get_json() == []


def test_another_communitys_member_is_a_404(client_as, staff):
    assert client_as(staff.coordinator_a1).get(f"/api/v1/users/{staff.member_b1.id}").status_code == 404


# Password reset links ----------------------------------------------------------


def issue_reset(client_as, staff, target):
    response = client_as(staff.coordinator_a1).post(f"/api/v1/users/{target.id}/password-reset")
    assert response.status_code == 201
    return response.get_json()["url"].rsplit("/", 1)[1]


def test_reset_link_sets_a_new_password_once(client, client_as, staff):
    token = issue_reset(client_as, staff, staff.member_a1)
    assert client.get(f"/api/v1/password-resets/{token}").get_json()["display_name"] == "张建国"
    assert client.post(f"/api/v1/password-resets/{token}", json={"new_password": "brand-new-secret"}).status_code == 204
    assert sign_in(client, staff.member_a1, "brand-new-secret").status_code == 200
    again = client.post(f"/api/v1/password-resets/{token}", json={"new_password": "another-secret-1"})
    assert_error(again, 410, "reset_used")


def test_reset_tokens_are_stored_hashed(client_as, staff, in_app):
    token = issue_reset(client_as, staff, staff.member_a1)
    with in_app():
        stored = db.session.scalars(select(PasswordReset.token_hash)).all()
    assert token not in stored and len(stored) == 1


def test_expired_reset_link_is_a_410(client, client_as, staff, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    token = issue_reset(client_as, staff, staff.member_a1)
    time_machine.shift(timedelta(hours=24, seconds=1))
    assert_error(client.get(f"/api/v1/password-resets/{token}"), 410, "reset_expired")


def test_unknown_reset_link_is_a_404(client):
    assert_error(client.get("/api/v1/password-resets/nope"), 404, "reset_not_found")


def test_reset_link_enforces_the_password_policy(client, client_as, staff):
    token = issue_reset(client_as, staff, staff.member_a1)
    body = assert_error(
        client.post(f"/api/v1/password-resets/{token}", json={"new_password": "12345678"}), 422, "validation_failed"
    )
    assert field_errors(body)["new_password"] == ["password_common"]


@pytest.mark.parametrize(("target", "status"), [("member_b1", 404), ("street_a_admin", 404), ("coordinator_a1", 403)])
def test_coordinator_issues_resets_only_for_members_in_scope(client_as, staff, target, status):
    response = client_as(staff.coordinator_a1).post(f"/api/v1/users/{getattr(staff, target).id}/password-reset")
    assert response.status_code == status


# Roles -------------------------------------------------------------------------


def test_admin_makes_a_member_coordinator(client_as, staff, org, fresh):
    response = client_as(staff.street_a_admin).post(
        f"/api/v1/users/{staff.member_a1.id}/roles", json={"role": "coordinator", "unit_id": org.a1.id}
    )
    assert response.status_code == 201
    roles = {(g.role, g.unit_id) for g in fresh(User, staff.member_a1.id).role_grants}
    assert (Role.COORDINATOR, org.a1.id) in roles


@pytest.mark.parametrize(("who", "unit", "status"), [("coordinator_a1", "a1", 403), ("street_a_admin", "b1", 404)])
def test_only_admins_grant_roles_in_their_scope(client_as, staff, org, who, unit, status):
    response = client_as(getattr(staff, who)).post(
        f"/api/v1/users/{staff.member_a1.id}/roles", json={"role": "officer", "unit_id": getattr(org, unit).id}
    )
    assert response.status_code == status


def test_admin_takes_a_role_away(client_as, staff, org, create_user, fresh):
    leader = create_user(roles=[(Role.COORDINATOR, org.a1)], team=org.team_a1)
    coordinator_grant = next(g for g in leader.role_grants if g.role == Role.COORDINATOR)
    response = client_as(staff.street_a_admin).delete(f"/api/v1/users/{leader.id}/roles/{coordinator_grant.id}")
    assert response.status_code == 204
    assert [g.role for g in fresh(User, leader.id).role_grants] == [Role.MEMBER]


def test_the_last_role_cannot_be_taken_away(client_as, staff, fresh):
    grant = staff.coordinator_a1.role_grants[0]
    response = client_as(staff.street_a_admin).delete(f"/api/v1/users/{staff.coordinator_a1.id}/roles/{grant.id}")
    assert_error(response, 422, "last_role")
    assert len(fresh(User, staff.coordinator_a1.id).role_grants) == 1


def test_concurrent_sign_ups_never_exceed_the_invites_uses(app, org, create_invite, fresh):
    invite = create_invite(org.team_a1, max_uses=3)
    phones = [f"1370000{n:04d}" for n in range(8)]

    def attempt(phone):
        return register(app.test_client(), invite, phone=phone).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, phones))
    assert sorted(statuses) == [201] * 3 + [410] * 5
    assert fresh(Invite, invite.id).use_count == 3


def test_reactivating_an_active_account_is_a_409(client_as, staff):
    response = client_as(staff.coordinator_a1).post(f"/api/v1/users/{staff.member_a1.id}/reactivate")
    assert_error(response, 409, "not_deactivated")


# Hardening ---------------------------------------------------------------------


def test_reset_link_dies_when_the_account_gains_a_role_its_issuer_does_not_outrank(client, client_as, staff, org):
    token = issue_reset(client_as, staff, staff.member_a1)
    client_as(staff.district_admin).post(
        f"/api/v1/users/{staff.member_a1.id}/roles", json={"role": "admin", "unit_id": org.street_a.id}
    )
    response = client.post(f"/api/v1/password-resets/{token}", json={"new_password": "takeover-attempt-1"})
    assert response.status_code == 410
    assert sign_in(client, staff.member_a1, "takeover-attempt-1").status_code == 401


def test_reset_link_dies_when_its_issuer_is_deactivated(client, client_as, staff):
    token = issue_reset(client_as, staff, staff.member_a1)
    client_as(staff.street_a_admin).post(f"/api/v1/users/{staff.coordinator_a1.id}/deactivate")
    assert_error(client.get(f"/api/v1/password-resets/{token}"), 410, "reset_revoked")


def test_changing_the_password_cancels_outstanding_reset_links(client, client_as, staff):
    token = issue_reset(client_as, staff, staff.member_a1)
    client_as(staff.member_a1).post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "my-own-new-secret"}
    )
    assert_error(client.get(f"/api/v1/password-resets/{token}"), 410, "reset_used")


def test_parallel_wrong_passwords_cannot_exceed_the_account_throttle(app, create_user):
    user = create_user()

    def attempt(_):
        return sign_in(app.test_client(), user, "wrong-password").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, range(16)))
    assert statuses.count(401) == 5
    assert statuses.count(429) == 11


def test_invite_of_a_deactivated_coordinator_stops_working(client, client_as, staff, org, create_invite):
    invite = create_invite(org.team_a1, by=staff.coordinator_a1)
    client_as(staff.street_a_admin).post(f"/api/v1/users/{staff.coordinator_a1.id}/deactivate")
    assert_error(client.get(f"/api/v1/invites/by-token/{invite.token}"), 410, "invite_revoked")


def test_coordinator_sees_only_the_roles_and_teams_in_their_community(client_as, staff, org, create_user):
    both = create_user(roles=[(Role.COORDINATOR, org.b1)], team=org.team_a1)
    seen = client_as(staff.coordinator_a1).get(f"/api/v1/users/{both.id}").get_json()
    assert [(r["role"], r["unit"]["name"]) for r in seen["roles"]] == [("member", "北三里社区")]
    assert [t["name"] for t in seen["teams"]] == ["北三里巡防队"]


def test_coordinator_cannot_see_staff_accounts(client_as, staff, org, create_user):
    local_officer = create_user(roles=[(Role.OFFICER, org.a1)], name="社区民警")
    assert client_as(staff.coordinator_a1).get(f"/api/v1/users/{local_officer.id}").status_code == 404
    names = {u["display_name"] for u in client_as(staff.coordinator_a1).get("/api/v1/users").get_json()}
    assert "社区民警" not in names and "王协调" not in names
    assert client_as(staff.street_a_officer).get(f"/api/v1/users/{local_officer.id}").status_code == 200


def test_filtering_users_by_a_team_out_of_scope_is_a_404(client_as, staff, org):
    response = client_as(staff.coordinator_a1).get(f"/api/v1/users?team_id={org.team_b1.id}")
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("action", ["deactivate", "password-reset"])
def test_admins_cannot_act_on_peer_admins(client_as, staff, org, create_user, action):
    peer = create_user(roles=[(Role.ADMIN, org.street_a)])
    assert client_as(staff.street_a_admin).post(f"/api/v1/users/{peer.id}/{action}").status_code == 403
    assert client_as(staff.district_admin).post(f"/api/v1/users/{peer.id}/{action}").status_code in (200, 201)


def test_full_width_digits_are_read_as_ascii(client, org, create_invite):
    response = register(client, create_invite(org.team_a1), phone="１３７１２３４５６７８")
    assert response.get_json()["phone"] == "+8613712345678"


def test_digits_of_other_scripts_are_rejected(client, org, create_invite):
    response = register(client, create_invite(org.team_a1), phone="13٧12345678")
    assert_error(response, 422, "validation_failed")


def test_session_cookie_is_renewed_once_a_day_not_on_every_request(client, create_user):
    sign_in(client, create_user())
    first = client.get("/api/v1/me")
    assert "Set-Cookie" in first.headers  # the first use today renews the 30-day lifetime
    assert "Set-Cookie" not in client.get("/api/v1/me").headers


def test_without_redis_the_limits_live_in_thread_safe_memory(app):
    if app.config["REDIS_URL"]:
        assert type(limiter.storage).__name__ == "RedisStorage"
    else:
        assert isinstance(limiter.storage, ThreadSafeMemoryStorage)


def test_a_password_that_is_the_phone_number_is_refused_at_registration(client, org, create_invite):
    body = assert_error(
        register(client, create_invite(org.team_a1), phone="13712345678", password="137 1234 5678"),
        422,
        "validation_failed",
    )
    assert field_errors(body) == {"password": ["password_is_phone"]}


def test_a_password_that_is_the_phone_number_is_refused_on_change(client_as, create_user):
    user = create_user()
    response = client_as(user).post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": user.phone[3:]}
    )
    body = assert_error(response, 422, "password_is_phone")
    assert field_errors(body) == {"new_password": ["password_is_phone"]}


def test_the_current_password_check_is_throttled_like_sign_in(client_as, create_user):
    user = create_user()
    client = client_as(user)
    attempt = {"current_password": "not-my-password", "new_password": "a-new-long-secret"}
    for _ in range(5):
        assert_error(client.post("/api/v1/me/password", json=attempt), 422, "password_incorrect")
    response = client.post("/api/v1/me/password", json=attempt | {"current_password": PASSWORD})
    assert_error(response, 429, "too_many_requests")
    assert int(response.headers["Retry-After"]) > 0


def test_two_role_removals_at_once_leave_the_account_one_role(app, client_as, staff, org, in_app):
    admin = client_as(staff.district_admin)
    grant = admin.post(
        f"/api/v1/users/{staff.coordinator_a1.id}/roles", json={"role": "officer", "unit_id": org.a2.id}
    ).get_json()
    grants = [g.id for g in staff.coordinator_a1.role_grants] + [grant["id"]]
    clients = [client_as(staff.district_admin), client_as(staff.district_admin)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(
            pool.map(
                lambda pair: pair[0].delete(f"/api/v1/users/{staff.coordinator_a1.id}/roles/{pair[1]}").status_code,
                zip(clients, grants, strict=True),
            )
        )
    assert sorted(statuses) == [204, 422]
    with in_app():
        assert len(db.session.get(User, staff.coordinator_a1.id).role_grants) == 1


def test_approve_and_reject_at_once_exactly_one_wins(client_as, staff, org, create_user, fresh):
    pending = create_user(team=org.team_a1, status=UserStatus.PENDING)
    coordinators = [client_as(staff.coordinator_a1), client_as(staff.district_admin)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(
            pool.map(
                lambda pair: pair[0].post(f"/api/v1/users/{pending.id}/{pair[1]}"),
                zip(coordinators, ["approve", "reject"], strict=True),
            )
        )
    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = next(r for r in responses if r.status_code == 200).get_json()["status"]
    assert fresh(User, pending.id).status == winner


def test_invite_stops_working_when_its_creator_is_no_longer_a_coordinator(client, client_as, staff, org, create_invite):
    admin = client_as(staff.district_admin)
    creator = staff.coordinator_a1
    invite = create_invite(org.team_a1, by=creator)
    admin.post(f"/api/v1/users/{creator.id}/roles", json={"role": "member", "unit_id": org.a1.id})
    grant = next(g for g in creator.role_grants if g.role == Role.COORDINATOR)
    assert admin.delete(f"/api/v1/users/{creator.id}/roles/{grant.id}").status_code == 204
    assert_error(client.get(f"/api/v1/invites/by-token/{invite.token}"), 410, "invite_revoked")


def test_invite_stops_working_when_a_unit_above_its_team_is_deactivated(client, client_as, staff, org, create_invite):
    invite = create_invite(org.team_a1)
    client_as(staff.district_admin).post(f"/api/v1/units/{org.street_a.id}/deactivate")
    assert_error(client.get(f"/api/v1/invites/by-token/{invite.token}"), 410, "invite_revoked")
    response = client_as(staff.coordinator_a1).post(f"/api/v1/teams/{org.team_a1.id}/invites", json={})
    assert_error(response, 422, "team_inactive")


def test_the_invite_page_says_who_invited(client, staff, org, create_invite):
    invite = create_invite(org.team_a1, by=staff.coordinator_a1)
    assert client.get(f"/api/v1/invites/by-token/{invite.token}").get_json()["invited_by"] == "王协调"


# Joining another team with an existing account ------------------------------------------


def test_a_member_joins_a_second_team_at_once_through_an_auto_approving_invite(client_as, staff, org, create_invite):
    invite = create_invite(org.team_b1, auto_approve=True)
    member = client_as(staff.member_a1)
    response = member.post(f"/api/v1/invites/by-token/{invite.token}/accept")
    assert response.status_code == 200 and response.get_json()["status"] == "active"
    me = member.get("/api/v1/me").get_json()
    assert {t["name"] for t in me["teams"]} == {"北三里巡防队", "花家地巡防队"}
    assert {(r["role"], r["unit"]["name"]) for r in me["roles"]} == {("member", "北三里社区"), ("member", "花家地社区")}


def test_a_join_request_waits_for_the_coordinator_of_that_team(client_as, staff, org, create_invite):
    invite = create_invite(org.team_b1)
    member = client_as(staff.member_a1)
    assert member.post(f"/api/v1/invites/by-token/{invite.token}/accept").get_json()["status"] == "pending"
    assert [t["name"] for t in member.get("/api/v1/me").get_json()["teams"]] == ["北三里巡防队"]
    assert client_as(staff.coordinator_a1).get("/api/v1/membership-requests").get_json() == []
    coordinator = client_as(staff.coordinator_b1)
    [request] = coordinator.get("/api/v1/membership-requests").get_json()
    assert request["user"]["display_name"] == "张建国" and request["team"]["name"] == "花家地巡防队"
    assert coordinator.post(f"/api/v1/membership-requests/{request['id']}/approve").status_code == 200
    assert {t["name"] for t in member.get("/api/v1/me").get_json()["teams"]} == {"北三里巡防队", "花家地巡防队"}
    assert_error(coordinator.post(f"/api/v1/membership-requests/{request['id']}/approve"), 409, "not_pending")


def test_a_rejected_join_request_leaves_no_trace_in_the_team(client_as, staff, org, create_invite):
    invite = create_invite(org.team_b1)
    client_as(staff.member_a1).post(f"/api/v1/invites/by-token/{invite.token}/accept")
    coordinator = client_as(staff.coordinator_b1)
    [request] = coordinator.get("/api/v1/membership-requests").get_json()
    assert coordinator.post(f"/api/v1/membership-requests/{request['id']}/reject").status_code == 204
    roster = coordinator.get(f"/api/v1/teams/{org.team_b1.id}/members").get_json()
    assert "张建国" not in {m["user"]["display_name"] for m in roster}


def test_joining_a_team_twice_is_a_409(client_as, staff, org, create_invite):
    invite = create_invite(org.team_a1, auto_approve=True)
    assert_error(
        client_as(staff.member_a1).post(f"/api/v1/invites/by-token/{invite.token}/accept"), 409, "already_member"
    )


# What the app may offer --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "offered"),
    [
        ("member_a1", {"report_hazard", "take_shifts"}),
        (
            "coordinator_a1",
            {
                "approve_members",
                "list_accounts",
                "manage_accounts",
                "manage_invites",
                "plan_shifts",
                "report_hazard",
                "reset_passwords",
                "see_rosters",
                "send_alert",
            },
        ),
        (
            "street_a_officer",
            {
                "list_accounts",
                "read_audit",
                "report_hazard",
                "see_rosters",
                "send_alert",
                "send_urgent_alert",
                "triage_reports",
            },
        ),
        (
            "district_admin",
            {
                "administer_units",
                "approve_members",
                "list_accounts",
                "manage_accounts",
                "manage_departments",
                "manage_invites",
                "manage_roles",
                "plan_shifts",
                "read_audit",
                "report_hazard",
                "reset_passwords",
                "see_rosters",
                "send_alert",
                "send_urgent_alert",
                "triage_reports",
            },
        ),
    ],
)
def test_me_lists_what_the_app_may_offer_each_role(client_as, staff, who, offered):
    capabilities = client_as(getattr(staff, who)).get("/api/v1/me").get_json()["capabilities"]
    assert {name for name, allowed in capabilities.items() if allowed} == offered


def test_a_team_leader_may_see_rosters(client_as, org, create_user):
    leader = create_user(team=org.team_a1, is_leader=True)
    assert client_as(leader).get("/api/v1/me").get_json()["capabilities"]["see_rosters"] is True
