"""Nothing lost, nothing twice: the worker killed with SIGKILL mid-batch, then restarted."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from store.db import open_database, session
from store.models import Message, Reply
from tests.integration.helpers import seed_nominations, write_config

DHTT = str(Path(sys.executable).with_name("dhtt"))
BATCH = 200


def _count(engine, *where) -> int:  # type: ignore[no-untyped-def]
    with session(engine) as db:
        return int(db.exec(select(func.count()).select_from(Message).where(*where)).one())


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 120) -> None:  # type: ignore[type-arg,no-untyped-def]
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "worker exited on its own"
        assert time.monotonic() < deadline, "worker made no progress"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("phase", ["recording", "deciding", "sending"])
def test_sigkill_mid_batch_loses_nothing_and_answers_once(phase, dovecot, imap_account, smtp_sink, database_url,  # type: ignore[no-untyped-def]
                                                          tmp_path):
    """GIVEN 200 nominations WHEN the worker is killed mid-phase and restarted
    THEN each mail is recorded once, decided once and answered by exactly one reply."""
    ids = seed_nominations(dovecot, imap_account, BATCH, seed=7)
    config = write_config(tmp_path / "config.toml", imap_account, smtp_sink, database_url, tmp_path / "storage")
    env = {**os.environ, "DHTT_TEST_IMAP_PASSWORD": imap_account.password}
    engine = open_database(database_url)
    proc = subprocess.Popen([DHTT, "run", "--config", str(config), "--worker-name", "w1"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ready = {
        "recording": lambda: _count(engine) >= 60,
        "deciding": lambda: _count(engine, Message.status != "received") >= 60,
        "sending": lambda: len(smtp_sink.messages) >= 40,
    }[phase]
    _kill_when(proc, ready)
    subprocess.run([DHTT, "run", "--once", "--config", str(config), "--worker-name", "w1"], env=env,
                   check=True, capture_output=True)

    with session(engine) as db:
        rows = db.exec(select(Message)).all()
        resent = db.exec(select(func.count()).select_from(Reply).where(Reply.attempts > 1)).one()
    assert sorted(r.rfc_message_id for r in rows) == sorted(ids)  # every mail, once
    assert {r.outcome for r in rows} == {"accepted"}
    replies = [email.message_from_bytes(m.data, policy=email.policy.default) for m in smtp_sink.messages]
    per_mail = Counter(str(r["In-Reply-To"]) for r in replies)
    assert set(per_mail) == ids  # every mail answered
    distinct = {(str(r["In-Reply-To"]), str(r["Message-ID"])) for r in replies}
    assert len(distinct) == BATCH  # by one reply each, never two different ones
    # A reply whose SMTP transaction the kill cut off is resent with the same Message-ID; only
    # such a reply may reach the relay twice.
    assert len(replies) - BATCH <= resent <= 1
    _, inbox = dovecot.folder_uids(imap_account.user, imap_account.password, "INBOX")
    assert inbox == []
