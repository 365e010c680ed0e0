"""Staff corrections through the real store and SMTP sink: each decides the mail once, answers once."""

from __future__ import annotations

import email
import email.policy

import pytest
from sqlmodel import select

from domain.mail import RawMessage
from intake.admin import NotAllowed, attach_unit, correct_field, release
from intake.received import receipt_time
from store.db import session
from store.models import Event, Message, Nominee
from tests.integration.helpers import make_settings, make_worker


class _NoImap:
    host, port, user, password = "127.0.0.1", 1, "none", "none"


@pytest.fixture
def worker(corpus_dir, smtp_sink, database_url, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN the unknown-sender case (024) and the zip-bomb case (028) recorded and decided."""
    worker = make_worker(make_settings(_NoImap(), smtp_sink, database_url, tmp_path))
    files = [next((corpus_dir / "emails").glob(f"{case}-*.eml")) for case in ("024", "028")]
    worker.import_messages([RawMessage(data=p.read_bytes(), received_at=receipt_time(p.read_bytes(), None),  # type: ignore[arg-type]
                                       origin="import") for p in files])
    return worker


def _by_outcome(worker, outcome: str) -> Message:  # type: ignore[no-untyped-def]
    with session(worker.engine) as db:
        return db.exec(select(Message).where(Message.outcome == outcome)).one()


def _kinds(sink) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(email.message_from_bytes(m.data, policy=email.policy.default)["Message-ID"]).split(".")[0]
            for m in sink.messages]


def test_attaching_an_unknown_sender_decides_and_answers_once(worker, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    waiting = _by_outcome(worker, "needs_review")
    assert _kinds(smtp_sink) == ["<pending"]
    decision = attach_unit(worker, waiting.id, "THPT-YKB", actor="vanthu")
    assert (decision.outcome, decision.unit_code) == ("accepted", "THPT-YKB")
    assert _kinds(smtp_sink) == ["<pending", "<ack"]
    with pytest.raises(NotAllowed):  # decided now: a second attach is refused, nothing sent
        attach_unit(worker, waiting.id, "THPT-YKB", actor="vanthu")
    assert len(smtp_sink.messages) == 2
    with session(worker.engine) as db:
        events = db.exec(select(Event).where(Event.kind == "unit_attached")).all()
    assert len(events) == 1 and '"actor": "vanthu"' in events[0].detail


def test_releasing_a_quarantined_mail_never_unpacks_it(worker, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    held = _by_outcome(worker, "quarantined")
    assert _kinds(smtp_sink) == ["<pending"]  # the other mail's; nothing for the quarantined one
    decision = release(worker, held.id, actor="admin")
    assert decision.outcome == "accepted"
    assert _kinds(smtp_sink) == ["<pending", "<ack"]
    stored = [p for p in (worker.spool.root / "files").rglob("*") if p.is_file()]
    assert stored and all(p.stat().st_size <= held.size for p in stored)  # the archive kept whole


def test_a_corrected_field_keeps_the_old_value_in_the_history(worker) -> None:  # type: ignore[no-untyped-def]
    with session(worker.engine) as db:
        nominee = db.exec(select(Nominee)).first()
    assert nominee is not None
    correct_field(worker, nominee.id, "position", "Tổ trưởng chuyên môn", actor="vanthu")
    with session(worker.engine) as db:
        assert db.get(Nominee, nominee.id).position == "Tổ trưởng chuyên môn"  # type: ignore[union-attr]
        event = db.exec(select(Event).where(Event.kind == "field_corrected")).one()
    assert nominee.position in event.detail if nominee.position else True
    with pytest.raises(NotAllowed):
        correct_field(worker, nominee.id, "school_level", "đại học", actor="vanthu")
