import itertools
from datetime import timedelta

import pytest

from app.accounts import invites, services
from app.accounts.models import UserStatus
from app.core import clock
from app.core.access import Role
from app.extensions import db
from app.orgs.services import add_member

PASSWORD = "correct-horse-battery"
_phones = itertools.count(13900000000)


@pytest.fixture
def create_user(in_app):
    """``create_user(roles=[(Role.COORDINATOR, unit)], team=team, status=...)``."""

    def make(roles=(), team=None, status=UserStatus.ACTIVE, password=PASSWORD, name=None, is_leader=False):
        phone = f"+86{next(_phones)}"
        with in_app():
            user = services.create_user(phone, name or f"user {phone[-4:]}", password, status)
            for role, unit in roles:
                services.grant_role(user, role, db.session.merge(unit))
            if team is not None:
                team = db.session.merge(team)
                services.grant_role(user, Role.MEMBER, team.unit)
                add_member(team, user, is_leader=is_leader)
            db.session.commit()
            return user

    return make


@pytest.fixture
def create_invite(in_app, create_user):
    def make(team, by=None, hours=72, max_uses=20, auto_approve=False, expired=False, revoked=False):
        by = by or create_user(roles=[(Role.COORDINATOR, team.unit)])
        with in_app():
            creator = services.principal_of(db.session.merge(by))
            invite = invites.create_invite(db.session.merge(team), creator, hours, max_uses, auto_approve)
            if expired:
                invite.expires_at = clock.now() - timedelta(minutes=1)
            if revoked:
                invites.revoke_invite(invite, creator)
            db.session.commit()
            return invite

    return make


@pytest.fixture
def staff(org, create_user):
    """One account per role and place, on the standard org tree."""

    class Staff:
        district_admin = create_user(roles=[(Role.ADMIN, org.district)], name="区管理员")
        street_a_admin = create_user(roles=[(Role.ADMIN, org.street_a)], name="街道管理员")
        street_a_officer = create_user(roles=[(Role.OFFICER, org.street_a)], name="李警官")
        coordinator_a1 = create_user(roles=[(Role.COORDINATOR, org.a1)], name="王协调")
        coordinator_b1 = create_user(roles=[(Role.COORDINATOR, org.b1)], name="赵协调")
        member_a1 = create_user(team=org.team_a1, name="张建国")
        member_b1 = create_user(team=org.team_b1, name="刘大妈")

    return Staff
