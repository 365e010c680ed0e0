"""Excel .xlsx nominations: DANH SÁCH sheets (title rows, then a header row) and label|value
form sheets."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from parsers import fields, listtable, vntext
from parsers.archives import ArchiveLimits, list_archive
from parsers.errors import UnreadableDocument
from parsers.legacy_charset import convert_legacy
from parsers.models import DocumentInput, NominationDraft, ParsedDocument
from parsers.textform import drop_numbering

# openpyxl's read_only mode would stream, but it hides merged ranges and hyperlinks, both of
# which units use (merged title rows, "Minh chứng" links). So the workbook is loaded in full
# mode after its zip directory has been checked: zipfile never inflates a member past its
# declared size, which bounds what openpyxl can allocate.
# Sheet XML is repetitive and may legitimately compress far better than photos do.
XLSX_LIMITS = ArchiveLimits(max_total_size=60 * 1024 * 1024, max_members=2000, max_ratio=1000)
MAX_ROWS = 3000
MAX_COLS = 60
_XLSX_SUFFIXES = (".xlsx", ".xlsm")

Row = list[str]
Fill = dict[tuple[int, int], Cell | MergedCell]  # covered position → the merge's top cell


class XlsxParser:
    """Parser for .xlsx workbooks: every worksheet, as a list or as a two-column form."""

    def handles(self, doc: DocumentInput) -> int | None:
        """Score 90 for a zip holding xl/workbook.xml, 40 for a broken file named .xlsx."""
        if doc.data[:4] == b"PK\x03\x04" and _has_workbook(doc.data):
            return 90
        if doc.filename.lower().endswith(_XLSX_SUFFIXES):
            return 40  # claim it so the sender hears that it is unreadable
        return None

    def parse(self, doc: DocumentInput) -> ParsedDocument:
        """Read every worksheet into nominations, links and the stated quarter."""
        sheets = [sheet_rows(ws) for ws in _load(doc).worksheets if isinstance(ws, Worksheet)]
        return sheets_document(sheets, doc.filename)


def sheets_document(sheets: list[tuple[list[Row], bool]], source: str) -> ParsedDocument:
    """Nominations, links and quarter of a workbook given as rows of text per sheet (each with
    whether TCVN3/VNI was converted); the .xls/.ods reader feeds its rows here too."""
    result = ParsedDocument(source=source, shape="list")
    texts: list[str] = []
    for rows, legacy in sheets:
        _merge_sheet(result, rows, source)
        result.legacy_encoding = result.legacy_encoding or legacy
        texts.append("\n".join("\t".join(c for c in row if c) for row in rows if any(row)))
    result.text = "\n\n".join(t for t in texts if t)
    result.links = _outside_links(result.text, result.nominations)
    return result


def _has_workbook(data: bytes) -> bool:
    """True when the zip's directory names xl/workbook.xml."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _load(doc: DocumentInput) -> openpyxl.Workbook:
    """Open the workbook (values, not formulas); any failure becomes UnreadableDocument."""
    list_archive(doc.data, doc.filename, XLSX_LIMITS)  # raises ArchiveBomb / UnreadableDocument
    try:
        return openpyxl.load_workbook(io.BytesIO(doc.data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError,
            IndexError, AttributeError, DefusedXmlException, SyntaxError) as exc:
        # openpyxl reports damaged parts with whatever its XML layer raised.
        raise UnreadableDocument(doc.filename, f"damaged Excel workbook: {exc}") from exc


def sheet_rows(ws: Worksheet) -> tuple[list[Row], bool]:
    """The sheet as rows of strings, merged values filled down, and whether TCVN3/VNI was seen."""
    fill = _vertical_merge_fill(ws)
    rows: list[Row] = []
    legacy = False
    for cells in ws.iter_rows(max_row=min(ws.max_row, MAX_ROWS),
                              max_col=min(ws.max_column, MAX_COLS)):
        row: Row = []
        for cell in cells:
            text, converted = _cell_text(cell, fill)
            legacy = legacy or converted
            row.append(text)
        rows.append(trim_row(row))
    return rows, legacy


def _vertical_merge_fill(ws: Worksheet) -> Fill:
    """Map each cell below the top of a vertical merge to the merge's top-left cell.

    Horizontal merges (title rows, wide headers) are not copied across, so a title stays one
    cell and a header label is not repeated in several columns.
    """
    fill: Fill = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row == rng.max_row:
            continue
        top = ws.cell(rng.min_row, rng.min_col)
        for row in range(rng.min_row + 1, min(rng.max_row, MAX_ROWS) + 1):
            fill[(row, rng.min_col)] = top
    return fill


def _cell_text(cell: Cell | MergedCell, fill: Fill) -> tuple[str, bool]:
    """The cell's display text, with its hyperlink target appended, converted from TCVN3/VNI."""
    source = fill.get((cell.row, cell.column), cell) if cell.row and cell.column else cell
    if isinstance(source, MergedCell):
        return "", False
    text = _format_value(source.value)
    converted = False
    if text and not text.isascii():
        font = source.font.name if source.font is not None else None
        text, converted = convert_legacy(text, font)
    link = source.hyperlink.target if source.hyperlink is not None else None
    if link and link not in text:
        text = f"{text} {link}".strip()
    return vntext.nfc(text), converted


def _format_value(value: object) -> str:
    """A cell value as a person reads it: 3 not 3.0, dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def trim_row(row: Row) -> Row:
    """Drop trailing empty cells."""
    end = len(row)
    while end and not row[end - 1]:
        end -= 1
    return row[:end]


def _merge_sheet(result: ParsedDocument, rows: list[Row], source: str) -> None:
    """Add one sheet's nominations (as a list, else as a form) and quarter to `result`."""
    drafts = listtable.parse_rows(rows, source)
    if not drafts and looks_like_form(rows):
        form = fields.draft_from_pairs(list(_pairs(rows)), source)
        if form is not None:
            drafts = [form]
            result.shape = "form"
    result.nominations.extend(drafts)
    if result.quarter is None:
        result.quarter = fields.quarter_from_text("\n".join(_title_lines(rows)))


def looks_like_form(rows: list[list[str]]) -> bool:
    """True when most rows of several cells have exactly two: a label | value layout."""
    widths = [n for n in (len(drop_numbering([c for c in row if c])) for row in rows) if n >= 2]
    return bool(widths) and widths.count(2) >= 0.6 * len(widths)


def _pairs(rows: list[Row]) -> Iterator[tuple[str, str]]:
    """Label|value pairs of a form sheet: first non-empty cell, then the rest of the row."""
    for row in rows:
        cells = drop_numbering([c for c in row if c])
        if len(cells) >= 2:
            yield cells[0], " ".join(cells[1:])


def _title_lines(rows: list[Row]) -> Iterator[str]:
    """The title block: every cell above a list's header row (the title often shares its rows
    with the unit's name and the national motto), else single-cell rows above the first row of
    several cells."""
    header = listtable.find_header(rows)
    if header is not None:
        yield from (cell for row in rows[:header] for cell in row if cell)
        return
    for row in rows:
        cells = [c for c in row if c]
        if len(cells) > 1:
            return
        if cells:
            yield cells[0]


def _outside_links(text: str, drafts: list[NominationDraft]) -> list[str]:
    """Links in the workbook that no nomination has already claimed."""
    claimed = {link for draft in drafts for link in draft.links}
    return [link for link in vntext.find_links(text) if link not in claimed]
