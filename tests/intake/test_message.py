"""Raw bytes to InboundMessage: Vietnamese names in every encoding, bodies, forwarded mails."""

from __future__ import annotations

import unicodedata
from email.message import EmailMessage

import pytest

from intake.filenames import clean_filename
from intake.message import parse_message


def _with_attachment(name_header: str) -> bytes:
    return (b"From: a@b.vn\r\nSubject: =?utf-8?b?UGhp4bq/dQ==?=\r\nMessage-ID: <m@x>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            b"Xin ch\xc3\xa0o\r\n--b\r\nContent-Type: application/octet-stream\r\n"
            + name_header.encode("utf-8") + b"\r\nContent-Transfer-Encoding: base64\r\n\r\nYWJj\r\n--b--\r\n")


@pytest.mark.parametrize("header", [
    "Content-Disposition: attachment; filename*=utf-8''Phi%E1%BA%BFu%20%C4%91%C4%83ng%20k%C3%BD.docx",
    'Content-Disposition: attachment; filename="=?utf-8?b?UGhp4bq/dSDEkcSDbmcga8O9LmRvY3g=?="',
    'Content-Disposition: attachment; filename="Phiếu đăng ký.docx"',
    "Content-Disposition: attachment; filename*0*=utf-8''Phi%E1%BA%BFu%20%C4%91;\r\n filename*1*=%C4%83ng%20k%C3%BD.docx",
    "Content-Disposition: attachment; filename*=utf-8''Phie%CC%82%CC%81u%20%C4%91a%CC%86ng%20ky%CC%81.docx",
])
def test_vietnamese_file_names_in_every_encoding(header: str) -> None:
    msg = parse_message(_with_attachment(header))
    assert [a.filename for a in msg.attachments] == ["Phiếu đăng ký.docx"]
    assert msg.attachments[0].data == b"abc"
    assert msg.subject == "Phiếu"
    assert msg.text is not None and "Xin chào" in msg.text


@pytest.mark.parametrize(("name", "clean"), [
    ("../../etc/passwd", "passwd"),
    ("/abs/path/ảnh.jpg", "ảnh.jpg"),
    ("C:\\Users\\gv\\minh chứng.pdf", "minh chứng.pdf"),
    ("..", "tep-dinh-kem-1.bin"),
    ("a\x00b.docx", "a_b.docx"),
])
def test_attachment_names_never_become_paths(name: str, clean: str) -> None:
    assert clean_filename(name, "application/octet-stream") == clean


def test_forwarded_mail_is_parsed_as_its_own_message() -> None:
    inner = EmailMessage()
    inner["From"] = "Trường THPT <c3school@ninhbinh.edu.vn>"
    inner["Subject"] = "Phiếu đăng ký"
    inner["Message-ID"] = "<inner@x>"
    inner.set_content("Họ và tên: Nguyễn Văn A")
    outer = EmailMessage()
    outer["From"] = "chuyenvien@ninhbinh.edu.vn"
    outer["Subject"] = "Fwd: Phiếu đăng ký"
    outer["Message-ID"] = "<outer@x>"
    outer.set_content("Chuyển tiếp")
    outer.add_attachment(inner)
    msg = parse_message(outer.as_bytes())
    assert msg.sender == "chuyenvien@ninhbinh.edu.vn"
    assert [f.sender for f in msg.forwarded] == ["c3school@ninhbinh.edu.vn"]
    assert "Nguyễn Văn A" in (msg.forwarded[0].text or "")


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letter (with its vowel mark) then a combining tone mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return out


def test_windows_1258_body_is_decoded_and_composed() -> None:
    body = _cp1258("Họ và tên: Trần Thị Hương")
    data = (b"From: a@b.vn\r\nMessage-ID: <c@x>\r\nContent-Type: text/plain; charset=windows-1258\r\n\r\n" + body)
    assert "Trần Thị Hương" in (parse_message(data).text or "")


def test_malformed_mime_still_parses() -> None:
    data = b"From: a@b.vn\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\ncut"
    msg = parse_message(data)
    assert msg.sender == "a@b.vn"
