"""OCR words back into a document's layout: ruled tables found from their lines, words placed in
their cells, the rest grouped into text lines; the result is the paragraph/table blocks the
.docx form, report and list logic reads."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from parsers.docx_reader import Block, Cell
from parsers.listtable import find_header
from parsers.ocr_engine import Word
from parsers.ocr_tables import Table, with_gap_columns
from parsers.textform import split_label

MIN_CONF = 20.0  # words tesseract is less sure of are noise (specks, ink left over)
_BULLET = re.compile(r"^\s*(?:[-+•*–_~]|\d{1,2}[.)]|[a-zđ]\))\s")
_RULE_CHARS = "|[]{}¦!"
_HEADING = re.compile(r"^\s*[IVX]{1,4}\s*[.)]\s")


def has_header(rows: list[list[Cell]]) -> bool:
    """True when a table starts with a list header of its own."""
    return find_header([[cell.text for cell in row] for row in rows]) is not None


def to_blocks(words: list[Word], tables: list[Table]) -> list[Block]:
    """Blocks in reading order: text lines outside the tables, each table as rows of cells."""
    words = [clean for w in words if (w.conf >= MIN_CONF or w.conf < 0) and (clean := _unruled(w))]
    placed: dict[int, list[Word]] = {i: [] for i in range(len(tables))}
    free: list[Word] = []
    for word in words:
        index = _table_of(word, tables)
        (placed[index] if index is not None else free).append(word)
    items: list[tuple[int, Block]] = [(top, Block(text=text)) for top, text in text_lines(free)]
    for i, table in enumerate(tables):
        table = with_gap_columns(table, [(w.left, w.top, w.right, w.bottom) for w in placed[i]])
        items.append((table.rows[0], Block(rows=_cells(table, placed[i]))))
    items.sort(key=lambda item: item[0])
    return [block for _, block in items]


def _unruled(word: Word) -> Word | None:
    """The word without the "|" and "[" that a table line left uncaught reads as; None when
    nothing else is left."""
    text = word.text.strip(_RULE_CHARS)
    if not text:
        return None
    return word if text == word.text else replace(word, text=text)


def _table_of(word: Word, tables: list[Table]) -> int | None:
    x, y = word.center
    for i, table in enumerate(tables):
        x0, y0, x1, y1 = table.box
        if x0 <= x <= x1 and y0 <= y <= y1:
            return i
    return None


def text_lines(words: list[Word]) -> list[tuple[int, str]]:
    """(top, text) of each line tesseract found, in its reading order; a line that wrapped
    (it reached its paragraph's right edge and the next one starts no item) is joined."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    ordered = [sorted(ws, key=lambda w: w.left) for _, ws in sorted(lines.items())]
    edges: dict[tuple[int, int], int] = {}
    for ws in ordered:
        key = ws[0].line[:2]
        edges[key] = max(edges.get(key, 0), ws[-1].right)
    out: list[tuple[int, str]] = []
    previous: list[Word] | None = None
    for ws in ordered:
        text = _spaced(ws)
        if previous is not None and out and _wraps(previous, ws, text, edges):
            out[-1] = (out[-1][0], f"{out[-1][1]} {text}")
        else:
            out.append((min(w.top for w in ws), text))
        previous = ws
    return out


def _is_title(words: list[Word]) -> bool:
    """True for a line in capitals (a heading, a signature title)."""
    letters = [ch for w in words for ch in w.text if ch.isalpha()]
    return len(letters) > 8 and all(ch.isupper() for ch in letters)


def _spaced(words: list[Word]) -> str:
    """A line's words; a wide gap (two label: value pairs side by side) kept as wide spaces,
    which the text form reader splits on."""
    height = float(np.median([w.height for w in words]))
    parts = [words[0].text]
    for before, word in zip(words, words[1:], strict=False):
        parts.append("    " if word.left - before.right > 2.5 * height else " ")
        parts.append(word.text)
    return "".join(parts)


def _wraps(previous: list[Word], line: list[Word], text: str, edges: dict[tuple[int, int], int]) -> bool:
    """True when `line` continues `previous` (same paragraph, previous ran to the edge)."""
    if previous[0].line[:2] != line[0].line[:2] or _is_title(previous) or "    " in _spaced(previous):
        return False  # titles and side-by-side columns (signature blocks) end on their line
    height = float(np.median([w.height for w in previous]))
    if previous[-1].right < edges[line[0].line[:2]] - 4 * height:
        return False  # the previous line ended early: it was a whole line
    return not (_BULLET.match(text) or _HEADING.match(text) or split_label(text) is not None)


def _cells(table: Table, words: list[Word]) -> list[list[Cell]]:
    """The table as a grid on the columns of its fullest row: a cell spanning several of them
    (merged) repeats, so every row lines up with the header."""
    grid = table.grid()
    centres = [(a + b) / 2 for a, b in zip(grid, grid[1:], strict=False)]
    rows: list[list[Cell]] = []
    for r, (top, bottom) in enumerate(zip(table.rows, table.rows[1:], strict=False)):
        inside = [w for w in words if top <= w.center[1] < bottom]
        owner = _owners(table.bands[r], centres)  # grid column → this row's cell
        texts = {i: cell_text([w for w in inside if a <= w.center[0] < b])
                 for i, (a, b) in enumerate(zip(table.bands[r], table.bands[r][1:], strict=False))}
        cells = {i: Cell(key=r * 1000 + i, text=texts[i]) for i in set(owner)}
        lost = [texts[i] for i in texts if i not in cells and texts[i]]  # a stray narrow cell
        if lost and cells:
            last = cells[owner[-1]]
            last.text = "\n".join([last.text, *lost]).strip()
        row = [cells[i] for i in owner]
        if any(cell.text for cell in row):
            rows.append(row)
    return rows


def _owners(bounds: list[int], centres: list[float]) -> list[int]:
    """For each grid column, the index of this row's cell that holds its centre."""
    owners: list[int] = []
    for centre in centres:
        index = next((i for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
                      if a <= centre < b), len(bounds) - 2)
        owners.append(max(0, index))
    return owners


def cell_text(words: list[Word]) -> str:
    """A cell's words as text: lines by position, wrapped lines joined, items kept apart."""
    rows: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:  # tesseract's own lines: boxes of accented letters vary too much in height
        rows.setdefault(word.line, []).append(word)
    ordered = sorted(rows.values(), key=lambda ws: float(np.median([w.center[1] for w in ws])))
    lines = [" ".join(w.text for w in sorted(row, key=lambda w: w.left)) for row in ordered]
    joined: list[str] = []
    for line in lines:
        if joined and not _BULLET.match(line):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return "\n".join(joined)
