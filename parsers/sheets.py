"""Excel 97–2003 .xls (BIFF) and OpenDocument .ods workbooks, read with python-calamine and
handed, as rows of text, to the same list/form logic as .xlsx sheets."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from itertools import islice

import olefile
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from parsers import vntext
from parsers.archives import list_archive
from parsers.errors import EncryptedDocument, UnreadableDocument
from parsers.legacy_charset import convert_legacy, detected_hint
from parsers.models import DocumentInput, ParsedDocument
from parsers.office import is_ole
from parsers.xlsx import MAX_COLS, MAX_ROWS, XLSX_LIMITS, Row, sheets_document, trim_row

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_SUFFIXES = (".xls", ".ods", ".xlt", ".ots")
_BIFF_STREAMS = ("Workbook", "Book")  # BIFF8 (Excel 97+) and BIFF5 (Excel 5/95)


def is_biff(data: bytes) -> bool:
    """True for an OLE compound file holding an Excel workbook stream."""
    if not is_ole(data):
        return False
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return any(ole.exists(name) for name in _BIFF_STREAMS)
    except (OSError, ValueError):
        return False


def is_ods(data: bytes) -> bool:
    """True for an OpenDocument spreadsheet: a zip whose first member `mimetype` says so."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.read("mimetype").strip() == ODS_MIMETYPE
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return False


class CalamineSheetsParser:
    """.xls and .ods workbooks: every sheet, as a list or as a two-column form."""

    def handles(self, doc: DocumentInput) -> int | None:
        """Score 90 for BIFF or ODS content, 40 for a broken file named like one."""
        if is_biff(doc.data) or is_ods(doc.data):
            return 90
        if doc.filename.lower().endswith(_SUFFIXES) and not doc.data.startswith(b"PK"):
            return 40  # claim it so the sender hears that it is unreadable
        return None

    def parse(self, doc: DocumentInput) -> ParsedDocument:
        """Read every sheet into nominations, links and the stated quarter."""
        book = _open(doc)
        sheets: list[tuple[list[Row], bool]] = []
        for name in book.sheet_names:
            try:
                sheet = book.get_sheet_by_name(name)
                sheets.append(_convert_detected(sheet_rows(sheet)))
            except (CalamineError, ValueError, TypeError) as exc:
                raise UnreadableDocument(doc.filename, f"damaged sheet {name!r}: {exc}") from exc
        return sheets_document(sheets, doc.filename)


def _open(doc: DocumentInput) -> CalamineWorkbook:
    """Open the workbook; a zip is checked against bombs first, failures become ours."""
    if doc.data.startswith(b"PK"):
        list_archive(doc.data, doc.filename, XLSX_LIMITS)  # raises ArchiveBomb / UnreadableDocument
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(doc.data))
    except (CalamineError, ValueError, TypeError, OSError) as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise EncryptedDocument(doc.filename, "password-protected workbook") from exc
        raise UnreadableDocument(doc.filename, f"damaged workbook: {exc}") from exc


def sheet_rows(sheet: CalamineSheet) -> list[Row]:
    """The sheet as rows of display strings, vertical merges filled down like .xlsx sheets."""
    rows: list[Row] = []
    for values in islice(sheet.iter_rows(), MAX_ROWS):
        rows.append(trim_row([format_value(v) for v in values[:MAX_COLS]]))
    for (top, left), (bottom, _right) in sheet.merged_cell_ranges or []:
        # Horizontal merges (titles, wide headers) stay one cell, as in parsers/xlsx.py.
        if top < len(rows) and left < len(rows[top]):
            for row in rows[top + 1:min(bottom, len(rows) - 1) + 1]:
                row.extend([""] * (left + 1 - len(row)))
                row[left] = row[left] or rows[top][left]
    return rows


def format_value(value: object) -> str:
    """A cell value as a person reads it: 3 not 3.0, dates as dd/mm/yyyy, NFC text."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return vntext.nfc(str(value).strip())


def _convert_detected(rows: list[Row]) -> tuple[list[Row], bool]:
    """Rows converted from TCVN3/VNI when the sheet is typed in them (no font names here, unlike
    .xlsx: the encoding is decided once for the whole sheet, then applied cell by cell)."""
    joined = "\n".join("\t".join(row) for row in rows)
    hint = None if joined.isascii() else detected_hint(joined)
    if hint is None:
        return rows, False
    return [[convert_legacy(c, hint)[0] if c else c for c in row] for row in rows], True
