"""Response headers every answer gets: security policy, API caching, compression of large JSON."""

import gzip
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_smorest import abort

# Large JSON (rosters, queues, exports' previews) compresses 5-10×; small answers are not worth it.
COMPRESS_MIN_BYTES = 1400


def _origin(url: str | None) -> str | None:
    """The origin of a tile template: ``https://t{s}.tianditu.gov.cn/...`` → ``https://*.tianditu.gov.cn``."""
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.netloc
    if "{s}" in host:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def content_security_policy(config) -> str:
    """The PWA's policy: its own scripts only; images also from the tile server and photo storage."""
    images = ["'self'", "data:", "blob:", *filter(None, [_origin(config["MAP_TILE_URL"])]), *config["CSP_IMG_ORIGINS"]]
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(images)}",
            "connect-src 'self'",
            "font-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# Swagger UI starts itself with an inline script and inline styles.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"
)


def security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith("/api/v1/docs"):
        headers.setdefault("Content-Security-Policy", DOCS_POLICY)
    else:
        headers.setdefault("Content-Security-Policy", current_app.extensions["content_security_policy"])
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith("/api/") and "Cache-Control" not in headers:
        # Answers carry personal data: no shared cache, no back-forward cache, no disk copy.
        headers["Cache-Control"] = "no-store"
    return response


def compress_json(response: Response) -> Response:
    if (
        response.mimetype != "application/json"
        or response.direct_passthrough
        or "Content-Encoding" in response.headers
        or "gzip" not in request.accept_encodings
    ):
        return response
    body = response.get_data()
    if len(body) < COMPRESS_MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=5))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


# Bodies larger than MAX_CONTENT_LENGTH (1 MiB of JSON) ------------------------------------------


def body_limit(config_key: str, error: str):
    """Let this view take bodies up to ``config[config_key]`` bytes (photo uploads); larger is a
    413 with ``error``. The limit is set before anything reads the body (CSRF reads form data)."""

    def decorate(view):
        view.body_limit = (config_key, error)
        return view

    return decorate


def apply_body_limit():
    if request.endpoint is None or not request.path.startswith("/api/"):
        return
    from app.core.access import target_view

    limit = getattr(target_view(request.endpoint, request.method), "body_limit", None)
    if limit is None:
        return
    config_key, error = limit
    request.max_content_length = current_app.config[config_key]
    if request.content_length is not None and request.content_length > request.max_content_length:
        abort(413, error=error, message=f"the body may be at most {request.max_content_length} bytes")


def init_http(app: Flask) -> None:
    app.extensions["content_security_policy"] = content_security_policy(app.config)
    # First of all before-request hooks: CSRF protection reads the form, and so the body.
    app.before_request_funcs.setdefault(None, []).insert(0, apply_body_limit)
    app.after_request(compress_json)
    app.after_request(security_headers)
