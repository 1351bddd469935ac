"""Demo data for `flask seed-demo`: departments, a handler, and cases in every state with photos,
so the member's "my reports", the officer's queue and map, and the handler's list are not empty."""

import io
import random
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.accounts.services import find_user_by_phone, grant_role, principal_of
from app.core import clock
from app.core.access import Role
from app.extensions import db
from app.orgs.models import Unit
from app.reports import services
from app.reports.models import Department, Report, ReportCategory, ReportSeverity

DEMO_MARK = "【演示】"
DEPARTMENTS = [
    # name, unit, category codes it takes by default
    ("朝阳区城市管理委员会", "朝阳区", ["road_facilities", "sanitation"]),
    ("朝阳消防救援支队", "朝阳区", ["fire_hazard"]),
    ("三里屯街道综治中心", "三里屯街道", ["public_security", "dispute", "suspicious", "other"]),
]
# description, category, severity, community, offset east/north in metres, steps to take
CASES = [
    ("小区东门井盖松动，踩上去会晃", "road_facilities", "high", "北三里社区", (40, 10), []),
    ("3号楼楼道堆满纸箱和旧家具，堵住了安全出口", "fire_hazard", "high", "北三里社区", (-60, 30), ["accept"]),
    ("路灯不亮已经三天了", "road_facilities", "medium", "北三里社区", (120, -40), ["accept", "dispatch"]),
    ("垃圾桶满了没人清运，有异味", "sanitation", "medium", "北三里社区", (30, -20), ["accept", "dispatch", "start"]),
    (
        "人行道地砖破损，老人容易绊倒",
        "road_facilities",
        "medium",
        "北三里社区",
        (-20, -80),
        ["accept", "dispatch", "start", "resolve"],
    ),
    (
        "大风刮断的树枝挡住了人行道",
        "road_facilities",
        "medium",
        "北三里社区",
        (10, 60),
        ["accept", "dispatch", "start", "resolve", "close"],
    ),
    ("有人在小区里发小广告", "other", "low", "北三里社区", (80, 80), ["reject"]),
    ("井盖松动（同一处）", "road_facilities", "high", "北三里社区", (42, 12), ["mark_duplicate"]),
]
NOTES = {
    "accept": "已受理，尽快处理",
    "reject": "不属于安全隐患，已转社区居委会",
    "dispatch": "请尽快到现场",
    "start": "已到现场",
    "resolve": "已处置完毕，附处置后照片",
    "close": "核查无误，结案",
}


def demo_photo(seed: int, size=(960, 720)) -> bytes:
    """A plausible street scene drawn with shapes (no real photos ship with the project)."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randint(150, 190), rng.randint(150, 190), rng.randint(150, 190)))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle([0, height * 0.6, width, height], fill=(90, 90, 95))  # the road
    for x in range(0, width, 120):
        draw.rectangle([x, height * 0.78, x + 60, height * 0.8], fill=(230, 230, 230))
    for _ in range(3):
        left, top = rng.randint(0, width - 200), rng.randint(0, int(height * 0.4))
        draw.rectangle([left, top, left + 180, top + 220], fill=(rng.randint(120, 220), rng.randint(80, 160), 90))
    x, y = rng.randint(200, width - 200), int(height * 0.75)
    draw.ellipse([x - 90, y - 40, x + 90, y + 40], fill=(40, 40, 40), outline=(200, 160, 0), width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _offset(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    return lon + east_m / 85_000, lat + north_m / 111_000


def _department(name: str, unit: Unit, codes: list[str], admin) -> Department:
    department = db.session.scalar(select(Department).where(Department.name == name, Department.unit_id == unit.id))
    if department is None:
        district = services.district_of(unit)
        ids = db.session.scalars(
            select(ReportCategory.id).where(ReportCategory.unit_id == district.id, ReportCategory.code.in_(codes))
        ).all()
        department = services.create_department(unit, {"name": name, "category_ids": list(ids)}, admin)
    return department


def seed_demo_reports(
    *, admin_phone: str, officer_phone: str, member_phone: str, handler_phone: str, centres: dict
) -> None:
    """Idempotent: departments and the handler's grant are made once, the cases only if none exist."""
    admin_user = find_user_by_phone(admin_phone)
    admin = principal_of(admin_user)
    units = {unit.name: unit for unit in db.session.scalars(select(Unit))}
    departments = {name: _department(name, units[unit], codes, admin) for name, unit, codes in DEPARTMENTS}
    handler_user = find_user_by_phone(handler_phone)
    city = departments["朝阳区城市管理委员会"]
    grant_role(handler_user, Role.HANDLER, city.unit, department_id=city.id)
    db.session.flush()
    if db.session.scalar(select(Report.id).where(Report.description.startswith(DEMO_MARK))) is not None:
        return
    member = principal_of(find_user_by_phone(member_phone))
    officer = principal_of(find_user_by_phone(officer_phone))
    handler = principal_of(handler_user)
    first = None
    for number, (text, code, severity, community, (east, north), steps) in enumerate(CASES):
        unit = units[community]
        lon, lat = _offset(*centres[community], east, north)
        category = db.session.scalar(
            select(ReportCategory).where(
                ReportCategory.unit_id == services.district_of(unit).id, ReportCategory.code == code
            )
        )
        report = services.create_report(
            member,
            {
                "category_id": category.id,
                "severity": ReportSeverity(severity),
                "description": DEMO_MARK + text,
                "address": f"{community}{number + 1}号楼附近",
                "position": {
                    "lon": lon,
                    "lat": lat,
                    "accuracy_m": 8.0 + number,
                    "fixed_at": None,
                    "is_imprecise": False,
                },
                "unit_id": unit.id,
            },
        )
        first = first or report
        if number == 0:
            # The oldest case waits past its deadline, so the queue shows an overdue one.
            report.created_at = report.updated_at = clock.now() - timedelta(hours=3)
            report.start_clock()
        for photo_number in range(2 if number % 2 == 0 else 1):
            services.add_photo(report, member, demo_photo(number * 10 + photo_number))
        for action in steps:
            by = handler if action in ("start", "resolve") else officer
            if action == "resolve":
                services.add_photo(report, handler, demo_photo(1000 + number))
            data = {"note": NOTES.get(action), "reason": NOTES.get(action)}
            if action == "mark_duplicate":
                data = {"duplicate_of_id": first.id, "note": "同一处井盖"}
            services.transition(report, action, by, data)
    db.session.flush()
