"""Odd mail through the real pipeline (SQLite, SMTP sink): each gets its outcome on the first pass,
robots are never answered, and a duplicate is the same Message-ID from the same sender."""

from __future__ import annotations

import base64
import email
import email.policy
import random
import re

from tests.integration.test_hostile import SCHOOL, WHEN, _feed, _worker
from tests.mailgen import nomination_mail, restamp

OTHER_SCHOOL = "c3dinhtienhoang@ninhbinh.edu.vn"
WORDS = " ".join(["=?utf-8?q?Tr=C6=B0=E1=BB=9Dng?="] * 4000)


def _mail(index: int, sender: str = SCHOOL) -> bytes:
    return nomination_mail(index, sender, "Trường THPT chuyên Lương Văn Tụy", WHEN, random.Random(index))


def _with_message_id(data: bytes, message_id: str) -> bytes:
    return re.sub(rb"(?im)^message-id:.*$", f"Message-ID: {message_id}".encode(), data, count=1)


def _replies_to(sink, message_id: str) -> list[email.message.EmailMessage]:  # type: ignore[no-untyped-def]
    replies = [email.message_from_bytes(m.data, policy=email.policy.default) for m in sink.messages]
    return [r for r in replies if str(r["In-Reply-To"]) == message_id]


def _reply_text(reply: email.message.EmailMessage) -> str:
    body = reply.get_body(("plain",))
    return str(body.get_content()) if body is not None else ""  # type: ignore[attr-defined]


def test_missing_boundary_still_reads_the_nomination(tmp_path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    data = re.sub(rb';\s*boundary="[^"]+"', b"", _mail(1), count=1)
    assert b"boundary=" not in data.partition(b"\n\n")[0]
    message = _feed(_worker(tmp_path, smtp_sink), data)
    assert (message.outcome, message.failures) == ("accepted", 0)


def test_a_forward_nested_thousands_deep_spoils_only_itself(tmp_path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    data = _mail(2)
    boundary = re.search(rb'boundary="([^"]+)"', data).group(1)  # type: ignore[union-attr]
    deep = (b"--" + boundary + b"\nContent-Type: message/rfc822\n\n" + b"Content-Type: message/rfc822\n\n" * 3000
            + b"Subject: x\n\nend\n")
    data = data.replace(b"--" + boundary + b"--", deep + b"--" + boundary + b"--")
    message = _feed(_worker(tmp_path, smtp_sink), data)
    assert (message.outcome, message.failures) == ("accepted", 0)  # the school's own form was read


def test_thousands_of_encoded_words_in_address_fields(tmp_path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    """From and To no parser can read: an unknown sender, decided at once, never answered."""
    data = restamp(_mail(3), from_header=f"{WORDS} <{SCHOOL}>", above=[f"To: {'(' * 3000}x@y.vn", f"Cc: {WORDS}"])
    message = _feed(_worker(tmp_path, smtp_sink), data)
    assert (message.outcome, message.failures, message.reply_kind) == ("needs_review", 0, "none")
    assert smtp_sink.messages == []


def test_read_receipt_from_a_registered_unit_is_never_answered(tmp_path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    worker = _worker(tmp_path, smtp_sink)
    receipt = (f"From: Trường <{SCHOOL}>\r\nTo: phongcntt.soninhbinh@moet.edu.vn\r\nSubject: =?utf-8?b?"
               f"{base64.b64encode('Đã đọc: Phiếu đề xuất'.encode()).decode()}?=\r\nMessage-ID: <rr1@x.vn>\r\n"
               "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=disposition-notification; "
               "boundary=\"r\"\r\n\r\n--r\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nĐã đọc.\r\n--r\r\n"
               "Content-Type: message/disposition-notification\r\n\r\nDisposition: manual-action/MDN-sent-"
               "manually; displayed\r\n--r--\r\n").encode()
    message = _feed(worker, receipt)
    assert (message.outcome, message.unit_code, message.reply_kind) == ("ignored", "THPT-LVT", "none")
    assert smtp_sink.messages == []


def test_encrypted_mail_gets_a_rejection_that_says_why(tmp_path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    blob = base64.encodebytes(b"\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x03\xa0\x80" + bytes(200)).decode()
    data = (f"From: Trường <{SCHOOL}>\r\nTo: phongcntt.soninhbinh@moet.edu.vn\r\nSubject: Phiếu\r\n"
            "Message-ID: <enc1@x.vn>\r\nMIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; "
            "smime-type=enveloped-data; name=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{blob}").encode()
    message = _feed(_worker(tmp_path, smtp_sink), data)
    assert (message.outcome, message.reply_kind) == ("rejected", "rejection")
    assert "encrypted_attachment" in message.reasons and "no_nomination" not in message.reasons
    (reply,) = _replies_to(smtp_sink, "<enc1@x.vn>")
    assert "gửi lại thư không mã hóa" in " ".join(_reply_text(reply).split())


def test_duplicate_is_same_message_id_and_same_sender(tmp_path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    worker = _worker(tmp_path, smtp_sink)
    first = _with_message_id(_mail(4), "<same@ninhbinh.edu.vn>")
    assert _feed(worker, first).outcome == "accepted"
    again = _feed(worker, restamp(first, above=["Received: from relay2 by mx; Mon, 17 Jun 2024 09:03:00 +0700"]))
    assert "duplicate_message" in again.reasons
    other = _feed(worker, _with_message_id(_mail(5, OTHER_SCHOOL), "<same@ninhbinh.edu.vn>"))
    assert other.outcome == "accepted" and "duplicate_message" not in other.reasons
    assert other.unit_code == "THPT-DTH"
    assert len(_replies_to(smtp_sink, "<same@ninhbinh.edu.vn>")) == 2  # one per sender, none for the copy


def test_subject_is_the_same_text_in_the_log_and_the_reply(tmp_path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    """A subject labelled gb2312 but written in GBK (喆 is not in GB 2312) reads the same everywhere."""
    text = "Phiếu đề xuất 喆"
    words = " ".join(f"=?gb2312?b?{base64.b64encode(w.encode('gb18030')).decode()}?=" for w in text.split()[-1:])
    data = _with_message_id(restamp(_mail(6), subject=f"Phiếu đề xuất {words}"), "<subj@ninhbinh.edu.vn>")
    message = _feed(_worker(tmp_path, smtp_sink), data)
    assert message.subject == text
    (reply,) = _replies_to(smtp_sink, "<subj@ninhbinh.edu.vn>")
    assert text in str(reply["Subject"])
