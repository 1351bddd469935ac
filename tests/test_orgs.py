"""Units, teams, areas and rosters, and who may see or change them."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.orgs.models import Area, TeamMembership
from tests.factories.orgs import SQUARE
from tests.support import Endpoint, assert_error, call, field_errors, matrix

BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[116.45, 39.93], [116.46, 39.94], [116.46, 39.93], [116.45, 39.94], [116.45, 39.93]]],
}


def names(response):
    assert response.status_code == 200, response.get_json()
    return [row["name"] for row in response.get_json()]


# Scope -----------------------------------------------------------------------


def test_street_admin_sees_every_community_below_and_nothing_beside(client_as, staff):
    units = names(client_as(staff.street_a_admin).get("/api/v1/units"))
    assert sorted(units) == sorted(["三里屯街道", "北三里社区", "中三里社区"])


def test_district_admin_sees_the_whole_district(client_as, staff):
    assert len(names(client_as(staff.district_admin).get("/api/v1/units"))) == 6


def test_coordinator_sees_only_their_communitys_teams(client_as, staff):
    assert names(client_as(staff.coordinator_a1).get("/api/v1/teams")) == ["北三里巡防队"]


@pytest.mark.parametrize("path", ["/api/v1/teams/{team}", "/api/v1/teams/{team}/members", "/api/v1/units/{unit}"])
def test_another_communitys_rows_are_404_for_a_coordinator(client_as, staff, org, path):
    url = path.format(team=org.team_b1.id, unit=org.b1.id)
    assert_error(client_as(staff.coordinator_a1).get(url), 404, "not_found")


def test_lists_filter_by_kind_and_parent(client_as, staff, org):
    client = client_as(staff.district_admin)
    assert names(client.get("/api/v1/units?kind=street")) == ["三里屯街道", "望京街道"]
    assert names(client.get(f"/api/v1/units?parent_id={org.street_b.id}")) == ["花家地社区"]


def test_lists_sort_both_ways(client_as, staff):
    client = client_as(staff.district_admin)
    ascending = names(client.get("/api/v1/teams?sort=name"))
    assert names(client.get("/api/v1/teams?sort=-name")) == list(reversed(ascending))
    assert_error(client.get("/api/v1/teams?sort=phone"), 422, "validation_failed")


# Units -------------------------------------------------------------------------


def test_street_admin_creates_a_community(client_as, staff, org):
    response = client_as(staff.street_a_admin).post(
        "/api/v1/units", json={"name": "南三里社区", "kind": "community", "parent_id": org.street_a.id}
    )
    assert response.status_code == 201
    assert response.get_json()["parent_id"] == org.street_a.id
    assert "南三里社区" in names(client_as(staff.street_a_admin).get("/api/v1/units"))
    assert "南三里社区" not in names(client_as(staff.coordinator_a1).get("/api/v1/units"))


@pytest.mark.parametrize(
    ("kind", "parent"), [("community", "district"), ("street", "street_a"), ("district", "district")]
)
def test_unit_must_sit_under_the_right_kind_of_parent(client_as, staff, org, kind, parent):
    response = client_as(staff.district_admin).post(
        "/api/v1/units", json={"name": "新单位", "kind": kind, "parent_id": getattr(org, parent).id}
    )
    body = assert_error(response, 422, "unit_parent_invalid")
    assert field_errors(body) == {"parent_id": ["unit_parent_invalid"]}


@pytest.mark.parametrize(("who", "status"), [("street_a_officer", 403), ("coordinator_a1", 404), ("member_a1", 404)])
def test_only_admins_create_units(client_as, staff, org, who, status):
    response = client_as(getattr(staff, who)).post(
        "/api/v1/units", json={"name": "新社区", "kind": "community", "parent_id": org.street_a.id}
    )
    assert response.status_code == status


def test_admin_cannot_create_beside_their_scope(client_as, staff, org):
    response = client_as(staff.street_a_admin).post(
        "/api/v1/units", json={"name": "新社区", "kind": "community", "parent_id": org.street_b.id}
    )
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("name", ["", "   ", "名" * 81])
def test_unit_name_is_required_and_bounded(client_as, staff, org, name):
    response = client_as(staff.district_admin).patch(f"/api/v1/units/{org.a1.id}", json={"name": name})
    assert_error(response, 422, "validation_failed")


def test_deactivated_unit_leaves_the_default_list(client_as, staff, org):
    client = client_as(staff.street_a_admin)
    assert client.post(f"/api/v1/units/{org.a2.id}/deactivate").get_json()["is_active"] is False
    assert "中三里社区" not in names(client.get("/api/v1/units"))
    assert "中三里社区" in names(client.get("/api/v1/units?include_inactive=true"))
    assert client.post(f"/api/v1/units/{org.a2.id}/activate").get_json()["is_active"] is True


# Teams -------------------------------------------------------------------------


def test_admin_creates_and_renames_a_team(client_as, staff, org):
    client = client_as(staff.street_a_admin)
    team = client.post("/api/v1/teams", json={"name": " 夜巡队 ", "unit_id": org.a1.id}).get_json()
    assert team["name"] == "夜巡队" and team["unit"]["name"] == "北三里社区"
    assert client.patch(f"/api/v1/teams/{team['id']}", json={"name": "夜间巡防队"}).get_json()["name"] == "夜间巡防队"


def test_coordinator_cannot_create_teams(client_as, staff, org):
    response = client_as(staff.coordinator_a1).post("/api/v1/teams", json={"name": "x", "unit_id": org.a1.id})
    assert_error(response, 403, "forbidden")


def test_team_list_counts_members(client_as, staff):
    teams = client_as(staff.coordinator_a1).get("/api/v1/teams").get_json()
    assert teams[0]["member_count"] == 1


def test_deactivated_team_can_be_listed_on_request(client_as, staff, org):
    client = client_as(staff.district_admin)
    client.post(f"/api/v1/teams/{org.team_b1.id}/deactivate")
    assert "花家地巡防队" not in names(client.get("/api/v1/teams"))
    assert "花家地巡防队" in names(client.get("/api/v1/teams?include_inactive=true"))


# Rosters -------------------------------------------------------------------------


def test_coordinator_sees_the_roster_with_phones(client_as, staff, org):
    roster = client_as(staff.coordinator_a1).get(f"/api/v1/teams/{org.team_a1.id}/members").get_json()
    assert [(m["user"]["display_name"], m["user"]["phone"]) for m in roster] == [("张建国", staff.member_a1.phone)]


def test_plain_member_cannot_see_phone_numbers(client_as, staff, org):
    assert_error(client_as(staff.member_a1).get(f"/api/v1/teams/{org.team_a1.id}/members"), 403, "forbidden")


def test_team_leader_sees_the_roster(client_as, staff, org, create_user):
    leader = create_user(team=org.team_a1, is_leader=True)
    assert len(client_as(leader).get(f"/api/v1/teams/{org.team_a1.id}/members").get_json()) == 2


def test_coordinator_makes_a_member_leader(client_as, staff, org):
    client = client_as(staff.coordinator_a1)
    url = f"/api/v1/teams/{org.team_a1.id}/members/{staff.member_a1.id}"
    assert client.patch(url, json={"is_leader": True}).get_json()["is_leader"] is True
    assert client_as(staff.member_a1).get("/api/v1/me").get_json()["teams"][0]["is_leader"] is True


def roster_names(client, team) -> list[str]:
    return [m["user"]["display_name"] for m in client.get(f"/api/v1/teams/{team.id}/members").get_json()]


def test_a_member_moved_to_another_community_leaves_the_old_roster(client_as, staff, org):
    """The roster leak: the old team (and its leader) kept the moved member's phone number."""
    admin = client_as(staff.district_admin)
    old_grant = staff.member_a1.role_grants[0]
    admin.post(f"/api/v1/users/{staff.member_a1.id}/roles", json={"role": "member", "unit_id": org.b1.id})
    assert admin.delete(f"/api/v1/users/{staff.member_a1.id}/roles/{old_grant.id}").status_code == 204
    assert roster_names(client_as(staff.coordinator_a1), org.team_a1) == []
    url = f"/api/v1/teams/{org.team_a1.id}/members/{staff.member_a1.id}"
    assert_error(client_as(staff.coordinator_a1).patch(url, json={"is_leader": True}), 404, "not_found")
    assert client_as(staff.member_a1).get("/api/v1/me").get_json()["teams"] == []


def test_a_member_promoted_without_the_member_role_leaves_the_team(client_as, staff, org):
    admin = client_as(staff.district_admin)
    member_grant = staff.member_a1.role_grants[0]
    admin.post(f"/api/v1/users/{staff.member_a1.id}/roles", json={"role": "coordinator", "unit_id": org.a1.id})
    admin.delete(f"/api/v1/users/{staff.member_a1.id}/roles/{member_grant.id}")
    assert roster_names(client_as(staff.district_admin), org.team_a1) == []


def test_staff_who_still_patrol_are_listed_only_to_those_who_see_staff(client_as, staff, org, create_user):
    leader = create_user(team=org.team_a1, is_leader=True, name="队长")
    client_as(staff.district_admin).post(
        f"/api/v1/users/{staff.member_a1.id}/roles", json={"role": "officer", "unit_id": org.a2.id}
    )
    assert roster_names(client_as(leader), org.team_a1) == ["队长"]
    assert roster_names(client_as(staff.coordinator_a1), org.team_a1) == ["队长"]
    assert roster_names(client_as(staff.street_a_officer), org.team_a1) == ["队长", "张建国"]


def test_orphaned_memberships_are_ended_by_the_migration(app, in_app, staff, org):
    """Rows the old code left behind (membership without a covering member grant) do not survive upgrade."""
    from alembic import command
    from flask_migrate import Config as MigrateConfig

    from app.accounts.models import RoleGrant

    with in_app():
        db.session.execute(RoleGrant.__table__.delete().where(RoleGrant.user_id == staff.member_a1.id))
        db.session.commit()
        config = MigrateConfig(str(app.extensions["migrate"].directory) + "/alembic.ini")
        config.set_main_option("script_location", app.extensions["migrate"].directory)
        command.downgrade(config, "18b9ffa6a75e")
        command.upgrade(config, "head")
        remaining = db.session.scalar(
            select(func.count()).select_from(TeamMembership).where(TeamMembership.user_id == staff.member_a1.id)
        )
    assert remaining == 0


def test_leader_flag_for_a_non_member_is_a_404(client_as, staff, org):
    url = f"/api/v1/teams/{org.team_a1.id}/members/{staff.member_b1.id}"
    assert_error(client_as(staff.coordinator_a1).patch(url, json={"is_leader": True}), 404, "not_found")


# Areas -----------------------------------------------------------------------------


def area_count(in_app) -> int:
    with in_app():
        return db.session.scalar(select(func.count()).select_from(Area))


def test_admin_creates_an_area_from_geojson(client_as, staff, org):
    response = client_as(staff.street_a_admin).post(
        "/api/v1/areas", json={"name": "北三里东片", "unit_id": org.a1.id, "geometry": SQUARE}
    )
    assert response.status_code == 201
    area = response.get_json()
    assert area["geometry"]["type"] == "Polygon"
    assert area["geometry"]["coordinates"][0][0] == [116.45, 39.93]


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (BOWTIE, "geometry_self_intersection: 116.455 39.935"),
        ({"type": "Point", "coordinates": [116.45, 39.93]}, "geometry_not_polygon"),
        (
            {"type": "Polygon", "coordinates": [[[116.45, 39.93], [116.46, 39.93], [116.45, 39.93]]]},
            "geometry_too_few_points: 116.45 39.93",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [200, 10], [0, 0]]]},
            "geometry_out_of_range: 200.0 0.0",
        ),
        ({"type": "Polygon", "coordinates": "nonsense"}, "geometry_malformed"),
        ({"type": "Polygon", "coordinates": []}, "geometry_empty"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}, "geometry_self_intersection: 1 0"),
        ("POLYGON((0 0, 1 0, 1 1, 0 0))", "geometry_not_polygon"),
    ],
)
def test_invalid_polygon_is_a_422_naming_the_problem(client_as, staff, org, in_app, geometry, message):
    response = client_as(staff.street_a_admin).post(
        "/api/v1/areas", json={"name": "坏区域", "unit_id": org.a1.id, "geometry": geometry}
    )
    body = assert_error(response, 422, "validation_failed")
    code, _, where = message.partition(": ")
    assert body["errors"]["json"]["geometry"] == [{"code": code, "params": {"at": where} if where else {}}]
    assert area_count(in_app) == 0


def test_redrawing_an_area_with_a_bad_polygon_keeps_the_old_one(client_as, staff, org, create_area):
    area = create_area(org.a1)
    client = client_as(staff.street_a_admin)
    assert_error(
        client.patch(f"/api/v1/areas/{area.id}", json={"name": "新名", "geometry": BOWTIE}), 422, "validation_failed"
    )
    stored = client.get(f"/api/v1/areas/{area.id}").get_json()
    assert stored["name"] == area.name and stored["geometry"]["coordinates"] == SQUARE["coordinates"]


def test_areas_are_scoped_like_everything_else(client_as, staff, org, create_area):
    create_area(org.a1, "北三里东片")
    create_area(org.b1, "花家地西片")
    assert names(client_as(staff.coordinator_a1).get("/api/v1/areas")) == ["北三里东片"]
    assert sorted(names(client_as(staff.district_admin).get("/api/v1/areas"))) == ["北三里东片", "花家地西片"]


def test_officer_reads_areas_but_cannot_change_them(client_as, staff, org, create_area):
    area = create_area(org.a1)
    client = client_as(staff.street_a_officer)
    assert client.get(f"/api/v1/areas/{area.id}").status_code == 200
    assert_error(client.post(f"/api/v1/areas/{area.id}/deactivate"), 403, "forbidden")


# Who may change what: every write endpoint against every kind of caller -------------

# Admins over community A1 may; callers who see it without the admin role get 403; callers
# beside it get 404.
CALLERS = {
    "district_admin": 200,
    "street_a_admin": 200,
    "street_a_officer": 403,
    "coordinator_a1": 403,
    "member_a1": 403,
    "coordinator_b1": 404,
    "member_b1": 404,
}
CREATED = {"district_admin": 201, "street_a_admin": 201}
# Creating a community names the street above community A1, which its own staff cannot see.
STREET_HIDDEN = {"coordinator_a1": 404, "member_a1": 404}

ADMIN_WRITES = matrix(
    Endpoint(
        "post",
        "/api/v1/units",
        {"name": "新社区", "kind": "community", "parent_id": "{street_a}"},
        CALLERS,
        CREATED | STREET_HIDDEN,
    ),
    Endpoint("patch", "/api/v1/units/{a1}", {"name": "改名社区"}, CALLERS),
    Endpoint("post", "/api/v1/units/{a1}/deactivate", None, CALLERS),
    Endpoint("post", "/api/v1/teams", {"name": "新队", "unit_id": "{a1}"}, CALLERS, CREATED),
    Endpoint("patch", "/api/v1/teams/{team_a1}", {"name": "改名队"}, CALLERS),
    Endpoint("post", "/api/v1/teams/{team_a1}/activate", None, CALLERS),
    Endpoint("post", "/api/v1/areas", {"name": "新区域", "unit_id": "{a1}", "geometry": SQUARE}, CALLERS, CREATED),
    Endpoint("patch", "/api/v1/areas/{area}", {"name": "改名区域"}, CALLERS),
    Endpoint("post", "/api/v1/areas/{area}/deactivate", None, CALLERS),
)


@pytest.mark.parametrize(("endpoint", "who", "status"), ADMIN_WRITES)
def test_admin_writes_answer_by_role_and_scope(client_as, staff, org, create_area, endpoint, who, status):
    area = create_area(org.a1)
    ids = {"a1": org.a1.id, "street_a": org.street_a.id, "team_a1": org.team_a1.id, "area": area.id}
    response = call(client_as(getattr(staff, who)), endpoint, ids)
    assert response.status_code == status, response.get_json()


def test_coordinates_given_as_an_object_are_a_422(client_as, staff, org, in_app):
    geometry = {"type": "Polygon", "coordinates": {"ring": [[116.45, 39.93]]}}
    response = client_as(staff.street_a_admin).post(
        "/api/v1/areas", json={"name": "坏区域", "unit_id": org.a1.id, "geometry": geometry}
    )
    body = assert_error(response, 422, "validation_failed")
    assert field_errors(body) == {"geometry": ["geometry_malformed"]}


@pytest.mark.parametrize("coordinate", ["116.45", True, None, [116.45]])
def test_coordinates_must_be_numbers(client_as, staff, org, coordinate):
    ring = [[116.45, 39.93], [116.46, 39.93], [coordinate, 39.94], [116.45, 39.93]]
    response = client_as(staff.street_a_admin).post(
        "/api/v1/areas",
        json={"name": "坏区域", "unit_id": org.a1.id, "geometry": {"type": "Polygon", "coordinates": [ring]}},
    )
    assert field_errors(assert_error(response, 422, "validation_failed")) == {"geometry": ["geometry_malformed"]}


def test_a_polygon_with_too_many_vertices_is_refused(client_as, staff, org):
    import math

    ring = [[116.45 + 0.01 * math.cos(i / 1000), 39.93 + 0.01 * math.sin(i / 1000)] for i in range(6000)]
    ring.append(ring[0])
    response = client_as(staff.street_a_admin).post(
        "/api/v1/areas",
        json={"name": "大区域", "unit_id": org.a1.id, "geometry": {"type": "Polygon", "coordinates": [ring]}},
    )
    body = assert_error(response, 422, "validation_failed")
    assert body["errors"]["json"]["geometry"] == [{"code": "geometry_too_many_points", "params": {"max": 5000}}]


@pytest.mark.parametrize(
    "body",
    [
        '{"type": "Polygon"}',
        '{"type": "Polygon", "coordinates": [[[116.45, 39.93], [116.46, 39.93], [116.46, NaN], [116.45, 39.93]]]}',
        '{"type": "Polygon", "coordinates": [[[116.45, 39.93], [116.46, 39.93], [116.46, 39.94], [116.45, 39.93]], '
        "[]]}",
    ],
)
def test_broken_geojson_is_a_422_not_a_crash(client_as, staff, org, in_app, body):
    payload = f'{{"name": "坏区域", "unit_id": {org.a1.id}, "geometry": {body}}}'
    response = client_as(staff.street_a_admin).post("/api/v1/areas", data=payload, content_type="application/json")
    assert_error(response, 422, "validation_failed")
    assert area_count(in_app) == 0


def test_team_rows_say_what_the_viewer_may_do(client_as, staff, org, create_user):
    leader = create_user(team=org.team_a1, is_leader=True)
    [team] = client_as(leader).get("/api/v1/teams").get_json()
    assert (team["can_view_roster"], team["can_manage_members"]) == (True, False)
    [team] = client_as(staff.member_a1).get("/api/v1/teams").get_json()
    assert (team["can_view_roster"], team["can_manage_members"]) == (False, False)
    coordinator_view = client_as(staff.coordinator_a1).get(f"/api/v1/teams/{org.team_a1.id}").get_json()
    assert (coordinator_view["can_view_roster"], coordinator_view["can_manage_members"]) == (True, True)
