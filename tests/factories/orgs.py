import itertools

import pytest

from app.extensions import db
from app.orgs import services
from app.orgs.models import UnitKind

_names = itertools.count(1)

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[116.45, 39.93], [116.46, 39.93], [116.46, 39.94], [116.45, 39.94], [116.45, 39.93]]],
}


@pytest.fixture
def create_unit(in_app):
    def make(kind=UnitKind.COMMUNITY, parent=None, name=None):
        with in_app():
            parent = db.session.merge(parent) if parent else None
            unit = services.create_unit(name or f"{kind.value}-{next(_names)}", kind, parent)
            db.session.commit()
            return unit

    return make


@pytest.fixture
def create_team(in_app, create_unit):
    def make(unit=None, name=None, is_active=True):
        unit = unit or create_unit()
        with in_app():
            team = services.create_team(name or f"team-{next(_names)}", db.session.merge(unit))
            team.is_active = is_active
            db.session.commit()
            return team

    return make


@pytest.fixture
def create_area(in_app):
    def make(unit, name=None, geometry=None):
        with in_app():
            area = services.create_area(name or f"area-{next(_names)}", db.session.merge(unit), geometry or SQUARE)
            db.session.commit()
            return area

    return make


class OrgTree:
    """district → streets A, B; A → communities A1, A2; B → community B1; one team each."""

    def __init__(self, create_unit, create_team):
        self.district = create_unit(UnitKind.DISTRICT, None, "朝阳区")
        self.street_a = create_unit(UnitKind.STREET, self.district, "三里屯街道")
        self.street_b = create_unit(UnitKind.STREET, self.district, "望京街道")
        self.a1 = create_unit(UnitKind.COMMUNITY, self.street_a, "北三里社区")
        self.a2 = create_unit(UnitKind.COMMUNITY, self.street_a, "中三里社区")
        self.b1 = create_unit(UnitKind.COMMUNITY, self.street_b, "花家地社区")
        self.team_a1 = create_team(self.a1, "北三里巡防队")
        self.team_a2 = create_team(self.a2, "中三里巡防队")
        self.team_b1 = create_team(self.b1, "花家地巡防队")


@pytest.fixture
def org(create_unit, create_team):
    return OrgTree(create_unit, create_team)
