"""Hostile and broken mail through the real pipeline: an outcome for each, nothing outside storage,
no loop with robots."""

from __future__ import annotations

import email
import email.policy
import io
import time
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
import pytest
from sqlmodel import select

from domain.mail import RawMessage
from parsers.errors import UnreadableDocument
from parsers.models import DocumentInput
from parsers.registry import parse_document
from store.db import session
from store.models import Message
from tests.integration.helpers import make_settings, make_worker
from tests.servers import SmtpSink

WHEN = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)
SCHOOL = "c3chuyenlvt@ninhbinh.edu.vn"


class _NoImap:
    host, port, user, password = "127.0.0.1", 1, "none", "none"


def _worker(tmp: Path, sink, **intake):  # type: ignore[no-untyped-def]
    return make_worker(make_settings(_NoImap(), sink, f"sqlite:///{tmp / 'db.sqlite'}", tmp, **intake))


def _feed(worker, data: bytes) -> Message:  # type: ignore[no-untyped-def]
    worker.import_messages([RawMessage(data=data, received_at=WHEN, origin="import")])
    with session(worker.engine) as db:
        return db.exec(select(Message).order_by(Message.id.desc())).first()  # type: ignore[union-attr]


# -- random and broken MIME trees ---------------------------------------------------------------
NAMES = st.sampled_from(["../../etc/passwd", "/tmp/evil.docx", "..\\..\\win.ini", "Phiếu.docx", "a/b/c.xlsx",
                         "", "\x00.pdf", "x" * 300 + ".doc", "minh chứng.zip", ".hidden", "CON"])
TYPES = st.sampled_from(["application/octet-stream", "application/zip", "application/pdf", "application/msword",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         "text/plain", "text/html", "image/jpeg", "message/rfc822", "multipart/mixed"])
BLOBS = st.one_of(st.binary(max_size=300), st.sampled_from([b"PK\x03\x04" + b"\x00" * 40, b"%PDF-1.4\n%%EOF",
                                                           b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100]))


@st.composite
def broken_mail(draw) -> bytes:  # type: ignore[no-untyped-def]
    boundary = draw(st.sampled_from(["b1", "", "x" * 80]))
    lines = [f"From: {draw(st.sampled_from([SCHOOL, 'unknown@gmail.com', '<>', 'garbage']))}",
             f"Subject: {draw(st.sampled_from(['=?utf-8?b?invalid?=', '=?x-unknown?q?abc?=', 'Phiếu', '']))}",
             f"Message-ID: <{draw(st.integers(0, 10**9))}@h>",
             f"Content-Type: multipart/mixed; boundary=\"{boundary}\""]
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        ctype = draw(TYPES)
        charset = draw(st.sampled_from(["utf-8", "windows-1258", "x-unknown", "utf-16"]))
        encoding = draw(st.sampled_from(["base64", "quoted-printable", "8bit", "x-uuencode"]))
        payload = draw(BLOBS)
        body = email.base64mime.body_encode(payload)[: draw(st.integers(0, 400))] if encoding == "base64" \
            else payload.decode("latin-1")
        parts.append(f"--{boundary}\r\nContent-Type: {ctype}; charset={charset}\r\n"
                     f"Content-Transfer-Encoding: {encoding}\r\n"
                     f"Content-Disposition: attachment; filename=\"{draw(NAMES)}\"\r\n\r\n{body}\r\n")
    closing = draw(st.sampled_from([f"--{boundary}--\r\n", ""]))
    return ("\r\n".join(lines) + "\r\n\r\n" + "".join(parts) + closing).encode("utf-8", "surrogateescape")


def _files_outside(root: Path, allowed: list[Path]) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not any(a in p.parents or p == a for a in allowed)]


@pytest.fixture(scope="module")
def shared_worker(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One store for every generated mail: the property holds mail after mail, as in production."""
    tmp = tmp_path_factory.mktemp("hostile")
    with SmtpSink() as sink:
        yield tmp, _worker(tmp, sink, reader_processes=0, max_failures=1)


@hsettings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=broken_mail())
def test_any_mime_tree_gets_an_outcome_and_nothing_lands_outside_storage(data, shared_worker):  # type: ignore[no-untyped-def]
    tmp, worker = shared_worker
    message = _feed(worker, data)
    assert message.outcome is not None, message.last_error
    assert message.failures == 0, message.last_error  # handled by the rules, not by the safety net
    assert _files_outside(tmp, [tmp / "storage", tmp / "db.sqlite", tmp / "db.sqlite-wal",
                                tmp / "db.sqlite-shm"]) == []


# -- specific hostile documents -------------------------------------------------------------------
BOMB_XML = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lololololololololol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>Họ và tên: &lol9;</w:t></w:r></w:p></w:body></w:document>"""


def _entity_bomb_docx() -> bytes:
    from docx import Document
    buf = io.BytesIO()
    Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, BOMB_XML if item.filename == "word/document.xml" else src.read(item))
    return out.getvalue()


def test_docx_with_an_xml_entity_bomb_is_refused_quickly() -> None:
    started = time.monotonic()
    try:
        doc = parse_document(DocumentInput(filename="phieu.docx", data=_entity_bomb_docx()))
    except UnreadableDocument:
        doc = None
    assert time.monotonic() - started < 2.0
    assert doc is None or not any("lol" * 100 in (n.name or "") for n in doc.nominations)


def test_attachment_names_with_paths_are_stored_under_storage_only(tmp_path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    worker = _worker(tmp_path, smtp_sink)
    msg = EmailMessage()
    msg["From"], msg["Message-ID"], msg["Subject"] = SCHOOL, "<t@x>", "Minh chứng"
    msg.set_content("Kính gửi Sở")
    for name in ("../../escape.txt", "/tmp/absolute-dhtt.txt", "..\\..\\win.ini"):
        msg.add_attachment(b"evidence", maintype="application", subtype="octet-stream", filename=name)
    message = _feed(worker, msg.as_bytes())
    assert message.outcome == "rejected"
    assert not Path("/tmp/absolute-dhtt.txt").exists() and not (tmp_path.parent / "escape.txt").exists()
    assert _files_outside(tmp_path, [tmp_path / "storage", *tmp_path.glob("db.sqlite*")]) == []


# -- robots answering robots ----------------------------------------------------------------------
def _answer(to_reply: bytes, n: int, auto: bool) -> bytes:
    ours = email.message_from_bytes(to_reply, policy=email.policy.default)
    msg = EmailMessage()
    msg["From"], msg["Subject"] = SCHOOL, f"Re: {ours['Subject']}"
    msg["Message-ID"] = f"<robot{n}@ninhbinh.edu.vn>"
    msg["In-Reply-To"] = ours["Message-ID"]
    if auto:
        msg["Auto-Submitted"] = "auto-replied"
    msg.set_content("Tôi đang vắng mặt." if auto else "Đã nhận thư.")
    return msg.as_bytes()


def test_two_autoresponders_cannot_start_a_loop(tmp_path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a unit's address whose robot answers every mail, with or without RFC 3834 headers
    THEN the worker stops answering it after the hourly limit, and never answers the polite robot."""
    worker = _worker(tmp_path, smtp_sink)
    first = EmailMessage()
    first["From"], first["Message-ID"], first["Subject"] = SCHOOL, "<start@x>", "Hồ sơ"
    first.set_content("Gửi hồ sơ (quên đính kèm).")
    _feed(worker, first.as_bytes())
    assert len(smtp_sink.messages) == 1
    for n in range(12):  # the naive robot answers our latest reply, every time
        _feed(worker, _answer(smtp_sink.messages[-1].data, n, auto=False))
    limit = worker.settings.intake.max_replies_per_hour
    assert len(smtp_sink.messages) <= limit + 1
    before = len(smtp_sink.messages)
    _feed(worker, _answer(smtp_sink.messages[-1].data, 99, auto=True))  # the polite robot
    assert len(smtp_sink.messages) == before
