"""A second delivery of the same mail joins the first one's file: it takes no reference number of its own."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from cli import _read_files
from domain.mail import RawMessage
from scheduler import build_app
from settings import parse_settings
from store.db import session
from store.models import Counter, Message, Submission


def test_duplicate_delivery_uses_no_reference_number(database_url: str, corpus_dir: Path, tmp_path: Path) -> None:
    settings = parse_settings({"smtp": {"host": "127.0.0.1", "port": 9, "security": "none"},
                               "database": {"url": database_url},
                               "intake": {"storage_dir": str(tmp_path / "st"), "reader_processes": 0}}, tmp_path)
    first = _read_files([sorted((corpus_dir / "emails").glob("001-*.eml"))[0]])[0]
    again = RawMessage(data=b"X-Delivered-Again: yes\r\n" + first.data, received_at=first.received_at,
                       origin="import")
    with build_app(settings, "worker").worker as worker:
        worker.import_messages([first, again])
        with session(worker.engine) as db:
            rows = db.exec(select(Message).order_by(Message.id)).all()
            subs = db.exec(select(Submission)).all()
            counters = db.exec(select(Counter)).all()
    assert len(rows) == 2 and rows[0].submission_id == rows[1].submission_id
    assert "duplicate_message" in rows[1].reasons
    assert len(subs) == 1 and [c.value for c in counters] == [1]
