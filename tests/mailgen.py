"""Nomination mails made on the fly (a .docx form and a photo), for crash tests and benchmarks."""

from __future__ import annotations

import io
import random
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from docx import Document

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đinh", "Bùi")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Ngọc", "Đức")
GIVEN = ("An", "Bình", "Hương", "Lan", "Tuấn", "Hạnh", "Dũng", "Yến")
SUMMARY = ("Đạt giải Nhất Hội thi giáo viên dạy giỏi cấp tỉnh; chủ trì chuyên đề đổi mới phương pháp "
           "dạy học được tổ chuyên môn áp dụng; có sáng kiến được Hội đồng khoa học ngành công nhận. ")


def form_docx(name: str, school: str, summary: str, quarter: str = "QUÝ II NĂM 2024") -> bytes:
    """A two-column label | value form, as units fill in the published template."""
    doc = Document()
    doc.add_paragraph(f"PHIẾU ĐĂNG KÝ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN {quarter}")
    rows = [("Họ và tên", name), ("Chức vụ", "Giáo viên"), ("Đơn vị công tác", school),
            ("Đối tượng", "Nhà giáo"), ("Tóm tắt thành tích nổi bật", summary),
            ("Sáng kiến, sản phẩm đổi mới sáng tạo", "Sáng kiến dạy học STEM"),
            ("Minh chứng", "https://drive.google.com/drive/folders/minhchung")]
    table = doc.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def nomination_mail(index: int, sender: str, school: str, when: datetime, rng: random.Random,
                    padding: int = 0) -> bytes:
    """One unit's nomination mail with a form and a photo; `padding` bytes of photo make it bigger."""
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {index}"
    msg = EmailMessage()
    msg["From"] = f"Trường <{sender}>"
    msg["To"] = "phongcntt.soninhbinh@moet.edu.vn"
    msg["Subject"] = f"Phiếu đăng ký gương điển hình tiên tiến quý II/2024 - {name}"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(f"n{index}", domain="ninhbinh.edu.vn")
    msg.set_content("Kính gửi Sở GDĐT Ninh Bình,\nNhà trường gửi phiếu đăng ký kèm theo.\nTrân trọng.")
    msg.add_attachment(form_docx(name, school, SUMMARY * 2), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                       filename=f"Phiếu đăng ký - {name}.docx")
    photo = b"\xff\xd8\xff\xe0" + rng.randbytes(max(padding, 1000))
    msg.add_attachment(photo, maintype="image", subtype="jpeg", filename="ảnh minh chứng.jpg")
    return msg.as_bytes()


def restamp(data: bytes, *, above: list[str] | None = None, from_header: str | None = None,
            subject: str | None = None) -> bytes:
    """The mail with header lines put on top, as a receiving server adds its own, and From: or
    Subject: replaced verbatim (raw UTF-8 allowed), so malformed values reach the parser unchanged."""
    head, sep, body = data.partition(b"\n\n")
    lines: list[bytes] = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and lines and lines[-1] is _DROPPED:
            continue
        name = line.split(b":", 1)[0].lower()
        replace = {b"from": from_header, b"subject": subject}.get(name)
        lines.append(_DROPPED if replace is not None else line)
    kept = [line for line in lines if line is not _DROPPED]
    new = [f"{h}\n".encode() for h in above or []]
    new += [f"From: {from_header}\n".encode()] if from_header is not None else []
    new += [f"Subject: {subject}\n".encode()] if subject is not None else []
    return b"".join(new) + b"\n".join(kept) + sep + body


_DROPPED = b"\0dropped"


def forward_mail(office: str, inner: bytes, when: datetime) -> bytes:
    """A Sở office forwarding a unit's mail as an attachment (message/rfc822)."""
    import email

    msg = EmailMessage()
    msg["From"] = f"Chuyên viên <{office}>"
    msg["To"] = "phongcntt.soninhbinh@moet.edu.vn"
    msg["Subject"] = "Fwd: hồ sơ gương điển hình tiên tiến của trường"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid("fwd", domain="ninhbinh.edu.vn")
    msg.set_content("Chuyển Phòng CNTT hồ sơ của trường gửi nhầm địa chỉ.")
    msg.add_attachment(email.message_from_bytes(inner))
    return msg.as_bytes()
