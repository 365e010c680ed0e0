"""OCR words back into a document's layout: ruled tables found from their lines, words placed in
their cells, the rest grouped into text lines; the result is the paragraph/table blocks the
.docx form, report and list logic reads."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from parsers.docx_reader import Block, Cell
from parsers.listtable import find_header
from parsers.ocr_engine import Word
from parsers.textform import split_label

MIN_RULE_FRACTION = 0.25  # a table rule is at least this share of the page width
MIN_VERTICAL_FILL = 0.6  # share of a table's height a column line must be dark over
MIN_CONF = 20.0  # words tesseract is less sure of are noise (specks, ink left over)
_BULLET = re.compile(r"^\s*(?:[-+•*–_~]|\d{1,2}[.)]|[a-zđ]\))\s")
_HEADING = re.compile(r"^\s*[IVX]{1,4}\s*[.)]\s")


@dataclass
class Table:
    """A ruled table: y of its horizontal rules, x of its column lines (outer ones included)."""

    rows: list[int]
    cols: list[int]
    splits: list[list[bool]]  # per row band, whether each inner column line is drawn there

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.cols[0], self.rows[0], self.cols[-1], self.rows[-1]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a 1-D array."""
    padded = np.concatenate(([False], flags, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[0::2], edges[1::2], strict=True)]


def _long_runs(row: np.ndarray, length: int) -> list[tuple[int, int]]:
    return [(a, b) for a, b in _runs(row) if b - a >= length]


def find_rules(mask: np.ndarray) -> list[tuple[int, int, int]]:
    """Horizontal rules as (y, x0, x1): dark runs longer than a share of the width, rows of one
    thick line merged."""
    length = int(mask.shape[1] * MIN_RULE_FRACTION)
    # What skew is left (a tenth of a degree) moves a thin line a few pixels across the page:
    # thicken every row with its neighbours so the line stays one run.
    mask = np.logical_or.reduce([np.roll(mask, k, axis=0) for k in (-2, -1, 0, 1, 2)])
    candidates = np.flatnonzero(mask.sum(axis=1) >= length)
    rules: list[tuple[int, int, int]] = []
    for top, bottom in _clusters(candidates, gap=4):
        runs = [run for y in range(top, bottom + 1) for run in _long_runs(mask[y], length)]
        if runs:  # one line, maybe drawn over several pixel rows: its whole extent
            rules.append(((top + bottom) // 2, min(a for a, _ in runs), max(b for _, b in runs)))
    return rules


def _clusters(values: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """(first, last) of each group of sorted integers no more than `gap` apart."""
    groups: list[tuple[int, int]] = []
    for v in (int(x) for x in values):
        if groups and v - groups[-1][1] <= gap:
            groups[-1] = (groups[-1][0], v)
        else:
            groups.append((v, v))
    return groups


def find_tables(mask: np.ndarray) -> list[Table]:
    """Ruled tables: runs of horizontal rules with the same extent, crossed by column lines."""
    tables: list[Table] = []
    group: list[tuple[int, int, int]] = []
    for rule in find_rules(mask) + [(10**9, 0, 0)]:
        if group and _same_extent(group[0], rule):
            group.append(rule)
            continue
        table = _table(mask, group) if len(group) >= 3 else None
        if table is not None:
            tables.append(table)
        group = [rule]
    return tables


def _same_extent(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    tolerance = max(30, (a[2] - a[1]) // 30)
    return abs(a[1] - b[1]) <= tolerance and abs(a[2] - b[2]) <= tolerance


def _table(mask: np.ndarray, rules: list[tuple[int, int, int]]) -> Table | None:
    """The table the rules bound, with the column lines drawn between them."""
    top, bottom = rules[0][0], rules[-1][0]
    x0, x1 = min(r[1] for r in rules), max(r[2] for r in rules)
    band = mask[top:bottom + 1, max(0, x0 - 6):x1 + 7]
    # A column line drifts a pixel or two over the table's height: look a little either side.
    fill = band.mean(axis=0)
    fill = np.maximum.reduce([np.roll(fill, k) for k in (-2, -1, 0, 1, 2)])
    cols = [max(0, x0 - 6) + (a + b) // 2 for a, b in _runs(fill >= MIN_VERTICAL_FILL)]
    if len(cols) < 2:
        cols = [x0, x1]  # rules only: each row is one cell
    cols[0], cols[-1] = min(cols[0], x0), max(cols[-1], x1)
    rows = [r[0] for r in rules]
    splits = [[_drawn(mask, x, a, b) for x in cols[1:-1]] for a, b in zip(rows, rows[1:], strict=False)]
    return Table(rows=rows, cols=cols, splits=splits)


def _drawn(mask: np.ndarray, x: int, top: int, bottom: int) -> bool:
    """True when a column line runs down this row band (merged cells leave it out)."""
    if bottom - top < 6:
        return True
    strip = mask[top + 3:bottom - 2, max(0, x - 3):x + 4].any(axis=1)
    return bool(strip.mean() >= 0.7)


def erase_rules(pixels: np.ndarray, tables: list[Table]) -> np.ndarray:
    """A copy of the greyscale page with the table lines painted over in paper white, so
    tesseract does not read them as letters or let them join lines."""
    clean = pixels.copy()
    for table in tables:
        x0, y0, x1, y1 = table.box
        for y in table.rows:
            clean[max(0, y - 3):y + 6, x0:x1 + 1] = 255
        for x in table.cols:
            clean[y0:y1 + 1, max(0, x - 4):x + 5] = 255
    return clean


def has_header(rows: list[list[Cell]]) -> bool:
    """True when a table starts with a list header of its own."""
    return find_header([[cell.text for cell in row] for row in rows]) is not None


def to_blocks(words: list[Word], tables: list[Table]) -> list[Block]:
    """Blocks in reading order: text lines outside the tables, each table as rows of cells."""
    words = [w for w in words if w.conf >= MIN_CONF or w.conf < 0]
    placed: dict[int, list[Word]] = {i: [] for i in range(len(tables))}
    free: list[Word] = []
    for word in words:
        index = _table_of(word, tables)
        (placed[index] if index is not None else free).append(word)
    items: list[tuple[int, Block]] = [(top, Block(text=text)) for top, text in text_lines(free)]
    items += [(t.rows[0], Block(rows=_cells(t, placed[i]))) for i, t in enumerate(tables)]
    items.sort(key=lambda item: item[0])
    return [block for _, block in items]


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
    """The table's grid: each cell's words as lines; merged cells share one Cell."""
    grid: list[list[Cell]] = []
    for r, (top, bottom) in enumerate(zip(table.rows, table.rows[1:], strict=False)):
        inside = [w for w in words if top <= w.center[1] < bottom]
        row: list[Cell] = []
        start = 0
        for c in range(1, len(table.cols)):
            if c < len(table.cols) - 1 and not table.splits[r][c - 1]:
                continue  # no line here: the cell goes on to the next column line
            left, right = table.cols[start], table.cols[c]
            text = cell_text([w for w in inside if left <= w.center[0] < right])
            cell = Cell(key=r * 1000 + start, text=text)
            row.extend([cell] * (c - start))
            start = c
        if any(cell.text for cell in row):
            grid.append(row)
    return grid


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
