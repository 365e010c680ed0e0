"""Recording is idempotent: the same delivery twice is one row; a UIDVALIDITY change is no new mail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from domain.mail import RawMessage
from store import records
from store.db import open_database, session
from store.models import Message

WHEN = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)


def _raw(uid: int, validity: int = 7, data: bytes = b"Subject: x\r\n\r\nbody", origin: str = "imap") -> RawMessage:
    return RawMessage(data=data, received_at=WHEN, uid=uid if origin == "imap" else None,
                      uidvalidity=validity if origin == "imap" else None,
                      folder="INBOX" if origin == "imap" else None, origin=origin)


def _record(engine, raw: RawMessage) -> tuple[Message, bool]:  # type: ignore[no-untyped-def]
    with session(engine) as db:
        return records.record_message(db, raw, "a" * 64 if b"body" in raw.data else "b" * 64, "/x",
                                      ("<m@x>", "a@b.vn", "x"))


def _count(engine) -> int:  # type: ignore[no-untyped-def]
    with session(engine) as db:
        return len(db.exec(select(Message)).all())


def test_same_uid_twice_is_one_row(database_url: str) -> None:
    engine = open_database(database_url)
    first, created = _record(engine, _raw(1))
    again, created_again = _record(engine, _raw(1))
    assert created and not created_again
    assert first.id == again.id and _count(engine) == 1


def test_second_delivery_with_its_own_uid_is_a_new_row(database_url: str) -> None:
    engine = open_database(database_url)
    _record(engine, _raw(1))
    _record(engine, _raw(2, data=b"Subject: x\r\n\r\nbody2"))
    assert _count(engine) == 2


def test_uidvalidity_change_reassociates_unmoved_mail(database_url: str) -> None:
    engine = open_database(database_url)
    first, _ = _record(engine, _raw(5, validity=7))
    moved, created = _record(engine, _raw(1, validity=8))
    assert not created and moved.id == first.id
    assert (moved.uidvalidity, moved.uid) == (8, 1)
    assert _count(engine) == 1


def test_import_of_the_same_file_twice_is_one_row(database_url: str, tmp_path: Path) -> None:
    engine = open_database(database_url)
    _record(engine, _raw(0, origin="import"))
    _, created = _record(engine, _raw(0, origin="import"))
    assert not created and _count(engine) == 1


def test_reference_numbers_count_per_quarter(database_url: str) -> None:
    engine = open_database(database_url)
    with session(engine) as db:
        refs = [records.next_reference(db, "DHTT", q) for q in ("2024-Q2", "2024-Q2", "2024-Q3")]
    assert refs == ["DHTT-2024Q2-0001", "DHTT-2024Q2-0002", "DHTT-2024Q3-0001"]
