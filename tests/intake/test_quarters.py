"""The window and the quarter, read in Vietnam time whatever zone a time is given in."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain.quarters import deadline, is_late, quarter_of

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("moment", "quarter"), [
    (datetime(2024, 3, 31, 17, 30, tzinfo=timezone.utc), "2024-Q2"),  # 00:30 on 1 April in Vietnam
    (datetime(2024, 3, 31, 16, 59, tzinfo=timezone.utc), "2024-Q1"),
    (datetime(2024, 12, 31, 23, 0, tzinfo=VN), "2024-Q4"),
    (datetime(2025, 1, 1, 0, 0, tzinfo=VN), "2025-Q1"),
])
def test_quarter_of_receipt_time(moment: datetime, quarter: str) -> None:
    assert quarter_of(moment, VN) == quarter


def test_window_closes_at_the_end_of_the_20th_vietnam_time() -> None:
    last = datetime(2024, 6, 20, 23, 59, 59, tzinfo=VN)
    assert deadline("2024-Q2", VN) >= last
    assert not is_late(last, "2024-Q2", VN)
    assert is_late(last + timedelta(seconds=1), "2024-Q2", VN)


def test_a_mail_dated_elsewhere_is_judged_in_vietnam_time() -> None:
    # 17:35 UTC on the 20th is 00:35 on the 21st in Vietnam: late.
    assert is_late(datetime(2024, 12, 20, 17, 35, tzinfo=timezone.utc), "2024-Q4", VN)
    assert not is_late(datetime(2024, 12, 20, 16, 59, tzinfo=timezone.utc), "2024-Q4", VN)


def test_early_mail_is_not_late() -> None:
    assert not is_late(datetime(2025, 2, 10, 9, 0, tzinfo=VN), "2025-Q1", VN)
