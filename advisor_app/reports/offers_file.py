"""The offer catalogue as a file an administrator edits: CSV or XLSX, one row per offer.

The columns are ``domain.offers.COLUMNS``; lists (conditions, relatives) are codes joined by
commas; dates are YYYY-MM-DD; ``id`` is the offer's stable id (empty for a new offer).
Cells go out through the formula guard (``domain.text.spreadsheet_safe``): a cell that a
spreadsheet would run (``=``, ``+``, ``-``, ``@``) gets a leading apostrophe. So that the
round trip stays exact, a cell that itself starts with an apostrophe gets one more, and on
the way in one leading apostrophe is always taken off.

Reading gives plain rows (header, numbered rows) for ``domain.offers.parse_rows``; row 1
is the header in both formats, so a row number is the one a spreadsheet shows (in a CSV
file: the record's number, whatever line breaks its cells hold).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import xlsxwriter

from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.offers import (
    COLUMNS,
    OfferContent,
    ParsedFile,
    parse_rows,
    row_from_content,
)
from advisor_app.domain.text import spreadsheet_safe

FORMATS = ("csv", "xlsx")
MAX_ROWS = 10_000
Table = tuple[list[str], list[tuple[int, list[str]]]]


def format_of(filename: str) -> str:
    """``csv`` or ``xlsx`` by the file's ending."""
    ending = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ending not in FORMATS:
        raise ValidationError(N_("The file must end in .csv or .xlsx."), field="file")
    return ending


def cell_out(text: str) -> str:
    safe = spreadsheet_safe(text)
    if safe == text and text.startswith("'"):
        return f"'{text}"
    return safe


def cell_in(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def _rows(offers: Sequence[tuple[int | None, OfferContent]]) -> list[list[str]]:
    out = []
    for offer_id, content in offers:
        cells = row_from_content(offer_id, content)
        out.append([cell_out(cells[name]) for name in COLUMNS])
    return out


def write(offers: Sequence[tuple[int | None, OfferContent]], fmt: str) -> bytes:
    if fmt == "csv":
        return write_csv(offers)
    if fmt == "xlsx":
        return write_xlsx(offers)
    raise ValueError(fmt)


def write_csv(offers: Sequence[tuple[int | None, OfferContent]]) -> bytes:
    """UTF-8 with a byte order mark (so a spreadsheet reads æøå), comma-separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_rows(offers))
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(offers: Sequence[tuple[int | None, OfferContent]]) -> bytes:
    """Every cell written as text, so nothing is turned into a number, date or formula."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": "Offer catalogue", "author": "", "company": ""})
    sheet = book.add_worksheet("offers")
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name, bold)
        sheet.set_column(col, col, 12 if name in ("id", "kind", "valid_from", "valid_to") else 30)
    for row, cells in enumerate(_rows(offers), start=1):
        for col, text in enumerate(cells):
            sheet.write_string(row, col, text, wrap)
    sheet.freeze_panes(1, 2)
    book.close()
    return buffer.getvalue()


def read(data: bytes, fmt: str) -> Table:
    if fmt == "csv":
        return read_csv(data)
    if fmt == "xlsx":
        return read_xlsx(data)
    raise ValueError(fmt)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A Danish spreadsheet's "CSV" without UTF-8 is Windows-1252.
        return data.decode("cp1252", errors="replace")


def read_csv(data: bytes) -> Table:
    """Comma-, semicolon- (a Danish spreadsheet's default) or tab-separated."""
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ValidationError(N_("The file is not a readable CSV file."), field="file") from None
    return _table(records)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> Table:
    """The first worksheet; cells a spreadsheet turned into numbers or dates come back as
    the text they showed."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(N_("The file is not a readable XLSX file."), field="file") from None
    try:
        sheet = book.worksheets[0]
        records = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return _table(records)


def _table(records: list[list[str]]) -> Table:
    if not records:
        raise ValidationError(N_("The file is empty."), field="file")
    if len(records) > MAX_ROWS + 1:
        raise ValidationError(
            N_("The file has more than {count} rows."), field="file", count=MAX_ROWS
        )
    header = [cell.strip() for cell in records[0]]
    rows = [
        (number, [cell_in(cell) for cell in record])
        for number, record in enumerate(records[1:], start=2)
    ]
    return header, rows


def parse_file(data: bytes, fmt: str) -> ParsedFile:
    """A catalogue file read and every row checked (domain.offers.parse_rows)."""
    header, rows = read(data, fmt)
    return parse_rows(header, rows)
