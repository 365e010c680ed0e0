"""Quarters and the submission window, always in Vietnam time (SPEC.md, "Window")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
WINDOW_FIRST_DAY = 15
WINDOW_LAST_DAY = 20
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # the time zone of every quarter, window and moment shown


def quarter_of(moment: datetime, tz: ZoneInfo) -> str:
    """'2024-Q2' for the quarter in which `moment` falls, read in the given time zone."""
    local = moment.astimezone(tz)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def split_quarter(quarter: str) -> tuple[int, int]:
    match = _QUARTER.match(quarter)
    if not match:
        raise ValueError(f"not a quarter: {quarter!r}")
    return int(match.group(1)), int(match.group(2))


def deadline(quarter: str, tz: ZoneInfo) -> datetime:
    """The last instant of the window: the 20th of the quarter's last month, 23:59:59 local time."""
    year, q = split_quarter(quarter)
    last_day = datetime(year, q * 3, WINDOW_LAST_DAY, tzinfo=tz)
    return last_day + timedelta(days=1) - timedelta(microseconds=1)


def window_opens(quarter: str, tz: ZoneInfo) -> datetime:
    year, q = split_quarter(quarter)
    return datetime(year, q * 3, WINDOW_FIRST_DAY, tzinfo=tz)


def is_late(received_at: datetime, quarter: str, tz: ZoneInfo) -> bool:
    """True when the server received the mail after the quarter's window closed."""
    return received_at > deadline(quarter, tz)
