"""The .docx parser: list tables become one draft per row, anything else is read as a form
or an ND98 report."""

from __future__ import annotations

import io
import zipfile

from parsers.blocks import parse_blocks
from parsers.docx_reader import read_docx
from parsers.errors import UnreadableDocument, UnsupportedDocument
from parsers.models import DocumentInput, ParsedDocument
from parsers.office import check_encrypted, is_ole

DOCX_TYPES = frozenset({
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    "application/vnd.ms-word.document.macroenabled.12",
})
DOCX_EXTENSIONS = (".docx", ".docm", ".dotx")


def is_docx_bytes(data: bytes) -> bool:
    """True for a zip package holding a Word main document."""
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "word/document.xml" in package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def parse_docx(data: bytes, filename: str) -> ParsedDocument:
    """Return what a .docx holds; raise UnreadableDocument / EncryptedDocument when it can't."""
    if is_ole(data):
        check_encrypted(data, filename)  # raises EncryptedDocument for a password-protected file
        raise UnsupportedDocument(filename, "an old Word/OLE file named as .docx")
    content = read_docx(data, filename)
    parsed = parse_blocks(content.blocks, filename, content.links)
    parsed.legacy_encoding = content.legacy
    return parsed


class DocxParser:
    """Word 2007+ documents, recognised by content, declared type or extension."""

    def handles(self, doc: DocumentInput) -> int | None:
        """Score: the bytes say docx (100), else the name or type claims it (broken or OLE)."""
        if is_docx_bytes(doc.data):
            return 100
        claimed = doc.filename.lower().endswith(DOCX_EXTENSIONS) or (
            doc.content_type.lower() in DOCX_TYPES)
        if not claimed:
            return None
        # A .docx that is an OLE file is an encrypted package or a renamed .doc: a legacy .doc
        # parser, when registered, should win the latter, so this claim stays low.
        return 20 if is_ole(doc.data) else 40

    def parse(self, doc: DocumentInput) -> ParsedDocument:
        """Parse the document; a claimed file that is no readable docx raises UnreadableDocument."""
        if not is_ole(doc.data) and not is_docx_bytes(doc.data):
            raise UnreadableDocument(doc.filename, "not a Word package (damaged or truncated)")
        return parse_docx(doc.data, doc.filename)
