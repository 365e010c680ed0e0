"""Every mail we send: one model, one template environment, one MIME writer, one way into the outbox.

Replies to units, administrators' alerts, the doctor's test mail, and the staff digests, reminders
and report mails are all an `OutgoingMail`; `to_bytes` writes it deterministically (same inputs,
same bytes, so a re-run queues the very same message) and `queue` puts it in the Reply table once.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from email import policy
from email.charset import BASE64, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from domain.codes import ReplyKind
from domain.quarters import VIETNAM
from store import records
from store.models import Reply

if TYPE_CHECKING:
    from settings import Settings

TEMPLATES = Path(__file__).with_name("templates")
# The staff mails' templates are read from the reports package's folder by path, not by import:
# intake never imports reports, yet every mail is rendered by the one environment below.
TEMPLATE_DIRS = [TEMPLATES, Path(__file__).resolve().parents[1] / "reports" / "templates"]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_CID = "chart@dhtt"
# Answers to a unit's mail; everything else (alerts, digests, reminders, reports) nobody asked for.
ANSWER_KINDS = frozenset(k.value for k in (ReplyKind.ack, ReplyKind.rejection, ReplyKind.pending))

ENV = Environment(
    loader=FileSystemLoader(TEMPLATE_DIRS), autoescape=select_autoescape(["html"]),
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined,
)
# Headers we fold ourselves are emitted as given: the stock policy would RFC 2047-encode a long msg-id.
_POLICY = policy.compat32.clone(linesep="\r\n", max_line_length=None)
_UTF8_B64 = Charset("utf-8")
_UTF8_B64.body_encoding = BASE64  # encoded in C; quoted-printable is pure Python and slow
MSGID = re.compile(r"<[^<>\s]+>")
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]+")


class ReplySettings(BaseModel):
    """Who our mails come from, and whom units are told to contact."""

    sender: str
    sender_name: str
    message_id_domain: str
    contact: str = "Phòng Công nghệ thông tin - Sở GDĐT Ninh Bình"

    @classmethod
    def of(cls, settings: Settings) -> ReplySettings:
        """The one place these are read from the configuration ([smtp] and [intake])."""
        return cls(sender=settings.smtp.sender, sender_name=settings.smtp.sender_name,
                   message_id_domain=settings.intake.message_id_domain)


class MailFile(BaseModel):
    """A file sent with a mail: attached, or shown inside the HTML when it has a Content-ID."""

    filename: str
    content_type: str
    data: bytes
    cid: str | None = None  # set for an inline image the HTML refers to as cid:<cid>

    def mime_part(self) -> MIMENonMultipart:
        maintype, _, subtype = self.content_type.partition("/")
        part = MIMENonMultipart(maintype, subtype or "octet-stream")
        part.set_payload(base64.encodebytes(self.data).decode("ascii"))
        part["Content-Transfer-Encoding"] = "base64"
        if self.cid:
            part["Content-ID"] = f"<{self.cid}>"
        disposition = "inline" if self.cid else "attachment"
        part.add_header("Content-Disposition", disposition, filename=("utf-8", "", self.filename))
        return part


class OutgoingMail(BaseModel):
    """One mail, rendered; `to_bytes` makes it a complete message."""

    message_id: str
    kind: str  # a ReplyKind value, an alert kind, digest, remind or report
    to: list[str]
    subject: str
    text: str
    html: str
    in_reply_to: str | None = None
    references: list[str] = Field(default_factory=list)
    attachments: list[MailFile] = Field(default_factory=list)
    inline: list[MailFile] = Field(default_factory=list)  # images the HTML shows (the digest's chart)

    @property
    def generated(self) -> bool:
        return self.kind not in ANSWER_KINDS

    def to_bytes(self, settings: ReplySettings, date: datetime) -> bytes:
        """The RFC 5322 message, text + HTML in UTF-8, images inline, files attached; same inputs, same bytes.

        Built with the compat32 MIME classes: the header registry of the newer API refolds every
        header through its parser, which cost more than deciding the mail itself.
        """
        seed = f"{self.message_id}\0{self.text}\0{self.html}".encode()
        boundary = "==dhtt_" + hashlib.sha256(seed).hexdigest()[:32]
        body = self._body(boundary)
        msg = MIMEMultipart("mixed", boundary=boundary + "_m") if self.attachments else body
        write_envelope(msg, settings, to=self.to, subject=self.subject, message_id=self.message_id, date=date,
                       generated=self.generated)
        # The ids below are checked to be well-formed msg-ids, so nothing can inject a line break.
        if self.in_reply_to and MSGID.fullmatch(self.in_reply_to):
            msg["In-Reply-To"] = self.in_reply_to
        references = [mid for mid in self.references if MSGID.fullmatch(mid)]
        if references:
            msg["References"] = fold_ids(references)
        if self.attachments:
            msg.attach(body)
            for item in self.attachments:
                msg.attach(item.mime_part())
        return msg.as_bytes(policy=_POLICY)

    def _body(self, boundary: str) -> MIMEMultipart:
        """multipart/alternative of text and HTML; the HTML in multipart/related with its images."""
        body = MIMEMultipart("alternative", boundary=boundary)
        body.attach(_text(self.text, "plain"))
        if not self.inline:
            body.attach(_text(self.html, "html"))
            return body
        related = MIMEMultipart("related", boundary=boundary + "_r")
        related.attach(_text(self.html, "html"))
        for image in self.inline:
            related.attach(image.mime_part())
        body.attach(related)
        return body


def _text(text: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(text, _UTF8_B64)  # adds the charset and transfer-encoding headers
    return part


def write_envelope(msg: Message, settings: ReplySettings, *, to: list[str], subject: str, message_id: str,
                   date: datetime, generated: bool) -> None:
    """From, To, Subject, Date, Message-ID and the RFC 3834 marks of every mail we send.

    Encoded words are folded here (RFC 2047: at most 75 characters each), so a generator that does
    not fold keeps long message-ids on one line.
    """
    msg["From"] = _from_header(settings.sender_name, settings.sender)
    msg["To"] = ", ".join(to)
    charset = "us-ascii" if subject.isascii() else "utf-8"
    msg["Subject"] = Header(subject, charset, header_name="Subject").encode(linesep="\r\n")
    msg["Date"] = format_datetime(date.astimezone(VIETNAM))  # the Sở's own time, +0700
    msg["Message-ID"] = _only_id(message_id)
    # RFC 3834: answers to a mail are auto-replied; mail nobody asked for is auto-generated.
    msg["Auto-Submitted"] = "auto-generated" if generated else "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"


@lru_cache(maxsize=8)
def _from_header(name: str, address: str) -> str:
    """The same for every mail; encoding the name (email.header) costs a millisecond each time."""
    return formataddr((Header(name, "utf-8").encode(linesep="\r\n"), address))


def _only_id(mid: str) -> str:
    if not MSGID.fullmatch(mid):
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


def message_id(kind: str, key: str, settings: ReplySettings) -> str:
    """'<kind.key@domain>', with characters a msg-id cannot hold replaced: same key, same mail."""
    safe = _KEY_UNSAFE.sub("-", key).strip("-.") or "x"
    return f"<{kind}.{safe}@{settings.message_id_domain}>"


def render(name: str, /, **context: Any) -> tuple[str, str]:
    """The text and HTML versions of template `name` (intake's or the reports' templates)."""
    return (ENV.get_template(f"{name}.txt").render(context),
            ENV.get_template(f"{name}.html").render(context))


def queue(db: Session, mail: OutgoingMail, settings: ReplySettings, date: datetime,
          message_pk: int | None = None, claim_for: str | None = None) -> Reply:
    """Put the mail in the outbox once, dated `date`; a second call with the same id returns the first row.

    The row is dated by the run it belongs to, so the next digest counts "since" from it even when
    that run was a late catch-up or the clock is simulated. `claim_for`: see records.queue_reply.
    """
    return records.queue_reply(db, message_pk, mail.message_id, mail.kind, mail.to, mail.subject,
                               mail.to_bytes(settings, date), created_at=date, claim_for=claim_for)


def already_queued(db: Session, rfc_message_id: str) -> bool:
    return db.exec(select(Reply.id).where(Reply.rfc_message_id == rfc_message_id)).first() is not None
