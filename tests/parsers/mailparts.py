"""Read attachments out of the shared corpus mails, for the parser tests."""

from __future__ import annotations

import email
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from parsers.models import DocumentInput


def attachments(corpus_dir: Path, case: str) -> list[DocumentInput]:
    """Every attachment of the corpus mail whose file name starts with `case` ("009")."""
    (path,) = sorted((corpus_dir / "emails").glob(f"{case}-*.eml"))
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    found = []
    for part in msg.walk():
        data = part.get_payload(decode=True)
        if part.get_filename() and isinstance(data, bytes):
            found.append(DocumentInput(filename=part.get_filename() or "", data=data,
                                       content_type=part.get_content_type()))
    return found


def attachment(corpus_dir: Path, case: str, suffix: str) -> DocumentInput:
    """The one attachment of mail `case` whose file name ends with `suffix`."""
    (found,) = [a for a in attachments(corpus_dir, case) if a.filename.lower().endswith(suffix)]
    return found


def expected(corpus_dir: Path, case: str) -> dict[str, Any]:
    """The expected result of corpus mail `case`."""
    (path,) = sorted((corpus_dir / "expected").glob(f"{case}-*.json"))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def collapse(text: str | None) -> str:
    """Whitespace collapsed, as the corpus compares phrases."""
    return " ".join((text or "").split())
