"""Serves the built PWA: hashed assets cached for a year, the shell never cached.

The build writes a brotli and a gzip copy beside each compressible file (``app.js.br``,
``app.js.gz``); the one the browser accepts is sent, so phones on slow links download a
third of the bytes and the server compresses nothing at request time.
"""

import mimetypes
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_from_directory
from swagger_ui_bundle import swagger_ui_path
from werkzeug.security import safe_join

bp = Blueprint("web", __name__)

YEAR = 365 * 24 * 3600
# Files whose URL never changes between releases: the browser must revalidate them.
UNVERSIONED = {"index.html", "sw.js", "manifest.webmanifest", "registerSW.js"}
# Precompressed siblings, preferred in this order when the browser accepts them.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def _dist() -> Path:
    return Path(current_app.config["FRONTEND_DIST"])


def _cache_policy(relative: str) -> dict:
    if relative.startswith("assets/"):
        return {"max_age": YEAR, "public": True, "immutable": True}
    if relative in UNVERSIONED:
        return {"no_cache": True}
    return {"max_age": 24 * 3600, "public": True}


def _send(relative: str):
    dist = _dist()
    if not (dist / "index.html").is_file():
        abort(503, description="the front end is not built: run `make run` or `cd frontend && npm run build`")
    policy = _cache_policy(relative)
    encoding, suffix = next(
        (
            (name, suffix)
            for name, suffix in ENCODINGS
            if name in request.accept_encodings and (dist / f"{relative}{suffix}").is_file()
        ),
        (None, ""),
    )
    response = send_from_directory(
        dist,
        relative + suffix,
        max_age=policy.get("max_age", 0),
        mimetype=mimetypes.guess_type(relative)[0],
    )
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    cache = response.cache_control
    cache.public = policy.get("public", False)
    cache.immutable = policy.get("immutable", False)
    if policy.get("no_cache"):
        cache.max_age = None
        cache.no_cache = True
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
