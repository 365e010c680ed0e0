"""Pick the parser for an attachment by content, declared type and name; files no parser
claims (photos, videos, archives) are evidence, not documents."""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache

from parsers.base import Parser
from parsers.docx_parser import DocxParser
from parsers.models import DocumentInput, ParsedDocument
from parsers.office import check_encrypted, is_ole

log = logging.getLogger(__name__)

# Parsers written in sibling modules; each is optional so this module works without them.
OPTIONAL_PARSERS = (
    ("parsers.xlsx", "XlsxParser"),
    ("parsers.pdf", "PdfParser"),
    ("parsers.legacy_doc", "LegacyDocParser"),
    ("parsers.sheets", "CalamineSheetsParser"),  # .xls, .ods
    ("parsers.odt", "OdtParser"),
    ("parsers.ocr", "OcrParser"),  # scans and photos of documents
)


def _load_optional(module_name: str, class_name: str) -> Parser | None:
    """Instantiate an optional parser, or None when its module is not installed."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        if exc.name != module_name:
            raise  # the module exists but one of its own imports is broken: say so
        log.info("parser module %s not available", module_name)
        return None
    parser: Parser = getattr(module, class_name)()
    return parser


@lru_cache(maxsize=1)
def parsers() -> tuple[Parser, ...]:
    """The registered parsers: ours first, then whichever optional ones import."""
    found: list[Parser] = [DocxParser()]
    for module_name, class_name in OPTIONAL_PARSERS:
        parser = _load_optional(module_name, class_name)
        if parser is not None:
            found.append(parser)
    return tuple(found)


def choose(doc: DocumentInput) -> Parser | None:
    """Return the parser with the highest score for `doc`, or None when none claims it."""
    best: tuple[int, Parser] | None = None
    for parser in parsers():
        score = parser.handles(doc)
        if score is not None and (best is None or score > best[0]):
            best = (score, parser)
    return best[1] if best else None


def parse_document(doc: DocumentInput) -> ParsedDocument | None:
    """Return the parsed document, or None for a file that is not a document (evidence).

    Raises the ParseError subclasses (unreadable, encrypted, …) of the chosen parser.
    """
    parser = choose(doc)
    if parser is None:
        return None
    if is_ole(doc.data):
        # Password protection is decided before any parser tries (and fails) to read the file.
        check_encrypted(doc.data, doc.filename)
    return parser.parse(doc)
