"""Every moment the store keeps comes back aware and in UTC, on SQLite as on PostgreSQL, so no reader
has to guess whether a value from the database is naive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col, select

from store.db import open_database, session
from store.models import Event
from store.types import UTCDateTime

HANOI = timezone(timedelta(hours=7))


def test_every_datetime_column_is_utc() -> None:
    """A datetime column added without the UTC type would hand naive values back on SQLite."""
    columns = [c for t in SQLModel.metadata.tables.values() for c in t.columns
               if isinstance(getattr(c.type, "impl", c.type), sa.DateTime)]
    assert {"message.received_at", "webuser.created_at"} <= {str(c) for c in columns}
    assert [str(c) for c in columns if not isinstance(c.type, UTCDateTime)] == []


def test_a_moment_comes_back_aware_in_utc(database_url: str) -> None:
    """GIVEN a moment written in Vietnam time WHEN read back THEN it is the same instant, aware, in UTC;
    and a range given in Vietnam time finds it."""
    engine = open_database(database_url)
    written = datetime(2024, 6, 17, 9, 30, tzinfo=HANOI)
    with session(engine) as db:
        db.add(Event(at=written, kind="recorded"))
    with session(engine) as db:
        event = db.exec(select(Event)).one()
        found = db.exec(select(Event).where(col(Event.at) >= datetime(2024, 6, 17, 9, 0, tzinfo=HANOI),
                                            col(Event.at) < datetime(2024, 6, 17, 3, 0, tzinfo=UTC))).all()
    assert event.at == written and event.at.tzinfo == UTC and event.at.hour == 2
    assert len(found) == 1


def test_a_naive_moment_is_refused(database_url: str) -> None:
    engine = open_database(database_url)
    with pytest.raises(sa.exc.StatementError), session(engine) as db:
        db.add(Event(at=datetime(2024, 6, 17, 9, 30), kind="recorded"))
        db.flush()
