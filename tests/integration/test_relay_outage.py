"""Replies are sent as each mail is decided; a relay that is down leaves them queued, never lost."""

from __future__ import annotations

import email

import pytest
from sqlmodel import select

from store.db import session
from store.models import Event, Message, Reply
from tests.integration.helpers import make_settings, make_worker, seed_nominations
from tests.servers import SmtpSink

MAILS = 6


@pytest.fixture
def worker_env(dovecot, imap_account, database_url, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DHTT_TEST_IMAP_PASSWORD", imap_account.password)
    ids = seed_nominations(dovecot, imap_account, MAILS, seed=5)
    sink = SmtpSink()  # its port is chosen, but nothing listens on it until started
    worker = make_worker(make_settings(imap_account, sink, database_url, tmp_path))
    yield worker, sink, ids
    worker.close()
    sink.stop()


def _replies(worker):  # type: ignore[no-untyped-def]
    with session(worker.engine) as db:
        return db.exec(select(Reply).order_by(Reply.id)).all()


def test_relay_down_leaves_every_reply_queued_then_sends_each_once(worker_env):  # type: ignore[no-untyped-def]
    """GIVEN six nominations and no SMTP relay WHEN the worker reads the mailbox
    THEN every mail is decided and moved, every reply waits in the outbox ('queued', with the
    error), none is left 'sending'; WHEN the relay is back THEN the next flush sends each once."""
    worker, sink, ids = worker_env
    assert worker.run_once() == MAILS

    with session(worker.engine) as db:
        assert {m.status for m in db.exec(select(Message)).all()} == {"done"}
        tried = db.exec(select(Event).where(Event.kind == "reply_queued")).all()
    replies = _replies(worker)
    assert len(replies) == MAILS and {r.status for r in replies} == {"queued"}
    assert len(tried) == 1  # the first reply met the outage; the others were not tried in that run
    assert [r.last_error is not None for r in replies] == [True] + [False] * (MAILS - 1)

    sink.start()
    assert worker.flush() == MAILS
    assert {r.status for r in _replies(worker)} == {"sent"}
    answered = [str(email.message_from_bytes(m.data)["In-Reply-To"]) for m in sink.messages]
    assert sorted(answered) == sorted(ids)
    assert worker.flush() == 0  # nothing twice


def test_replies_go_out_as_mail_is_decided(worker_env):  # type: ignore[no-untyped-def]
    """GIVEN a running relay WHEN the worker reads the mailbox THEN each reply is sent, by the
    run itself, once; the outbox is then empty."""
    worker, sink, ids = worker_env
    sink.start()
    assert worker.run_once() == MAILS
    assert {r.status for r in _replies(worker)} == {"sent"}
    assert {r.attempts for r in _replies(worker)} == {1}
    assert sorted(str(email.message_from_bytes(m.data)["In-Reply-To"]) for m in sink.messages) == sorted(ids)
    assert worker.flush() == 0
