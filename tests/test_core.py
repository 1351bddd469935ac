"""Shared machinery: side effects after commit, jobs, health, and life without a database."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts import sessions
from app.accounts.models import User
from app.core import clock
from app.core.jobs import enqueue, huey, job, record_heartbeat
from app.core.transactions import after_commit
from app.extensions import db, limiter
from app.orgs.models import Team, UnitKind
from tests.support import assert_error

seen_by_job: list[tuple[int, int]] = []


@job()
def count_teams_named(name: str) -> None:
    """A job that reads what its request committed, in a session of its own."""
    seen_by_job.append((id(db.session()), db.session.scalar(select(func.count()).where(Team.name == name))))


@pytest.fixture(autouse=True)
def _forget_what_jobs_saw():
    seen_by_job.clear()


def test_after_commit_runs_once_the_transaction_commits(in_app, org):
    ran = []
    with in_app():
        after_commit(lambda: ran.append("sent"))
        assert ran == []
        db.session.commit()
        assert ran == ["sent"]
        db.session.commit()
        assert ran == ["sent"]


def test_after_commit_never_runs_for_a_rolled_back_transaction(in_app):
    ran = []
    with in_app():
        after_commit(lambda: ran.append("sent"))
        db.session.rollback()
        db.session.commit()
    assert ran == []


def test_a_failing_callback_does_not_undo_the_commit_or_stop_the_others(in_app, create_unit, caplog):
    ran = []
    unit = create_unit(UnitKind.DISTRICT)
    with in_app():
        db.session.add(Team(name="回调队", unit_id=unit.id))
        after_commit(lambda: 1 / 0)
        after_commit(lambda: ran.append("second"))
        db.session.commit()
    with in_app():
        assert db.session.scalar(select(func.count()).where(Team.name == "回调队")) == 1
    assert ran == ["second"] and "after-commit callback" in caplog.text


def test_an_enqueued_job_runs_after_the_commit_in_its_own_session(in_app, create_unit):
    unit = create_unit(UnitKind.DISTRICT)
    with in_app():
        db.session.add(Team(name="新队伍", unit_id=unit.id))
        enqueue(count_teams_named, "新队伍")
        request_session = id(db.session())
        assert seen_by_job == []
        db.session.commit()
    [(job_session, count)] = seen_by_job
    assert count == 1 and job_session != request_session


def test_a_job_enqueued_in_a_failed_request_never_runs(in_app):
    with in_app():
        enqueue(count_teams_named, "不存在")
        db.session.rollback()
    assert seen_by_job == []


# Health --------------------------------------------------------------------------------


def test_health_is_200_with_a_recent_heartbeat(client, in_app):
    with in_app():
        record_heartbeat()
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["queue"]["pending"] == 0
    assert body["consumer"]["ok"] is True


def test_health_is_503_when_no_consumer_beats(client, in_app, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    with in_app():
        record_heartbeat()
    time_machine.shift(timedelta(minutes=4))
    body = assert_error(client.get("/api/v1/health"), 503, "unhealthy")
    assert body["consumer"]["ok"] is False and body["database"]["ok"] is True


def test_health_shows_no_personal_data(client, staff):
    text = client.get("/api/v1/health").get_data(as_text=True)
    assert staff.member_a1.phone not in text and "张建国" not in text


def test_the_heartbeat_job_can_be_run_by_name(runner, client):
    result = runner.invoke(args=["jobs", "run", "heartbeat"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/health").get_json()["consumer"]["ok"] is True


def test_running_an_unknown_job_names_the_known_ones(runner):
    result = runner.invoke(args=["jobs", "run", "nope"])
    assert result.exit_code != 0 and "heartbeat" in result.output


def test_the_queue_counts_pending_jobs_when_not_immediate(app, client, monkeypatch):
    monkeypatch.setattr(huey, "_immediate", False)
    try:
        with app.app_context():
            count_teams_named("x")
            count_teams_named("y")
        assert client.get("/api/v1/health").get_json()["queue"]["pending"] == 2
    finally:
        huey.flush()


# Without a database ----------------------------------------------------------------------------

UNREACHABLE = {
    "postgresql": "postgresql://postgres@127.0.0.1:1/nowhere",
    "sqlite": "sqlite:////nonexistent-directory/pingan.sqlite",
}


@pytest.fixture
def another_app(app):
    """``another_app(**config)``: an app like the test app with some settings changed.

    The job queue and the rate limiter are process-wide and follow the last app created,
    so the test app gets them back afterwards.
    """
    made = []

    def make(**overrides):
        other = create_app({**app.config, "SQLALCHEMY_ENGINE_OPTIONS": {}, **overrides})
        other.test_client_class = app.test_client_class
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()
    huey.configure(app)
    limiter.init_app(app)


@pytest.fixture(params=sorted(UNREACHABLE))
def app_without_database(request, another_app):
    return another_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE[request.param])


def test_the_app_starts_and_pings_without_its_database(app_without_database):
    assert app_without_database.test_client().get("/api/v1/ping").status_code == 200


@pytest.mark.parametrize(("method", "path"), [("get", "/api/v1/invites/by-token/abc"), ("post", "/api/v1/auth/login")])
def test_requests_that_need_the_database_answer_503(app_without_database, method, path):
    client = app_without_database.test_client()
    client.send_csrf = False
    app_without_database.config["WTF_CSRF_ENABLED"] = False
    response = getattr(client, method)(path, json={"phone": "13800000000", "password": "whatever-long"})
    body = assert_error(response, 503, "database_unavailable")
    assert response.headers["Retry-After"] == "5" and "nonexistent" not in body["message"]


def test_health_reports_the_database_down(app_without_database):
    body = assert_error(app_without_database.test_client().get("/api/v1/health"), 503, "unhealthy")
    assert body["database"] == {"ok": False}


def test_the_app_recovers_when_the_database_comes_back(another_app, tmp_path):
    location = tmp_path / "later"
    recovering = another_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{location / 'db.sqlite'}")
    client = recovering.test_client()
    assert_error(client.get("/api/v1/invites/by-token/abc"), 503, "database_unavailable")
    location.mkdir()
    with recovering.app_context():
        from flask_migrate import upgrade

        upgrade()
    assert_error(client.get("/api/v1/invites/by-token/abc"), 404, "invite_not_found")


def test_sign_in_with_redis_down_is_a_503(another_app, staff):
    """Rate-limit counters live in Redis in production: without them sign-in cannot be safe."""
    other = another_app(REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_STORAGE_URI=None, JOBS_IMMEDIATE=True)
    response = other.test_client().post(
        "/api/v1/auth/login", json={"phone": staff.member_a1.phone, "password": "correct-horse-battery"}
    )
    body = assert_error(response, 503, "cache_unavailable")
    assert response.headers["Retry-After"] == "5" and "127.0.0.1" not in body["message"]


def test_a_request_stuck_behind_a_lock_answers_503_within_seconds(another_app, app, staff):
    """A hung database must not hang the app: the statement is given up and the caller told."""
    other = another_app(DATABASE_STATEMENT_TIMEOUT_MS=300)
    other.test_client_class = app.test_client_class
    with other.app_context():
        key = sessions.start_session(db.session.get(User, staff.member_a1.id), "pytest", "127.0.0.1")
        db.session.commit()
        phone = other.test_client()
        with phone.session_transaction() as cookie:
            cookie["_user_id"] = key
            cookie["_fresh"] = True
        with db.engine.connect() as holder:
            if holder.dialect.name == "postgresql":
                holder.execute(select(User.id).where(User.id == staff.member_a1.id).with_for_update())
            else:
                holder.exec_driver_sql("BEGIN IMMEDIATE")
            started = time.monotonic()
            response = phone.patch("/api/v1/me", json={"display_name": "等不到的名字"})
            waited = time.monotonic() - started
            holder.rollback()
    assert_error(response, 503, "database_unavailable")
    assert waited < 8  # PostgreSQL: the 0.3 s statement timeout; SQLite: its 5 s busy timeout
