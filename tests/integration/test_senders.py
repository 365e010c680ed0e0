"""Forged senders and answering robots through the real path: Dovecot → worker → database → SMTP sink."""

from __future__ import annotations

import email
import email.policy
import json
import random
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from domain.mail import RawMessage
from store.db import session
from store.models import Message
from tests.integration.helpers import make_settings, make_worker
from tests.mailgen import nomination_mail, restamp

WHEN = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)
SCHOOL = "c3chuyenlvt@ninhbinh.edu.vn"
OTHER = "c3kimsonb@ninhbinh.edu.vn"
FAILED = ("Authentication-Results: mx.moet.edu.vn; spf=pass smtp.mailfrom=noreply@attacker.example; "
          "dkim=none; dmarc=fail (p=QUARANTINE) header.from=ninhbinh.edu.vn")
PASSED = "Authentication-Results: mx.moet.edu.vn; spf=pass smtp.mailfrom=ninhbinh.edu.vn; dmarc=pass header.from=ninhbinh.edu.vn"


def _mail(sender: str, index: int, school: str, above: list[str]) -> bytes:
    return restamp(nomination_mail(index, sender, school, WHEN, random.Random(index)), above=above)


def _message_id(data: bytes) -> str:
    return str(email.message_from_bytes(data)["Message-ID"])


def test_a_forged_unit_gets_no_reply_and_the_next_unit_mail_is_answered(  # type: ignore[no-untyped-def]
        dovecot, imap_account, smtp_sink, tmp_path: Path, monkeypatch) -> None:
    """GIVEN a mail "from" a registered school that our server found failing DMARC, one whose From
    hides another address behind the school's, then a school's real mail WHEN the worker reads the
    mailbox THEN the first two wait for staff, unanswered, with a reason they can read, and the real
    one is acknowledged."""
    monkeypatch.setenv("DHTT_TEST_IMAP_PASSWORD", imap_account.password)
    forged = _mail(SCHOOL, 1, "Trường THPT chuyên Lương Văn Tụy", [FAILED])
    smuggled = restamp(_mail(SCHOOL, 3, "Trường THPT chuyên Lương Văn Tụy", [PASSED]),
                       from_header=f"{SCHOOL} <evil@attacker.example>")
    real = _mail(OTHER, 2, "Trường THPT Kim Sơn B", [PASSED])
    for data in (forged, smuggled, real):
        dovecot.append(imap_account.user, imap_account.password, "INBOX", data, WHEN)
    worker = make_worker(make_settings(imap_account, smtp_sink, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path))
    assert worker.run_once() == 3
    [reply] = [email.message_from_bytes(m.data, policy=email.policy.default) for m in smtp_sink.messages]
    assert str(reply["In-Reply-To"]) == _message_id(real) and str(reply["To"]) == OTHER
    with session(worker.engine) as db:
        row = db.exec(select(Message).where(Message.rfc_message_id == _message_id(forged))).one()
    assert (row.outcome, row.unit_code, row.reply_kind) == ("needs_review", None, "none")
    [reason] = [r for r in json.loads(row.reasons or "[]") if r["code"] == "unknown_sender"]
    assert "KHÔNG ĐẠT" in reason["detail"] and row.auth_results and "dmarc=fail" in row.auth_results
    with session(worker.engine) as db:
        row = db.exec(select(Message).where(Message.rfc_message_id == _message_id(smuggled))).one()
    assert (row.outcome, row.unit_code, row.reply_kind, row.sender) == ("needs_review", None, "none", "")


def test_a_robot_quoting_our_reference_without_threading_headers_is_capped(tmp_path: Path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a robot answering each of our replies with "Re: [DHTT-…] …" and no In-Reply-To/References
    WHEN it sends 11 such mails THEN it gets at most the hourly cap of replies, counted from the outbox."""

    class _NoImap:
        host, port, user, password = "127.0.0.1", 1, "none", "none"

    settings = make_settings(_NoImap(), smtp_sink, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path,
                             reader_processes=0)
    worker = make_worker(settings)
    worker.import_messages([RawMessage(data=_mail(SCHOOL, 0, "Trường THPT chuyên Lương Văn Tụy", []),
                                       received_at=WHEN, origin="import")])
    assert len(smtp_sink.messages) == 1
    for n in range(1, 12):
        ours = email.message_from_bytes(smtp_sink.messages[-1].data, policy=email.policy.default)
        answer = restamp(_mail(SCHOOL, n, "Trường THPT chuyên Lương Văn Tụy", []), subject=f"Re: {ours['Subject']}")
        assert b"In-Reply-To" not in answer and b"References" not in answer
        worker.import_messages([RawMessage(data=answer, received_at=WHEN, origin="import")])
    # every reply to the address counts, the first acknowledgement included
    assert len(smtp_sink.messages) == settings.intake.max_replies_per_hour
