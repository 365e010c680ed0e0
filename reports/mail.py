"""Staff digests, reminders and report mails as complete messages, queued in the Reply table.

intake.replies builds text+HTML answers; these mails also carry files and an inline chart, so they
are assembled here with the same compat32 classes, headers and determinism.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.charset import QP, Charset
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart

from sqlmodel import Session, select

from intake.replies import ReplySettings, message_id, write_envelope
from store import records
from store.models import Reply

_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP
CHART_CID = "chart@dhtt"
_POLICY = policy.compat32.clone(linesep="\r\n")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class FilePart:
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"  # always application/*


@dataclass
class StaffMail:
    """One outgoing mail of the reports package, before it becomes bytes."""

    kind: str  # digest | remind | report
    key: str  # makes the Message-ID: same key, same mail, sent once
    to: list[str]
    subject: str
    text: str
    html: str
    chart_png: bytes | None = None
    files: list[FilePart] = field(default_factory=list)

    def message_id(self, settings: ReplySettings) -> str:
        return message_id(self.kind, self.key, settings)


def _boundary(seed: str, part: str) -> str:
    return f"==dhtt_{part}_" + hashlib.sha256(seed.encode()).hexdigest()[:28]


def _text(body: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(body, _UTF8_QP)
    return part


def _body(mail: StaffMail, seed: str) -> MIMEMultipart:
    alternative = MIMEMultipart("alternative", boundary=_boundary(seed, "alt"))
    alternative.attach(_text(mail.text, "plain"))
    if mail.chart_png is None:
        alternative.attach(_text(mail.html, "html"))
        return alternative
    related = MIMEMultipart("related", boundary=_boundary(seed, "rel"))
    related.attach(_text(mail.html, "html"))
    image = MIMEImage(mail.chart_png, "png")
    image["Content-ID"] = f"<{CHART_CID}>"
    image.add_header("Content-Disposition", "inline", filename="bieu-do.png")
    related.attach(image)
    alternative.attach(related)
    return alternative


def to_bytes(mail: StaffMail, settings: ReplySettings, date: datetime) -> bytes:
    """The RFC 5322 message: text and HTML, the chart inline, the files attached; deterministic."""
    seed = f"{mail.message_id(settings)}\0{mail.text}\0{mail.html}"
    body = _body(mail, seed)
    if mail.files:
        msg = MIMEMultipart("mixed", boundary=_boundary(seed, "mix"))
        msg.attach(body)
        for item in mail.files:
            part = MIMEApplication(item.data, item.content_type.split("/", 1)[1])
            part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", item.filename))
            msg.attach(part)
    else:
        msg = body
    # Nobody asked for these mails: RFC 3834 marks them so that vacation responders stay quiet.
    write_envelope(msg, settings, to=mail.to, subject=mail.subject, message_id=mail.message_id(settings),
                   date=date, generated=True)
    return msg.as_bytes(policy=_POLICY)


def queue(db: Session, mail: StaffMail, settings: ReplySettings, date: datetime) -> Reply:
    """Put the mail in the outbox once; a second call with the same key returns the first row."""
    reply = records.queue_reply(db, None, mail.message_id(settings), mail.kind, mail.to, mail.subject,
                                to_bytes(mail, settings, date))
    if reply.status == "queued" and reply.attempts == 0:
        # The row is dated by the run it belongs to, so the next digest counts "since" from it
        # even when that run was a late catch-up or the clock is simulated.
        reply.created_at = date
        db.add(reply)
    return reply


def already_queued(db: Session, mail_kind: str, key: str, settings: ReplySettings) -> bool:
    wanted = message_id(mail_kind, key, settings)
    return db.exec(select(Reply.id).where(Reply.rfc_message_id == wanted)).first() is not None
