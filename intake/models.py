"""Typed values passed between intake stages: raw mail, parsed mail, and the decision on it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from intake.quota import QuotaStatus
from parsers.models import Category, Kind, ReasonCode, SchoolLevel


class Outcome(StrEnum):
    accepted = "accepted"
    rejected = "rejected"
    needs_review = "needs_review"
    ignored = "ignored"
    quarantined = "quarantined"


class ReplyKind(StrEnum):
    ack = "ack"
    rejection = "rejection"
    pending = "pending"
    none = "none"


class RawMessage(BaseModel):
    """One message as the mailbox (or an imported file) gave it, byte for byte."""

    data: bytes
    received_at: datetime  # timezone-aware: IMAP INTERNALDATE, or newest Received: on import
    uid: int | None = None
    uidvalidity: int | None = None
    folder: str | None = None
    origin: str = "imap"  # imap | import


class Attachment(BaseModel):
    """One leaf part that carries a file; the name is already cleaned for disk use."""

    filename: str
    content_type: str
    data: bytes
    sha256: str
    inline: bool = False


class InboundMessage(BaseModel):
    """A parsed mail: decoded headers, bodies and attachments."""

    message_id: str
    subject: str = ""
    sender: str = ""  # lower-cased address
    sender_name: str = ""
    recipients: list[str] = Field(default_factory=list)
    date_header: datetime | None = None
    in_reply_to: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)  # lower-case name → first value
    auth_results: list[str] = Field(default_factory=list)  # every Authentication-Results, topmost first
    content_type: str = ""
    text: str | None = None
    html: str | None = None
    attachments: list[Attachment] = Field(default_factory=list)
    forwarded: list[InboundMessage] = Field(default_factory=list)  # message/rfc822 parts
    defects: list[str] = Field(default_factory=list)
    size: int = 0  # bytes of the raw message
    parts: int = 0  # file parts in this mail (not its forwarded ones), including those not kept


class Reason(BaseModel):
    """Why a mail got its outcome: a spec code, a detail for people, where it was found."""

    code: ReasonCode
    detail: str = ""
    where: str = ""


class Evidence(BaseModel):
    filename: str | None = None
    sha256: str | None = None
    url: str | None = None


class Nomination(BaseModel):
    """An exemplar as decided: every field the export and the reply show."""

    kind: Kind
    category: Category
    name: str
    position: str | None = None
    workplace: str | None = None
    school_level: SchoolLevel | None = None
    birth_date: str | None = None
    gender: str | None = None
    summary: str = ""
    innovations: str | None = None
    awards: str | None = None
    source: str = ""
    evidence: list[Evidence] = Field(default_factory=list)


class Decision(BaseModel):
    """The outcome of one mail, with its reasons and what it records."""

    outcome: Outcome
    reasons: list[Reason] = Field(default_factory=list)
    nominations: list[Nomination] = Field(default_factory=list)
    unit_code: str | None = None
    quarter: str | None = None
    late: bool = False
    reply: ReplyKind = ReplyKind.none
    sender: str = ""  # the address answered (the original sender of a forwarded mail)
    forwarded_by: str | None = None
    replaces: list[int] = Field(default_factory=list)  # submission ids this one supersedes
    thread_of: int | None = None  # the submission this mail continues (a reply to our answer)
    quota: QuotaStatus | None = None  # the unit's quarter, this mail included (accepted mail only)

    def has(self, code: ReasonCode) -> bool:
        return any(r.code == code for r in self.reasons)
