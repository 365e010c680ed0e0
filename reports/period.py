"""The period summary for the province: a school year or the whole 2023-2025 plan, quarter by quarter."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field
from sqlmodel import Session

from domain import wording
from domain.codes import Category, SchoolLevel
from domain.quota import QuotaRules
from domain.units import UnitDirectory
from domain.wording import reports as words
from reports.data import ExemplarRow, active_exemplars, quarter_data

PLAN_YEARS = (2023, 2025)  # Kế hoạch tuyên truyền gương điển hình tiên tiến giai đoạn 2023-2025
_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def school_year_quarters(year: str) -> list[str]:
    """'2024-2025' → the quarters whose windows fall in it: September 2024 to June 2025."""
    match = _SCHOOL_YEAR.match(year)
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValueError(f"not a school year: {year!r} (expected e.g. 2024-2025)")
    first = int(match.group(1))
    return [f"{first}-Q3", f"{first}-Q4", f"{first + 1}-Q1", f"{first + 1}-Q2"]


def plan_quarters() -> list[str]:
    return [f"{y}-Q{q}" for y in range(PLAN_YEARS[0], PLAN_YEARS[1] + 1) for q in range(1, 5)]


class CountTable(BaseModel):
    """Rows of label and one count per quarter, with a total column."""

    rows: list[tuple[str, list[int]]] = Field(default_factory=list)

    def totals(self) -> list[int]:
        width = len(self.rows[0][1]) if self.rows else 0
        return [sum(r[1][i] for r in self.rows) for i in range(width)]


class PeriodData(BaseModel):
    title: str  # "NĂM HỌC 2024-2025" or "GIAI ĐOẠN 2023-2025"
    quarters: list[str]
    exemplars: list[ExemplarRow]
    by_unit: CountTable
    by_category: CountTable
    by_level: CountTable
    complete_every_quarter: list[str]  # unit names
    units_with_rule: int
    complete_per_quarter: list[int]

    @property
    def quarter_heads(self) -> list[str]:
        return [wording.quarter_text(q).replace(" năm ", "/") for q in self.quarters]

    def trend(self) -> list[tuple[str, int, str]]:
        """Each quarter's total with its change from the quarter before, in words."""
        out, previous = [], None
        for head, total in zip(self.quarter_heads, self.by_unit.totals()):
            if previous is None:
                change = "—"
            elif total == previous:
                change = "Không đổi"
            else:
                change = f"{'Tăng' if total > previous else 'Giảm'} {abs(total - previous)}"
            out.append((head, total, change))
            previous = total
        return out


def _table(items: list[ExemplarRow], quarters: list[str], key: Callable[[ExemplarRow], str | None],
           labels: Sequence[tuple[str | None, str]]) -> CountTable:
    counts = Counter((key(e), e.quarter) for e in items)
    return CountTable(rows=[(label, [counts[(code, q)] for q in quarters]) for code, label in labels])


def period_data(db: Session, title: str, quarters: list[str], units: UnitDirectory,
                rules: QuotaRules | None = None) -> PeriodData:
    """Counts by unit, category and school level per quarter, and units complete in every quarter."""
    items = active_exemplars(db, quarters, units)
    per_quarter = [quarter_data(db, q, units, rules) for q in quarters]
    ruled = {q.unit.code: q.unit.name for data in per_quarter for q in data.with_rule}
    complete = [name for code, name in ruled.items()
                if all(any(q.unit.code == code and q.status.complete for q in data.with_rule) for data in per_quarter)]
    order = {u.code: i for i, u in enumerate(units.units)}
    unit_labels = list(dict.fromkeys((e.unit_code, e.unit_name) for e in sorted(
        items, key=lambda e: order.get(e.unit_code, len(order)))))
    level_labels = [(lv.value, wording.level_text(lv)) for lv in SchoolLevel] + [(None, "Chưa xác định")]
    return PeriodData(
        title=title, quarters=quarters, exemplars=items,
        by_unit=_table(items, quarters, lambda e: e.unit_code, unit_labels),
        by_category=_table(items, quarters, lambda e: e.category,
                           [(c.value, words.category_text(c.value)) for c in Category]),
        by_level=_table(items, quarters, lambda e: e.school_level, level_labels),
        complete_every_quarter=complete, units_with_rule=len(ruled),
        complete_per_quarter=[len(d.complete_units) for d in per_quarter])
