"""winmail.dat (Outlook TNEF): the files inside are handled as if attached directly."""

from __future__ import annotations

import email.message
import struct
import unicodedata

from intake.analysis import analyse
from intake.message import parse_message
from parsers.tnef import expand_tnef
from tests.mailgen import form_docx
from tests.parsers import pagebuild

# No maintained Python package writes TNEF (tnefparse only reads), so the tests assemble the
# few records Outlook writes for attachments by hand, after MS-OXTNEF 2.1.3.
_MESSAGE, _ATTACHMENT = 1, 2
ATT_TNEF_VERSION, ATT_OEM_CODEPAGE = 0x00089006, 0x00069007
ATT_REND_DATA, ATT_TITLE, ATT_DATA, ATT_MAPI = 0x00069002, 0x00018010, 0x0006800F, 0x00069005
PT_STRING8, PT_UNICODE = 0x001E, 0x001F
PR_ATTACH_LONG_FILENAME, PR_ATTACH_MIME_TAG = 0x3707, 0x370E


def _record(level: int, attribute: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BII", level, attribute, len(data)) + data + struct.pack("<H", checksum)


def _mapi_value(kind: int, prop: int, value: bytes) -> bytes:
    padded = value + b"\x00" * (-len(value) % 4)
    return struct.pack("<HHII", kind, prop, 1, len(value)) + padded


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Outlook writes it: letters with their shape (â, ư, ă) precomposed,
    tone marks as combining characters after them."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            shape = "".join(m for m in marks if m in "\u0302\u0306\u031b")
            tones = "".join(m for m in marks if m not in shape)
            out += (unicodedata.normalize("NFC", base + shape) + tones).encode("cp1258")
    return out


def build_tnef(files: list[tuple[str, str, bytes, bool]]) -> bytes:
    """A winmail.dat in code page 1258 holding (name, MIME type, data, with long name?) files."""
    out = struct.pack("<IH", 0x223E9F78, 0x1234)
    out += _record(_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x10000))
    out += _record(_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1258, 0))
    for name, mime, data, long_name in files:
        title = _cp1258(name) + b"\x00"
        props = [_mapi_value(PT_STRING8, PR_ATTACH_MIME_TAG, mime.encode() + b"\x00")]
        if long_name:
            props.append(_mapi_value(PT_UNICODE, PR_ATTACH_LONG_FILENAME, (name + "\x00").encode("utf-16-le")))
        out += _record(_ATTACHMENT, ATT_REND_DATA, b"\x01\x00" + b"\xff" * 12)
        out += _record(_ATTACHMENT, ATT_TITLE, title)
        out += _record(_ATTACHMENT, ATT_DATA, data)
        out += _record(_ATTACHMENT, ATT_MAPI, struct.pack("<I", len(props)) + b"".join(props))
    return out


def _mail(winmail: bytes) -> bytes:
    msg = email.message.EmailMessage()
    msg["From"] = "c3nbbl@ninhbinh.edu.vn"
    msg["To"] = "phongcntt.soninhbinh@moet.edu.vn"
    msg["Subject"] = "Phiếu đăng ký gương điển hình"
    msg["Message-ID"] = "<tnef-1@ninhbinh.edu.vn>"
    msg.set_content("Kính gửi Sở GDĐT, nhà trường gửi phiếu đăng ký và ảnh minh chứng.")
    msg.add_attachment(winmail, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return msg.as_bytes()


FORM = form_docx("Trần Hữu Long", "Trường THPT Ninh Bình - Bạc Liêu",
                 "Đạt giải Nhất Hội thi giáo viên dạy giỏi cấp tỉnh.")
PHOTO = pagebuild.jpeg_of(pagebuild.photo(400, 300))


def test_files_inside_winmail_dat_are_the_attachments() -> None:
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    winmail = build_tnef([("Phiếu đăng ký - Trần Hữu Long.docx", docx_type, FORM, True),
                          ("Ảnh nhận giải.jpg", "image/jpeg", PHOTO, False)])
    message = parse_message(_mail(winmail))
    assert [(a.filename, a.content_type, a.data) for a in message.attachments] == [
        ("Phiếu đăng ký - Trần Hữu Long.docx", docx_type, FORM),
        ("Ảnh nhận giải.jpg", "image/jpeg", PHOTO)]  # the 8.3 title, read in code page 1258
    result = analyse(message)
    assert [d.name for d in result.drafts] == ["Trần Hữu Long"]
    assert [e.filename for e in result.evidence if e.filename] == ["Ảnh nhận giải.jpg"]


def test_damaged_winmail_dat_is_kept_as_it_came() -> None:
    broken = build_tnef([("a.docx", "application/octet-stream", FORM, True)])[:40]
    assert expand_tnef(b"not tnef at all") is None
    message = parse_message(_mail(broken))
    assert [a.filename for a in message.attachments] == ["winmail.dat"]
