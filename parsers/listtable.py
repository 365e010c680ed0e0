"""Read a "DANH SÁCH" list (Word table or sheet rows): find the header, map the columns by
label, and make one draft per data row."""

from __future__ import annotations

import re

from parsers import labels
from parsers.fields import clean_value, draft_from_pairs
from parsers.infer import level_from_text
from parsers.models import NominationDraft
from parsers.vntext import collapse_ws, find_links, fold

_NUMBERING = re.compile(r"^\(?\s*(?:\d{1,2}|[a-zA-Z])\s*\)?$")
_ROW_NUMBER = re.compile(r"^\s*(\d{1,4})\s*[.)]?\s*$")
_MIN_HEADER_FIELDS = 2
# The signature block under a list ("Người lập biểu", "TRƯỞNG PHÒNG", "(Ký tên, đóng dấu)"): sheets
# and scans often keep it in the table's columns, where it would read as one more nominee.
_SIGNATURE = re.compile(  # matched against folded text (no marks, no punctuation)
    r"^(?:nguoi lap (?:bieu|danh sach)|(?:kt |tm )?(?:pho )?(?:truong phong|hieu truong|giam doc"
    r"|thu truong)|ky ten|ky ghi ro|xac nhan)")
_LEVEL_FIELD = "school_level"


class Columns:
    """The header of a list: a label per column, its field, and the numbering column."""

    def __init__(self, header: list[str]) -> None:
        self.labels = [collapse_ws(cell) for cell in header]
        self.fields = [labels.match_label(cell) for cell in self.labels]
        self.number = next((i for i, cell in enumerate(self.labels)
                            if labels.is_row_number_label(cell)), None)

    def merge(self, sub: list[str]) -> None:
        """Overlay a second header row (merged group headers above specific ones)."""
        for i, cell in enumerate(sub[:len(self.labels)]):
            field = labels.match_label(cell)
            if field is not None:
                self.labels[i], self.fields[i] = collapse_ws(cell), field

    def mapped(self) -> set[str]:
        """The distinct fields this header names."""
        return {f for f in self.fields if f is not None}


def is_header(row: list[str]) -> bool:
    """True for a row naming at least two fields, one of them the name."""
    fields = {labels.match_label(collapse_ws(c)) for c in row if c.strip()} - {None}
    return len(fields) >= _MIN_HEADER_FIELDS and ("name" in fields or len(fields) >= 3)


def find_header(rows: list[list[str]]) -> int | None:
    """Return the index of the first header row, or None when the rows are not a list."""
    return next((i for i, row in enumerate(rows) if is_header(row)), None)


def _is_numbering_row(row: list[str]) -> bool:
    """True for the "(1) (2) (3)" row some templates put under the header."""
    cells = [c.strip() for c in row if c.strip()]
    return len(cells) >= 2 and all(_NUMBERING.match(c) for c in cells)


def _is_signature_row(row: list[str]) -> bool:
    """True for a row holding only signature-block titles: the list has ended."""
    cells = [fold(c) for c in row if c.strip()]
    return bool(cells) and all(_SIGNATURE.match(c) for c in cells)


def _group_title(row: list[str]) -> str | None:
    """A row merged across the table ("I. CẤP MẦM NON"): one value, repeated (Word grids) or
    alone in the first cell (sheets keep a merged value in its first cell only)."""
    filled = [collapse_ws(c) for c in row if c.strip()]
    if len(row) < 2 or not filled or len(set(filled)) != 1:
        return None
    return filled[0] if len(filled) > 1 or row[0].strip() else None


def _row_pairs(columns: Columns, row: list[str]) -> list[tuple[str, str]]:
    """Label/value pairs of one data row; unmapped cells still give their links."""
    pairs: list[tuple[str, str]] = []
    for i, cell in enumerate(row[:len(columns.labels)]):
        if columns.fields[i] is not None:
            pairs.append((columns.labels[i], cell))
        elif find_links(cell):
            pairs.append(("Minh chứng", cell))
    return pairs


def _row_number(columns: Columns, row: list[str], index: int) -> int:
    """The row's STT when it is a number, else its position among the data rows."""
    if columns.number is not None and columns.number < len(row):
        match = _ROW_NUMBER.match(row[columns.number])
        if match:
            return int(match.group(1))
    return index


def parse_rows(rows: list[list[str]], source: str) -> list[NominationDraft]:
    """Return one draft per data row of the list in `rows` (empty when no header is found)."""
    start = find_header(rows)
    if start is None:
        return []
    columns = Columns(rows[start])
    body = rows[start + 1:]
    # A second header row (merged group headers above, specific labels below): data rows
    # never hold labels, so any label in the next row means it is part of the header.
    if body and _sub_fields(body[0]):
        columns.merge(body[0])
        body = body[1:]
    return _drafts(columns, body, source)


def _sub_fields(row: list[str]) -> set[str]:
    """Fields named by a row, to tell a second header row from data."""
    return {f for c in row if (f := labels.match_label(collapse_ws(c))) is not None}


def _drafts(columns: Columns, body: list[list[str]], source: str) -> list[NominationDraft]:
    """Walk the data rows, carrying a group title's school level to the rows under it."""
    drafts: list[NominationDraft] = []
    group_level: str | None = None
    for row in body:
        row = [clean_value(c) for c in row]
        if not any(row) or _is_numbering_row(row):
            continue
        if _is_signature_row(row):
            break
        title = _group_title(row)
        if title is not None:
            level = level_from_text(title)
            group_level = level.value if level else group_level
            continue
        pairs = _row_pairs(columns, row)
        if group_level and _LEVEL_FIELD not in columns.mapped():
            pairs.append(("Cấp học", group_level.replace("_", " ")))
        draft = draft_from_pairs(pairs, source, _row_number(columns, row, len(drafts) + 1))
        if draft is not None:
            drafts.append(draft)
    return drafts
