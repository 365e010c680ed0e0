"""Tables of a .docx as plain rows, and the "DANH SÁCH" list tables among them."""

from __future__ import annotations

from parsers.docx_reader import Block, Cell, unique_cells
from parsers.listtable import find_header, parse_rows
from parsers.models import NominationDraft


def grid_rows(rows: list[list[Cell]]) -> list[list[str]]:
    """Every grid position's text: merged cells repeat, so columns line up with the header."""
    return [[cell.text for cell in row] for row in rows]


def unique_rows(rows: list[list[Cell]]) -> list[list[str]]:
    """Each row with a merged cell once, as a reader sees it."""
    return [[cell.text for cell in unique_cells(row)] for row in rows]


def is_list_table(block: Block) -> bool:
    """True for a table whose header names the list columns (name, position, summary …)."""
    return bool(block.rows) and find_header(grid_rows(block.rows)) is not None


def list_drafts(blocks: list[Block], source: str) -> list[NominationDraft]:
    """Drafts from every list table of the document, in order."""
    drafts: list[NominationDraft] = []
    for block in blocks:
        if is_list_table(block):
            drafts.extend(parse_rows(grid_rows(block.rows), source))
    return drafts
