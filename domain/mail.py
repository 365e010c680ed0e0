"""A mail as it was received, byte for byte: what the intake reads and the store records."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class RawMessage(BaseModel):
    """One message as the mailbox (or an imported file) gave it, byte for byte."""

    data: bytes
    received_at: datetime  # timezone-aware: IMAP INTERNALDATE, or newest Received: on import
    uid: int | None = None
    uidvalidity: int | None = None
    folder: str | None = None
    origin: str = "imap"  # imap | import
