"""Errors a document parser raises; each carries the reason code the sender will be told."""

from __future__ import annotations

from domain.codes import ReasonCode


class ParseError(Exception):
    """A document could not be read. `filename` names it in the reply."""

    code: ReasonCode = ReasonCode.unreadable_attachment

    def __init__(self, filename: str, detail: str = "") -> None:
        super().__init__(f"{filename}: {detail}" if detail else filename)
        self.filename = filename
        self.detail = detail


class UnreadableDocument(ParseError):
    code = ReasonCode.unreadable_attachment


class EncryptedDocument(ParseError):
    code = ReasonCode.encrypted_attachment


class UnsupportedDocument(ParseError):
    code = ReasonCode.unsupported_attachment


class ArchiveBomb(ParseError):
    code = ReasonCode.archive_bomb


class DocumentTooComplex(UnreadableDocument):
    """More paragraphs, tables or cells than any nomination has: not read. `limit` is the count."""

    def __init__(self, filename: str, limit: int) -> None:
        super().__init__(filename, f"more than {limit} blocks")
        self.limit = limit
