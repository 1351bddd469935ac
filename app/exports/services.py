"""Large exports: a job writes the file to storage and tells its requester through the inbox.

A domain registers an exporter (``@exporter("reports")``): a function of the requester (as
they are when the job runs) and the stored parameters that returns the columns, the rows and
a file name. Small exports are answered directly by the domain's view with the same function.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from flask import Response, current_app, send_file, stream_with_context
from sqlalchemy import select

from app.core import clock
from app.core.access import Principal
from app.core.exports import CONTENT_TYPES, Column, csv_chunks, write_csv, write_xlsx
from app.core.jobs import enqueue
from app.core.storage import delete_after_commit, storage
from app.errors import DomainError, NotFound
from app.exports.models import Export, ExportStatus
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import notify_in_their_language, select_user
from app.notifications.texts import text


@dataclass
class Table:
    columns: list[Column]
    rows: Iterable[Iterable]
    filename: str  # without extension
    sheet: str = "Sheet1"


EXPORTERS: dict[str, Callable[[Principal, dict], Table]] = {}


def exporter(kind: str):
    def register(fn):
        EXPORTERS[kind] = fn
        return fn

    return register


def write_table(table: Table, format: str, out) -> None:
    zone = current_app.config["TIME_ZONE"]
    if format == "csv":
        write_csv(table.columns, table.rows, out, zone)
    else:
        write_xlsx(table.columns, table.rows, out, zone, table.sheet)


def table_response(table: Table, format: str) -> Response:
    """A small export as the answer itself: CSV streamed as it is written, XLSX from a temporary file."""
    filename = f"{table.filename}.{format}"
    if format == "csv":
        chunks = csv_chunks(table.columns, table.rows, current_app.config["TIME_ZONE"])
        response = Response(stream_with_context(chunks), content_type=CONTENT_TYPES["csv"])
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response
    out = tempfile.TemporaryFile()  # noqa: SIM115  (send_file closes it with the response)
    write_table(table, "xlsx", out)
    out.seek(0)
    return send_file(out, mimetype=CONTENT_TYPES["xlsx"], as_attachment=True, download_name=filename, etag=False)


def request_export(principal: Principal, kind: str, format: str, params: dict) -> Export:
    hours = current_app.config["EXPORT_RETENTION_HOURS"]
    export = Export(
        user_id=principal.id,
        kind=kind,
        format=format,
        params=params,
        expires_at=clock.now() + timedelta(hours=hours),
    )
    db.session.add(export)
    db.session.flush()
    from app.exports.jobs import build_export

    enqueue(build_export, export.id)
    return export


def build(export: Export) -> None:
    """Write the file (idempotent: a ready export is left alone) and tell its requester."""
    if export.status != ExportStatus.PENDING:
        return
    from app.accounts.models import User
    from app.accounts.services import principal_of

    user = db.session.get(User, export.user_id)
    try:
        table = EXPORTERS[export.kind](principal_of(user), export.params)
    except DomainError:
        # The requester no longer sees what they asked for (a unit taken from them, say).
        export.status = ExportStatus.FAILED
        export.finished_at = clock.now()
        db.session.flush()
        return
    rows = _Counting(table.rows)
    table.rows = rows
    with tempfile.TemporaryFile() as out:
        write_table(table, export.format, out)
        size = out.tell()
        out.seek(0)
        key = f"exports/{export.id}-{clock.now():%Y%m%d%H%M%S}.{export.format}"
        storage().save(key, out, CONTENT_TYPES[export.format])
    export.storage_key = key
    export.filename = f"{table.filename}.{export.format}"
    export.row_count = rows.count
    export.byte_size = size
    export.status = ExportStatus.READY
    export.finished_at = clock.now()
    db.session.flush()
    params = {"filename": export.filename, "rows": rows.count}
    notify_in_their_language(
        select_user(export.user_id),
        NotificationKind.EXPORT_READY,
        lambda locale: {
            "title": text("export_ready_title", locale, **params),
            "body": text("export_ready_body", locale, **params),
            "url": f"/api/v1/exports/{export.id}/download",
            "export_id": export.id,
            "filename": export.filename,
            "text_key": "export_ready",
            "text_params": params,
        },
        subject_type="export",
        subject_id=export.id,
    )


class _Counting:
    def __init__(self, rows: Iterable):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def export_for(principal: Principal, export_id: int) -> Export:
    export = db.session.get(Export, export_id)
    if export is None or not export.is_visible_to(principal):
        raise NotFound("not_found", "export not found")
    return export


def purge_expired() -> int:
    expired = db.session.scalars(select(Export).where(Export.expires_at <= clock.now())).all()
    delete_after_commit([export.storage_key for export in expired if export.storage_key])
    for export in expired:
        db.session.delete(export)
    db.session.flush()
    return len(expired)
