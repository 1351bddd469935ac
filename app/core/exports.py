"""Tables out: rows in, CSV or XLSX out, safe to open in Excel or WPS.

Any domain that exports (reports, attendance hours) describes its columns and yields rows;
this module writes them:

- CSV is UTF-8 with a byte-order mark (so Excel and WPS read Chinese) and CRLF line ends;
  it is produced in chunks, so a large export streams.
- XLSX is written by XlsxWriter in constant-memory mode (one row in memory at a time), every
  text as a string cell: never a formula, a number or a link, whatever it looks like.
- **No formula injection**: in CSV a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return gets a leading apostrophe (OWASP), so ``=HYPERLINK(...)`` in someone's
  name stays text and ``+8613800000000`` stays a readable phone number instead of becoming a
  formula or ``8.6E+12``. In XLSX the same texts are string cells, written as they are.
- Times are written in the deployment's time zone (``TIME_ZONE``), without fractions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

import xlsxwriter

BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_TEXT = 32_767  # Excel's limit for one cell
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    """One column: its heading and the kind of value it holds (text, int, float, datetime, date)."""

    title: str
    kind: str = "text"
    width: int = 14


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet will never run: an apostrophe before a formula trigger."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0)


def _csv_cell(value, column: Column, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value, zone).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)) and column.kind in ("int", "float"):
        return str(value)
    return neutralise(str(value))


def csv_chunks(
    columns: list[Column], rows: Iterable[Iterable], time_zone: str, rows_per_chunk: int = 500
) -> Iterator[bytes]:
    """The CSV file in chunks of encoded bytes: BOM, heading, rows."""
    zone = ZoneInfo(time_zone)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(column.title) for column in columns])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value, column, zone) for value, column in zip(row, columns, strict=True)])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_csv(columns: list[Column], rows: Iterable[Iterable], out: BinaryIO, time_zone: str) -> int:
    written = 0
    for chunk in csv_chunks(columns, rows, time_zone):
        out.write(chunk)
        written += len(chunk)
    return written


def write_xlsx(
    columns: list[Column], rows: Iterable[Iterable], out: str | BinaryIO, time_zone: str, sheet: str = "Sheet1"
) -> None:
    """Write an XLSX workbook of one sheet to a path or a binary file, one row in memory at a time."""
    zone = ZoneInfo(time_zone)
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # Texts are texts: never turned into formulas, numbers or links.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    try:
        worksheet = workbook.add_worksheet(sheet[:31])
        heading = workbook.add_format({"bold": True})
        when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for index, column in enumerate(columns):
            worksheet.set_column(index, index, column.width)
            worksheet.write_string(0, index, column.title, heading)
        worksheet.freeze_panes(1, 0)
        for row_index, row in enumerate(rows, start=1):
            for index, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, datetime):
                    worksheet.write_datetime(row_index, index, _local(value, zone), when)
                elif isinstance(value, date):
                    worksheet.write_datetime(row_index, index, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, bool):
                    worksheet.write_boolean(row_index, index, value)
                elif isinstance(value, (int, float)) and columns[index].kind in ("int", "float"):
                    worksheet.write_number(row_index, index, value)
                else:
                    worksheet.write_string(row_index, index, str(value)[:XLSX_MAX_TEXT])
    finally:
        workbook.close()
