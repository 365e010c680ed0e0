"""One mail as staff read it: headers from the kept bytes, exemplars, files, replies, its history."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import nh3
from sqlmodel import Session, col, select

from domain import wording
from domain.quarters import VIETNAM
from domain.wording.reasons import REASON_TITLE
from domain.wording.web import FIELD_TEXT
from intake.message import MessageLimits, decode_header_text, parse_header_block, parse_message
from intake.models import InboundMessage
from parsers.pdf_signature import Signature, SignatureCheck
from store.models import Attachment, Event, Evidence, Message, Nominee, Reply, Submission
from store.queries import stored_reasons

SHOWN_HEADERS = ("from", "to", "cc", "reply-to", "date", "subject", "message-id", "in-reply-to",
                 "authentication-results")
# Each header as staff call it; the field's own name stays in the page's tooltip for the IT staff.
HEADER_TEXT = {"from": "Người gửi", "to": "Người nhận", "cc": "Đồng gửi", "reply-to": "Địa chỉ nhận trả lời",
               "date": "Ngày gửi (theo máy người gửi)", "subject": "Tiêu đề", "message-id": "Mã định danh thư",
               "in-reply-to": "Trả lời cho thư", "authentication-results": "Kết quả xác thực người gửi"}
# Only presentational markup survives; links keep their text but cannot open anything from the frame.
ALLOWED_TAGS = {"a", "b", "blockquote", "br", "caption", "code", "div", "em", "font", "h1", "h2", "h3",
                "h4", "hr", "i", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
                "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}


@dataclass
class NomineeView:
    row: Nominee
    evidence: list[tuple[Evidence, Attachment | None]]


@dataclass
class ReplyView:
    row: Reply
    text: str


@dataclass
class MailView:
    message: Message
    submission: Submission | None
    inbound: InboundMessage | None
    headers: list[tuple[str, str]]
    safe_html: str | None
    nominees: list[NomineeView]
    attachments: list[Attachment]
    replies: list[ReplyView]
    events: list[Event]
    thread: list[Message] = field(default_factory=list)
    reasons: list[dict[str, str]] = field(default_factory=list)
    read_error: str | None = None
    signatures: dict[int, list[str]] = field(default_factory=dict)  # attachment id → one line per signature


def sanitise_html(html: str) -> str:
    """Mail HTML with scripts, handlers, forms, frames, styles sheets and remote images removed."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"*": {"align", "colspan", "rowspan"}, "a": {"href"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def _reply_text(raw: bytes) -> str:
    mail = message_from_bytes(raw, policy=policy.default)
    part = mail.get_body(preferencelist=("plain",)) if mail.is_multipart() else mail
    return part.get_content() if part is not None else ""


# The same bounds as the intake's reading: a hostile header or nest costs a page view no more
# than it cost the reader (each header value cut before decoding, nesting and files capped).
LIMITS = MessageLimits()
MAX_SHOWN_VALUES = 20  # of one header name (a mail may carry thousands of Received-like lines)


def _inbound(message: Message) -> tuple[InboundMessage | None, list[tuple[str, str]], str | None]:
    """The parsed mail and its header lines as people read them (RFC 2047 words decoded)."""
    try:
        data = Path(message.spool_path).read_bytes()
    except OSError as err:
        return None, [], f"Không đọc được bản lưu của thư: {err.strerror}"
    head = parse_header_block(data, LIMITS)
    headers = [(name, decode_header_text(value, LIMITS.max_header_bytes)) for name in SHOWN_HEADERS
               for value in head.get_all(name, [])[:MAX_SHOWN_VALUES]]
    return parse_message(data, LIMITS), headers, None


def _nominees(db: Session, message: Message, attachments: list[Attachment]) -> list[NomineeView]:
    rows = list(db.exec(select(Nominee).where(Nominee.message_pk == message.id).order_by(col(Nominee.id))))
    by_sha = {a.sha256: a for a in attachments}
    items = list(db.exec(select(Evidence).where(col(Evidence.nominee_id).in_([n.id for n in rows]))
                         .order_by(col(Evidence.id)))) if rows else []
    return [NomineeView(n, [(e, by_sha.get(e.sha256 or "")) for e in items if e.nominee_id == n.id])
            for n in rows]


CHANGES_TEXT = {"none": "nguyên vẹn",
                "allowed": "nguyên vẹn (sau khi ký chỉ thêm chữ ký hoặc điền biểu mẫu)",
                "other": "tài liệu đã bị thay đổi sau khi ký"}


def signature_check(attachment: Attachment) -> SignatureCheck | None:
    """The stored check of a signed PDF, or None (not signed, or stored before signatures were checked)."""
    if not attachment.signature:
        return None
    try:
        return SignatureCheck.model_validate_json(attachment.signature)
    except ValueError:
        return None


def signature_line(sig: Signature) -> str:
    """'Có chữ ký số: Nguyễn Văn A — Trường THPT X, ký lúc 08:30 ngày 17/06/2024; nguyên vẹn;
    chứng thư gốc: tin cậy' (one line)."""
    who = " — ".join(part for part in (sig.signer, sig.organisation) if part) or "không rõ người ký"
    if sig.signed_at is not None:
        who += ", ký lúc " + sig.signed_at.astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y")
    if sig.valid:
        state = CHANGES_TEXT[sig.changes]
    elif sig.problem:
        state = "chữ ký bị hỏng, không kiểm tra được"
    else:
        state = "chữ ký không hợp lệ (không khớp với nội dung tài liệu)"
    trust = {True: "tin cậy", False: "không tin cậy",
             None: "chưa kiểm tra (chưa cài chứng thư gốc)"}[sig.trusted]
    return f"Có chữ ký số: {who}; {state}; chứng thư gốc: {trust}"


def _signatures(attachments: list[Attachment]) -> dict[int, list[str]]:
    lines = {}
    for att in attachments:
        check = signature_check(att)
        if check is not None and check.signed and att.id is not None:
            lines[att.id] = [signature_line(s) for s in check.signatures]
    return lines


def mail_view(db: Session, message: Message) -> MailView:
    """Everything the mail page shows, read in one session."""
    inbound, headers, error = _inbound(message)
    attachments = list(db.exec(select(Attachment).where(Attachment.message_pk == message.id)
                               .order_by(col(Attachment.id))))
    submission = db.get(Submission, message.submission_id) if message.submission_id else None
    thread = list(db.exec(select(Message).where(Message.submission_id == message.submission_id)
                          .order_by(col(Message.received_at)))) if submission else []
    replies = [ReplyView(r, _reply_text(r.raw)) for r in db.exec(
        select(Reply).where(Reply.message_pk == message.id).order_by(col(Reply.id)))]
    events = list(db.exec(select(Event).where(Event.message_pk == message.id).order_by(col(Event.at))))
    html = sanitise_html(inbound.html) if inbound and inbound.html else None
    return MailView(message=message, submission=submission, inbound=inbound, headers=headers, safe_html=html,
                    nominees=_nominees(db, message, attachments), attachments=attachments, replies=replies,
                    events=events, thread=thread, reasons=stored_reasons(message.reasons), read_error=error,
                    signatures=_signatures(attachments))


# The words of an event's details, for staff: never the stored key or code itself.
EVENT_KEYS = {
    "outcome": "kết quả", "previous": "kết quả trước đó", "reasons": "lý do", "reference": "mã hồ sơ",
    "actor": "người thực hiện", "worker": "tiến trình xử lý", "attempt": "lần thử", "error": "lỗi kỹ thuật",
    "uid": "số thứ tự trên máy chủ thư", "uidvalidity": "mã hộp thư", "sha256": "mã băm bản gốc",
    "rfc_message_id": "mã định danh thư trả lời", "folder": "thư mục", "old": "giá trị cũ", "new": "giá trị mới",
    "nominee": "mã gương điển hình", "field": "thông tin", "unit": "đơn vị", "detail": "chi tiết",
}


def _reason_codes(value: object) -> list[str]:
    if isinstance(value, str):  # staff corrections keep the earlier reasons as their stored JSON
        try:
            value = json.loads(value)
        except ValueError:
            return [str(value)]
    items = value if isinstance(value, list) else [value]
    return [str(item.get("code", "")) if isinstance(item, dict) else str(item) for item in items]


def _event_value(key: str, value: object) -> str:
    if key in ("outcome", "previous"):
        return str(wording.OUTCOME_TEXT.get(str(value), value)) if value else "chưa xử lý"  # type: ignore[call-overload]
    if key == "reasons":
        return "; ".join(str(REASON_TITLE.get(c, c)) for c in _reason_codes(value)) or "không có"  # type: ignore[call-overload]
    if key == "field":
        return FIELD_TEXT.get(str(value), str(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def event_detail(event: Event) -> dict[str, str]:
    """The event's details as staff read them: Vietnamese names, outcomes and reasons in words."""
    try:
        found = json.loads(event.detail or "{}")
    except ValueError:
        found = {"detail": event.detail}
    if not isinstance(found, dict):
        found = {"detail": found}
    return {EVENT_KEYS.get(key, key): _event_value(key, value) for key, value in found.items()
            if value not in (None, "", [])}
