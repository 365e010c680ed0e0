"""The intake log as one query for `dhtt log` and the web's log page: filters, search and keyset paging
that stay fast at 100,000 mails.

Pages are cut by (received_at, id) rather than OFFSET, so page 2,000 costs what page 1 does:
one range scan of the index ix_message_received_at_id (store.models.Message).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from parsers.vntext import fold
from store.models import Message, Nominee, Reply, Submission
from store.queries import reason_codes, references_of


@dataclass(frozen=True)
class LogFilter:
    quarter: str = ""
    unit: str = ""
    outcome: str = ""
    reason: str = ""
    search: str = ""


@dataclass
class LogRow:
    message: Message
    reference: str | None
    reply: Reply | None
    reasons: list[str] = field(default_factory=list)


@dataclass
class LogPage:
    rows: list[LogRow]
    total: int
    newer: str | None  # cursor of the page before (newer mail), None on the first page
    older: str | None  # cursor of the page after (older mail), None on the last page


def encode_cursor(message: Message) -> str:
    return f"{message.received_at.isoformat()}_{message.id}"


MAX_CURSOR = 64  # an ISO timestamp with offset, "_" and a 32-bit id fit well within this
MAX_ROW_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """The (received_at, id) a cursor names, or None when it is not one this page wrote: too long,
    malformed, a naive or far-off time (one the database or a time-zone shift would overflow on),
    an id outside the id column's range."""
    if len(cursor) > MAX_CURSOR:
        return None
    stamp, _, ident = cursor.rpartition("_")
    try:
        moment, pk = datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        return None
    if moment.tzinfo is None or not 1900 <= moment.year <= 9000 or not 1 <= pk <= MAX_ROW_ID:
        return None
    return moment, pk


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(text: str) -> ColumnElement[bool]:
    """Sender address, a reference number, or the (diacritics-folded) name of an exemplar."""
    pattern = _like(text.strip().lower())
    by_name = select(Nominee.message_pk).where(col(Nominee.name_key).like(_like(fold(text)), escape="\\"))
    by_ref = select(Submission.id).where(func.lower(Submission.reference).like(pattern, escape="\\"))
    return or_(col(Message.sender).like(pattern, escape="\\"), col(Message.id).in_(by_name),
               col(Message.submission_id).in_(by_ref))


def conditions(flt: LogFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if flt.quarter:
        found.append(col(Message.quarter) == flt.quarter)
    if flt.unit:
        found.append(col(Message.unit_code) == flt.unit)
    if flt.outcome == "received":
        found.append(col(Message.outcome).is_(None))
    elif flt.outcome:
        found.append(col(Message.outcome) == flt.outcome)
    if flt.reason:
        # Reasons are a JSON list in one column; the code is matched as the exact JSON it is written as.
        found.append(col(Message.reasons).like(_like(json.dumps({"code": flt.reason})[1:-1]), escape="\\"))
    if flt.search.strip():
        found.append(_search(flt.search))
    return found


def _page(db: Session, where: list[ColumnElement[bool]], size: int, newer_than: tuple[datetime, int] | None,
          older_than: tuple[datetime, int] | None) -> tuple[list[Message], bool]:
    received, ident = col(Message.received_at), col(Message.id)
    query = select(Message).where(*where)
    if newer_than:
        stamp, pk = newer_than
        query = query.where(or_(received > stamp, and_(received == stamp, ident > pk)))
        query = query.order_by(received.asc(), ident.asc())
    else:
        if older_than:
            stamp, pk = older_than
            query = query.where(or_(received < stamp, and_(received == stamp, ident < pk)))
        query = query.order_by(received.desc(), ident.desc())
    found = list(db.exec(query.limit(size + 1)))
    more = len(found) > size
    found = found[:size]
    return (found[::-1] if newer_than else found), more


def log_page(db: Session, flt: LogFilter, size: int, after: str = "", before: str = "") -> LogPage:
    """One page of the log, newest first; `after`/`before` are cursors from an earlier page."""
    where = conditions(flt)
    newer_than = decode_cursor(before) if before else None
    older_than = decode_cursor(after) if after and not newer_than else None
    messages, more = _page(db, where, size, newer_than, older_than)
    total = db.exec(select(func.count()).select_from(Message).where(*where)).one()
    refs = references_of(db, (m.submission_id for m in messages))
    replies: dict[int | None, Reply] = {}  # the newest reply of each mail
    if messages:
        for reply in db.exec(select(Reply).where(col(Reply.message_pk).in_([m.id for m in messages]))
                             .order_by(col(Reply.id))):
            replies[reply.message_pk] = reply
    rows = [LogRow(m, refs.get(m.submission_id or -1), replies.get(m.id),
                   reason_codes(m.reasons)) for m in messages]
    at_start = newer_than is None and older_than is None
    newer = None if at_start or (newer_than and not more) or not rows else encode_cursor(rows[0].message)
    older = encode_cursor(rows[-1].message) if rows and (more or newer_than) else None
    return LogPage(rows=rows, total=total, newer=newer, older=older)


def known_quarters(db: Session) -> list[str]:
    return sorted((q for q in db.exec(select(Message.quarter).distinct()) if q), reverse=True)
