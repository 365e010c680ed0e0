"""The receipt time of an imported mail: its newest Received: hop, then Date:, then the file's own time."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from intake.received import receipt_time

FALLBACK = datetime(2030, 1, 1, tzinfo=UTC)


def _mail(*headers: str) -> bytes:
    return ("\r\n".join(headers) + "\r\n\r\nNội dung.\r\n").encode()


def test_newest_received_hop_is_the_receipt_time() -> None:
    data = _mail("Received: from relay.example (relay.example [203.0.113.5]) by mx.moet.edu.vn with ESMTPS "
                 "id 4F1; Mon, 17 Jun 2024 09:12:00 +0700",
                 "Received: from pc by relay.example; Mon, 17 Jun 2024 09:11:30 +0700",
                 "Date: Sun, 16 Jun 2024 20:00:00 +0700", "Subject: x")
    assert receipt_time(data, FALLBACK) == datetime(2024, 6, 17, 2, 12, tzinfo=UTC)


def test_without_received_the_date_header_then_the_fallback() -> None:
    assert receipt_time(_mail("Date: Sun, 16 Jun 2024 20:00:00 +0700"), FALLBACK) == \
        datetime(2024, 6, 16, 13, 0, tzinfo=UTC)
    assert receipt_time(_mail("Subject: no dates"), FALLBACK) == FALLBACK


def test_a_flood_of_received_lines_costs_little() -> None:
    hop = "Received: from x by y; Mon, 17 Jun 2024 09:12:00 +0700"
    data = _mail(*([hop] * 5000), "Received: " + "a" * 3_000_000)
    start = time.monotonic()
    assert receipt_time(data, FALLBACK) == datetime(2024, 6, 17, 2, 12, tzinfo=UTC)
    assert time.monotonic() - start < 2
