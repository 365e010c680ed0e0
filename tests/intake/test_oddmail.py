"""Odd mail read right: S/MIME, machine-made reports, charsets, and shapes that break parsers."""

from __future__ import annotations

import base64
import email.header
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from domain.codes import ReasonCode
from intake.analysis import analyse
from intake.message import SMIME_ENCRYPTED, parse_headers, parse_message
from intake.replies import _detail
from intake.screening import ScreenSettings, screen
from tests.intake.test_message import _cp1258

SETTINGS = ScreenSettings(own_addresses=["phongcntt.soninhbinh@moet.edu.vn"])
UNIT = "thiduapgdnb@ninhbinh.edu.vn"
BODY = "Họ và tên: Nguyễn Thị Hoa\r\nĐối tượng: Nhà giáo\r\n"


def _head(content_type: str, subject: str = "Phiếu đề xuất", sender: str = UNIT) -> bytes:
    encoded = email.header.Header(subject, "utf-8").encode()
    return (f"From: Phòng GDĐT <{sender}>\r\nTo: phongcntt.soninhbinh@moet.edu.vn\r\nSubject: {encoded}\r\n"
            f"Message-ID: <m1@ninhbinh.edu.vn>\r\nMIME-Version: 1.0\r\nContent-Type: {content_type}\r\n").encode()


# -- S/MIME -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def signer() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Trường THPT thử nghiệm")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    return cert, key


def _inner() -> bytes:
    doc = base64.encodebytes(b"PK\x03\x04 not really a docx").decode().replace("\n", "\r\n")
    return ("Content-Type: multipart/mixed; boundary=\"in\"\r\n\r\n--in\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            f"{BODY}\r\n--in\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: attachment; filename=\"giaykhen.jpg\"\r\n\r\n{doc}\r\n--in--\r\n").encode()


def test_clear_signed_mail_is_read_without_its_signature(signer) -> None:  # type: ignore[no-untyped-def]
    """multipart/signed: the first part is the mail; the .p7s is neither a document nor evidence."""
    cert, key = signer
    signed = pkcs7.PKCS7SignatureBuilder().set_data(_inner()).add_signer(cert, key, hashes.SHA256()).sign(
        serialization.Encoding.SMIME, [pkcs7.PKCS7Options.DetachedSignature])
    crlf = signed.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    data = _head("text/plain").replace(b"Content-Type: text/plain\r\n", b"") + crlf
    msg = parse_message(data)
    assert "Nguyễn Thị Hoa" in (msg.text or "")
    assert [a.filename for a in msg.attachments] == ["giaykhen.jpg"]


def test_opaque_signed_mail_is_opened(signer) -> None:  # type: ignore[no-untyped-def]
    cert, key = signer
    der = pkcs7.PKCS7SignatureBuilder().set_data(_inner()).add_signer(cert, key, hashes.SHA256()).sign(
        serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    body = base64.encodebytes(der).replace(b"\n", b"\r\n")
    data = (_head('application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"')
            + b"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n"
            + body)
    msg = parse_message(data)
    assert "Nguyễn Thị Hoa" in (msg.text or "")
    assert [a.filename for a in msg.attachments] == ["giaykhen.jpg"]
    assert SMIME_ENCRYPTED not in msg.defects


@pytest.mark.parametrize("smime_type", ["; smime-type=enveloped-data", ""])
def test_encrypted_mail_is_explained_not_called_empty(signer, smime_type: str) -> None:  # type: ignore[no-untyped-def]
    cert, _ = signer
    der = pkcs7.PKCS7EnvelopeBuilder().set_data(_inner()).add_recipient(cert).encrypt(serialization.Encoding.DER, [])
    data = (_head(f'application/pkcs7-mime{smime_type}; name="smime.p7m"')
            + b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(der).replace(b"\n", b"\r\n"))
    msg = parse_message(data)
    assert msg.attachments == [] and not msg.text  # nothing of it taken for a document or evidence
    (reason,) = analyse(msg).reasons
    assert reason.code == ReasonCode.encrypted_attachment
    said = _detail(reason) or ""
    assert "mã hóa" in said and "gửi lại thư không mã hóa" in said


# -- machine-made reports ------------------------------------------------------------------------
def _report(report_type: str, subject: str = "Báo cáo") -> bytes:
    return _head(f'multipart/report; report-type={report_type}; boundary="r"', subject) + (
        "\r\n--r\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThư của bạn đã được đọc.\r\n"
        "--r\r\nContent-Type: message/disposition-notification\r\n\r\nDisposition: manual-action/MDN-sent-manually; "
        "displayed\r\n--r--\r\n").encode()


@pytest.mark.parametrize(("report_type", "code"), [
    ("disposition-notification", ReasonCode.auto_reply),
    ('"disposition-notification"', ReasonCode.auto_reply),
    ("feedback-report", ReasonCode.bounce),
    ("x-something-new", ReasonCode.bounce),
])
def test_every_report_from_a_registered_unit_is_screened(report_type: str, code: ReasonCode) -> None:
    assert [r.code for r in screen(parse_message(_report(report_type)), SETTINGS)] == [code]


@pytest.mark.parametrize("subject", ["Đã đọc: Phiếu đề xuất", "Read: Phiếu đề xuất", "ĐÃ ĐỌC: x",
                                     "Da doc: Phieu", "Chưa đọc: Phiếu đề xuất"])
def test_outlook_plain_read_receipt_is_screened(subject: str) -> None:
    data = _head("text/plain; charset=utf-8", subject) + "\r\nĐã đọc lúc 08:14 ngày 19/12/2024.\r\n".encode()
    assert [r.code for r in screen(parse_message(data), SETTINGS)] == [ReasonCode.auto_reply]


def test_a_person_replying_with_files_is_not_a_receipt() -> None:
    data = _head('multipart/mixed; boundary="b"', "Đã đọc: bổ sung minh chứng") + (
        "\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGửi bổ sung.\r\n--b\r\n"
        "Content-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"a.jpg\"\r\n\r\nxx\r\n--b--\r\n").encode()
    assert screen(parse_message(data), SETTINGS) == []


# -- charsets ------------------------------------------------------------------------------------
CASES = [
    # (declared charset, text that needs the superset where one exists)
    ("gb2312", "关于推荐先进典型的报告 喆"),  # 喆 is in GBK/GB 18030, not GB 2312
    ("iso-2022-jp", "先進的な教師の推薦 ｶﾀｶﾅ"),  # half-width katakana: iso2022_jp_ext only
    ("ks_c_5601-1987", "모범 교사 추천 똠"),  # 똠 is in cp949, not in EUC-KR
    ("koi8-r", "Представление образцового учителя"),
    ("windows-1258", "Phiếu đề xuất gương điển hình tiên tiến"),
    ("iso-8859-1", "Café – “quote”"),  # windows-1252 punctuation, undefined in ISO-8859-1
]


def _encode(text: str, charset: str) -> bytes:
    if charset == "windows-1258":
        return _cp1258(text)
    for codec in {"gb2312": "gb18030", "iso-2022-jp": "iso2022_jp_ext", "ks_c_5601-1987": "cp949",
                  "iso-8859-1": "windows-1252"}.get(charset, charset), charset:
        try:
            return text.encode(codec)
        except (UnicodeEncodeError, LookupError):
            continue
    raise AssertionError(charset)


@pytest.mark.parametrize(("charset", "text"), CASES)
def test_body_and_subject_in_the_declared_charset(charset: str, text: str) -> None:
    raw = _encode(text, charset)
    if charset in ("gb2312", "iso-2022-jp", "ks_c_5601-1987"):
        with pytest.raises(UnicodeError):  # the test is only worth it if the strict codec fails
            raw.decode(charset)
    if charset == "iso-8859-1":  # decodes anything, but “ ” – are C1 control characters in it
        assert raw.decode(charset) != text
    words = f"=?{charset}?B?{base64.b64encode(raw).decode()}?="
    data = (f"From: a <c3x@ninhbinh.edu.vn>\r\nSubject: Re: {words}\r\nMessage-ID: <c@x>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: base64\r\n\r\n").encode()
    msg = parse_message(data + base64.encodebytes(raw))
    assert msg.text == text
    assert msg.subject == f"Re: {text}"


# ISO-2022-JP is a 7-bit encoding: it never comes as raw 8-bit bytes.
@pytest.mark.parametrize(("charset", "text"), [c for c in CASES if c[0] != "iso-2022-jp"])
def test_raw_8bit_subject_is_read_in_the_mails_charset_the_same_everywhere(charset: str, text: str) -> None:
    """A subject typed raw by an old client: the mail's declared charset reads it, and the subject
    recorded from the header block (log, web) is the one the reply quotes."""
    raw = _encode(text, charset)
    data = (b"From: a <c3x@ninhbinh.edu.vn>\r\nSubject: " + raw + b"\r\nMessage-ID: <c@x>\r\n"
            + f"Content-Type: text/plain; charset={charset}\r\n\r\n".encode() + raw + b"\r\n")
    assert parse_message(data).subject == text == parse_headers(data)[2]


def test_utf8_raw_subject_still_wins_over_a_declared_charset() -> None:
    data = ("From: a <c3x@ninhbinh.edu.vn>\r\nSubject: Phiếu đề xuất\r\nMessage-ID: <c@x>\r\n"
            "Content-Type: text/plain; charset=windows-1258\r\n\r\nx\r\n").encode()
    assert parse_message(data).subject == "Phiếu đề xuất"


def test_broken_bytes_in_a_declared_charset_are_replaced_not_guessed() -> None:
    data = b"From: a <c3x@ninhbinh.edu.vn>\r\nMessage-ID: <c@x>\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n"
    text = parse_message(data + "中文".encode("gb2312") + b" \xff\r\n").text or ""
    assert "中文" in text and "\ufffd" in text


def test_file_names_in_a_superset_charset() -> None:
    """RFC 2231 and RFC 2047 names labelled gb2312 but written in GBK, as Chinese Outlook does."""
    name = "报告喆"
    quoted = "".join(f"%{b:02X}" for b in name.encode("gb18030"))
    words = base64.b64encode(name.encode("gb18030")).decode()
    data = _head('multipart/mixed; boundary="b"') + (
        "\r\n--b\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Disposition: attachment; filename*=gb2312''{quoted}.docx\r\n\r\nxx\r\n--b\r\n"
        f"Content-Type: application/pdf; name=\"=?gb2312?b?{words}?=.pdf\"\r\n\r\nyy\r\n--b--\r\n").encode()
    assert [a.filename for a in parse_message(data).attachments] == [f"{name}.docx", f"{name}.pdf"]


def test_signed_read_receipt_is_still_a_receipt() -> None:
    """Outlook signing every mail wraps the receipt in multipart/signed: the report inside counts."""
    report = _report("disposition-notification").partition(b"\r\n\r\n")
    inner = b"Content-Type: multipart/report; report-type=disposition-notification; boundary=\"r\"\r\n\r\n" + report[2]
    data = _head('multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="s"') + (
        b"\r\n--s\r\n" + inner + b"\r\n--s\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQE=\r\n--s--\r\n")
    msg = parse_message(data)
    assert msg.attachments == []  # neither the signature nor the report's machine part is a file
    assert [r.code for r in screen(msg, SETTINGS)] == [ReasonCode.auto_reply]


def _ber_signed(content: bytes) -> bytes:
    """A SignedData in indefinite-length BER, its content in 1000-byte pieces of a constructed
    OCTET STRING, the way streaming signers (OpenSSL's -stream, Thunderbird) write it."""
    def length(n: int) -> bytes:
        return bytes([n]) if n < 128 else bytes([0x82]) + n.to_bytes(2, "big")

    pieces = b"".join(b"\x04" + length(len(c)) + c for c in (content[i:i + 1000] for i in range(0, len(content), 1000)))
    data_oid = bytes.fromhex("06092a864886f70d010701")
    encap = b"\x30\x80" + data_oid + b"\xa0\x80\x24\x80" + pieces + b"\0\0" + b"\0\0" + b"\0\0"
    signed = b"\x30\x80\x02\x01\x01\x31\x00" + encap + b"\x31\x00" + b"\0\0"
    return b"\x30\x80" + bytes.fromhex("06092a864886f70d010702") + b"\xa0\x80" + signed + b"\0\0" + b"\0\0"


def test_streamed_ber_signed_mail_is_opened() -> None:
    body = base64.encodebytes(_ber_signed(_inner() * 1)).replace(b"\n", b"\r\n")
    data = _head("application/x-pkcs7-mime; name=smime.p7m") + b"Content-Transfer-Encoding: base64\r\n\r\n" + body
    msg = parse_message(data)
    assert "Nguyễn Thị Hoa" in (msg.text or "") and SMIME_ENCRYPTED not in msg.defects


def test_truncated_signed_mail_is_unreadable_not_encrypted() -> None:
    der = _ber_signed(_inner())[:-40]
    data = (_head("application/pkcs7-mime; smime-type=signed-data") + b"Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(der).replace(b"\n", b"\r\n"))
    msg = parse_message(data)
    assert msg.attachments == [] and not msg.text
    assert [r.code for r in analyse(msg).reasons] == [ReasonCode.unreadable_attachment]
