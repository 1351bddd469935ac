"""Stored photos: one row per image that went through the pipeline, files in storage.

A photo belongs to whatever links to it (a report's ``ReportPhoto``, an alert's ``photo_id``);
that owner decides who may see it. It is addressed by its **content id**: a random,
unguessable name given once and never reused, so the bytes behind a URL never change and
browsers may keep them for a year (``Cache-Control: private, max-age=31536000, immutable``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask import Response, current_app, request
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import FileStorage

from app.core import clock
from app.core.images import ingest_photo
from app.core.models import Base
from app.core.storage import StorageMissing, delete_after_commit, storage, store_for_row
from app.errors import NotFound
from app.extensions import db

CACHE_FOREVER = "private, max-age=31536000, immutable"


class Photo(Base):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[str] = mapped_column(String(32), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(30))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    thumb_width: Mapped[int]
    thumb_height: Mapped[int]
    # SHA-256 of the stored bytes: the ETag, and a check that storage gives back what it got.
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    @property
    def key(self) -> str:
        return photo_key(self.content_id, thumb=False)

    @property
    def thumb_key(self) -> str:
        return photo_key(self.content_id, thumb=True)


def photo_key(content_id: str, thumb: bool) -> str:
    return f"photos/{content_id[:2]}/{content_id}{'-thumb' if thumb else ''}.jpg"


def read_upload(upload: FileStorage) -> bytes:
    """The uploaded file's bytes (the request's own body limit already bounds them)."""
    return upload.stream.read()


def ingest_with_config(data: bytes):
    config = current_app.config
    return ingest_photo(
        data,
        max_bytes=config["PHOTO_UPLOAD_MAX_BYTES"],
        max_pixels=config["PHOTO_MAX_PIXELS"],
        long_edge=config["PHOTO_LONG_EDGE"],
        thumb_edge=config["PHOTO_THUMB_EDGE"],
        quality=config["PHOTO_JPEG_QUALITY"],
    )


def store_photo(data: bytes, uploaded_by_id: int) -> Photo:
    """Run the pipeline, store the picture and its thumbnail, and add the row (flushed).

    The files are deleted again if the transaction rolls back, so a refused or failed request
    leaves nothing behind.
    """
    ingested = ingest_with_config(data)
    content_id = secrets.token_hex(16)
    photo = Photo(
        content_id=content_id,
        uploaded_by_id=uploaded_by_id,
        content_type=ingested.content_type,
        width=ingested.width,
        height=ingested.height,
        byte_size=len(ingested.data),
        thumb_width=ingested.thumb_width,
        thumb_height=ingested.thumb_height,
        sha256=hashlib.sha256(ingested.data).hexdigest(),
    )
    store_for_row(photo.key, ingested.data, ingested.content_type)
    store_for_row(photo.thumb_key, ingested.thumb, ingested.content_type)
    db.session.add(photo)
    db.session.flush()
    return photo


def delete_photos(photos: list[Photo]) -> None:
    """Delete the rows now and their files once that is committed."""
    keys = [key for photo in photos for key in (photo.key, photo.thumb_key)]
    for photo in photos:
        db.session.delete(photo)
    db.session.flush()
    delete_after_commit(keys)


def photo_response(photo: Photo, thumb: bool) -> Response:
    """The stored bytes, cacheable by the browser for a year (the content id never changes meaning)."""
    etag = f"{photo.sha256[:32]}{'-t' if thumb else ''}"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        try:
            with storage().open(photo.thumb_key if thumb else photo.key) as file:
                body = file.read()
        except StorageMissing as exc:
            current_app.logger.error("photo %s is in the database but not in storage", photo.content_id)
            raise NotFound("photo_missing", "the photo's file is missing") from exc
        response = Response(body, mimetype=photo.content_type)
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_FOREVER
    response.headers["Content-Disposition"] = "inline"
    return response
