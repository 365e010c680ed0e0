"""PDF nominations: the text layer (forms, Nghị định 98 reports), tables and link annotations.
A PDF without text (a scan) is evidence only and yields no nomination."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from parsers import fields, listtable, textform, vntext
from parsers.errors import EncryptedDocument, UnreadableDocument
from parsers.legacy_charset import convert_legacy
from parsers.models import DocumentInput, ParsedDocument
from parsers.xlsx import looks_like_form

log = logging.getLogger(__name__)

MAX_PAGES = 200  # a nomination is a few pages; the rest of a long scan is not read
# Ruling-line crossings on one page past which no table is looked for: pdfplumber's table finder
# grows with the square of the crossings (a page of dense rules took 15 s), while the largest
# nomination list is a few hundred cells. Such a page is read as plain text.
MAX_GRID = 2500
_SNAP = 3.0  # points: pdfplumber's default snap tolerance, rules closer than this are one
# Errors pdfminer lets escape from damaged files besides its own exception classes.
_PDF_ERRORS = (PdfminerException, PDFException, PSException, ValueError, KeyError, TypeError,
               IndexError, AttributeError, AssertionError, OverflowError, RecursionError)
_BULLET = re.compile(r"^\s*(?:[-+•*–]|\d+[.)]|[a-zđ][.)])\s")

Table = list[list[str]]


class PdfParser:
    """Parser for PDF files with a text layer; scanned PDFs come back empty (evidence)."""

    def handles(self, doc: DocumentInput) -> int | None:
        """Score 90 for data starting with %PDF, 40 for a non-PDF named .pdf."""
        if doc.data[:1024].lstrip().startswith(b"%PDF"):
            return 90
        if doc.filename.lower().endswith(".pdf"):
            return 40  # claim it so the sender hears that it is unreadable
        return None

    def parse(self, doc: DocumentInput) -> ParsedDocument:
        """Read text, tables and links page by page into a ParsedDocument."""
        texts, tables, links = _read_pages(doc)
        text = "\n".join(t for t in texts if t.strip())
        text, legacy = convert_legacy(text)
        if not text.strip():
            return ParsedDocument(source=doc.filename, shape="pdf", links=links)
        result = textform.parse_text(text, doc.filename, shape="pdf")
        result.legacy_encoding = result.legacy_encoding or legacy
        result.text = text
        _prefer_tables(result, tables, doc.filename)
        claimed = {link for draft in result.nominations for link in draft.links}
        result.links = _unique(result.links + [u for u in links if u not in claimed])
        return result


def _read_pages(doc: DocumentInput) -> tuple[list[str], list[Table], list[str]]:
    """Open the PDF and collect each page's text, tables and URI annotations."""
    texts: list[str] = []
    tables: list[Table] = []
    links: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(doc.data)) as pdf:
            for page in pdf.pages[:MAX_PAGES]:
                page_text, page_tables = _read_page(page)
                texts.append(page_text)
                tables.extend(page_tables)
                links.extend(_page_links(page))
                page.close()  # drops the page's cached layout objects: memory stays per page
    except PdfminerException as exc:
        if isinstance(exc.args[0] if exc.args else None, PDFPasswordIncorrect):
            raise EncryptedDocument(doc.filename, "password-protected PDF") from exc
        raise UnreadableDocument(doc.filename, f"damaged PDF: {exc.args[0]!r}") from exc
    except _PDF_ERRORS as exc:
        raise UnreadableDocument(doc.filename, f"damaged PDF: {exc!r}") from exc
    return texts, tables, links


def _grid_size(page: Page) -> int:
    """Horizontal rule positions times vertical ones: the crossings the table finder would test."""
    rows: set[int] = set()
    columns: set[int] = set()
    for edge in page.edges:
        if edge["orientation"] == "h":
            rows.add(int(edge["top"] // _SNAP))
        else:
            columns.add(int(edge["x0"] // _SNAP))
    return len(rows) * len(columns)


def _read_page(page: Page) -> tuple[str, list[Table]]:
    """The page's text in reading order, each table rendered in place as label: value lines."""
    if _grid_size(page) > MAX_GRID:
        log.info("page %s: too many ruling lines, read as text without tables", page.page_number)
        return page.extract_text() or "", []
    found = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    tables = [_clean_table(t.extract()) for t in found]
    parts: list[str] = []
    top = 0.0
    for table, rows in zip(found, tables, strict=True):
        parts.append(_text_between(page, top, table.bbox[1]))
        parts.append(render_table(rows))
        top = table.bbox[3]
    parts.append(_text_between(page, top, float(page.height)))
    return "\n".join(p for p in parts if p.strip()), [t for t in tables if t]


def _text_between(page: Page, top: float, bottom: float) -> str:
    """Text of the horizontal band [top, bottom] of the page."""
    if bottom - top < 1:
        return ""
    band = page.crop((0, top, float(page.width), bottom), strict=False)
    return band.extract_text() or ""


def _clean_table(raw: list[list[Any]]) -> Table:
    """Cells as strings (None → ""), wrapped lines joined; empty rows dropped."""
    rows = [[join_wrapped(str(c)) if c else "" for c in row] for row in raw]
    return [row for row in rows if any(row)]


def join_wrapped(cell: str) -> str:
    """Join a cell's visually wrapped lines, keeping a new line before each bullet or item."""
    out: list[str] = []
    for line in cell.splitlines():
        if out and not _BULLET.match(line):
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line.strip())
    return "\n".join(out)


def render_table(rows: Table) -> str:
    """A two-column table as "label: value" lines; a wider one with cells joined by " | "."""
    lines: list[str] = []
    for row in rows:
        row = textform.drop_numbering(row)
        cells = [c for c in row if c]
        if len(row) == 2 and len(cells) == 2:
            lines.append(f"{cells[0]}: {cells[1]}")
        elif cells:
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def _page_links(page: Page) -> Iterator[str]:
    """URIs of the page's link annotations."""
    for link in page.hyperlinks:
        uri = link.get("uri")
        if isinstance(uri, bytes):
            uri = uri.decode("latin-1")
        if isinstance(uri, str) and uri.strip():
            yield vntext.nfc(uri.strip())


def _prefer_tables(result: ParsedDocument, tables: list[Table], source: str) -> None:
    """Use list tables when they give more nominations than the text; else try form pairs."""
    rows = [row for table in tables for row in table]
    listed = listtable.parse_rows(rows, source) if rows else []
    if len(listed) > len(result.nominations):
        result.nominations = listed
        result.shape = "list"
    elif not result.nominations and looks_like_form(rows):
        pairs = [(r[0], " ".join(r[1:])) for r in rows if len(r) >= 2 and r[0]]
        form = fields.draft_from_pairs(pairs, source)
        if form is not None:
            result.nominations = [form]


def _unique(items: list[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
