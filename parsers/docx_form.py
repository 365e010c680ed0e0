"""Label|value form tables of a .docx, read as the "Label: value" lines of a typed form."""

from __future__ import annotations

from parsers import labels
from parsers.docx_reader import Block
from parsers.docx_table import unique_rows
from parsers.textform import drop_numbering, rows_to_lines

_MIN_FORM_ROWS = 3


def is_form_table(block: Block) -> bool:
    """True for a table with at least three rows that start with a known label."""
    rows = unique_rows(block.rows)
    cells = [drop_numbering(row) for row in rows]
    labelled = sum(1 for row in cells if len(row) >= 2 and labels.match_label(row[0]))
    return labelled >= _MIN_FORM_ROWS


def block_lines(block: Block) -> list[str]:
    """A paragraph's lines, or a table rendered as form lines."""
    if not block.rows:
        return block.text.split("\n")
    return rows_to_lines(unique_rows(block.rows))
