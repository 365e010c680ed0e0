"""Reading under a budget: hostile headers, documents and mails get a recorded outcome on the first
pass and the next mail goes on at once; threads reuse what was read; files past the limit are never
written."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from domain.mail import RawMessage
from intake.worker import Worker
from store.db import session
from store.models import Attachment, Message, Nominee
from tests.hostiledocs import SCHOOL, encoded_words, mail, many_attachments, raw_with_subject, ruled_pdf
from tests.integration.helpers import make_settings, make_worker
from tests.mailgen import nomination_mail
from tests.parsers.docbuild import form_table, new, to_bytes
from tests.servers import SmtpSink

WHEN = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)
# Twenty pages just under the table finder's cut-off: a few seconds of honest work, more than the
# small budgets below allow.
SLOW_PDF = ruled_pdf(20, 13.3)


class _NoImap:
    host, port, user, password = "127.0.0.1", 1, "none", "none"


@pytest.fixture
def build(tmp_path: Path, smtp_sink: SmtpSink) -> Iterator[Callable[..., Worker]]:
    """Workers on one SQLite store, with real reader processes; closed (readers stopped) afterwards."""
    made: list[Worker] = []

    def make(**intake: object) -> Worker:
        worker = make_worker(make_settings(_NoImap(), smtp_sink, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path,
                                           **intake))
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.close()


def _raw(data: bytes) -> RawMessage:
    return RawMessage(data=data, received_at=WHEN, origin="import")


def _normal(index: int) -> tuple[bytes, str]:
    """A complete nomination mail and its Message-ID."""
    data = nomination_mail(index, SCHOOL, "Trường THPT chuyên Lương Văn Tụy", WHEN, random.Random(index))
    return data, str(message_from_bytes(data, policy=policy.compat32)["Message-ID"])


def _row(worker: Worker, message_id: str) -> Message:
    with session(worker.engine) as db:
        row = db.exec(select(Message).where(Message.rfc_message_id == message_id)).first()
    assert row is not None, message_id
    return row


def test_a_30_mb_encoded_word_subject_is_recorded_at_once_and_the_next_mail_goes_on(build) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a Subject of 30 MB of RFC 2047 words, then a normal nomination
    THEN the first is recorded in about a second, both are decided, the second accepted, within seconds."""
    worker = build()
    normal, normal_id = _normal(1)
    huge = raw_with_subject("<huge@attacker.example>", encoded_words(30_000_000))
    started = time.monotonic()
    row = worker.ingest(_raw(huge))
    assert time.monotonic() - started < 3
    assert row.subject.startswith("Phiếu đề xuất gương điển hình") and row.sender == SCHOOL
    worker.ingest(_raw(normal))
    worker.process_pending()
    assert time.monotonic() - started < 30
    assert _row(worker, "<huge@attacker.example>").outcome is not None
    assert _row(worker, normal_id).outcome == "accepted"


def test_a_document_over_its_budget_is_unreadable_on_the_first_pass(build) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a per-document budget of 0.5 s and a PDF that takes seconds to read, then a normal mail
    THEN the PDF is an unreadable attachment explained in Vietnamese, at the first pass; the next is accepted."""
    worker = build(document_seconds=0.5)
    normal, normal_id = _normal(2)
    slow = mail("<slow-doc@x>", files=[("phieu.pdf", SLOW_PDF)]).as_bytes()
    worker.import_messages([_raw(slow), _raw(normal)])
    row = _row(worker, "<slow-doc@x>")
    assert (row.outcome, row.failures) == ("rejected", 0), row.last_error
    [reason] = [r for r in _reasons(row) if r["code"] == "unreadable_attachment"]
    assert reason["where"] == "phieu.pdf" and "thời gian cho phép (0,5 giây)" in reason["detail"]
    assert _row(worker, normal_id).outcome == "accepted"


def test_a_mail_that_overruns_its_reader_is_quarantined_on_the_first_pass(build) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a per-mail budget of 1 s (no per-document one) and a mail whose PDF takes longer
    THEN its reader is killed, the mail quarantined at once with a reason staff read, and the next accepted."""
    worker = build(mail_seconds=1, document_seconds=0)
    normal, normal_id = _normal(3)
    slow = mail("<slow-mail@x>", files=[("phieu.pdf", SLOW_PDF)]).as_bytes()
    started = time.monotonic()
    worker.import_messages([_raw(slow), _raw(normal)])
    row = _row(worker, "<slow-mail@x>")
    assert (row.outcome, row.failures) == ("quarantined", 1)
    [reason] = _reasons(row)
    assert reason["code"] == "unreadable_attachment" and "vượt quá thời gian cho phép (1 giây)" in reason["detail"]
    assert _row(worker, normal_id).outcome == "accepted"
    assert time.monotonic() - started < 60


def test_ten_thousand_tiny_attachments_are_refused_without_writing_them(build, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                       smtp_sink: SmtpSink) -> None:  # type: ignore[no-untyped-def]
    worker = build()
    worker.import_messages([_raw(many_attachments("<many@x>", 10_000))])
    row = _row(worker, "<many@x>")
    assert row.outcome == "rejected"
    assert [r["code"] for r in _reasons(row)] == ["attachment_too_large"]
    limit = worker.settings.intake.max_attachments
    files = [p for p in (tmp_path / "storage").rglob("*") if p.is_file() and "raw" not in p.parts]
    assert len(files) <= limit
    with session(worker.engine) as db:
        assert db.exec(select(func.count()).select_from(Attachment)).one() <= limit
    assert "10000 tệp đính kèm trong một thư" in _text(smtp_sink.messages[-1].data)


def _form(name: str) -> bytes:
    document = new()
    form_table(document, [("Họ và tên", name), ("Chức vụ", "Giáo viên"),
                          ("Đơn vị công tác", "Trường THPT chuyên Lương Văn Tụy"),
                          ("Tóm tắt thành tích nổi bật", "Giải Nhất giáo viên dạy giỏi cấp tỉnh.")])
    return to_bytes(document)


def _first_then_answer(worker: Worker, sink: SmtpSink, forget: Callable[[Message], None]) -> tuple[Message, Message]:
    """A nomination rejected for want of evidence; `forget` then alters what is kept of it; then the
    unit answers our rejection with a photo. Returns the earlier mail and the answer, as recorded."""
    first = mail("<first@x>", subject="Phiếu đăng ký", files=[("phieu.docx", _form("Lê Thị Mai"))])
    worker.import_messages([_raw(first.as_bytes())])
    earlier = _row(worker, "<first@x>")
    assert earlier.outcome == "rejected" and earlier.analysis
    forget(earlier)
    ours = message_from_bytes(sink.messages[-1].data, policy=policy.default)
    answer = mail("<answer@x>", subject=f"Re: {ours['Subject']}", files=[("anh.jpg", b"\xff\xd8\xff" + b"0" * 500)])
    answer["In-Reply-To"] = ours["Message-ID"]
    worker.import_messages([_raw(answer.as_bytes())])
    row = _row(worker, "<answer@x>")
    assert row.outcome == "accepted", (row.reasons, row.last_error)
    assert row.submission_id == earlier.submission_id
    with session(worker.engine) as db:
        names = db.exec(select(Nominee.name).where(Nominee.message_pk == row.id, col(Nominee.active))).all()
    assert names == ["Lê Thị Mai"]
    return _row(worker, "<first@x>"), row


def test_a_reply_uses_what_was_read_from_the_earlier_mail_not_its_spool(build, smtp_sink: SmtpSink) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a nomination rejected for want of evidence, whose spooled mail is then gone
    WHEN the unit answers our rejection with a photo THEN the submission is accepted with the first mail's
    exemplar: the earlier mail was not read again."""
    _first_then_answer(build(), smtp_sink, lambda earlier: Path(earlier.spool_path).unlink())


def test_an_earlier_mail_recorded_before_analyses_were_kept_is_read_again_once(build, smtp_sink: SmtpSink) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the earlier mail of a thread stored without its analysis (recorded before migration 0005)
    THEN the reply is still decided with it (read again in the reader), and its analysis is now kept."""
    worker = build()

    def forget(earlier: Message) -> None:
        with session(worker.engine) as db:
            row = db.get(Message, earlier.id)
            assert row is not None
            row.analysis = None
            db.add(row)
            db.commit()

    earlier, _ = _first_then_answer(worker, smtp_sink, forget)
    assert earlier.analysis and "Lê Thị Mai" in earlier.analysis


def _reasons(row: Message) -> list[dict[str, str]]:
    import json
    return json.loads(row.reasons)


def _text(raw: bytes) -> str:
    body = message_from_bytes(raw, policy=policy.default).get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]
