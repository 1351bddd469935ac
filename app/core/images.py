"""The photo pipeline: what is stored is always a fresh encode of pixels we decoded ourselves.

``ingest_photo(data)`` is a pure function (bytes in, bytes out; no Flask, no database), so a
benchmark can time it against Pillow's bare decode and encode of the same file.

1. Sniff by content, never by name or declared type: Pillow may only try the formats we
   accept (JPEG, incl. the multi-picture JPEGs phones write, PNG, WebP), so no exotic or
   dangerous decoder (EPS through Ghostscript, say) is ever reached. What it does not
   recognise is named by its magic bytes: HEIC (the PWA converts on the phone), other
   images, or not an image at all (a PDF renamed .jpg, an SVG with a script).
2. Check width × height against ``max_pixels`` from the header, before decoding: Pillow only
   warns below twice its own limit, and a decompression bomb is tiny on disk.
3. Decode (JPEGs at a reduced DCT scale when the output is smaller: less memory and time),
   resize so the long edge is at most ``long_edge``, apply the EXIF orientation, flatten
   transparency onto white, convert to sRGB if the file carries a colour profile.
4. Encode anew as JPEG, with no EXIF, GPS, XMP, ICC or comments: only our pixels. Anything
   appended to the file (the video of a "motion photo") never reaches storage. A thumbnail is
   made from the same pixels.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from app.errors import DomainError, RuleViolation

# The JPEG opener also returns the multi-picture JPEGs (MPO) many phones write.
ACCEPTED_FORMATS = ["JPEG", "PNG", "WEBP"]
CONTENT_TYPE = "image/jpeg"

# Magic bytes of images we do not take, to tell the person why.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
OTHER_IMAGE_MAGIC = (b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*", b"\x00\x00\x01\x00", b"8BPS")


class PhotoRejected(RuleViolation):
    """A file refused by the pipeline; ``error`` says why (photo_not_an_image, ...)."""


class PhotoTooLarge(DomainError):
    status = 413
    error = "photo_too_large"


@dataclass(frozen=True)
class IngestedPhoto:
    data: bytes
    width: int
    height: int
    thumb: bytes
    thumb_width: int
    thumb_height: int
    content_type: str = CONTENT_TYPE
    source_format: str = ""


def _refuse_unrecognised(head: bytes) -> PhotoRejected:
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return PhotoRejected("photo_heic_unsupported", "HEIC/HEIF cannot be read here; send JPEG or WebP")
    if head.startswith(OTHER_IMAGE_MAGIC):
        return PhotoRejected("photo_format_unsupported", "send a JPEG, PNG or WebP photo")
    return PhotoRejected("photo_not_an_image", "the file is not a photo")


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Open lazily (header only) and check the size before any pixel is decoded."""
    with warnings.catch_warnings():
        # Pillow warns between its limit and twice it, and raises above: both mean "too big" here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoRejected("photo_too_many_pixels", f"more than {max_pixels} pixels") from exc
        except UnidentifiedImageError as exc:
            raise _refuse_unrecognised(data[:16]) from exc
        except Exception as exc:  # a header Pillow recognised but cannot parse
            raise PhotoRejected("photo_damaged", "the photo is damaged or incomplete") from exc
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise PhotoRejected("photo_too_many_pixels", f"more than {max_pixels} pixels")
    return image


# EXIF orientation -> the transposition that makes the picture upright (as ImageOps.exif_transpose).
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(image: Image.Image) -> int | None:
    try:
        return image.getexif().get(ImageOps.ExifTags.Base.Orientation)
    except Exception:  # unreadable EXIF: the pixels may still be fine, upright or not
        return None


def _flatten(image: Image.Image) -> Image.Image:
    """RGB or grayscale pixels; transparency composed onto white; 16-bit scaled to 8-bit."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if not icc:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        return converted or image
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # an unreadable profile: keep the pixels as they are


def _encode(image: Image.Image, quality: int) -> bytes:
    image.info = {}  # nothing of the source's metadata survives, even by accident
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()


def ingest_photo(
    data: bytes,
    *,
    max_bytes: int = 15 * 1024 * 1024,
    max_pixels: int = 50_000_000,
    long_edge: int = 1600,
    thumb_edge: int = 320,
    quality: int = 82,
    thumb_quality: int = 75,
) -> IngestedPhoto:
    """Validate, orient, strip and re-encode one uploaded photo; raise PhotoRejected or PhotoTooLarge."""
    if len(data) > max_bytes:
        raise PhotoTooLarge(message=f"photos may be at most {max_bytes} bytes")
    if not data:
        raise PhotoRejected("photo_not_an_image", "the file is empty")
    image = _open(data, max_pixels)
    source_format = image.format or ""
    try:
        with image:
            icc = image.info.get("icc_profile")
            orientation = _orientation(image)
            # JPEGs are decoded at the smallest DCT scale (1/2, 1/4, 1/8) still at least the target size.
            scale = min(1.0, long_edge / max(image.size))
            image.draft(None, (round(image.width * scale), round(image.height * scale)))
            image.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS, reducing_gap=None)
            pixels = image.copy()
    except Exception as exc:  # truncated, corrupt, or a decoder's own refusal
        raise PhotoRejected("photo_damaged", "the photo is damaged or incomplete") from exc
    if orientation in TRANSPOSE:
        pixels = pixels.transpose(TRANSPOSE[orientation])
    if icc and pixels.mode in ("RGB", "CMYK", "L"):
        pixels = _to_srgb(pixels, icc)
    pixels = _flatten(pixels)
    thumb = pixels.copy()
    thumb.thumbnail((thumb_edge, thumb_edge), Image.Resampling.LANCZOS)
    return IngestedPhoto(
        data=_encode(pixels, quality),
        width=pixels.width,
        height=pixels.height,
        thumb=_encode(thumb, thumb_quality),
        thumb_width=thumb.width,
        thumb_height=thumb.height,
        source_format=source_format,
    )
