"""Turns a Decision into the one reply a unit reads, and outages into alerts: pure, no I/O.

Message-IDs come from the caller's key, so a re-run builds the very same reply, byte for byte.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from datetime import datetime
from email import policy
from email.header import Header
from email.charset import BASE64, Charset
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel, Field

from intake.models import Decision, InboundMessage, Nomination, Reason, ReplyKind
from intake.quota import QuotaStatus
from intake import wording
from parsers.models import ReasonCode

TEMPLATES = Path(__file__).with_name("templates")
LABELS: dict[str, str] = {
    ReplyKind.ack: "Đã tiếp nhận hồ sơ gương điển hình tiên tiến",
    ReplyKind.rejection: "Hồ sơ chưa hợp lệ",
    ReplyKind.pending: "Đã nhận, chờ xác minh",
}
ALERT_SUBJECTS: dict[str, str] = {
    "alert_down": "[DHTT] Cảnh báo: không kết nối được hộp thư tiếp nhận hồ sơ",
    "alert_up": "[DHTT] Hộp thư tiếp nhận hồ sơ đã hoạt động trở lại",
    "signin_down": "[DHTT] Cảnh báo: không đăng nhập được vào hộp thư tiếp nhận hồ sơ",
    "signin_up": "[DHTT] Đăng nhập vào hộp thư tiếp nhận hồ sơ đã hoạt động trở lại",
    "secret_expiring": "[DHTT] Nhắc việc: khóa bí mật của ứng dụng đăng nhập hộp thư sắp hết hạn",
}
MAX_SUBJECT = 120  # characters kept of the unit's own subject
MAX_REFERENCES = 10
MAX_EVIDENCE_SHOWN = 10

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined,
)
# Headers we fold ourselves are emitted as given: the stock policy would RFC 2047-encode a long msg-id.
_POLICY = policy.compat32.clone(linesep="\r\n", max_line_length=None)
_UTF8_B64 = Charset("utf-8")
_UTF8_B64.body_encoding = BASE64  # encoded in C; quoted-printable is pure Python and slow
_MSGID = re.compile(r"<[^<>\s]+>")
_PLAIN_MSGID = re.compile(r"<[A-Za-z0-9._%+=$#-]{1,120}@[A-Za-z0-9.-]{1,120}>")  # no room for a link
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]+")
# What a subject gathers on its way back and forth: reply and forward marks in several languages,
# any short bracketed tag at the front (our reference, "[Sở GDĐT Ninh Bình]", a list's tag) and our
# own labels, also in the shorter forms earlier versions wrote.
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|tl|tr|aw|sv|trả\s+lời|chuyển\s+tiếp)\s*(?:\[\d+\])?\s*:"
    r"|\[[^\[\]\r\n]{1,40}\]"
    r"|(?:" + "|".join(re.escape(label) for label in LABELS.values())
    + r"|Đã\s+tiếp\s+nhận(?:\s+hồ\s+sơ)?)\s*:)\s*",
    re.IGNORECASE,
)


class ReplySettings(BaseModel):
    """Who the replies come from, and whom units are told to contact."""

    sender: str
    sender_name: str
    message_id_domain: str
    contact: str = "Phòng Công nghệ thông tin - Sở GDĐT Ninh Bình"


class FileAttachment(BaseModel):
    """A file sent with a reply (the nomination template with a rejection)."""

    filename: str
    content_type: str
    data: bytes

    def mime_part(self) -> MIMENonMultipart:
        maintype, _, subtype = self.content_type.partition("/")
        part = MIMENonMultipart(maintype, subtype or "octet-stream")
        part.set_payload(base64.encodebytes(self.data).decode("ascii"))
        part["Content-Transfer-Encoding"] = "base64"
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", self.filename))
        return part


class OutgoingReply(BaseModel):
    """One reply or alert, rendered; `to_bytes` makes it a complete message."""

    message_id: str
    kind: str
    to: list[str]
    subject: str
    text: str
    html: str
    in_reply_to: str | None = None
    references: list[str] = Field(default_factory=list)
    attachments: list[FileAttachment] = Field(default_factory=list)

    def to_bytes(self, settings: ReplySettings, date: datetime) -> bytes:
        """The RFC 5322 message, multipart/alternative text + HTML in UTF-8; same inputs, same bytes.

        Built with the compat32 MIME classes: the header registry of the newer API refolds every
        header through its parser, which cost more than deciding the mail itself.
        """
        seed = f"{self.message_id}\0{self.text}\0{self.html}".encode()
        boundary = "==dhtt_" + hashlib.sha256(seed).hexdigest()[:32]
        body = MIMEMultipart("alternative", boundary=boundary)
        msg = MIMEMultipart("mixed", boundary=boundary + "_m") if self.attachments else body
        write_envelope(msg, settings, to=self.to, subject=self.subject, message_id=self.message_id, date=date,
                       generated=self.kind.startswith("alert"))
        # The ids below are checked to be well-formed msg-ids, so nothing can inject a line break.
        if self.in_reply_to and _MSGID.fullmatch(self.in_reply_to):
            msg["In-Reply-To"] = self.in_reply_to
        references = [mid for mid in self.references if _MSGID.fullmatch(mid)]
        if references:
            msg["References"] = fold_ids(references)
        for text, subtype in ((self.text, "plain"), (self.html, "html")):
            part = MIMENonMultipart("text", subtype)
            part.set_payload(text, _UTF8_B64)  # adds the charset and transfer-encoding headers
            body.attach(part)
        if self.attachments:
            msg.attach(body)
            for item in self.attachments:
                msg.attach(item.mime_part())
        return msg.as_bytes(policy=_POLICY)


def write_envelope(msg: Message, settings: ReplySettings, *, to: list[str], subject: str, message_id: str,
                   date: datetime, generated: bool) -> None:
    """From, To, Subject, Date, Message-ID and the RFC 3834 marks of every mail we send.

    Encoded words are folded here (RFC 2047: at most 75 characters each), so a generator that does
    not fold keeps long message-ids on one line.
    """
    msg["From"] = formataddr((Header(settings.sender_name, "utf-8").encode(linesep="\r\n"), settings.sender))
    msg["To"] = ", ".join(to)
    charset = "us-ascii" if subject.isascii() else "utf-8"
    msg["Subject"] = Header(subject, charset, header_name="Subject").encode(linesep="\r\n")
    msg["Date"] = format_datetime(date.astimezone(wording.VIETNAM))  # the Sở's own time, +0700
    msg["Message-ID"] = _only_id(message_id)
    # RFC 3834: answers to a mail are auto-replied; mail nobody asked for is auto-generated.
    msg["Auto-Submitted"] = "auto-generated" if generated else "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"


def _only_id(mid: str) -> str:
    if not _MSGID.fullmatch(mid):
        raise ValueError(f"not a message-id: {mid!r}")
    return mid


def fold_ids(ids: list[str], width: int = 78) -> str:
    """Message-ids joined by spaces, folded between ids so no line passes `width` where avoidable."""
    lines = [ids[0]]
    for mid in ids[1:]:
        if len(lines[-1]) + 1 + len(mid) > width - len("References: "):
            lines.append(mid)
        else:
            lines[-1] += " " + mid
    return "\n ".join(lines)


def clean_subject(subject: str) -> str:
    """The unit's subject without Re:/Fwd:/TL:/Trả lời:, our reference and labels, on one line."""
    text = unicodedata.normalize("NFC", subject or "")
    while (stripped := _REPLY_PREFIX.sub("", text, count=1)) != text:
        text = stripped
    return wording.excerpt(text, MAX_SUBJECT)


def reply_subject(kind: ReplyKind, subject: str, reference: str | None) -> str:
    """'[DHTT-2024Q2-0042] <label>: <their subject>'; no bracket without a reference."""
    own = clean_subject(subject)
    text = f"{LABELS[kind]}: {own}" if own else LABELS[kind]
    return f"[{reference}] {text}" if reference else text


def thread_ids(original: InboundMessage) -> tuple[str | None, list[str]]:
    """In-Reply-To and References: theirs plus their message-id, deduped, the root and the newest."""
    own = original.message_id if _MSGID.fullmatch(original.message_id or "") else None
    seen: list[str] = []
    for mid in original.references + ([own] if own else []):
        if _MSGID.fullmatch(mid) and mid not in seen:
            seen.append(mid)
    if len(seen) > MAX_REFERENCES:
        seen = seen[:1] + seen[-(MAX_REFERENCES - 1):]
    return own, seen


def message_id(kind: str, key: str, settings: ReplySettings) -> str:
    """'<kind.key@domain>', with characters a msg-id cannot hold replaced."""
    safe = _KEY_UNSAFE.sub("-", key).strip("-.") or "x"
    return f"<{kind}.{safe}@{settings.message_id_domain}>"


def _exemplar(n: Nomination) -> dict[str, Any]:
    kind = wording.KIND_TEXT[n.kind]
    category = wording.CATEGORY_TEXT[n.category]
    items = [e.filename or e.url or "" for e in n.evidence if e.filename or e.url]
    # A collective has no position: "Chức vụ: Tập thể" only repeats what "Đối tượng" says.
    position = n.position if n.position and n.position.casefold() not in (kind.casefold(), category.casefold()) \
        else None
    return {
        "name": n.name, "kind": kind if kind == category else f"{kind} - {category}",
        "position": position, "workplace": n.workplace,
        "level": wording.level_text(n.school_level) if n.school_level else None,
        # Whole and line by line: the unit checks what was understood, so nothing is cut or joined.
        "summary": wording.text_lines(n.summary), "evidence": items[:MAX_EVIDENCE_SHOWN],
        "evidence_more": max(len(items) - MAX_EVIDENCE_SHOWN, 0), "evidence_count": len(items),
    }


def _detail(reason: Reason) -> str | None:
    if not reason.detail:
        return None
    if reason.code in wording.NAMED_DETAIL:
        return f"Gương điển hình: {reason.detail}"
    if reason.code == ReasonCode.attachment_too_large:
        return f"Dung lượng tệp: {wording.size_text(reason.detail)}"
    if reason.code == ReasonCode.quota_short:
        levels = [wording.level_text(lv.strip()) for lv in reason.detail.split(",")]
        return "Cấp học còn thiếu: " + ", ".join(levels)
    if reason.code in {ReasonCode.unreadable_attachment, ReasonCode.encrypted_attachment,
                       ReasonCode.unsupported_attachment}:
        said = wording.reading_problem_text(reason.detail)
        return f"Cụ thể: {said}" if said else None
    return None  # e.g. resubmission: its detail is an internal key


def _problems(reasons: list[Reason], skip: set[ReasonCode]) -> list[dict[str, Any]]:
    """Unit-facing reasons in order, each once, as title, explanation, place and detail."""
    views: list[dict[str, Any]] = []
    for reason in reasons:
        if reason.code in wording.STAFF_ONLY or reason.code in skip:
            continue
        view = {"title": wording.REASON_TITLE[reason.code], "text": wording.REASON_TEXT[reason.code],
                "where": wording.where_text(reason.where) or None, "detail": _detail(reason)}
        if view not in views:
            views.append(view)
    return views


def _quota_label(level: str) -> str:
    return "Số gương điển hình" if level == "*" else f"Cấp học {wording.level_text(level)}"


def _quota(quota: QuotaStatus | None) -> dict[str, Any] | None:
    """The quota table and, when short, what is missing said in one phrase."""
    if quota is None:
        return None
    lines = [{"level": _quota_label(line.level), "required": line.required, "sent": line.sent,
              "missing": line.missing} for line in quota.lines]
    missing = [f"{line.missing:02d} gương điển hình" + (
        "" if line.level == "*" else f" cấp học {wording.level_text(line.level)}")
        for line in quota.lines if line.missing]
    return {"quarter": wording.quarter_text(quota.quarter), "lines": lines, "complete": quota.complete,
            "missing": "; ".join(missing), "deadline": wording.deadline_text(quota.quarter)}


def _addressee(decision: Decision, original: InboundMessage, unit_name: str | None) -> str:
    if unit_name:
        return unit_name
    senders = [original] + original.forwarded
    named = next((m.sender_name for m in senders if m.sender == decision.sender and m.sender_name), None)
    return named or original.sender_name or "Quý đơn vị"


def _render(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    text = _ENV.get_template(f"{kind}.txt").render(context)
    html = _ENV.get_template(f"{kind}.html").render(context)
    return text, html


def build_reply(decision: Decision, original: InboundMessage, *, key: str, reference: str | None,
                unit_name: str | None, quota: QuotaStatus | None,
                settings: ReplySettings) -> OutgoingReply | None:
    """The ack, rejection or pending reply the decision calls for; None for ReplyKind.none."""
    if decision.reply == ReplyKind.none:
        return None
    kind = decision.reply
    recipient = decision.sender or original.sender
    quarter = decision.quarter or (quota.quarter if quota else None)
    late = decision.late or decision.has(ReasonCode.late)
    reasons = decision.reasons
    if late and not decision.has(ReasonCode.late):
        reasons = [Reason(code=ReasonCode.late)] + reasons
    skip: set[ReasonCode] = set()
    if kind == ReplyKind.rejection:
        skip.add(ReasonCode.late)  # nothing was recorded late: the letter says it in its own note
    if quota is not None or kind == ReplyKind.rejection:
        skip.add(ReasonCode.quota_short)  # the quota table says it, or nothing was counted
    if kind == ReplyKind.pending:
        skip.add(ReasonCode.unknown_sender)  # the letter itself is about it
    context = {
        "office": settings.sender_name, "mailbox": settings.sender, "contact": settings.contact,
        "addressee": _addressee(decision, original, unit_name), "reference": reference,
        "quarter": wording.quarter_text(quarter) if quarter else None,
        "subject": clean_subject(original.subject), "sender": recipient, "late": late,
        "unknown_sender": decision.has(ReasonCode.unknown_sender),
        "exemplars": [_exemplar(n) for n in decision.nominations],
        "problems": _problems(reasons, skip),
        "quota": _quota(quota), "numerals": ("", "I", "II", "III", "IV", "V"),
        "deadline": wording.deadline_text(quarter) if quarter else None,
    }
    if kind == ReplyKind.pending and decision.unit_code is None:
        return _stranger_pending(context, recipient, original, key, reference, settings)
    text, html = _render(kind, context)
    in_reply_to, references = thread_ids(original)
    return OutgoingReply(
        message_id=message_id(kind, key, settings), kind=kind.value, to=[recipient],
        subject=reply_subject(kind, original.subject, reference), text=text, html=html,
        in_reply_to=in_reply_to, references=references,
    )


def _stranger_pending(context: dict[str, Any], recipient: str, original: InboundMessage, key: str,
                      reference: str | None, settings: ReplySettings) -> OutgoingReply:
    """The "pending" letter to an address we do not know (or could not authenticate): our fixed
    subject and text only. Nothing the sender wrote is quoted (subject, names, summaries, file names,
    links, display name), so a forged From cannot turn the Sở's mailbox into a relay for its text."""
    fixed = context | {"addressee": "Quý đơn vị", "subject": "", "sender": "", "late": False,
                       "unknown_sender": True, "exemplars": [], "problems": [], "quota": None}
    text, html = _render(ReplyKind.pending.value, fixed)
    # Threaded on their Message-ID only when it is a plain id (it also shows which mail is answered).
    own = original.message_id if _PLAIN_MSGID.fullmatch(original.message_id or "") else None
    return OutgoingReply(
        message_id=message_id(ReplyKind.pending.value, key, settings), kind=ReplyKind.pending.value,
        to=[recipient], subject=reply_subject(ReplyKind.pending, "", reference), text=text, html=html,
        in_reply_to=own, references=[own] if own else [],
    )


AlertKind = Literal["alert_down", "alert_up", "signin_down", "signin_up", "secret_expiring"]


def build_alert(kind: AlertKind, *, key: str, to: list[str], since: datetime,
                detail: str, settings: ReplySettings) -> OutgoingReply:
    """The administrators' alert that the mailbox is unreachable since `since`, or has recovered."""
    context = {
        "office": settings.sender_name, "mailbox": settings.sender, "contact": settings.contact,
        "addressee": "Quản trị viên hệ thống", "since": wording.moment_text(since), "detail": detail,
    }
    text, html = _render(kind, context)
    return OutgoingReply(message_id=message_id(kind, key, settings), kind=kind, to=list(to),
                         subject=ALERT_SUBJECTS[kind], text=text, html=html, in_reply_to=None,
                         references=[])
