"""The mail page speaks to staff in words: header names and the processing history, never raw codes."""

from __future__ import annotations

import re

from sqlmodel import select

from store.db import session
from store.models import Message
from tests.web.conftest import WebSite, client_signed_in

CODES = re.compile(r"(?m)^\s*(?:from|to|subject|message-id|date)\s*$|(?<![\w-])(?:outcome|reasons|worker|"
                   r"actor|accepted|rejected|missing_evidence|quota_short|rfc_message_id|sha256)(?![\w-])")


def test_mail_page_names_headers_and_history_in_vietnamese(site: WebSite) -> None:
    with session(site.worker.engine) as db:
        mail = db.exec(select(Message).where(Message.outcome == "accepted").order_by(Message.id)).first()
        assert mail is not None
    client, _ = client_signed_in(site, "quantri")
    page = client.get(f"/thu/{mail.id}").text
    assert "Người gửi" in page and "Tiêu đề" in page and "Mã định danh thư" in page
    history = page[page.index("Lịch sử xử lý"):]
    assert "kết quả: Đã tiếp nhận" in history
    shown = re.sub(r'title="[^"]*"|<[^>]*>', " ", page)  # what a person sees, not the markup's attributes
    assert not [m for m in CODES.finditer(shown)], [shown[max(m.start() - 60, 0):m.end() + 20]
                                                     for m in CODES.finditer(shown)]


def test_mail_page_says_what_each_attached_file_was_read_as(site: WebSite) -> None:
    """GIVEN a mail whose form was read WHEN its page is opened THEN the form is listed as the
    nomination document, in words, not as one more piece of evidence."""
    from store.models import Attachment

    with session(site.worker.engine) as db:
        form = db.exec(select(Attachment).where(Attachment.role == "document").order_by(Attachment.id)).first()
        assert form is not None
    client, _ = client_signed_in(site, "quantri")
    page = client.get(f"/thu/{form.message_pk}").text
    files = page[page.index("Tệp đính kèm"):page.index("Nội dung thư")]
    line = next(li for li in files.split("<li>") if form.filename in li)
    assert "tài liệu hồ sơ" in line and "minh chứng" not in line


def test_reading_problems_on_the_mail_page_are_in_words(site: WebSite) -> None:
    """GIVEN a mail refused for a file that cannot be read THEN staff read what it means, not the parser's
    English."""
    with session(site.worker.engine) as db:
        mail = next(m for m in db.exec(select(Message).order_by(Message.id))
                    if "unreadable_attachment" in (m.reasons or ""))
    client, _ = client_signed_in(site, "quantri")
    page = client.get(f"/thu/{mail.id}").text
    reasons = page[page.index("Tệp bị lỗi"):][:600]
    assert "Cụ thể:" in reasons
    assert not re.search(r"damaged|truncated|not a |package|Word package", reasons)
