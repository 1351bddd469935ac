"""Field types shared by the domains' schemas."""

from flask import current_app, request
from marshmallow import fields


class TrimmedString(fields.String):
    """A string with surrounding whitespace removed before validation."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def public_url(path: str) -> str:
    """An absolute link to a PWA route, for links people share (invites, resets)."""
    base = current_app.config["PUBLIC_BASE_URL"] or request.url_root
    return f"{base.rstrip('/')}/{path.lstrip('/')}"
