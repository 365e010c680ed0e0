"""The mailbox edge against a real Dovecot: UIDVALIDITY changes, outages and alerts, reconcile."""

from __future__ import annotations

import email
import email.policy
import random
import subprocess
import threading
import time
from datetime import UTC, datetime

from sqlmodel import select

from intake.reconcile import reconcile_mailbox
from intake.runner import run_forever
from store.db import session
from store.models import Message
from tests.integration.helpers import make_settings, make_worker, wait_until
from tests.mailgen import nomination_mail

SCHOOL, NAME = "c3chuyenlvt@ninhbinh.edu.vn", "Trường THPT chuyên Lương Văn Tụy"


def _mail(n: int) -> bytes:
    return nomination_mail(n, SCHOOL, NAME, datetime(2024, 6, 17, 2, 0, tzinfo=UTC), random.Random(n))


def _answered(sink) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(str(email.message_from_bytes(m.data, policy=email.policy.default)["In-Reply-To"])
                  for m in sink.messages if b"Auto-Submitted: auto-replied" in m.data)


def _ids(*mails: bytes) -> list[str]:
    return sorted(str(email.message_from_bytes(m)["Message-ID"]) for m in mails)


def test_uidvalidity_change_neither_loses_nor_repeats_mail(dovecot, imap_account, smtp_sink, tmp_path,  # type: ignore[no-untyped-def]
                                                           monkeypatch):
    """GIVEN mail read from a folder that is then re-created (new UIDVALIDITY, UIDs from 1 again)
    THEN mail already answered is not answered again, and new mail with reused UIDs is not skipped."""
    monkeypatch.setenv("DHTT_TEST_IMAP_PASSWORD", imap_account.password)
    settings = make_settings(imap_account, smtp_sink, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    settings.imap.inbox = "Nop"
    worker = make_worker(settings)
    first, second, recorded_only, late = _mail(1), _mail(2), _mail(3), _mail(4)
    for data in (first, second):
        dovecot.append(imap_account.user, imap_account.password, "Nop", data)
    assert worker.run_once() == 2
    # A third mail is recorded (its bytes on disk) but the worker stops before deciding it.
    dovecot.append(imap_account.user, imap_account.password, "Nop", recorded_only)
    with worker.open_mailbox() as mailbox:
        old_validity = mailbox.uidvalidity
        for raw in mailbox.fetch(mailbox.uids_after(2)):
            worker.ingest(raw)
    # The folder is re-created: the server still holds the third mail, now with UID 1; a new one arrives.
    dovecot.delete_folder(imap_account.user, imap_account.password, "Nop")
    dovecot.append(imap_account.user, imap_account.password, "Nop", recorded_only)
    dovecot.append(imap_account.user, imap_account.password, "Nop", late)
    with worker.open_mailbox() as mailbox:
        assert mailbox.uidvalidity != old_validity
    worker.run_once()
    with session(worker.engine) as db:
        rows = db.exec(select(Message)).all()
    assert sorted(r.rfc_message_id for r in rows) == _ids(first, second, recorded_only, late)
    assert _answered(smtp_sink) == _ids(first, second, recorded_only, late)


def test_outage_sends_one_alert_and_one_recovery_then_mail_flows(dovecot, imap_account, smtp_sink, tmp_path,  # type: ignore[no-untyped-def]
                                                                 monkeypatch):
    """GIVEN the worker serving the mailbox WHEN the IMAP server goes away and comes back
    THEN administrators get one 'unreachable' mail and one 'recovered' mail, and new mail is answered."""
    monkeypatch.setenv("DHTT_TEST_IMAP_PASSWORD", imap_account.password)
    settings = make_settings(imap_account, smtp_sink, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path,
                             admins=["quantri@ninhbinh.edu.vn"], alert_after_minutes=0.02, poll_seconds=5)
    worker = make_worker(settings)
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(worker, stop), daemon=True)
    thread.start()
    alerts = lambda kind: [m for m in smtp_sink.messages if m.data.find(f"<{kind}.".encode()) >= 0]  # noqa: E731
    try:
        time.sleep(1.0)
        # Dovecot leaves running sessions behind when its master stops; an outage drops them too.
        # Only this server's: a pkill by name would end every other Dovecot session on the machine.
        sessions = subprocess.run(["pgrep", "-P", str(dovecot.pid), "-f", "dovecot/imap"],
                                  capture_output=True, text=True).stdout.split()
        dovecot.stop()
        subprocess.run(["kill", "-TERM", *sessions], check=False, capture_output=True)
        assert wait_until(lambda: len(alerts("alert_down")) == 1, 20), "no outage alert"
        dovecot.start()
        assert wait_until(lambda: len(alerts("alert_up")) == 1, 20), "no recovery alert"
        data = _mail(9)
        dovecot.append(imap_account.user, imap_account.password, "INBOX", data)
        assert wait_until(lambda: _answered(smtp_sink) == _ids(data), 15), "mail after recovery not answered"
        assert len(alerts("alert_down")) == 1 and len(alerts("alert_up")) == 1
        assert all(m.rcpt_tos == ["quantri@ninhbinh.edu.vn"] for m in alerts("alert_down") + alerts("alert_up"))
    finally:
        stop.set()
        thread.join(timeout=30)
        if not dovecot.running:
            dovecot.start()


def test_reconcile_lists_mail_not_recorded(dovecot, imap_account, smtp_sink, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DHTT_TEST_IMAP_PASSWORD", imap_account.password)
    worker = make_worker(make_settings(imap_account, smtp_sink, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path))
    dovecot.append(imap_account.user, imap_account.password, "INBOX", _mail(1))
    worker.run_once()
    assert reconcile_mailbox(worker).complete
    dovecot.append(imap_account.user, imap_account.password, "INBOX", _mail(2))
    report = reconcile_mailbox(worker)
    assert not report.complete and report.checked == 2
    assert [m.sender for m in report.missing] == [SCHOOL]
