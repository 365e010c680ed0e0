"""Turns a Decision into the one reply a unit reads, and outages into alerts: pure, no I/O.

Message-IDs come from the caller's key, so a re-run builds the very same reply, byte for byte.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any, Literal

from domain import wording
from domain.codes import ReasonCode, ReplyKind
from domain.decision import Decision, Nomination, Reason
from domain.quota import QuotaStatus
from domain.wording.reasons import REASON_TEXT, REASON_TITLE, STAFF_ONLY, detail_text
from intake.models import InboundMessage
from intake.outgoing import MSGID, MailFile, OutgoingMail, ReplySettings, message_id, render

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

_PLAIN_MSGID = re.compile(r"<[A-Za-z0-9._%+=$#-]{1,120}@[A-Za-z0-9.-]{1,120}>")  # no room for a link
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
    own = original.rfc_message_id if MSGID.fullmatch(original.rfc_message_id or "") else None
    seen: list[str] = []
    for mid in original.references + ([own] if own else []):
        if MSGID.fullmatch(mid) and mid not in seen:
            seen.append(mid)
    if len(seen) > MAX_REFERENCES:
        seen = seen[:1] + seen[-(MAX_REFERENCES - 1):]
    return own, seen


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
    return detail_text(reason.code, reason.detail)


def _problems(reasons: list[Reason], skip: set[ReasonCode]) -> list[dict[str, Any]]:
    """Unit-facing reasons in order, each once, as title, explanation, place and detail."""
    views: list[dict[str, Any]] = []
    for reason in reasons:
        if reason.code in STAFF_ONLY or reason.code in skip:
            continue
        view = {"title": REASON_TITLE[reason.code], "text": REASON_TEXT[reason.code],
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


def unsaid(kind: ReplyKind, quota: QuotaStatus | None) -> set[ReasonCode]:
    """Reasons a letter of this kind does not list, because it says them its own way."""
    skip: set[ReasonCode] = set()
    if kind == ReplyKind.rejection:
        skip.add(ReasonCode.late)  # nothing was recorded late: the letter says it in its own note
    if quota is not None or kind == ReplyKind.rejection:
        skip.add(ReasonCode.quota_short)  # the quota table says it, or nothing was counted
    if kind == ReplyKind.pending:
        skip.add(ReasonCode.unknown_sender)  # the letter itself is about it
    return skip


def build_reply(decision: Decision, original: InboundMessage, *, key: str, reference: str | None,
                unit_name: str | None, quota: QuotaStatus | None, settings: ReplySettings,
                template: MailFile | None = None) -> OutgoingMail | None:
    """The ack, rejection or pending reply the decision calls for; None for ReplyKind.none.

    A rejection carries the nomination `template`, so the unit can fill it in and send it again."""
    if decision.reply == ReplyKind.none:
        return None
    kind = decision.reply
    recipient = decision.sender or original.sender
    quarter = decision.quarter or (quota.quarter if quota else None)
    late = decision.late or decision.has(ReasonCode.late)
    reasons = decision.reasons
    if late and not decision.has(ReasonCode.late):
        reasons = [Reason(code=ReasonCode.late)] + reasons
    skip = unsaid(kind, quota)
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
    text, html = render(kind, **context)
    in_reply_to, references = thread_ids(original)
    return OutgoingMail(
        message_id=message_id(kind, key, settings), kind=kind.value, to=[recipient],
        subject=reply_subject(kind, original.subject, reference), text=text, html=html,
        in_reply_to=in_reply_to, references=references,
        attachments=[template] if template is not None and kind == ReplyKind.rejection else [],
    )


def _stranger_pending(context: dict[str, Any], recipient: str, original: InboundMessage, key: str,
                      reference: str | None, settings: ReplySettings) -> OutgoingMail:
    """The "pending" letter to an address we do not know (or could not authenticate): our fixed
    subject and text only. Nothing the sender wrote is quoted (subject, names, summaries, file names,
    links, display name), so a forged From cannot turn the Sở's mailbox into a relay for its text."""
    fixed = context | {"addressee": "Quý đơn vị", "subject": "", "sender": "", "late": False,
                       "unknown_sender": True, "exemplars": [], "problems": [], "quota": None}
    text, html = render(ReplyKind.pending.value, **fixed)
    # Threaded on their Message-ID only when it is a plain id (it also shows which mail is answered).
    own = original.rfc_message_id if _PLAIN_MSGID.fullmatch(original.rfc_message_id or "") else None
    return OutgoingMail(
        message_id=message_id(ReplyKind.pending.value, key, settings), kind=ReplyKind.pending.value,
        to=[recipient], subject=reply_subject(ReplyKind.pending, "", reference), text=text, html=html,
        in_reply_to=own, references=[own] if own else [],
    )


AlertKind = Literal["alert_down", "alert_up", "signin_down", "signin_up", "secret_expiring"]


def build_alert(kind: AlertKind, *, key: str, to: list[str], since: datetime,
                detail: str, settings: ReplySettings) -> OutgoingMail:
    """The administrators' alert that the mailbox is unreachable since `since`, or has recovered."""
    context = {
        "office": settings.sender_name, "mailbox": settings.sender, "contact": settings.contact,
        "addressee": "Quản trị viên hệ thống", "since": wording.moment_text(since), "detail": detail,
    }
    text, html = render(kind, **context)
    return OutgoingMail(message_id=message_id(kind, key, settings), kind=kind, to=list(to),
                        subject=ALERT_SUBJECTS[kind], text=text, html=html)
