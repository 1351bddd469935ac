"""Hazard reports: capture, photos and hostile files, the case workflow for every role, timeline and
comments, duplicates nearby, SLAs and escalation, the queue, the map, exports."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.core import clock
from app.core.access import Role
from app.core.photos import Photo
from app.extensions import db
from app.notifications.models import Notification
from app.reports.models import Report, ReportEvent, ReportPhoto
from tests.factories.reports import HERE
from tests.support import (
    HEIC_BYTES,
    PDF_BYTES,
    SVG_WITH_SCRIPT,
    Endpoint,
    assert_error,
    call,
    exif_with_gps,
    field_errors,
    jpeg_bytes,
    matrix,
    multipart_body,
    png_bomb,
    upload,
)


@pytest.fixture
def world(org, staff, create_user, create_department, create_handler, create_area):
    """The standard org and staff, plus: street B's officer, a road department at street A (serving
    A1 and A2) with a handler, one at street B with a handler, and a patrol area in A1."""
    staff.street_b_officer = create_user(roles=[(Role.OFFICER, org.street_b)], name="赵警官")
    staff.department_a = create_department(org.street_a, name="三里屯城管")
    staff.handler_a = create_handler(staff.department_a, name="城管小刘")
    staff.department_b = create_department(org.street_b, name="望京城管")
    staff.handler_b = create_handler(staff.department_b, name="城管小王")
    create_area(org.a1)
    return staff


def report_body(category: int, **overrides) -> dict:
    return {
        "category_id": category,
        "severity": "medium",
        "description": "井盖缺失，很危险",
        "position": dict(HERE),
        "address": "工体北路8号",
    } | overrides


def count(in_app, model) -> int:
    with in_app():
        return db.session.scalar(select(func.count()).select_from(model))


def inbox(client) -> list[dict]:
    return client.get("/api/v1/notifications").get_json()


# Capture ----------------------------------------------------------------------------------------------


def test_a_member_reports_a_hazard_and_the_unit_officers_are_told(client_as, world, org, category_id):
    member = client_as(world.member_a1)
    response = member.post("/api/v1/reports", json=report_body(category_id(org.a1)))
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["status"] == "submitted" and report["viewer"] == "reporter"
    assert report["category"]["code"] == "road_facilities" and report["unit"]["name"] == "北三里社区"
    assert report["position"] == {**HERE, "fixed_at": None, "is_imprecise": False}
    assert report["team"] is None  # the reporter does not see the staff-only fields
    [told] = inbox(client_as(world.street_a_officer))
    assert told["kind"] == "report_new" and told["subject_id"] == report["id"]
    assert told["payload"]["title"] == "新的隐患上报：道路设施"
    assert inbox(client_as(world.street_b_officer)) == []
    assert inbox(client_as(world.district_admin)) == []  # officers are told, admins look when they like


def test_the_report_remembers_the_reporters_team_for_the_queue(client_as, world, org, category_id):
    report = client_as(world.member_a1).post("/api/v1/reports", json=report_body(category_id(org.a1))).get_json()
    seen = client_as(world.street_a_officer).get(f"/api/v1/reports/{report['id']}").get_json()
    assert seen["team"]["name"] == "北三里巡防队" and seen["reporter"]["phone"] == world.member_a1.phone


def test_description_and_address_are_optional_for_a_quick_report(client_as, world, org, category_id):
    body = {"category_id": category_id(org.a1), "position": dict(HERE)}
    response = client_as(world.member_a1).post("/api/v1/reports", json=body)
    assert response.status_code == 201 and response.get_json()["severity"] == "medium"


@pytest.mark.parametrize(
    ("position", "code"),
    [
        ({"accuracy_m": 0}, "too_small"),
        ({"accuracy_m": -5}, "too_small"),
        ({"lat": 91}, "out_of_range"),
        ({"lon": "east"}, "not_a_number"),
    ],
)
def test_a_bad_fix_is_refused_by_field(client_as, world, org, category_id, in_app, position, code):
    body = report_body(category_id(org.a1), position={**HERE, **position})
    response = client_as(world.member_a1).post("/api/v1/reports", json=body)
    errors = assert_error(response, 422, "validation_failed")["errors"]["json"]["position"]
    assert code in [entry["code"] for entries in errors.values() for entry in entries]
    assert count(in_app, Report) == 0


def test_a_position_far_outside_the_district_is_refused(client_as, world, org, category_id, in_app):
    shanghai = {"lon": 121.47, "lat": 31.23, "accuracy_m": 10}
    response = client_as(world.member_a1).post("/api/v1/reports", json=report_body(category_id(org.a1), position=shanghai))
    body = assert_error(response, 422, "position_outside_district")
    assert field_errors(body) == {"position": ["position_outside_district"]}
    assert count(in_app, Report) == 0


def test_a_position_just_outside_the_areas_is_within_the_margin(client_as, world, org, category_id):
    nearby = {"lon": 116.47, "lat": 39.945, "accuracy_m": 10}  # ~1.5 km east of the test square
    response = client_as(world.member_a1).post("/api/v1/reports", json=report_body(category_id(org.a1), position=nearby))
    assert response.status_code == 201


def test_an_imprecise_fix_is_kept_but_flagged(client_as, world, org, category_id):
    fix = {**HERE, "accuracy_m": 850, "fixed_at": "2026-11-30T09:12:00+08:00"}
    report = client_as(world.member_a1).post("/api/v1/reports", json=report_body(category_id(org.a1), position=fix))
    assert report.status_code == 201
    position = report.get_json()["position"]
    assert position["is_imprecise"] is True and position["fixed_at"] == "2026-11-30T01:12:00+00:00"


def test_a_category_of_another_district_is_404(client_as, world, create_unit, category_id):
    from app.orgs.models import UnitKind

    other = create_unit(UnitKind.DISTRICT, name="海淀区")
    response = client_as(world.member_a1).post("/api/v1/reports", json=report_body(category_id(other)))
    assert_error(response, 404, "not_found")


def test_a_deactivated_category_takes_no_reports(client_as, world, org, category_id):
    category = category_id(org.a1)
    client_as(world.district_admin).patch(f"/api/v1/report-categories/{category}", json={"is_active": False})
    response = client_as(world.member_a1).post("/api/v1/reports", json=report_body(category))
    assert_error(response, 422, "category_not_available")


def test_the_same_idempotency_key_makes_one_report(client_as, world, org, category_id, in_app):
    member = client_as(world.member_a1)
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = member.post("/api/v1/reports", json=report_body(category_id(org.a1)), headers=headers)
    again = member.post("/api/v1/reports", json=report_body(category_id(org.a1)), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert count(in_app, Report) == 1
    assert len(inbox(client_as(world.street_a_officer))) == 1


def test_someone_with_grants_in_two_communities_says_which(client_as, world, org, create_user, category_id):
    both = create_user(roles=[(Role.MEMBER, org.a1), (Role.MEMBER, org.a2)])
    response = client_as(both).post("/api/v1/reports", json=report_body(category_id(org.a1)))
    assert_error(response, 422, "report_unit_required")
    response = client_as(both).post("/api/v1/reports", json=report_body(category_id(org.a1), unit_id=org.a2.id))
    assert response.status_code == 201 and response.get_json()["unit"]["id"] == org.a2.id


# Categories and departments ---------------------------------------------------------------------------


def test_a_new_district_gets_the_default_categories_with_stable_codes(client_as, world):
    categories = client_as(world.member_a1).get("/api/v1/report-categories").get_json()
    assert [(c["code"], c["name"], c["shows_nearby"]) for c in categories] == [
        ("public_security", "治安隐患", True),
        ("fire_hazard", "消防隐患", True),
        ("road_facilities", "道路设施", True),
        ("sanitation", "环境卫生", True),
        ("dispute", "矛盾纠纷", False),
        ("suspicious", "可疑人员或物品", False),
        ("other", "其他", True),
    ]


def test_admins_add_a_category_with_its_own_sla(client_as, world, org):
    admin = client_as(world.district_admin)
    body = {
        "unit_id": org.district.id,
        "code": "illegal_building",
        "name": "违法建设",
        "sla": [{"severity": "high", "accept_minutes": 60, "resolve_minutes": 2880}],
    }
    created = admin.post("/api/v1/report-categories", json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["sla"] == [{"severity": "high", "accept_minutes": 60, "resolve_minutes": 2880}]
    assert_error(admin.post("/api/v1/report-categories", json=body), 409, "category_code_taken")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"code": "违建"}, "code_invalid"),
        ({"unit_id": "{street_a}"}, "category_unit_not_district"),
        ({"sla": [{"severity": "low", "accept_minutes": 60, "resolve_minutes": 30}]}, "resolve_before_accept"),
    ],
)
def test_bad_categories_are_refused(client_as, world, org, change, code):
    body = {"unit_id": org.district.id, "code": "x_1", "name": "新类别"} | change
    if body["unit_id"] == "{street_a}":
        body["unit_id"] = org.street_a.id
    response = client_as(world.district_admin).post("/api/v1/report-categories", json=body)
    assert code in str(response.get_json())


def test_only_admins_manage_categories(client_as, world, org, category_id):
    response = client_as(world.street_a_officer).patch(
        f"/api/v1/report-categories/{category_id(org.a1)}", json={"name": "道路"}
    )
    assert_error(response, 403, "forbidden")


def test_departments_with_default_categories(client_as, world, org, category_id):
    admin = client_as(world.district_admin)
    fire = category_id(org.a1, "fire_hazard")
    created = admin.post("/api/v1/departments", json={"unit_id": org.district.id, "name": "消防", "category_ids": [fire]})
    assert created.status_code == 201 and created.get_json()["category_ids"] == [fire]
    again = admin.post("/api/v1/departments", json={"unit_id": org.district.id, "name": "消防二队", "category_ids": [fire]})
    assert_error(again, 409, "category_already_routed")
    # Officers below see the departments they may dispatch to; those of a sibling street are not theirs.
    names = {d["name"] for d in client_as(world.street_a_officer).get("/api/v1/departments").get_json()}
    assert names == {"消防", "三里屯城管"}


def test_handlers_are_made_through_their_department(client_as, world, org, create_user):
    user = create_user(roles=[(Role.MEMBER, org.a1)], name="新处置员")
    admin = client_as(world.street_a_admin)
    refused = admin.post(f"/api/v1/users/{user.id}/roles", json={"role": "handler", "unit_id": org.street_a.id})
    assert field_errors(assert_error(refused, 422, "validation_failed")) == {"role": ["handler_needs_department"]}
    made = admin.post(f"/api/v1/departments/{world.department_a.id}/handlers", json={"user_id": user.id})
    assert made.status_code == 201
    names = [h["display_name"] for h in admin.get(f"/api/v1/departments/{world.department_a.id}/handlers").get_json()]
    assert sorted(names) == ["城管小刘", "新处置员"]
    roles = client_as(user).get("/api/v1/me").get_json()
    assert {"role": "handler", "department_id": world.department_a.id} in [
        {"role": r["role"], "department_id": r["department_id"]} for r in roles["roles"]
    ]
    assert roles["capabilities"]["handle_reports"] is True
    other = admin.post(f"/api/v1/departments/{world.department_b.id}/handlers", json={"user_id": user.id})
    assert_error(other, 404, "not_found")  # street B's department is outside this admin's sight


# Photos -----------------------------------------------------------------------------------------------


@pytest.fixture
def my_report(create_report, world):
    """A report of member A1 in their community."""
    return create_report(world.member_a1)


def post_photo(client, report_id: int, data: bytes, **kwargs):
    return client.post(
        f"/api/v1/reports/{report_id}/photos", data=upload(data, **kwargs), content_type="multipart/form-data"
    )


def stored_images(stored_files) -> list[Image.Image]:
    return [Image.open(io.BytesIO(data)) for key, (data, _) in sorted(stored_files.items()) if "-thumb" not in key]


def test_a_photo_is_stored_as_a_fresh_jpeg_without_exif_or_gps(client_as, world, my_report, stored_files):
    original = jpeg_bytes((1200, 900), exif=exif_with_gps(orientation=6))
    response = post_photo(client_as(world.member_a1), my_report.id, original)
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert (photo["width"], photo["height"], photo["kind"]) == (900, 1200, "report")  # turned upright
    [stored] = stored_images(stored_files)
    assert stored.format == "JPEG" and stored.size == (900, 1200)
    assert not stored.getexif() and "exif" not in stored.info and "icc_profile" not in stored.info
    data = next(data for key, (data, _) in stored_files.items() if "-thumb" not in key)
    assert b"Exif" not in data and b"GPS" not in data and b"Phone X" not in data
    assert data != original


def test_a_large_photo_is_scaled_down_and_thumbnailed(client_as, world, my_report, stored_files):
    photo = post_photo(client_as(world.member_a1), my_report.id, jpeg_bytes((4000, 3000))).get_json()
    assert (photo["width"], photo["height"]) == (1600, 1200)
    thumb = next(data for key, (data, _) in stored_files.items() if "-thumb" in key)
    assert Image.open(io.BytesIO(thumb)).size == (320, 240)


def test_what_is_appended_to_a_photo_never_reaches_storage(client_as, world, my_report, stored_files):
    motion_photo = jpeg_bytes((640, 480)) + b"\x00\x00\x00\x18ftypmp42" + b"VIDEO" * 2000
    assert post_photo(client_as(world.member_a1), my_report.id, motion_photo).status_code == 201
    assert all(b"VIDEO" not in data for data, _ in stored_files.values())


HOSTILE = {
    "decompression bomb": (png_bomb, "photo.png", "image/png", 422, "photo_too_many_pixels"),
    "svg with a script": (lambda: SVG_WITH_SCRIPT, "photo.svg", "image/svg+xml", 422, "photo_not_an_image"),
    "truncated jpeg": (lambda: jpeg_bytes((1200, 900))[:3000], "photo.jpg", "image/jpeg", 422, "photo_damaged"),
    "pdf renamed jpg": (lambda: PDF_BYTES, "photo.jpg", "image/jpeg", 422, "photo_not_an_image"),
    "heic": (lambda: HEIC_BYTES, "IMG_0001.HEIC", "image/heic", 422, "photo_heic_unsupported"),
    "gif": (lambda: b"GIF89a" + bytes(100), "photo.gif", "image/gif", 422, "photo_format_unsupported"),
    "empty": (lambda: b"", "photo.jpg", "image/jpeg", 422, "photo_not_an_image"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_their_own_error_and_nothing_is_stored(
    client_as, world, my_report, stored_files, in_app, name
):
    make, filename, content_type, status, error = HOSTILE[name]
    response = post_photo(client_as(world.member_a1), my_report.id, make(), filename=filename, content_type=content_type)
    assert_error(response, status, error)
    assert stored_files == {}
    assert count(in_app, Photo) == count(in_app, ReportPhoto) == 0


def test_a_50_mb_file_is_refused_before_it_is_read(client_as, world, my_report, stored_files, in_app):
    body, content_type = multipart_body(b"\xff\xd8\xff" + bytes(50 * 1024 * 1024))
    response = client_as(world.member_a1).post(
        f"/api/v1/reports/{my_report.id}/photos", data=body, content_type=content_type
    )
    assert_error(response, 413, "photo_too_large")
    assert stored_files == {} and count(in_app, Photo) == 0


def test_json_bodies_keep_the_one_mebibyte_limit(client_as, world, org, category_id):
    body = report_body(category_id(org.a1), description="长" * 600_000)
    assert_error(client_as(world.member_a1).post("/api/v1/reports", json=body), 413, "payload_too_large")


def test_a_seventh_photo_is_refused(client_as, world, my_report, stored_files, in_app):
    member = client_as(world.member_a1)
    for _ in range(6):
        assert post_photo(member, my_report.id, jpeg_bytes((64, 48))).status_code == 201
    assert_error(post_photo(member, my_report.id, jpeg_bytes((64, 48))), 409, "photo_limit_reached")
    assert count(in_app, ReportPhoto) == 6 and len(stored_files) == 12


def test_the_same_photo_sent_twice_under_one_key_is_stored_once(client_as, world, my_report, stored_files, in_app):
    member = client_as(world.member_a1)
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    data = jpeg_bytes((64, 48))
    # The browser picks a new multipart boundary each time it sends; the key still matches.
    first = member.post(f"/api/v1/reports/{my_report.id}/photos", data=upload(data), headers=headers)
    again = member.post(f"/api/v1/reports/{my_report.id}/photos", data=upload(data), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["content_id"] == again.get_json()["content_id"]
    assert count(in_app, ReportPhoto) == 1 and len(stored_files) == 2
    other = member.post(f"/api/v1/reports/{my_report.id}/photos", data=upload(jpeg_bytes((65, 48))), headers=headers)
    assert_error(other, 409, "idempotency_conflict")


def test_photos_are_served_privately_and_cached_for_a_year(client_as, world, my_report):
    member = client_as(world.member_a1)
    photo = post_photo(member, my_report.id, jpeg_bytes((640, 480))).get_json()
    for url in (photo["url"], photo["thumb_url"]):
        response = client_as(world.street_a_officer).get(url)
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
        again = client_as(world.street_a_officer).get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
    assert_error(client_as(world.member_b1).get(photo["url"]), 404, "not_found")
    assert_error(client_as(world.street_b_officer).get(photo["url"]), 404, "not_found")
    assert_error(client_as(world.street_a_officer).get(photo["url"].replace(photo["content_id"], "0" * 32)), 404, "not_found")


def test_files_of_a_rolled_back_upload_are_deleted(app, client_as, world, my_report, stored_files, in_app, monkeypatch):
    from app.reports import services

    def fail_after_storing(*args, **kwargs):
        raise RuntimeError("the database went away after the files were stored")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(services, "ReportPhoto", fail_after_storing)
    response = post_photo(client_as(world.member_a1), my_report.id, jpeg_bytes((64, 48)))
    assert_error(response, 500, "internal_error")
    assert stored_files == {} and count(in_app, Photo) == 0


def test_files_of_a_rolled_back_report_are_deleted(in_app, world, my_report, stored_files):
    from app.accounts.services import principal_of
    from app.accounts.models import User
    from app.reports import services

    with in_app():
        report = db.session.get(Report, my_report.id)
        services.add_photo(report, principal_of(db.session.get(User, world.member_a1.id)), jpeg_bytes((64, 48)))
        assert len(stored_files) == 2
        db.session.rollback()
    assert stored_files == {}
    with in_app():
        report = db.session.get(Report, my_report.id)
        services.add_photo(report, principal_of(db.session.get(User, world.member_a1.id)), jpeg_bytes((64, 48)))
        db.session.commit()
    assert len(stored_files) == 2


def test_withdrawing_a_report_deletes_its_files_after_the_commit(client_as, world, my_report, stored_files, in_app):
    member = client_as(world.member_a1)
    post_photo(member, my_report.id, jpeg_bytes((64, 48)))
    assert member.delete(f"/api/v1/reports/{my_report.id}").status_code == 204
    assert stored_files == {}
    assert count(in_app, Report) == count(in_app, Photo) == count(in_app, ReportEvent) == 0


def test_only_a_report_nobody_acted_on_can_be_withdrawn(client_as, world, my_report, move_report, stored_files):
    member = client_as(world.member_a1)
    post_photo(member, my_report.id, jpeg_bytes((64, 48)))
    move_report(my_report, "accept", world.street_a_officer)
    assert_error(member.delete(f"/api/v1/reports/{my_report.id}"), 409, "invalid_transition")
    assert_error(client_as(world.street_a_officer).delete(f"/api/v1/reports/{my_report.id}"), 403, "forbidden")
    assert len(stored_files) == 2
    assert client_as(world.street_a_admin).delete(f"/api/v1/reports/{my_report.id}").status_code == 204
    assert stored_files == {}


def test_a_failed_delete_keeps_the_files(app, client_as, world, my_report, stored_files, monkeypatch):
    from app.reports import services

    post_photo(client_as(world.member_a1), my_report.id, jpeg_bytes((64, 48)))

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(services, "record", fail)
    assert client_as(world.member_a1).delete(f"/api/v1/reports/{my_report.id}").status_code == 500
    assert len(stored_files) == 2


def test_officers_add_no_photos_and_handlers_only_while_working(
    client_as, world, my_report, move_report
):
    assert_error(post_photo(client_as(world.street_a_officer), my_report.id, jpeg_bytes()), 403, "forbidden")
    move_report(my_report, "accept", world.street_a_officer)
    move_report(my_report, "dispatch", world.street_a_officer)
    handler = client_as(world.handler_a)
    assert_error(post_photo(handler, my_report.id, jpeg_bytes()), 409, "report_photos_closed")
    move_report(my_report, "start", world.handler_a)
    photo = post_photo(handler, my_report.id, jpeg_bytes()).get_json()
    assert photo["kind"] == "resolution"
