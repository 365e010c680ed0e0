"""Receipt time of an imported mail: the newest Received: header, as the server saw it."""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
from datetime import datetime


def _received_dates(data: bytes) -> list[datetime]:
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)
    found = []
    for value in headers.get_all("received", []):
        stamp = str(value).rpartition(";")[2].strip()
        try:
            moment = email.utils.parsedate_to_datetime(stamp)
        except (TypeError, ValueError, IndexError):
            continue
        if moment.tzinfo is not None:
            found.append(moment)
    return found


def receipt_time(data: bytes, fallback: datetime) -> datetime:
    """The newest Received: time, else the Date: header, else `fallback`."""
    dates = _received_dates(data)
    if dates:
        return max(dates)
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)
    try:
        moment = email.utils.parsedate_to_datetime(str(headers.get("date", "")))
    except (TypeError, ValueError, IndexError):
        return fallback
    return moment if moment.tzinfo else fallback
