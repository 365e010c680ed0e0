"""Checks that keep robots out: each looks at one thing and returns a Reason or None."""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel, Field

from domain.codes import ReasonCode
from domain.decision import Reason
from intake.message import REPORT_PART
from intake.models import InboundMessage
from parsers.vntext import fold

_ROBOT_LOCALPARTS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply")


class ScreenSettings(BaseModel):
    own_addresses: list[str] = Field(default_factory=list)


def own_address(msg: InboundMessage, settings: ScreenSettings) -> Reason | None:
    if msg.sender and msg.sender in settings.own_addresses:
        return Reason(code=ReasonCode.own_address, detail=msg.sender)
    return None


def bounce(msg: InboundMessage, settings: ScreenSettings) -> Reason | None:
    ctype = msg.headers.get("content-type", "").lower()
    if msg.content_type == "multipart/report" and "delivery-status" in ctype:
        return Reason(code=ReasonCode.bounce, detail="delivery status notification")
    local = msg.sender.partition("@")[0]
    if local in ("mailer-daemon", "postmaster") or "x-failed-recipients" in msg.headers:
        return Reason(code=ReasonCode.bounce, detail=msg.sender)
    if msg.headers.get("return-path", "").strip() == "<>":
        return Reason(code=ReasonCode.bounce, detail="null return path")
    return None


def auto_reply(msg: InboundMessage, settings: ScreenSettings) -> Reason | None:
    # RFC 3834: any Auto-Submitted value but "no" marks a machine-made mail.
    submitted = msg.headers.get("auto-submitted", "no").strip().lower()
    if submitted and submitted != "no":
        return Reason(code=ReasonCode.auto_reply, detail=f"Auto-Submitted: {submitted}")
    for header in ("x-autoreply", "x-autorespond"):
        if header in msg.headers:
            return Reason(code=ReasonCode.auto_reply, detail=header)
    if msg.headers.get("precedence", "").strip().lower() == "auto_reply":
        return Reason(code=ReasonCode.auto_reply, detail="Precedence: auto_reply")
    if msg.sender.partition("@")[0] in _ROBOT_LOCALPARTS:
        return Reason(code=ReasonCode.auto_reply, detail=msg.sender)
    return None


# Subject prefixes of read receipts (Outlook writes them in the reader's language), folded.
_RECEIPT_PREFIXES = ("read", "not read", "da doc", "chua doc")


def _report_type(msg: InboundMessage) -> str | None:
    """The report's type: from a top-level multipart/report, or from its machine part found
    inside another container (a receipt sent signed is multipart/signed outside); None: no report."""
    if msg.content_type == "multipart/report":
        match = re.search(r"report-type\s*=\s*\"?([\w.-]+)", msg.headers.get("content-type", ""), re.I)
        return match.group(1).lower() if match else ""
    inside = [d.partition(":")[2] for d in msg.defects if d.startswith(f"{REPORT_PART}:")]
    return inside[0].removeprefix("global-") if inside else None


def machine_report(msg: InboundMessage, settings: ScreenSettings) -> Reason | None:
    """Any multipart/report but a bounce (RFC 6522): read receipts (disposition-notification, RFC
    8098) and abuse reports (feedback-report, RFC 5965) are machine-made, whoever sends them. SPEC
    has no code for them: a receipt is an automatic answer (`auto_reply`), a mail system's report on
    a delivered mail is closest to a delivery report (`bounce`)."""
    kind = _report_type(msg)
    if kind is None or (kind == "delivery-status" and msg.content_type == "multipart/report"):
        return None  # not a report, or a plain bounce that `bounce` names
    code = ReasonCode.auto_reply if kind == "disposition-notification" else ReasonCode.bounce
    return Reason(code=code, detail=f"multipart/report; report-type={kind or '?'}")


def read_receipt(msg: InboundMessage, settings: ScreenSettings) -> Reason | None:
    """Outlook's receipts sent as a plain mail: "Read: …" / "Đã đọc: …" with no file in it, or
    marked by Exchange's Content-Class. A person's reply with a nomination carries files or says more."""
    if "mdn" in msg.headers.get("content-class", "").lower():
        return Reason(code=ReasonCode.auto_reply, detail="read receipt (Content-Class: MDN)")
    head = fold(msg.subject.partition(":")[0]) if ":" in msg.subject else ""
    if head in _RECEIPT_PREFIXES and not msg.attachments and not msg.forwarded and len(msg.text or "") < 2000:
        return Reason(code=ReasonCode.auto_reply, detail=f"read receipt: {msg.subject[:80]}")
    return None


def mailing_list(msg: InboundMessage, settings: ScreenSettings) -> Reason | None:
    if "list-id" in msg.headers or "list-unsubscribe" in msg.headers:
        return Reason(code=ReasonCode.mailing_list, detail=msg.headers.get("list-id", "List-Unsubscribe"))
    precedence = msg.headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return Reason(code=ReasonCode.mailing_list, detail=f"Precedence: {precedence}")
    return None


# The order matters only for which reason is named first; any hit means "never answer".
CHECKS: tuple[Callable[[InboundMessage, ScreenSettings], Reason | None], ...] = (
    own_address, bounce, machine_report, read_receipt, auto_reply, mailing_list,
)


def screen(msg: InboundMessage, settings: ScreenSettings) -> list[Reason]:
    """Every robot reason that applies; empty when a person may have written the mail."""
    return [reason for check in CHECKS if (reason := check(msg, settings)) is not None]
