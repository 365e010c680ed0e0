"""Typed values of the mail transport that only intake uses: a parsed mail and its attachments."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Attachment(BaseModel):
    """One leaf part that carries a file; the name is already cleaned for disk use."""

    filename: str
    content_type: str
    data: bytes
    sha256: str
    inline: bool = False


class InboundMessage(BaseModel):
    """A parsed mail: decoded headers, bodies and attachments."""

    rfc_message_id: str  # the Message-ID header
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
