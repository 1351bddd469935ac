"""Flask-Login wiring: session ids carry a version so sessions can be ended."""

from flask import Flask
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db, login_manager


def configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str):
    from app.accounts.models import User

    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    # One query for the user, their roles and teams: every request needs the roles for
    # scoping, and /me, the PWA's most frequent call, needs the teams too.
    user = (
        db.session.scalars(
            select(User)
            .where(User.id == int(user_id))
            .options(joinedload(User.role_grants), joinedload(User.memberships))
        )
        .unique()
        .one_or_none()
    )
    # A bumped version (password change, deactivation) ends older sessions.
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    abort(401, error="unauthorized", message="sign in first")
