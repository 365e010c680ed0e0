"""Shared look of the Excel reports: the agency heading rows, bold heads, borders, widths."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from reports.config import ReportSettings
from reports.xlsx_cells import mark_formula_like, write_cell

FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEAD_FILL = PatternFill("solid", fgColor="EDEDED")
GROUP_FILL = PatternFill("solid", fgColor="F5F5F5")
WRAP = Alignment(wrap_text=True, vertical="top")
BODY_SIZE = 12
LINE_POINTS = 15.5  # one line of 12 pt Times New Roman
CHARS_PER_WIDTH = 1.05  # characters of 12 pt Times per unit of column width, a little under for safety
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def heading_rows(sheet: Worksheet, settings: ReportSettings, title: str, note: str, columns: int) -> int:
    """Agency, title and note across the sheet's columns; returns the next free row."""
    lines = [(settings.agency_parent.upper(), False, 12), (settings.agency.upper(), True, 12),
             (title, True, 14), (note, False, 12)]
    for row, (text, bold, size) in enumerate(lines, start=1):
        write_cell(sheet, row, 1, text).font = Font(name=FONT, bold=bold, size=size,
                                                              italic=row == 4)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="left" if row < 3 else "center")
    return len(lines) + 2


def head_row(sheet: Worksheet, row: int, heads: Sequence[str], widths: Sequence[float]) -> None:
    """Column heads, repeated at the top of every printed page and frozen on screen."""
    for column, (head, width) in enumerate(zip(heads, widths), start=1):
        cell = write_cell(sheet, row, column, head)
        cell.font = Font(name=FONT, bold=True, size=BODY_SIZE)
        cell.fill, cell.border, cell.alignment = HEAD_FILL, BORDER, CENTER
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{row + 1}"
    sheet.print_title_rows = f"{row}:{row}"


def first_sheet(book: Workbook) -> Worksheet:
    """The sheet a new workbook opens with (openpyxl types it loosely)."""
    sheet = book.active
    if not isinstance(sheet, Worksheet):
        raise TypeError("a new workbook starts with one worksheet")
    return sheet


def _named(book: Workbook, name: str, alignment: Alignment) -> str:
    # One named style per look: setting font, border and alignment cell by cell costs a style
    # lookup each, which made a 1,000-row sheet slow.
    if name not in book.named_styles:
        book.add_named_style(NamedStyle(name=name, font=Font(name=FONT, size=BODY_SIZE), border=BORDER,
                                        alignment=alignment))
    return name


def body_row(sheet: Worksheet, row: int, values: Sequence[object], centered: Sequence[int] = ()) -> None:
    """One row of values; text from mails is written as text, never as a formula (see xlsx_cells)."""
    book = sheet.parent
    assert book is not None  # a sheet we made belongs to a workbook
    wrap, center = _named(book, "dhtt_wrap", WRAP), _named(book, "dhtt_center", CENTER)
    for column, value in enumerate(values, start=1):
        cell = write_cell(sheet, row, column, value)
        cell.style = center if column - 1 in centered else wrap
        mark_formula_like(cell)


def group_row(sheet: Worksheet, row: int, text: str, columns: int) -> None:
    cell = write_cell(sheet, row, 1, text)
    cell.font, cell.fill = Font(name=FONT, bold=True), GROUP_FILL
    mark_formula_like(cell)
    for column in range(1, columns + 1):
        sheet.cell(row=row, column=column).border = BORDER
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)


def landscape(sheet: Worksheet) -> None:
    """A4 landscape, narrow margins, one page wide and as many long as needed. The columns are sized
    so that "one page wide" shrinks the print to about 70% (12 pt text prints near 8.5 pt), never to
    the few points a sheet of wide columns would come to."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    props = sheet.sheet_properties.pageSetUpPr
    if props is None:
        props = sheet.sheet_properties.pageSetUpPr = PageSetupProperties()
    props.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.print_options.horizontalCentered = True


def fit_row_heights(sheet: Worksheet, first_row: int) -> None:
    """Row heights that show every wrapped line. Excel does not measure rows written by a program
    when it opens them, so a row of long text would otherwise show (and print) one line only."""
    widths = {c: sheet.column_dimensions[get_column_letter(c)].width or 10 for c in range(1, sheet.max_column + 1)}
    merged = {(r.min_row, r.min_col) for r in sheet.merged_cells.ranges}
    for row in range(first_row, sheet.max_row + 1):
        lines = 1
        for column, width in widths.items():
            if (row, column) in merged:
                continue  # a unit's heading across the whole row: one line
            value = sheet.cell(row=row, column=column).value
            if isinstance(value, str) and value:
                per_line = max(int(width * CHARS_PER_WIDTH), 1)
                lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in value.split("\n")))
        sheet.row_dimensions[row].height = lines * LINE_POINTS + 3
