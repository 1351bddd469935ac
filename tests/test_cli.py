from datetime import timedelta

from shapely.geometry import Point, shape
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.access import Role
from app.extensions import db
from app.orgs.models import Area, Team, Unit


def counts(in_app):
    with in_app():
        return [db.session.scalar(select(func.count()).select_from(model)) for model in (Unit, Team, Area, User)]


def test_seed_demo_builds_the_demo_district_once(runner, in_app):
    first = runner.invoke(args=["seed-demo", "--password", "demo-pass-2026"])
    assert first.exit_code == 0, first.output
    assert "13800000002" in first.output and "demo-pass-2026" in first.output
    seeded = counts(in_app)
    assert seeded == [7, 8, 8, 5]
    again = runner.invoke(args=["seed-demo", "--password", "demo-pass-2026"])
    assert again.exit_code == 0 and counts(in_app) == seeded


def test_seeded_accounts_can_sign_in(runner, client):
    runner.invoke(args=["seed-demo", "--password", "demo-pass-2026"])
    response = client.post("/api/v1/auth/login", json={"phone": "13800000003", "password": "demo-pass-2026"})
    assert response.get_json()["roles"][0]["role"] == "officer"


def test_seed_demo_remembers_generated_passwords(runner):
    first = runner.invoke(args=["seed-demo"]).output
    assert runner.invoke(args=["seed-demo"]).output == first


def test_create_admin_makes_a_district_and_its_administrator(runner, in_app):
    result = runner.invoke(
        args=["create-admin", "--phone", "13600000000", "--name", "管理员", "--district", "海淀区"],
        input="a-long-admin-secret\na-long-admin-secret\n",
    )
    assert result.exit_code == 0, result.output
    with in_app():
        user = db.session.scalar(select(User).where(User.phone == "+8613600000000"))
        assert [(g.role, g.unit.name) for g in user.role_grants] == [(Role.ADMIN, "海淀区")]


def test_create_admin_refuses_a_weak_password(runner):
    result = runner.invoke(
        args=["create-admin", "--phone", "13600000000", "--name", "管理员", "--district", "海淀区"],
        input="password\npassword\n",
    )
    assert result.exit_code != 0 and "password_common" in result.output


def test_seed_demo_adds_a_sent_alert_with_an_answer(runner, client):
    runner.invoke(args=["seed-demo", "--password", "demo-pass-2026"])
    runner.invoke(args=["seed-demo", "--password", "demo-pass-2026"])
    client.post("/api/v1/auth/login", json={"phone": "13800000003", "password": "demo-pass-2026"})
    [alert] = client.get("/api/v1/alerts?box=sent").get_json()
    tally = client.get(f"/api/v1/alerts/{alert['id']}/tally").get_json()
    assert tally["answers"]["on_my_way"] == 1 and tally["total"] >= 3


def test_seed_demo_adds_this_weeks_shifts_with_the_member_on_one(runner, client):
    runner.invoke(args=["seed-demo", "--password", "demo-pass-2026"])
    client.post("/api/v1/auth/login", json={"phone": "13800000004", "password": "demo-pass-2026"})
    [mine] = client.get("/api/v1/me/shifts").get_json()
    assert mine["places"] == 6 and mine["taken"] == 1
    assert client.get("/api/v1/shifts/open").get_json()


def test_seed_demo_adds_past_patrols_with_hours_and_a_point_inside_the_demo_area(runner, client):
    from app.attendance.demo import DEMO_POINT
    from app.core import clock

    runner.invoke(args=["seed-demo", "--password", "demo-pass-2026"])
    runner.invoke(args=["seed-demo", "--password", "demo-pass-2026"])
    client.post("/api/v1/auth/login", json={"phone": "13800000004", "password": "demo-pass-2026"})
    months = {clock.now().strftime("%Y-%m"), (clock.now().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")}
    assert sum(client.get(f"/api/v1/hours?month={month}").get_json()["minutes"] for month in months) == 348
    area = next(a for a in client.get("/api/v1/areas").get_json() if a["name"] == "北三里社区东片")
    assert shape(area["geometry"]).contains(Point(*DEMO_POINT))


def test_seed_demo_adds_cases_in_every_state_for_every_role(runner, client, in_app):
    from app.reports.models import Report, ReportStatus

    assert runner.invoke(args=["seed-demo", "--password", "demo-pass-2026"]).exit_code == 0
    assert runner.invoke(args=["seed-demo", "--password", "demo-pass-2026"]).exit_code == 0
    with in_app():
        states = set(db.session.scalars(select(Report.status)))
        assert states == set(ReportStatus) and db.session.scalar(select(func.count()).select_from(Report)) == 8
    for phone, expected in (("13800000003", 8), ("13800000004", 8), ("13800000005", 4)):
        client.post("/api/v1/auth/login", json={"phone": phone, "password": "demo-pass-2026"})
        queue = client.get("/api/v1/reports").get_json()
        assert len(queue) == expected, phone
        assert any(report["photo_count"] for report in queue)
        client.post("/api/v1/auth/logout")
