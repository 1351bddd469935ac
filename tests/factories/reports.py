import itertools

import pytest

from app.accounts import services as accounts
from app.accounts.models import User
from app.core.access import Role
from app.extensions import db
from app.reports import services
from app.reports.models import Department, Report, ReportCategory

_names = itertools.count(1)
# A point inside the test areas' square (tests/factories/orgs.py SQUARE).
HERE = {"lon": 116.455, "lat": 39.935, "accuracy_m": 12.0}


def _principal(user):
    return accounts.principal_of(db.session.get(User, user.id))


@pytest.fixture
def stored_files(app):
    """The in-memory storage's files: ``{key: (bytes, content type)}``."""
    files = app.extensions["storage"].files
    files.clear()
    yield files
    files.clear()


@pytest.fixture
def category_id(in_app):
    """``category_id(unit, code)``: the id of a district's category by its stable code."""

    def find(unit, code: str = "road_facilities") -> int:
        with in_app():
            district = services.district_of(db.session.merge(unit))
            return db.session.scalar(
                db.select(ReportCategory.id).where(ReportCategory.unit_id == district.id, ReportCategory.code == code)
            )

    return find


@pytest.fixture
def create_department(in_app, create_user):
    """``create_department(unit, codes=("road_facilities",))``: a department taking these categories."""

    def make(unit, codes=("road_facilities",), name=None):
        with in_app():
            unit = db.session.merge(unit)
            district = services.district_of(unit)
            admin = create_user(roles=[(Role.ADMIN, district)])
            categories = db.session.scalars(
                db.select(ReportCategory.id).where(
                    ReportCategory.unit_id == district.id, ReportCategory.code.in_(codes)
                )
            ).all()
            department = services.create_department(
                unit, {"name": name or f"部门{next(_names)}", "category_ids": list(categories)}, _principal(admin)
            )
            db.session.commit()
            return department

    return make


@pytest.fixture
def create_handler(in_app, create_user):
    """``create_handler(department)``: an account handling the department's cases at its unit."""

    def make(department, name=None):
        user = create_user(name=name or f"处置员{next(_names)}")
        with in_app():
            department = db.session.get(Department, department.id)
            accounts.grant_role(
                db.session.get(User, user.id), Role.HANDLER, department.unit, department_id=department.id
            )
            db.session.commit()
        return user

    return make


@pytest.fixture
def create_report(in_app, category_id):
    """``create_report(reporter, code=..., **fields)``: a submitted report, made as the app makes them."""

    def make(reporter, code="road_facilities", unit=None, position=None, severity="medium", description="路灯坏了"):
        from app.reports.models import ReportSeverity

        with in_app():
            principal = _principal(reporter)
            data = {
                "category_id": category_id(_unit_of(principal), code),
                "severity": ReportSeverity(severity),
                "description": description,
                "position": {**HERE, "fixed_at": None, "is_imprecise": False, **(position or {})},
                "unit_id": unit.id if unit else None,
            }
            report = services.create_report(principal, data)
            db.session.commit()
            return report

    return make


def _unit_of(principal):
    from app.orgs.models import Unit

    return db.session.get(Unit, principal.grants[0].unit.id)


@pytest.fixture
def move_report(in_app):
    """``move_report(report, "accept", by_user, **data)``: take a workflow step as ``by_user``."""

    def move(report, action, by, **data):
        with in_app():
            row = db.session.get(Report, report.id)
            services.transition(row, action, _principal(by), data)
            db.session.commit()
            return row

    return move
