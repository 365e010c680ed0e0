"""IDLE: a mail appended while the worker waits is answered within seconds, not at the next poll."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime

from intake.runner import run_forever
from store.db import session
from store.models import MailboxHealth
from tests.integration.helpers import make_settings, make_worker, wait_until
from tests.mailgen import nomination_mail


def test_mail_arriving_during_idle_is_answered_within_5_seconds(dovecot, imap_account, smtp_sink, database_url,  # type: ignore[no-untyped-def]
                                                                tmp_path, monkeypatch):
    monkeypatch.setenv("DHTT_TEST_IMAP_PASSWORD", imap_account.password)
    settings = make_settings(imap_account, smtp_sink, database_url, tmp_path, poll_seconds=300)
    worker = make_worker(settings)
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(worker, stop), daemon=True)
    thread.start()
    try:
        def idling() -> bool:
            with session(worker.engine) as db:
                row = db.get(MailboxHealth, 1)
                return row is not None and row.mode == "idle"
        assert wait_until(idling, 10), "worker never reached IDLE"
        time.sleep(0.5)
        data = nomination_mail(1, "c3chuyenlvt@ninhbinh.edu.vn", "Trường THPT chuyên Lương Văn Tụy",
                               datetime(2024, 6, 17, 8, 0, tzinfo=UTC), random.Random(1))
        started = time.monotonic()
        dovecot.append(imap_account.user, imap_account.password, "INBOX", data)
        assert wait_until(lambda: len(smtp_sink.messages) == 1, 5.0), "no reply within 5 s"
        print(f"answered in {time.monotonic() - started:.2f} s")
    finally:
        stop.set()
        thread.join(timeout=40)
