"""Hostile mails and documents built on the fly: ruled PDFs, docx of countless paragraphs, huge
encoded-word headers, thousands of attachments, deep message/rfc822 nests."""

from __future__ import annotations

import base64
import io
import zipfile
from email.message import EmailMessage

from docx import Document
from fpdf import FPDF

SCHOOL = "c3chuyenlvt@ninhbinh.edu.vn"
SO = "phongcntt.soninhbinh@moet.edu.vn"


def ruled_pdf(pages: int, step: float) -> bytes:
    """A PDF whose pages are covered by a grid of ruling lines `step` points apart, with one line of text."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_font("Helvetica", size=10)
    for _ in range(pages):
        pdf.add_page()
        pdf.text(40, 30, "Phieu de xuat guong dien hinh")
        y = 40.0
        while y < 800:
            pdf.line(20, y, 575, y)
            y += step
        x = 20.0
        while x < 575:
            pdf.line(x, 40, x, 800)
            x += step
    return bytes(pdf.output())


def many_paragraphs_docx(count: int) -> bytes:
    """A valid .docx whose body is `count` empty paragraphs (compresses to a few kilobytes)."""
    buffer = io.BytesIO()
    Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
            '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            + "<w:p/>" * count + "</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, body if item.filename == "word/document.xml" else source.read(item))
    return out.getvalue()


def encoded_words(size: int, text: str = "Phiếu đề xuất gương điển hình") -> str:
    """About `size` characters of folded RFC 2047 encoded words."""
    word = "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="
    return "\r\n ".join([word] * (size // (len(word) + 3)))


def mail(message_id: str, subject: str = "Hồ sơ", sender: str = SCHOOL, body: str = "Kính gửi Sở.",
         files: list[tuple[str, bytes]] | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = sender, SO, subject, message_id
    msg.set_content(body)
    for name, data in files or []:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg


def raw_with_subject(message_id: str, subject: str) -> bytes:
    """A mail whose Subject is given raw (already encoded and folded)."""
    return (f"From: {SCHOOL}\r\nTo: {SO}\r\nMessage-ID: {message_id}\r\nSubject: {subject}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi Sở.\r\n").encode()


def many_attachments(message_id: str, count: int) -> bytes:
    """One mail with `count` tiny attachments."""
    boundary = "b0undary"
    parts = [f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi Sở.\r\n"]
    parts += [f"--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
              f"filename=\"t{i}.txt\"\r\n\r\nx{i}\r\n" for i in range(count)]
    head = (f"From: {SCHOOL}\r\nTo: {SO}\r\nMessage-ID: {message_id}\r\nSubject: Minh chứng\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n")
    return (head + "".join(parts) + f"--{boundary}--\r\n").encode()


def rfc822_nest(message_id: str, depth: int) -> bytes:
    """A mail forwarding a mail forwarding a mail… `depth` levels of message/rfc822."""
    inner = b"From: x@example.org\r\nSubject: innermost\r\n\r\nHello\r\n"
    for level in range(depth):
        inner = (f"From: {SCHOOL}\r\nSubject: Fwd {level}\r\nMIME-Version: 1.0\r\n"
                 "Content-Type: message/rfc822\r\n\r\n").encode() + inner
    return f"Message-ID: {message_id}\r\nTo: {SO}\r\n".encode() + inner
