"""The app plus the changes bench/README.md suggests for GET /api/v1/me, so they can be
measured under gunicorn before anyone makes them (nothing in app/ is touched):

    .venv/bin/python bench/run.py --app bench.whatif_app:app --only ping,me

1. Flask-Login's user loader fetches the user, their role grants (+ unit) and team
   memberships (+ team, unit) in ONE query (joinedload) instead of three.
2. SESSION_REFRESH_EACH_REQUEST = False: a permanent session's cookie is no longer
   re-serialised, re-signed and re-sent on every response.

Not production code.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import create_app
from app.extensions import db, login_manager


def one_query_loader(session_id: str):
    from app.accounts.models import User

    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.scalars(
        select(User).where(User.id == int(user_id))
        .options(joinedload(User.role_grants), joinedload(User.memberships))
    ).unique().one_or_none()
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def create_whatif_app():
    app = create_app({"SESSION_REFRESH_EACH_REQUEST": False})
    login_manager.user_loader(one_query_loader)
    return app


def __getattr__(name):
    # `app` is built when gunicorn asks for it, not when profile_me.py imports the loader
    if name == "app":
        globals()["app"] = create_whatif_app()
        return globals()["app"]
    raise AttributeError(name)
