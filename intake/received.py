"""Receipt time of an imported mail: the newest Received: header, as the server saw it."""

from __future__ import annotations

import email.utils
from datetime import datetime

from mailparser.utils import receiveds_parsing

from intake.message import MessageLimits, parse_header_block

MAX_HOPS = 30  # Received: lines looked at, newest first; a mail rarely takes ten
MAX_HOP_CHARS = 2000  # one Received: line; the hop's date is at its end
LIMITS = MessageLimits()


def _received_dates(data: bytes) -> list[datetime]:
    """The servers' receipt times, read from the bounded header block with mail-parser's parser of
    Received: chains (it knows the many shapes servers write them in)."""
    head = parse_header_block(data, LIMITS)
    hops = [" ".join(str(value).split())[-MAX_HOP_CHARS:] for value in head.get_all("received", [])[:MAX_HOPS]]
    found = []
    for hop in receiveds_parsing(hops) if hops else []:
        try:
            moment = datetime.fromisoformat(str(hop.get("date_utc", "")))
        except ValueError:
            continue
        if moment.tzinfo is not None:
            found.append(moment)
    return found


def receipt_time(data: bytes, fallback: datetime) -> datetime:
    """The newest Received: time, else the Date: header, else `fallback`."""
    dates = _received_dates(data)
    if dates:
        return max(dates)
    head = parse_header_block(data, LIMITS)
    try:
        moment = email.utils.parsedate_to_datetime(str(head.get("date", ""))[:200])
    except (TypeError, ValueError, IndexError):
        return fallback
    return moment if moment.tzinfo else fallback
