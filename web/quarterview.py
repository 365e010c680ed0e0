"""The quarter at a glance: each unit's quota (per school level), silent units first, and the daily chart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from domain.quarters import deadline, window_opens
from domain.quota import QuotaRules
from domain.units import UnitDirectory
from reports.data import HEARD_OUTCOMES, QuarterData, UnitQuota, quarter_data
from store.models import Message

CHART_DAYS_BEFORE = 14  # the chart starts two weeks before the window opens; earlier mail is one bar
CHART_DAYS_AFTER = 5  # and shows the late days after it closes


@dataclass
class DayBar:
    label: str
    count: int
    in_window: bool
    late: bool


def _order(row: UnitQuota) -> tuple[int, str]:
    # Units not heard from come first, then those short of quota, then those done.
    state = 0 if not row.heard else (1 if not row.status.complete else 2)
    return state, row.unit.code


def quarter_rows(data: QuarterData) -> list[UnitQuota]:
    return sorted(data.quotas, key=_order)


def load_quarter(db: Session, quarter: str, units: UnitDirectory, rules: QuotaRules) -> QuarterData:
    return quarter_data(db, quarter, units, rules)


def _local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def daily_bars(db: Session, quarter: str, tz: ZoneInfo) -> list[DayBar]:
    """Mails about the quarter per local day around its window; earlier ones summed into the first bar."""
    opens, closes = window_opens(quarter, tz).date(), deadline(quarter, tz).date()
    first, last = opens - timedelta(days=CHART_DAYS_BEFORE), closes + timedelta(days=CHART_DAYS_AFTER)
    stamps = db.exec(select(Message.received_at).where(
        Message.quarter == quarter, col(Message.outcome).in_(HEARD_OUTCOMES)))
    days = Counter(min(max(_local_day(s, tz), first - timedelta(days=1)), last) for s in stamps)
    bars = [DayBar("Trước", days[first - timedelta(days=1)], False, False)]
    day = first
    while day <= last:
        bars.append(DayBar(day.strftime("%d/%m"), days[day], opens <= day <= closes, day > closes))
        day += timedelta(days=1)
    return bars


def chart_svg(bars: list[DayBar], width: int = 900, height: int = 220) -> str:
    """An inline SVG bar chart, made here so the page needs no script; numbers above non-empty bars."""
    top = max([b.count for b in bars] + [1])
    left, bottom, plot_h = 30, 40, height - 70
    step = (width - left - 10) / len(bars)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Số thư nhận được theo ngày" class="chart">',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" class="axis"/>']
    for i, bar in enumerate(bars):
        x = left + i * step
        if bar.in_window:
            parts.append(f'<rect x="{x:.1f}" y="10" width="{step:.1f}" height="{height - bottom - 10}" class="window"/>')
        h = plot_h * bar.count / top
        kind = "late" if bar.late else "bar"
        parts.append(f'<rect x="{x + step * 0.15:.1f}" y="{height - bottom - h:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{h:.1f}" class="{kind}"><title>{bar.label}: {bar.count} thư</title></rect>')
        if bar.count:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom - h - 4:.1f}" class="num">{bar.count}</text>')
        if i == 0 or (i > 1 and i % 2 == 1):  # "Trước" stands alone: the day after it would overlap it
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" class="day">{bar.label}</text>')
    parts.append(f'<text x="{left}" y="{height - 6}" class="legend">Vùng tô nhạt: thời hạn gửi hồ sơ '
                 f'(ngày 15–20 tháng cuối quý); cột đỏ: gửi sau thời hạn.</text></svg>')
    return "".join(parts)
