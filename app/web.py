"""Serves the built PWA: hashed assets cached for a year, the shell never cached."""

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from swagger_ui_bundle import swagger_ui_path
from werkzeug.security import safe_join

bp = Blueprint("web", __name__)

YEAR = 365 * 24 * 3600
# Files whose URL never changes between releases: the browser must revalidate them.
UNVERSIONED = {"index.html", "sw.js", "manifest.webmanifest", "registerSW.js"}


def _dist() -> Path:
    return Path(current_app.config["FRONTEND_DIST"])


def _send(relative: str):
    dist = _dist()
    if not (dist / "index.html").is_file():
        abort(503, description="the front end is not built: run `make run` or `cd frontend && npm run build`")
    response = send_from_directory(dist, relative)
    if relative.startswith("assets/"):
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    elif relative in UNVERSIONED:
        response.cache_control.no_cache = True
    else:
        response.cache_control.public = True
        response.cache_control.max_age = 24 * 3600
    return response


@bp.get("/api/v1/docs/assets/<path:filename>")
def api_docs_assets(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=24 * 3600)


@bp.get("/assets/<path:filename>")
def assets(filename):
    return _send(f"assets/{filename}")


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def shell(path):
    """Files of the build are served as they are; every other path is a client route."""
    if path.startswith("api/"):
        abort(404)
    candidate = safe_join(str(_dist()), path) if path else None
    if candidate and Path(candidate).is_file():
        return _send(path)
    return _send("index.html")
