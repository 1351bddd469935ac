"""Helpers every test module may use. Test modules import from here, never from each other."""

from dataclasses import dataclass, field

import pytest

ERROR_KEYS = {"code", "status", "error", "message"}


def assert_error(response, status: int, error: str) -> dict:
    """The response is ``status`` in the one error shape, with this ``error`` identifier."""
    body = response.get_json()
    assert response.status_code == status, body
    assert body.keys() >= ERROR_KEYS, body
    assert body["code"] == status
    assert body["error"] == error, body
    return body


def field_errors(body: dict, location: str = "json") -> dict[str, list[str]]:
    """``{"phone": ["phone_invalid"]}``: the codes of each field's errors."""
    return {name: [entry["code"] for entry in entries] for name, entries in body["errors"][location].items()}


# The role × scope matrix ------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of a matrix: ``path`` and ``body`` may name ids as ``{a1}``, filled per test.

    ``expect`` maps each caller to the one status they must get; ``overrides`` changes a few
    cells of a shared expectation.
    """

    method: str
    path: str
    body: dict | None
    expect: dict[str, int]
    overrides: dict[str, int] = field(default_factory=dict)

    def cells(self) -> list:
        expected = self.expect | self.overrides
        return [
            pytest.param(self, who, status, id=f"{self.method.upper()} {self.path} as {who}")
            for who, status in expected.items()
        ]


def matrix(*endpoints: Endpoint) -> list:
    """Every (endpoint, caller, status) cell, as pytest parameters ``endpoint, who, status``."""
    return [cell for endpoint in endpoints for cell in endpoint.cells()]


def fill(template, ids: dict):
    """Replace ``"{name}"`` placeholders in a path or body with ids of this test's rows."""
    if isinstance(template, str):
        if template.startswith("{") and template.endswith("}") and template.count("{") == 1:
            return ids[template[1:-1]]
        return template.format(**ids)
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, ids) for value in template]
    return template


def call(client, endpoint: Endpoint, ids: dict):
    path = fill(endpoint.path, ids)
    if endpoint.body is None:
        return getattr(client, endpoint.method)(path)
    return getattr(client, endpoint.method)(path, json=fill(endpoint.body, ids))


# Files the photo tests make themselves -------------------------------------------------------------


def jpeg_bytes(size=(800, 600), colour=(200, 60, 30), exif=None, **save) -> bytes:
    """A real JPEG, optionally with EXIF (an ``Image.Exif``)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    if exif is not None:
        save["exif"] = exif
    image.save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def exif_with_gps(orientation: int = 1):
    """EXIF carrying a GPS position (Beijing), a camera model and an orientation."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (39.0, 56.0, 1.5)
    gps[3], gps[4] = "E", (116.0, 27.0, 3.25)
    return exif


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A decompression bomb: a huge one-bit PNG that compresses to ~100 KB."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


SVG_WITH_SCRIPT = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The start of a HEIC file as iPhones write it: an ISO-BMFF ftyp box with the heic brand.
HEIC_BYTES = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x01\x00meta" + bytes(512)


def upload(data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg") -> dict:
    """A multipart body with one ``photo``, as the PWA sends it."""
    import io

    return {"photo": (io.BytesIO(data), filename, content_type)}


def multipart_body(data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg") -> tuple[bytes, str]:
    """A multipart body with one ``photo`` as raw bytes (for bodies too large for the test client's
    builder, which spools them to a temporary file it never closes)."""
    boundary = "----pingan-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
