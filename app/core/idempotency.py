"""Exactly-once writes for the offline outbox: the ``Idempotency-Key`` header.

The PWA gives every create-like write it may have to replay (an alert's answer, a check-in,
a report and its photos) a UUID of its own. The first request with a key creates its row and
records which row it made, in the same transaction; a replay by the same user with the same
body gets that row again with the original status, and writes nothing. The same key from
another user, or with another body, is 409 ``idempotency_conflict``. A key lives as long as
the row it made (``purge_orphaned_keys``).

Usage, innermost decorator of a view (the view calls ``remember(row, status)`` before its
commit)::

    @blp.response(201, CheckInSchema)
    @idempotent(CheckIn)
    def post(self, data, shift_id):
        check_in = services.check_in(...)
        remember(check_in, 201)
        db.session.commit()
        return check_in, 201
"""

import functools
import hashlib
import uuid
from datetime import datetime

from flask import g, request
from flask_login import current_user
from huey import crontab
from sqlalchemy import String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.jobs import periodic_job
from app.core.models import Base
from app.errors import Conflict, DomainError
from app.extensions import db

HEADER = "Idempotency-Key"
# Which table each kind of remembered row lives in, to purge keys whose row is gone.
RESOURCE_MODELS: dict[str, type] = {}


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    # SHA-256 of method, path and body: the same key must mean the same request.
    request_hash: Mapped[str] = mapped_column(String(64))
    resource_type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[int | None]
    status_code: Mapped[int] = mapped_column(default=200)
    created_at: Mapped[datetime]


class InvalidIdempotencyKey(DomainError):
    status = 400
    error = "idempotency_key_invalid"


def _body_parts() -> list[bytes]:
    """The body as it means something: a multipart upload by its fields and files' contents,
    since the browser picks a new boundary each time it sends the same photo again."""
    if request.mimetype != "multipart/form-data":
        return [request.get_data(cache=True)]
    parts = []
    for name, value in sorted(request.form.items(multi=True)):
        parts += [b"field", name.encode(), value.encode()]
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        content = upload.stream.read()
        upload.stream.seek(0)
        parts += [b"file", name.encode(), hashlib.sha256(content).digest()]
    return parts


def _request_hash() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), *_body_parts()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _parse_key(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise InvalidIdempotencyKey(message="Idempotency-Key must be a UUID") from exc


def _replay(stored: IdempotencyKey, model, request_hash: str):
    if stored.user_id != current_user.id or stored.request_hash != request_hash:
        raise Conflict("idempotency_conflict", "this Idempotency-Key was used for another request")
    row = db.session.get(model, stored.resource_id) if stored.resource_id is not None else None
    if row is None:
        raise Conflict("idempotency_conflict", "the row this Idempotency-Key made no longer exists")
    return row, stored.status_code


def idempotent(model, present=None):
    """Make a create-like view replay-safe under ``Idempotency-Key`` (see the module docstring).

    ``present(row)`` turns the remembered row into what the view returns, for views that answer
    with more than the row (a report as its caller may see it).
    """
    RESOURCE_MODELS[model.__tablename__] = model

    def replay(stored, request_hash):
        row, status = _replay(stored, model, request_hash)
        return (present(row) if present else row), status

    def decorate(view):
        @functools.wraps(view)
        def run(*args, **kwargs):
            raw = request.headers.get(HEADER)
            if raw is None:
                return view(*args, **kwargs)
            key, request_hash = _parse_key(raw), _request_hash()
            stored = db.session.get(IdempotencyKey, key)
            if stored is not None:
                return replay(stored, request_hash)
            claim = IdempotencyKey(
                key=key,
                user_id=current_user.id,
                request_hash=request_hash,
                resource_type=model.__tablename__,
                created_at=clock.now(),
            )
            db.session.add(claim)
            try:
                with db.session.begin_nested():
                    db.session.flush()
            except IntegrityError:
                # The same key arrived twice at once: the other request made the row.
                db.session.expunge(claim)
                return replay(db.session.get(IdempotencyKey, key), request_hash)
            g.idempotency_claim = claim
            return view(*args, **kwargs)

        return run

    return decorate


def remember(row, status_code: int) -> None:
    """Record the row this request made (call before the commit; nothing happens without a key)."""
    claim = g.pop("idempotency_claim", None)
    if claim is not None:
        db.session.flush()
        claim.resource_id = row.id
        claim.status_code = status_code


@periodic_job(crontab(minute="33", hour="3"))
def purge_orphaned_keys() -> int:
    """Daily: keys whose row is gone go too (a key lives as long as the row it made)."""
    removed = 0
    for table, model in RESOURCE_MODELS.items():
        removed += db.session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.resource_type == table,
                IdempotencyKey.resource_id.not_in(select(model.id)),
            )
        ).rowcount
    db.session.commit()
    return removed
