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
        ({"accuracy_m": 0}, "accuracy_not_positive"),
        ({"accuracy_m": -5}, "accuracy_not_positive"),
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
    response = client_as(world.member_a1).post(
        "/api/v1/reports", json=report_body(category_id(org.a1), position=shanghai)
    )
    body = assert_error(response, 422, "position_outside_district")
    assert field_errors(body) == {"position": ["position_outside_district"]}
    assert count(in_app, Report) == 0


def test_a_position_just_outside_the_areas_is_within_the_margin(client_as, world, org, category_id):
    nearby = {"lon": 116.47, "lat": 39.945, "accuracy_m": 10}  # ~1.5 km east of the test square
    response = client_as(world.member_a1).post(
        "/api/v1/reports", json=report_body(category_id(org.a1), position=nearby)
    )
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
    created = admin.post(
        "/api/v1/departments", json={"unit_id": org.district.id, "name": "消防", "category_ids": [fire]}
    )
    assert created.status_code == 201 and created.get_json()["category_ids"] == [fire]
    again = admin.post(
        "/api/v1/departments", json={"unit_id": org.district.id, "name": "消防二队", "category_ids": [fire]}
    )
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
    response = post_photo(
        client_as(world.member_a1), my_report.id, make(), filename=filename, content_type=content_type
    )
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
    assert_error(
        client_as(world.street_a_officer).get(photo["url"].replace(photo["content_id"], "0" * 32)), 404, "not_found"
    )


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
    from app.accounts.models import User
    from app.accounts.services import principal_of
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


def test_officers_add_no_photos_and_handlers_only_while_working(client_as, world, my_report, move_report):
    assert_error(post_photo(client_as(world.street_a_officer), my_report.id, jpeg_bytes()), 403, "forbidden")
    move_report(my_report, "accept", world.street_a_officer)
    move_report(my_report, "dispatch", world.street_a_officer)
    handler = client_as(world.handler_a)
    assert_error(post_photo(handler, my_report.id, jpeg_bytes()), 409, "report_photos_closed")
    move_report(my_report, "start", world.handler_a)
    photo = post_photo(handler, my_report.id, jpeg_bytes()).get_json()
    assert photo["kind"] == "resolution"


# The workflow: every step for every role ------------------------------------------------------------

REASON = {"reason": "现场核实后说明"}
STEPS = {
    # action: (the state it starts from, its body)
    "accept": ("submitted", {}),
    "reject": ("submitted", REASON),
    "mark_duplicate": ("submitted", {"duplicate_of_id": "{original}"}),
    "dispatch": ("accepted", {}),
    "return": ("dispatched", REASON),
    "start": ("dispatched", {}),
    "resolve": ("in_progress", {"note": "已修复，附照片"}),
    "close": ("resolved", {}),
    "reopen": ("closed", REASON),
    "request_reopen": ("resolved", REASON),
}
# How a fresh case reaches each state: (action, who, body).
ROUTE = [
    ("accept", "street_a_officer", {}),
    ("dispatch", "street_a_officer", {}),
    ("start", "handler_a", {}),
    ("resolve", "handler_a", {"note": "已修复"}),
    ("close", "street_a_officer", {}),
]
REACHED_BY = {"submitted": 0, "accepted": 1, "dispatched": 2, "in_progress": 3, "resolved": 4, "closed": 5}
ALL_STATES = ["submitted", "accepted", "rejected", "duplicate", "dispatched", "in_progress", "resolved", "closed"]


@pytest.fixture
def case_in(world, create_report, move_report):
    """``case_in(state)``: a case of member A1 in that state, and the ids a matrix path may name."""

    def make(state: str):
        report = create_report(world.member_a1)
        original = create_report(world.member_a1, description="同一个井盖")
        if state == "rejected":
            move_report(report, "reject", world.street_a_officer, reason="不是隐患")
        elif state == "duplicate":
            move_report(report, "mark_duplicate", world.street_a_officer, duplicate_of_id=original.id)
        else:
            for action, who, body in ROUTE[: REACHED_BY[state]]:
                move_report(report, action, getattr(world, who), **body)
        return report, {"report": report.id, "original": original.id}

    return make


CALLERS_OUTSIDE = {"street_b_officer": 404, "coordinator_a1": 404, "member_b1": 404, "handler_b": 404}
BEFORE_DISPATCH = {"district_admin": 200, "street_a_admin": 200, "street_a_officer": 200, "member_a1": 403}
OFFICER_STEP = BEFORE_DISPATCH | CALLERS_OUTSIDE | {"handler_a": 404}
HANDLER_STEP = {"handler_a": 200, "district_admin": 403, "street_a_admin": 403, "street_a_officer": 403}
HANDLER_STEP |= CALLERS_OUTSIDE | {"member_a1": 403}


def step(action: str, expect: dict, **overrides) -> Endpoint:
    path = "/api/v1/reports/{report}/" + action.replace("_", "-")
    return Endpoint("post", path, STEPS[action][1], expect, overrides)


WORKFLOW = matrix(
    step("accept", OFFICER_STEP),
    step("reject", OFFICER_STEP),
    step("mark_duplicate", OFFICER_STEP),
    step("dispatch", OFFICER_STEP),
    step("return", HANDLER_STEP),
    step("start", HANDLER_STEP),
    step("resolve", HANDLER_STEP),
    step("close", OFFICER_STEP, handler_a=403),
    step("reopen", OFFICER_STEP, handler_a=403),
    step(
        "request_reopen",
        {key: 403 if status == 200 else status for key, status in OFFICER_STEP.items()},
        member_a1=200,
        handler_a=403,
    ),
)


def action_of(endpoint: Endpoint) -> str:
    return endpoint.path.rsplit("/", 1)[1].replace("-", "_")


@pytest.mark.parametrize(("endpoint", "who", "status"), WORKFLOW)
def test_who_may_take_each_step(client_as, world, case_in, in_app, endpoint, who, status):
    action = action_of(endpoint)
    report, ids = case_in(STEPS[action][0])
    response = call(client_as(getattr(world, who)), endpoint, ids)
    assert response.status_code == status, response.get_json()
    if status == 200:
        assert response.get_json()["id"] == report.id
    with in_app():
        events = db.session.scalars(select(ReportEvent.action).where(ReportEvent.report_id == report.id)).all()
    assert (action in events) == (status == 200)


def _wrong_states():
    for action, (_, _) in STEPS.items():
        from app.reports.models import TRANSITIONS

        sources = {status.value for status in TRANSITIONS[action].sources}
        actor = TRANSITIONS[action].actor.value
        for state in ALL_STATES:
            if state in sources:
                continue
            if actor == "handler" and state in ("submitted", "accepted", "rejected", "duplicate"):
                continue  # not dispatched to their department: they cannot even see it (404)
            who = {"officer": "street_a_officer", "handler": "handler_a", "reporter": "member_a1"}[actor]
            yield pytest.param(action, state, who, id=f"{action} from {state}")


@pytest.mark.parametrize(("action", "state", "who"), list(_wrong_states()))
def test_a_step_from_a_state_that_does_not_allow_it_is_a_409(client_as, world, case_in, action, state, who):
    report, ids = case_in(state)
    response = call(client_as(getattr(world, who)), step(action, {}), ids)
    assert_error(response, 409, "invalid_transition")


def test_the_case_offers_the_steps_the_caller_may_take_now(client_as, world, case_in):
    report, _ = case_in("submitted")
    path = f"/api/v1/reports/{report.id}"
    assert client_as(world.street_a_officer).get(path).get_json()["actions"] == ["accept", "reject", "mark_duplicate"]
    assert client_as(world.member_a1).get(path).get_json()["actions"] == []
    report, _ = case_in("dispatched")
    assert client_as(world.handler_a).get(f"/api/v1/reports/{report.id}").get_json()["actions"] == ["return", "start"]


def test_a_full_case_stores_its_times_and_tells_the_reporter_each_public_step(client_as, world, case_in, in_app):
    report, _ = case_in("closed")
    seen = client_as(world.member_a1).get(f"/api/v1/reports/{report.id}").get_json()
    assert seen["accepted_at"] and seen["resolved_at"] and seen["closed_at"]
    assert seen["accepted_at"] <= seen["resolved_at"] <= seen["closed_at"]
    titles = [n["payload"]["title"] for n in inbox(client_as(world.member_a1))]
    assert titles == [
        "您上报的隐患已结案",
        "您上报的隐患已处置完毕",
        "您上报的隐患正在处置",
        "您上报的隐患已派给三里屯城管处理",
        "您上报的隐患已受理",
    ]


def test_dispatch_goes_to_the_categorys_department_by_default_and_tells_its_handlers(client_as, world, case_in):
    report, _ = case_in("dispatched")
    seen = client_as(world.street_a_officer).get(f"/api/v1/reports/{report.id}").get_json()
    assert seen["department"]["name"] == "三里屯城管" and seen["handler"] is None
    [assigned] = inbox(client_as(world.handler_a))
    assert assigned["kind"] == "report_assigned" and assigned["subject_id"] == report.id
    assert inbox(client_as(world.handler_b)) == []


def test_dispatch_to_one_handler_leaves_the_others_watching(client_as, world, case_in, create_handler):
    colleague = create_handler(world.department_a)
    report, _ = case_in("accepted")
    body = {"department_id": world.department_a.id, "handler_id": world.handler_a.id}
    assert client_as(world.street_a_officer).post(f"/api/v1/reports/{report.id}/dispatch", json=body).status_code == 200
    assert inbox(client_as(colleague)) == []
    assert_error(client_as(colleague).post(f"/api/v1/reports/{report.id}/start", json={}), 403, "forbidden")
    assert client_as(world.handler_a).post(f"/api/v1/reports/{report.id}/start", json={}).status_code == 200


def test_dispatch_refusals_name_their_rule(
    client_as, world, org, case_in, create_department, create_user, create_report, move_report
):
    report, _ = case_in("accepted")
    officer = client_as(world.street_a_officer)
    other_community = create_department(org.a2, codes=())
    refused = officer.post(f"/api/v1/reports/{report.id}/dispatch", json={"department_id": other_community.id})
    assert_error(refused, 422, "department_not_serving")
    refused = officer.post(f"/api/v1/reports/{report.id}/dispatch", json={"department_id": world.department_b.id})
    assert_error(refused, 404, "not_found")
    stranger = create_user(roles=[(Role.MEMBER, org.a1)])
    body = {"department_id": world.department_a.id, "handler_id": stranger.id}
    assert_error(officer.post(f"/api/v1/reports/{report.id}/dispatch", json=body), 422, "handler_not_in_department")
    unrouted = create_report(world.member_a1, code="other")
    move_report(unrouted, "accept", world.street_a_officer)
    assert_error(officer.post(f"/api/v1/reports/{unrouted.id}/dispatch", json={}), 422, "department_required")


def test_a_returned_case_goes_back_to_the_officers_without_its_department(client_as, world, case_in):
    report, _ = case_in("dispatched")
    returned = client_as(world.handler_a).post(f"/api/v1/reports/{report.id}/return", json={"reason": "不属于城管"})
    assert returned.status_code == 200 and returned.get_json()["status"] == "accepted"
    assert_error(client_as(world.handler_a).get(f"/api/v1/reports/{report.id}"), 404, "not_found")
    kinds = [(n["kind"], n["payload"]["title"]) for n in inbox(client_as(world.street_a_officer))]
    assert ("report_staff", "案件被退回：道路设施") in kinds
    # Returning is internal: the reporter is not told, nor sees it in the timeline.
    assert "退回" not in str(inbox(client_as(world.member_a1)))
    actions = [e["action"] for e in client_as(world.member_a1).get(f"/api/v1/reports/{report.id}/timeline").get_json()]
    assert "return" not in actions


def test_duplicates_name_another_open_case_in_scope(client_as, world, org, case_in, create_report, move_report):
    report, ids = case_in("submitted")
    officer = client_as(world.street_a_officer)
    itself = officer.post(f"/api/v1/reports/{report.id}/mark-duplicate", json={"duplicate_of_id": report.id})
    assert_error(itself, 409, "duplicate_of_itself")
    elsewhere = create_report(world.member_b1)
    refused = officer.post(f"/api/v1/reports/{report.id}/mark-duplicate", json={"duplicate_of_id": elsewhere.id})
    assert_error(refused, 404, "not_found")
    twin = create_report(world.member_a1)
    move_report(twin, "mark_duplicate", world.street_a_officer, duplicate_of_id=ids["original"])
    chained = officer.post(f"/api/v1/reports/{report.id}/mark-duplicate", json={"duplicate_of_id": twin.id})
    assert_error(chained, 409, "duplicate_of_duplicate")


def test_the_reporter_of_a_duplicate_follows_the_original(
    client_as, world, org, create_user, create_report, move_report
):
    neighbour = create_user(team=org.team_a1, name="邻居")
    original = create_report(neighbour, description="邻居的描述")
    report = create_report(world.member_a1)
    move_report(report, "mark_duplicate", world.street_a_officer, duplicate_of_id=original.id)
    followed = client_as(world.member_a1).get(f"/api/v1/reports/{original.id}").get_json()
    assert followed["viewer"] == "follower" and followed["is_following"] is True
    assert followed["description"] is None and followed["position"] is None and followed["reporter"] is None
    mine = client_as(world.member_a1).get("/api/v1/reports?box=mine").get_json()
    assert {r["id"] for r in mine} == {original.id, report.id}


def test_reopening_is_possible_within_the_period_only(app, client_as, world, case_in, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    report, _ = case_in("closed")
    time_machine.shift(timedelta(days=app.config["REPORT_REOPEN_DAYS"] + 1))
    officer = client_as(world.street_a_officer)  # signed in now: sessions lapse after 30 idle days
    assert "reopen" not in officer.get(f"/api/v1/reports/{report.id}").get_json()["actions"]
    late = officer.post(f"/api/v1/reports/{report.id}/reopen", json=REASON)
    assert_error(late, 409, "reopen_period_over")
    asked = client_as(world.member_a1).post(f"/api/v1/reports/{report.id}/request-reopen", json=REASON)
    assert_error(asked, 409, "reopen_period_over")


def test_a_reopened_case_starts_again_with_a_new_deadline(client_as, world, case_in):
    report, _ = case_in("closed")
    reopened = client_as(world.street_a_officer).post(f"/api/v1/reports/{report.id}/reopen", json=REASON).get_json()
    assert reopened["status"] == "accepted" and reopened["closed_at"] is None and reopened["resolved_at"] is None
    assert reopened["department"] is None and reopened["due_at"] > reopened["updated_at"]
    assert reopened["actions"] == ["mark_duplicate", "dispatch"]


def test_the_reporter_asks_to_reopen_once_and_the_officers_are_told(client_as, world, case_in):
    report, _ = case_in("resolved")
    member = client_as(world.member_a1)
    asked = member.post(f"/api/v1/reports/{report.id}/request-reopen", json={"reason": "井盖又坏了"})
    assert asked.status_code == 200 and asked.get_json()["status"] == "resolved"
    told = [n for n in inbox(client_as(world.street_a_officer)) if n["payload"]["text_key"] == "staff_request_reopen"]
    assert len(told) == 1 and told[0]["payload"]["body"] == "井盖又坏了"
    again = member.post(f"/api/v1/reports/{report.id}/request-reopen", json={"reason": "还是坏的"})
    assert_error(again, 409, "reopen_already_requested")


def test_of_two_officers_acting_at_once_the_second_gets_409(in_app, client_as, world, case_in):
    from app.accounts.models import User
    from app.accounts.services import principal_of
    from app.errors import Conflict
    from app.reports import services

    report, _ = case_in("submitted")
    with in_app():
        stale = db.session.get(Report, report.id)  # what the first officer's request read
        officer = principal_of(db.session.get(User, world.street_a_officer.id))
        db.session.expunge(stale)
    assert client_as(world.street_a_admin).post(f"/api/v1/reports/{report.id}/reject", json=REASON).status_code == 200
    with in_app():
        db.session.add(stale)
        with pytest.raises(Conflict) as refused:
            services.transition(stale, "accept", officer, {})
        assert refused.value.error == "report_changed"
        db.session.rollback()


def test_bulk_dispatch_answers_for_each_case(client_as, world, case_in, create_report):
    accepted, _ = case_in("accepted")
    submitted, _ = case_in("submitted")
    elsewhere = create_report(world.member_b1)
    body = {"report_ids": [accepted.id, submitted.id, elsewhere.id]}
    results = client_as(world.street_a_officer).post("/api/v1/reports/bulk-dispatch", json=body).get_json()
    assert results == [
        {"id": accepted.id, "status": "dispatched", "error": None},
        {"id": submitted.id, "status": "submitted", "error": "invalid_transition"},
        {"id": elsewhere.id, "status": None, "error": "not_found"},
    ]


# Timeline and comments --------------------------------------------------------------------------------


def test_the_timeline_is_public_for_the_reporter_and_whole_for_staff(client_as, world, case_in):
    report, _ = case_in("dispatched")
    officer = client_as(world.street_a_officer)
    officer.post(f"/api/v1/reports/{report.id}/comments", json={"body": "内部：联系物业", "is_public": False})
    staff_view = officer.get(f"/api/v1/reports/{report.id}/timeline").get_json()
    assert [e["action"] for e in staff_view] == ["created", "accept", "dispatch"]
    assert staff_view[2]["department"]["name"] == "三里屯城管" and staff_view[2]["actor"]["display_name"] == "李警官"
    reporter_view = client_as(world.member_a1).get(f"/api/v1/reports/{report.id}/timeline").get_json()
    assert [e["action"] for e in reporter_view] == ["created", "accept", "dispatch"]
    assert all(e["actor"] is None for e in reporter_view)  # roles, not the officers' names
    assert [e["actor_role"] for e in reporter_view] == ["reporter", "officer", "officer"]


def test_internal_notes_stay_internal(client_as, world, case_in):
    report, _ = case_in("accepted")
    officer = client_as(world.street_a_officer)
    officer.post(f"/api/v1/reports/{report.id}/dispatch", json={"note": "找物业王经理"})
    [_, _, dispatched] = client_as(world.member_a1).get(f"/api/v1/reports/{report.id}/timeline").get_json()
    assert dispatched["note"] is None
    [_, _, dispatched] = officer.get(f"/api/v1/reports/{report.id}/timeline").get_json()
    assert dispatched["note"] == "找物业王经理"


def test_comments_internal_and_public(client_as, world, case_in):
    report, _ = case_in("accepted")
    officer, member = client_as(world.street_a_officer), client_as(world.member_a1)
    officer.post(f"/api/v1/reports/{report.id}/comments", json={"body": "内部备注"})
    officer.post(f"/api/v1/reports/{report.id}/comments", json={"body": "我们明天去看", "is_public": True})
    mine = member.post(f"/api/v1/reports/{report.id}/comments", json={"body": "谢谢！"})
    assert mine.status_code == 201 and mine.get_json()["is_public"] is True
    assert [c["body"] for c in member.get(f"/api/v1/reports/{report.id}/comments").get_json()] == [
        "我们明天去看",
        "谢谢！",
    ]
    assert len(officer.get(f"/api/v1/reports/{report.id}/comments").get_json()) == 3
    private = member.post(f"/api/v1/reports/{report.id}/comments", json={"body": "悄悄话", "is_public": False})
    assert_error(private, 403, "forbidden")
    assert inbox(member)[0]["payload"]["text_key"] == "update_comment"  # told of the public one only
    assert [n["payload"]["text_key"] for n in inbox(member)].count("update_comment") == 1
    assert "staff_comment" in [n["payload"]["text_key"] for n in inbox(officer)]


def test_the_timeline_outlives_the_audit_retention(app, runner, client_as, world, case_in, time_machine, in_app):
    time_machine.move_to(clock.now(), tick=False)
    report, _ = case_in("closed")
    time_machine.shift(timedelta(days=app.config["AUDIT_RETENTION_DAYS"] + 30))
    assert runner.invoke(args=["jobs", "run", "purge_audit_events"]).exit_code == 0
    with in_app():
        assert db.session.scalar(select(func.count()).where(ReportEvent.report_id == report.id)) == 6


# Duplicates nearby and their privacy ------------------------------------------------------------------


def nearby(client, category: int, lon=HERE["lon"], lat=HERE["lat"]):
    return client.get(f"/api/v1/reports/nearby?category_id={category}&lon={lon}&lat={lat}")


def test_nearby_open_cases_show_category_distance_time_and_status_only(
    client_as, world, org, create_user, create_report, category_id
):
    neighbour = create_user(team=org.team_a1, name="邻居")
    create_report(neighbour, description="邻居写的私事", position={"lon": HERE["lon"] + 0.0005})  # ~43 m east
    [found] = nearby(client_as(world.member_a1), category_id(org.a1)).get_json()
    assert set(found) == {"id", "category", "distance_m", "created_at", "status", "is_mine", "is_following"}
    assert 38 <= found["distance_m"] <= 48 and found["status"] == "submitted" and found["is_mine"] is False
    assert "邻居" not in str(found)


def test_nearby_leaves_out_far_old_closed_and_other_cases(
    client_as, world, org, create_report, category_id, move_report, time_machine
):
    time_machine.move_to(clock.now(), tick=False)
    create_report(world.member_a1, position={"lon": HERE["lon"] + 0.002})  # ~170 m: too far
    create_report(world.member_a1, code="sanitation")  # another category
    closed = create_report(world.member_a1)
    move_report(closed, "reject", world.street_a_officer, reason="重复")
    time_machine.shift(timedelta(days=8))
    old_but_here = create_report(world.member_a1)
    time_machine.shift(timedelta(days=1))
    found = nearby(client_as(world.member_a1), category_id(org.a1)).get_json()
    assert [f["id"] for f in found] == [old_but_here.id]


@pytest.mark.parametrize("code", ["suspicious", "dispute"])
def test_discreet_categories_never_show_nearby(client_as, world, org, create_report, category_id, code):
    create_report(world.member_a1, code=code)
    assert nearby(client_as(world.member_a1), category_id(org.a1, code)).get_json() == []


def test_add_your_photo_instead_follows_the_case_without_seeing_its_reporters_things(
    client_as, world, org, create_user, create_report, category_id, stored_files
):
    neighbour = create_user(team=org.team_a1, name="邻居")
    original = create_report(neighbour, description="邻居的描述")
    post_photo(client_as(neighbour), original.id, jpeg_bytes((64, 48), colour=(1, 2, 3)))
    member = client_as(world.member_a1)
    assert_error(member.get(f"/api/v1/reports/{original.id}"), 404, "not_found")
    followed = member.post(f"/api/v1/reports/{original.id}/follow")
    assert followed.status_code == 200, followed.get_json()
    mine = post_photo(member, original.id, jpeg_bytes((64, 48))).get_json()
    seen = member.get(f"/api/v1/reports/{original.id}").get_json()
    assert seen["viewer"] == "follower" and seen["description"] is None and seen["address"] is None
    assert [p["content_id"] for p in seen["photos"]] == [mine["content_id"]]  # never the neighbour's photo
    assert seen["actions"] == [] and seen["can_comment"] is False
    officer_view = client_as(world.street_a_officer).get(f"/api/v1/reports/{original.id}").get_json()
    assert officer_view["follower_count"] == 1 and len(officer_view["photos"]) == 2
    neighbours_photo = next(
        p for p in officer_view["photos"] if not p["is_mine"] and p["content_id"] != mine["content_id"]
    )
    assert_error(member.get(neighbours_photo["url"]), 404, "not_found")


def test_followers_hear_of_public_changes_too(client_as, world, org, create_user, create_report, move_report):
    neighbour = create_user(team=org.team_a1)
    original = create_report(neighbour)
    client_as(world.member_a1).post(f"/api/v1/reports/{original.id}/follow")
    move_report(original, "accept", world.street_a_officer)
    assert [n["payload"]["text_key"] for n in inbox(client_as(world.member_a1))] == ["update_accept"]


def test_cases_of_discreet_categories_or_other_districts_cannot_be_followed(
    client_as, world, org, create_user, create_unit, create_report
):
    neighbour = create_user(team=org.team_a1)
    discreet = create_report(neighbour, code="suspicious")
    assert_error(client_as(world.member_a1).post(f"/api/v1/reports/{discreet.id}/follow"), 404, "not_found")
    from app.orgs.models import UnitKind

    haidian = create_unit(UnitKind.DISTRICT, name="海淀区")
    outsider = create_user(roles=[(Role.MEMBER, haidian)])
    ordinary = create_report(neighbour)
    assert_error(client_as(outsider).post(f"/api/v1/reports/{ordinary.id}/follow"), 404, "not_found")
    assert_error(client_as(world.street_a_officer).post(f"/api/v1/reports/{ordinary.id}/follow"), 403, "forbidden")
    assert_error(client_as(neighbour).post(f"/api/v1/reports/{ordinary.id}/follow"), 403, "forbidden")


# SLA and escalation -----------------------------------------------------------------------------------


def run_escalation(runner):
    result = runner.invoke(args=["jobs", "run", "escalate_overdue_reports"])
    assert result.exit_code == 0, result.output


def test_an_unaccepted_case_is_overdue_then_escalated_to_the_street(
    app, runner, client_as, world, org, create_user, create_report, time_machine
):
    time_machine.move_to(clock.now(), tick=False)
    community_officer = create_user(roles=[(Role.OFFICER, org.a1)], name="社区民警")
    report = create_report(world.member_a1, severity="high")  # accept within 30 minutes
    run_escalation(runner)
    assert not [n for n in inbox(client_as(community_officer)) if n["kind"] == "report_overdue"]
    time_machine.shift(timedelta(minutes=31))
    run_escalation(runner)
    run_escalation(runner)
    overdue = [n for n in inbox(client_as(community_officer)) if n["kind"] == "report_overdue"]
    assert [n["payload"]["title"] for n in overdue] == ["案件超时未办：道路设施（北三里社区）"]
    assert not [n for n in inbox(client_as(world.street_a_officer)) if n["kind"] == "report_overdue"]
    seen = client_as(world.street_a_officer).get(f"/api/v1/reports/{report.id}").get_json()
    assert seen["is_overdue"] is True and seen["escalation_level"] == 1
    time_machine.shift(timedelta(minutes=app.config["REPORT_ESCALATION_SECOND_MINUTES"]))
    run_escalation(runner)
    run_escalation(runner)
    street = [n["payload"]["title"] for n in inbox(client_as(world.street_a_officer)) if n["kind"] == "report_overdue"]
    assert street == ["案件超时升级：道路设施（北三里社区）"]
    assert [n for n in inbox(client_as(world.street_a_admin)) if n["kind"] == "report_overdue"]
    timeline = client_as(world.street_a_officer).get(f"/api/v1/reports/{report.id}/timeline").get_json()
    assert [e["action"] for e in timeline] == ["created", "overdue", "escalated"]
    assert timeline[1]["actor_role"] == "system"


def test_accepting_in_time_meets_the_first_target_and_starts_the_second(
    runner, client_as, world, create_report, move_report, time_machine
):
    time_machine.move_to(clock.now(), tick=False)
    report = create_report(world.member_a1, severity="high")
    time_machine.shift(timedelta(minutes=20))
    move_report(report, "accept", world.street_a_officer)
    time_machine.shift(timedelta(hours=2))
    run_escalation(runner)
    seen = client_as(world.street_a_officer).get(f"/api/v1/reports/{report.id}").get_json()
    assert seen["is_overdue"] is False and seen["escalation_level"] == 0
    time_machine.shift(timedelta(hours=23))  # 24 h to resolve, counted from the report
    run_escalation(runner)
    seen = client_as(world.street_a_officer).get(f"/api/v1/reports/{report.id}").get_json()
    assert seen["is_overdue"] is True and seen["escalation_level"] == 1


def test_a_category_may_set_its_own_targets(client_as, world, org, category_id, create_report, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    sla = [{"severity": "low", "accept_minutes": 10, "resolve_minutes": 60}]
    client_as(world.district_admin).patch(f"/api/v1/report-categories/{category_id(org.a1)}", json={"sla": sla})
    report = create_report(world.member_a1, severity="low")
    seen = client_as(world.street_a_officer).get(f"/api/v1/reports/{report.id}").get_json()
    assert seen["due_at"] == (clock.now() + timedelta(minutes=10)).isoformat()


def test_closed_cases_are_never_escalated(runner, client_as, world, case_in, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    report, _ = case_in("closed")
    time_machine.shift(timedelta(days=30))
    run_escalation(runner)
    told = [n["subject_id"] for n in inbox(client_as(world.street_a_officer)) if n["kind"] == "report_overdue"]
    assert report.id not in told  # (the other case case_in made is still waiting, and was escalated)


# The officers' queue -------------------------------------------------------------------------------


def walk(client, url: str) -> list[list[int]]:
    """Every page of a keyset list, following X-Next-Cursor."""
    pages, cursor = [], None
    while True:
        response = client.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.get_json()
        pages.append([item["id"] for item in response.get_json()])
        cursor = response.headers.get("X-Next-Cursor")
        if not cursor:
            return pages


def test_keyset_pages_walk_every_case_once_in_order_even_with_equal_times(
    client_as, world, create_report, time_machine
):
    time_machine.move_to(clock.now(), tick=False)
    ids = [create_report(world.member_a1).id for _ in range(12)]  # all at the same instant
    time_machine.shift(timedelta(minutes=1))
    ids += [create_report(world.member_a1).id for _ in range(5)]
    officer = client_as(world.street_a_officer)
    pages = walk(officer, "/api/v1/reports?page_size=5")
    assert [len(page) for page in pages] == [5, 5, 5, 2]
    assert [i for page in pages for i in page] == sorted(ids, reverse=True)
    oldest_first = walk(officer, "/api/v1/reports?page_size=4&sort=created_at")
    assert [i for page in oldest_first for i in page] == sorted(ids)


def test_a_new_case_arriving_between_pages_does_not_shift_them(client_as, world, create_report, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    ids = []
    for _ in range(6):
        ids.append(create_report(world.member_a1).id)
        time_machine.shift(timedelta(seconds=1))
    officer = client_as(world.street_a_officer)
    first = officer.get("/api/v1/reports?page_size=3")
    create_report(world.member_a1)
    second = officer.get(f"/api/v1/reports?page_size=3&cursor={first.headers['X-Next-Cursor']}")
    assert [r["id"] for r in second.get_json()] == ids[2::-1]


@pytest.mark.parametrize("cursor", ["nonsense", "eyJzIjoiY3JlYXRlZF9hdCIsInYiOlsxLDJdfQ"])
def test_a_cursor_that_is_not_ours_is_a_422(client_as, world, cursor):
    response = client_as(world.street_a_officer).get(f"/api/v1/reports?cursor={cursor}")
    assert field_errors(assert_error(response, 422, "validation_failed"), "query") == {"cursor": ["cursor_invalid"]}


def test_a_cursor_of_another_sort_is_refused(client_as, world, create_report):
    for _ in range(3):
        create_report(world.member_a1)
    officer = client_as(world.street_a_officer)
    cursor = officer.get("/api/v1/reports?page_size=1").headers["X-Next-Cursor"]
    assert_error(officer.get(f"/api/v1/reports?page_size=1&sort=updated_at&cursor={cursor}"), 422, "validation_failed")


def queue_ids(client, query: str = "") -> set[int]:
    response = client.get(f"/api/v1/reports?page_size=200&{query}")
    assert response.status_code == 200, response.get_json()
    return {r["id"] for r in response.get_json()}


def test_the_queue_filters(client_as, world, org, create_user, create_report, move_report, category_id, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    old = create_report(world.member_a1, severity="low")
    time_machine.shift(timedelta(days=2))
    a2_member = create_user(team=org.team_a2)
    in_a2 = create_report(a2_member, code="sanitation", severity="high")
    dispatched = create_report(world.member_a1)
    move_report(dispatched, "accept", world.street_a_officer)
    move_report(dispatched, "dispatch", world.street_a_officer)
    officer = client_as(world.street_a_officer)
    assert queue_ids(officer) == {old.id, in_a2.id, dispatched.id}
    assert queue_ids(officer, "status=submitted") == {old.id, in_a2.id}
    assert queue_ids(officer, "status=dispatched&status=accepted") == {dispatched.id}
    assert queue_ids(officer, f"category_id={category_id(org.a1, 'sanitation')}") == {in_a2.id}
    assert queue_ids(officer, "severity=high&severity=low") == {old.id, in_a2.id}
    assert queue_ids(officer, f"unit_id={org.a2.id}") == {in_a2.id}
    assert queue_ids(officer, f"department_id={world.department_a.id}") == {dispatched.id}
    assert queue_ids(officer, f"team_id={org.team_a2.id}") == {in_a2.id}
    assert queue_ids(officer, "overdue=true") == {old.id}  # 24 h to accept a low one, 2 days ago
    assert queue_ids(officer, "overdue=false") == {in_a2.id, dispatched.id}
    since = (clock.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert queue_ids(officer, f"since={since}") == {in_a2.id, dispatched.id}
    assert_error(officer.get(f"/api/v1/reports?unit_id={org.b1.id}"), 404, "not_found")
    by_deadline = [r["id"] for r in officer.get("/api/v1/reports?sort=due_at").get_json()]
    assert by_deadline[0] == old.id


def test_each_sees_their_own_queue(client_as, world, create_report, move_report):
    a = create_report(world.member_a1)
    b = create_report(world.member_b1)
    move_report(a, "accept", world.street_a_officer)
    move_report(a, "dispatch", world.street_a_officer)
    assert queue_ids(client_as(world.street_a_officer)) == {a.id}
    assert queue_ids(client_as(world.street_b_officer)) == {b.id}
    assert queue_ids(client_as(world.district_admin)) == {a.id, b.id}
    assert queue_ids(client_as(world.handler_a)) == {a.id}
    assert queue_ids(client_as(world.handler_b)) == set()
    assert queue_ids(client_as(world.member_a1)) == {a.id}  # members' default is their own reports
    assert queue_ids(client_as(world.member_b1)) == {b.id}
    assert queue_ids(client_as(world.coordinator_a1)) == set()


def test_handlers_see_their_cases_without_the_reporters_phone(client_as, world, case_in):
    report, _ = case_in("dispatched")
    seen = client_as(world.handler_a).get(f"/api/v1/reports/{report.id}").get_json()
    assert seen["viewer"] == "handler" and seen["description"] and seen["position"]
    assert seen["reporter"]["display_name"] == "张建国" and seen["reporter"]["phone"] is None
    assert world.member_a1.phone not in str(client_as(world.handler_a).get("/api/v1/reports").get_json())


def test_another_units_case_is_404(client_as, world, create_report):
    report = create_report(world.member_b1)
    for who in ("street_a_officer", "member_a1", "coordinator_a1", "handler_a"):
        assert_error(client_as(getattr(world, who)).get(f"/api/v1/reports/{report.id}"), 404, "not_found")
    assert client_as(world.street_b_officer).get(f"/api/v1/reports/{report.id}").status_code == 200


# The map --------------------------------------------------------------------------------------------


def test_the_map_clusters_by_zoom_and_keeps_lone_cases_as_points(client_as, world, create_report):
    for _ in range(5):
        create_report(world.member_a1)  # the same spot
    lone = create_report(world.member_a1, position={"lon": 116.4415, "lat": 39.9215})  # ~1.5 km away
    officer = client_as(world.street_a_officer)
    box = "116.44,39.92,116.47,39.95"
    far = officer.get(f"/api/v1/reports/map?bbox={box}&zoom=14").get_json()
    assert far["total"] == 6 and not far["truncated"]
    assert [c["count"] for c in far["clusters"]] == [5]
    assert [p["id"] for p in far["points"]] == [lone.id]
    assert far["points"][0]["status"] == "submitted"
    near = officer.get(f"/api/v1/reports/map?bbox={box}&zoom=22").get_json()
    assert near["total"] == 6 and [c["count"] for c in near["clusters"]] == [5]
    outside = officer.get("/api/v1/reports/map?bbox=116.0,39.0,116.1,39.1&zoom=14").get_json()
    assert outside["total"] == 0


def test_the_map_takes_the_queues_filters_and_scope(client_as, world, create_report):
    create_report(world.member_a1)
    create_report(world.member_b1)
    box = "116.44,39.92,116.47,39.95"
    assert client_as(world.street_a_officer).get(f"/api/v1/reports/map?bbox={box}&zoom=10").get_json()["total"] == 1
    assert client_as(world.district_admin).get(f"/api/v1/reports/map?bbox={box}&zoom=10").get_json()["total"] == 2
    filtered = client_as(world.district_admin).get(f"/api/v1/reports/map?bbox={box}&zoom=10&status=closed")
    assert filtered.get_json()["total"] == 0


@pytest.mark.parametrize("bbox", ["1,2,3", "116.5,39.9,116.4,39.95", "a,b,c,d", "0,0,200,10"])
def test_a_bad_bounding_box_is_a_422(client_as, world, bbox):
    response = client_as(world.street_a_officer).get(f"/api/v1/reports/map?bbox={bbox}&zoom=12")
    assert field_errors(assert_error(response, 422, "validation_failed"), "query") == {"bbox": ["bbox_invalid"]}


# Exports --------------------------------------------------------------------------------------------


@pytest.fixture
def tricky_reporter(create_user, org):
    """A member whose name a spreadsheet would run as a formula."""
    return create_user(team=org.team_a1, name='=HYPERLINK("http://x.cn","点")')


def test_the_csv_export_is_excel_safe_utf8(client_as, world, tricky_reporter, create_report):
    report = create_report(tricky_reporter, description="-1+1 路面塌陷")
    response = client_as(world.street_a_officer).get("/api/v1/reports/export?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, [row] = rows[0], rows[1:]
    values = dict(zip(header, row, strict=True))
    assert values["编号"] == str(report.id) and values["状态"] == "待受理" and values["类别代码"] == "road_facilities"
    assert values["上报人"] == '\'=HYPERLINK("http://x.cn","点")'
    assert values["上报人电话"] == "'" + tricky_reporter.phone and tricky_reporter.phone.startswith("+86")
    assert values["描述"] == "'-1+1 路面塌陷"
    assert values["上报时间"].count(":") == 2 and "+" not in values["上报时间"]


def test_the_xlsx_export_keeps_texts_as_texts(client_as, world, tricky_reporter, create_report):
    import openpyxl

    create_report(tricky_reporter)
    with client_as(world.street_a_officer).get("/api/v1/reports/export?format=xlsx") as response:
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["上报人"].value == '=HYPERLINK("http://x.cn","点")' and row["上报人"].data_type == "s"
    assert row["上报人电话"].value == tricky_reporter.phone and row["上报人电话"].data_type == "s"
    assert row["编号"].data_type == "n" and row["上报时间"].is_date
    assert sheet.max_row == 2


def test_a_large_export_becomes_a_job_that_delivers_a_link(app, client_as, world, create_report, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_EXPORT_SYNC_MAX_ROWS", 2)
    for _ in range(3):
        create_report(world.member_a1)
    officer = client_as(world.street_a_officer)
    response = officer.get("/api/v1/reports/export?format=xlsx&status=submitted")
    assert response.status_code == 202
    job = response.get_json()
    [ready] = [n for n in inbox(officer) if n["kind"] == "export_ready"]
    assert ready["payload"]["url"] == f"/api/v1/exports/{job['id']}/download"
    status = officer.get(f"/api/v1/exports/{job['id']}").get_json()
    assert status["status"] == "ready" and status["row_count"] == 3
    with officer.get(ready["payload"]["url"]) as download:
        assert download.status_code == 200 and download.data[:2] == b"PK"
        assert "attachment" in download.headers["Content-Disposition"]
    assert_error(client_as(world.district_admin).get(ready["payload"]["url"]), 404, "not_found")


def test_an_export_expires(app, runner, client_as, world, create_report, monkeypatch, time_machine, stored_files):
    time_machine.move_to(clock.now(), tick=False)
    monkeypatch.setitem(app.config, "REPORT_EXPORT_SYNC_MAX_ROWS", 0)
    create_report(world.member_a1)
    officer = client_as(world.street_a_officer)
    job = officer.get("/api/v1/reports/export?format=csv").get_json()
    assert any(key.startswith("exports/") for key in stored_files)
    time_machine.shift(timedelta(hours=app.config["EXPORT_RETENTION_HOURS"] + 1))
    officer = client_as(world.street_a_officer)
    assert_error(officer.get(f"/api/v1/exports/{job['id']}/download"), 410, "export_expired")
    assert runner.invoke(args=["jobs", "run", "purge_expired_exports"]).exit_code == 0
    assert not any(key.startswith("exports/") for key in stored_files)
    assert_error(officer.get(f"/api/v1/exports/{job['id']}"), 404, "not_found")


def test_members_and_handlers_do_not_export(client_as, world):
    for who in ("member_a1", "handler_a", "coordinator_a1"):
        assert_error(client_as(getattr(world, who)).get("/api/v1/reports/export"), 403, "forbidden")


# An alert's photo -------------------------------------------------------------------------------------


def test_an_alert_carries_one_photo_through_the_same_pipeline(client_as, world, org, stored_files):
    officer = client_as(world.street_a_officer)
    alert = officer.post(
        "/api/v1/alerts",
        json={
            "severity": "urgent",
            "title": "寻找走失儿童",
            "body": "穿红色外套，约六岁。",
            "audience": {"kind": "unit", "unit_id": org.a1.id},
            "expires_at": (clock.now() + timedelta(hours=6)).isoformat(),
        },
    ).get_json()
    photo = jpeg_bytes((1000, 800), exif=exif_with_gps())
    response = officer.post(
        f"/api/v1/alerts/{alert['id']}/photo", data=upload(photo), content_type="multipart/form-data"
    )
    assert response.status_code == 200, response.get_json()
    first = response.get_json()["photo"]
    assert (first["width"], first["height"]) == (1000, 800)
    assert all(b"GPS" not in data and b"Exif" not in data for data, _ in stored_files.values())
    member = client_as(world.member_a1)
    assert member.get(f"/api/v1/alerts/{alert['id']}").get_json()["photo"]["url"] == first["url"]
    served = member.get(first["url"])
    assert served.status_code == 200 and served.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert_error(client_as(world.member_b1).get(first["url"]), 404, "not_found")
    # A second photo replaces the first; the first's files go once that is committed.
    second = officer.post(
        f"/api/v1/alerts/{alert['id']}/photo", data=upload(jpeg_bytes((300, 200))), content_type="multipart/form-data"
    ).get_json()["photo"]
    assert second["content_id"] != first["content_id"] and len(stored_files) == 2
    assert_error(member.get(first["url"]), 404, "not_found")
    assert_error(member.post(f"/api/v1/alerts/{alert['id']}/photo", data=upload(photo)), 403, "forbidden")
    assert_error(officer.post(f"/api/v1/alerts/{alert['id']}/photo", data=upload(PDF_BYTES)), 422, "photo_not_an_image")
    assert officer.delete(f"/api/v1/alerts/{alert['id']}/photo").get_json()["photo"] is None
    assert stored_files == {}


# Storage backends -------------------------------------------------------------------------------------


def test_local_storage_keeps_files_private_and_refuses_odd_keys(tmp_path):
    from app.core.storage import LocalStorage, StorageMissing

    store = LocalStorage(tmp_path)
    store.save("photos/ab/abcdef.jpg", b"jpeg bytes", "image/jpeg")
    with store.open("photos/ab/abcdef.jpg") as file:
        assert file.read() == b"jpeg bytes"
    assert (tmp_path / "photos/ab/abcdef.jpg").stat().st_mode & 0o077 == 0
    store.delete("photos/ab/abcdef.jpg")
    store.delete("photos/ab/abcdef.jpg")  # deleting what is gone is fine
    with pytest.raises(StorageMissing):
        store.open("photos/ab/abcdef.jpg")
    for key in ("../etc/passwd", "/etc/passwd", "photos/../../x", "photos//x", "photos/x y.jpg"):
        with pytest.raises(ValueError):
            store.save(key, b"x", "text/plain")


def test_s3_storage_sends_checksums_only_when_required(app):
    from botocore.stub import Stubber

    from app.core.storage import S3Storage

    config = {
        **app.config,
        "S3_BUCKET": "pingan-photos",
        "S3_ENDPOINT_URL": "https://oss-cn-beijing.aliyuncs.com",
        "S3_REGION": "cn-beijing",
        "S3_ACCESS_KEY_ID": "test-key",
        "S3_SECRET_ACCESS_KEY": "test-secret",
        "S3_PREFIX": "prod",
        "S3_ADDRESSING_STYLE": "path",
    }
    store = S3Storage(config)
    client_config = store.client.meta.config
    assert client_config.request_checksum_calculation == "when_required"
    assert client_config.response_checksum_validation == "when_required"
    with Stubber(store.client) as stub:
        stub.add_response(
            "put_object",
            {},
            {"Bucket": "pingan-photos", "Key": "prod/photos/ab/abc.jpg", "Body": b"jpeg", "ContentType": "image/jpeg"},
        )
        stub.add_response("delete_object", {}, {"Bucket": "pingan-photos", "Key": "prod/photos/ab/abc.jpg"})
        store.save("photos/ab/abc.jpg", b"jpeg", "image/jpeg")
        store.delete("photos/ab/abc.jpg")
        stub.assert_no_pending_responses()
    url = store.url("photos/ab/abc.jpg", 300)
    assert url.startswith("https://oss-cn-beijing.aliyuncs.com/pingan-photos/prod/photos/ab/abc.jpg?")


# The photo pipeline as a function (what the benchmark times) --------------------------------------------


def test_ingest_photo_is_a_pure_function_of_bytes():
    from app.core.images import PhotoRejected, ingest_photo

    result = ingest_photo(jpeg_bytes((4000, 3000), exif=exif_with_gps(orientation=8)), long_edge=1600, thumb_edge=320)
    assert (result.width, result.height, result.thumb_width, result.thumb_height) == (1200, 1600, 240, 320)
    assert result.content_type == "image/jpeg" and result.source_format == "JPEG"
    with pytest.raises(PhotoRejected) as refused:
        ingest_photo(jpeg_bytes((100, 100)), max_pixels=5_000)
    assert refused.value.error == "photo_too_many_pixels"


def test_transparent_and_16_bit_images_become_plain_jpegs():
    from app.core.images import ingest_photo

    for mode, value in (
        ("RGBA", (255, 0, 0, 0)),
        ("LA", (10, 0)),
        ("P", 3),
        ("I;16", 40_000),
        ("CMYK", (0, 255, 0, 0)),
    ):
        out = io.BytesIO()
        Image.new(mode, (40, 30), value).save(out, "PNG" if mode != "CMYK" else "JPEG")
        stored = Image.open(io.BytesIO(ingest_photo(out.getvalue()).data))
        assert stored.format == "JPEG" and stored.mode in ("RGB", "L") and stored.size == (40, 30)


def test_one_tap_steps_need_no_body(client_as, world, case_in):
    report, _ = case_in("submitted")
    response = client_as(world.street_a_officer).post(f"/api/v1/reports/{report.id}/accept")
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    assert_error(
        client_as(world.street_a_officer).post(f"/api/v1/reports/{report.id}/reopen"), 422, "validation_failed"
    )
