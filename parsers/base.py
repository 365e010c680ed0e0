"""The interface every document parser implements, so the registry can score and call them."""

from __future__ import annotations

from typing import Protocol

from parsers.models import DocumentInput, ParsedDocument


class Parser(Protocol):
    """A parser for one family of documents (docx, xlsx, pdf, doc …)."""

    def handles(self, doc: DocumentInput) -> int | None:
        """Return how sure this parser is that `doc` is its kind (higher wins), None if not."""
        ...

    def parse(self, doc: DocumentInput) -> ParsedDocument:
        """Return what the document holds; raise a ParseError subclass when it cannot be read."""
        ...
