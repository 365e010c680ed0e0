"""Ruled tables on a page image: horizontal rules found as long dark runs, column lines found
row by row (a phone photo's perspective tilts them, and merged cells leave them out), and the
lines painted over before OCR so they read as neither letters nor "|"."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_RULE_FRACTION = 0.25  # a table rule is at least this share of the page width
MIN_COLUMN_FILL = 0.7  # share of a row's height a column line is dark over
EDGE = 25  # pixels within which a column line counts as the table's outer edge
GUTTER = 1.2  # an unruled column gap is at least this many text heights wide


@dataclass
class Table:
    """A ruled table: y of its horizontal rules, and per row the x of its column lines."""

    rows: list[int]
    bands: list[list[int]]  # for the row between rules i and i+1: its column lines, edges included
    left: int
    right: int

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.left, self.rows[0], self.right, self.rows[-1]

    def grid(self) -> list[int]:
        """The column lines of the row with the most cells (usually the header)."""
        return max(self.bands, key=len)


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a 1-D array."""
    padded = np.concatenate(([False], flags, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[0::2], edges[1::2], strict=True)]


def _thicken(mask: np.ndarray, axis: int, reach: int = 2) -> np.ndarray:
    """The mask OR-ed with itself shifted up to `reach` pixels along `axis`: what skew is left
    moves a thin line a few pixels, and this keeps it one run."""
    thick: np.ndarray = np.logical_or.reduce([np.roll(mask, k, axis=axis) for k in range(-reach, reach + 1)])
    return thick


def find_rules(mask: np.ndarray) -> list[tuple[int, int, int]]:
    """Horizontal rules as (y, x0, x1): dark runs longer than a share of the width, the pixel
    rows of one thick line merged."""
    length = int(mask.shape[1] * MIN_RULE_FRACTION)
    mask = _thicken(mask, axis=0)
    candidates = np.flatnonzero(mask.sum(axis=1) >= length)
    rules: list[tuple[int, int, int]] = []
    for top, bottom in _clusters(candidates, gap=4):
        runs = [run for y in range(top, bottom + 1) for run in _runs(mask[y]) if run[1] - run[0] >= length]
        if runs:
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
    """Ruled tables: three or more rules of about the same extent, one under the other."""
    tables: list[Table] = []
    group: list[tuple[int, int, int]] = []
    for rule in find_rules(mask) + [(10**9, 0, 0)]:
        if group and _same_extent(group[0], rule):
            group.append(rule)
            continue
        if len(group) >= 3:
            tables.append(_table(mask, group))
        group = [rule]
    return tables


def _same_extent(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    tolerance = max(30, (a[2] - a[1]) // 25)
    return abs(a[1] - b[1]) <= tolerance and abs(a[2] - b[2]) <= tolerance


def _table(mask: np.ndarray, rules: list[tuple[int, int, int]]) -> Table:
    left, right = min(r[1] for r in rules), max(r[2] for r in rules)
    rows = [r[0] for r in rules]
    bands = [band_columns(mask, top, bottom, left, right) for top, bottom in zip(rows, rows[1:], strict=False)]
    return Table(rows=rows, bands=bands, left=left, right=right)


def band_columns(mask: np.ndarray, top: int, bottom: int, left: int, right: int) -> list[int]:
    """x of the column lines crossing one row of a table, its outer edges always included."""
    lo = max(0, left - 10)
    band = mask[top + 4:bottom - 3, lo:right + 11]
    if band.shape[0] < 6:
        return [left, right]
    fill = _thicken(band, axis=1).mean(axis=0)
    xs = [lo + (a + b) // 2 for a, b in _runs(fill >= MIN_COLUMN_FILL)]
    if not xs or xs[0] > left + EDGE:
        xs.insert(0, left)
    if xs[-1] < right - EDGE:
        xs.append(right)
    return xs


def with_gap_columns(table: Table, boxes: list[tuple[int, int, int, int]]) -> Table:
    """A table ruled only across (no column lines drawn) gets columns where no word of any row
    reaches: the white gutters between them. `boxes` are the words' (left, top, right, bottom)."""
    if any(len(xs) > 2 for xs in table.bands) or not boxes:
        return table
    height = float(np.median([b[3] - b[1] for b in boxes]))
    covered = np.zeros(table.right - table.left + 1, dtype=bool)
    for left, _top, right, _bottom in boxes:
        covered[max(0, left - table.left - 2):max(0, right - table.left + 3)] = True
    gutters = [(a, b) for a, b in _runs(~covered) if b - a >= GUTTER * height and 0 < a and b < len(covered)]
    if not gutters:
        return table
    xs = [table.left] + [table.left + (a + b) // 2 for a, b in gutters] + [table.right]
    return Table(rows=table.rows, bands=[list(xs) for _ in table.bands], left=table.left, right=table.right)


def erase_rules(pixels: np.ndarray, tables: list[Table]) -> np.ndarray:
    """A copy of the greyscale page with the table lines painted over in paper white."""
    clean = pixels.copy()
    for table in tables:
        for y in table.rows:
            clean[max(0, y - 4):y + 6, table.left:table.right + 1] = 255
        for (top, bottom), xs in zip(zip(table.rows, table.rows[1:], strict=False), table.bands, strict=True):
            for x in xs:
                clean[top:bottom + 1, max(0, x - 5):x + 6] = 255
    return clean
