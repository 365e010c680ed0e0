"""OpenDocument text (.odt) forms, ND98 reports and lists: content.xml read into the same
paragraph/table blocks as a .docx, then parsed by the .docx form, report and list logic.

content.xml is read here with defusedxml rather than odfpy: odfpy builds a DOM of every part
(styles, settings, meta) and has no text extraction that keeps table cells, merged-cell
coverage or link targets, which is all we need; and defusedxml refuses entity tricks in a
hostile file, which odfpy's SAX loader does not promise.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from parsers.archives import ArchiveLimits, list_archive
from parsers.blocks import parse_blocks
from parsers.docx_reader import Block, Cell, convert_detected
from parsers.errors import UnreadableDocument
from parsers.models import DocumentInput, ParsedDocument
from parsers.vntext import find_links, nfc

ODT_MIMETYPES = (b"application/vnd.oasis.opendocument.text",
                 b"application/vnd.oasis.opendocument.text-template")
_SUFFIXES = (".odt", ".ott")
ODT_LIMITS = ArchiveLimits(max_total_size=60 * 1024 * 1024, max_members=2000, max_ratio=1000)
MAX_REPEAT = 200  # number-columns/rows-repeated pads whole sheets of empty cells; text needs few

_NS = {
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


T_P, T_H, T_S, T_TAB, T_BR, T_A = (_q("text:p"), _q("text:h"), _q("text:s"), _q("text:tab"),
                                   _q("text:line-break"), _q("text:a"))
T_LIST, T_LIST_ITEM, T_SECTION = _q("text:list"), _q("text:list-item"), _q("text:section")
T_NOTE = _q("text:note")
TB_TABLE, TB_ROW, TB_CELL, TB_COVERED = (_q("table:table"), _q("table:table-row"),
                                         _q("table:table-cell"), _q("table:covered-table-cell"))
TB_ROW_GROUPS = {_q("table:table-header-rows"), _q("table:table-rows"), _q("table:table-row-group")}
A_COLS_REPEAT, A_ROWS_REPEAT = _q("table:number-columns-repeated"), _q("table:number-rows-repeated")
A_SPAN, A_COUNT, A_HREF = _q("table:number-columns-spanned"), _q("text:c"), _q("xlink:href")


def is_odt(data: bytes) -> bool:
    """True for a zip whose `mimetype` member names OpenDocument text."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.read("mimetype").strip() in ODT_MIMETYPES
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return False


class OdtParser:
    """LibreOffice/OpenOffice text documents."""

    def handles(self, doc: DocumentInput) -> int | None:
        """Score 90 for an ODT package, 40 for a broken file named .odt."""
        if is_odt(doc.data):
            return 90
        if doc.filename.lower().endswith(_SUFFIXES):
            return 40  # claim it so the sender hears that it is unreadable
        return None

    def parse(self, doc: DocumentInput) -> ParsedDocument:
        """Read the body into blocks and parse them as a .docx body would be."""
        root = _content(doc)
        reader = _Reader()
        body = root.find(f"{_q('office:body')}/{_q('office:text')}")
        blocks = list(reader.blocks(body)) if body is not None else []
        legacy = convert_detected(blocks)
        parsed = parse_blocks(blocks, doc.filename, reader.links)
        parsed.legacy_encoding = legacy
        return parsed


def _content(doc: DocumentInput) -> Element:
    """The parsed content.xml; a damaged package or hostile XML is unreadable."""
    list_archive(doc.data, doc.filename, ODT_LIMITS)  # raises ArchiveBomb / UnreadableDocument
    try:
        with zipfile.ZipFile(io.BytesIO(doc.data)) as zf:
            xml = zf.read("content.xml")
        root: Element = fromstring(xml)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, ParseError,
            DefusedXmlException) as exc:
        raise UnreadableDocument(doc.filename, f"damaged OpenDocument text: {exc}") from exc
    return root


class _Reader:
    """Walks office:text in order, collecting link targets on the way."""

    def __init__(self) -> None:
        self.links: list[str] = []
        self._keys = 0

    def blocks(self, container: Element) -> Iterator[Block]:
        """Yield paragraphs and tables of a body, section, list or cell, in order."""
        for child in container:
            if child.tag in (T_P, T_H):
                yield Block(text=self.paragraph(child))
            elif child.tag == TB_TABLE:
                yield Block(rows=self.table(child))
            elif child.tag in (T_LIST, T_LIST_ITEM, T_SECTION):
                yield from self.blocks(child)

    def paragraph(self, p: Element) -> str:
        """A paragraph's text: spaces, tabs and breaks expanded, link targets appended."""
        out: list[str] = [p.text or ""]
        for child in p:
            out.append(self._inline(child))
            out.append(child.tail or "")
        return nfc("".join(out))

    def _inline(self, el: Element) -> str:
        if el.tag == T_S:
            return " " * min(int(el.get(A_COUNT, "1") or 1), MAX_REPEAT)
        if el.tag == T_TAB:
            return "\t"
        if el.tag == T_BR:
            return "\n"
        if el.tag == T_NOTE:
            return ""  # footnotes would split a value in the middle
        text = (el.text or "") + "".join(self._inline(c) + (c.tail or "") for c in el)
        if el.tag == T_A:
            target = el.get(A_HREF, "")
            self.links.extend(u for u in find_links(target) if u not in self.links)
            if target and target not in text and find_links(target):
                text = f"{text} {target}"
        return text

    def table(self, tbl: Element) -> list[list[Cell]]:
        """The table as a grid: a spanned cell repeats its key across the columns it covers, and
        a covered cell under a row span repeats the cell above, as the .docx reader does."""
        grid: list[list[Cell]] = []
        for tr in _rows(tbl):
            row: list[Cell] = []
            carry: tuple[Cell | None, int] = (None, 0)  # a column span still covering cells
            for tc in tr:
                for _ in range(min(int(tc.get(A_COLS_REPEAT, "1") or 1), MAX_REPEAT)):
                    cell, carry = self._cell(tc, grid, len(row), carry)
                    if cell is not None:
                        row.append(cell)
            grid.extend([row] * min(int(tr.get(A_ROWS_REPEAT, "1") or 1), 2))
        return [_trim(r) for r in grid if any(c.text for c in r)]

    def _cell(self, tc: Element, grid: list[list[Cell]], column: int,
              carry: tuple[Cell | None, int]) -> tuple[Cell | None, tuple[Cell | None, int]]:
        """The cell at `column` and what remains of the current column span."""
        spanning, left = carry
        if tc.tag == TB_COVERED:
            if spanning is not None and left > 0:
                return spanning, (spanning, left - 1)
            above = grid[-1][column] if grid and column < len(grid[-1]) else None
            return above or Cell(self._key(), ""), (None, 0)
        if tc.tag != TB_CELL:
            return None, carry
        lines = [b.text if not b.rows else _rows_text(b.rows) for b in self.blocks(tc)]
        cell = Cell(self._key(), "\n".join(line for line in lines if line.strip()))
        return cell, (cell, min(int(tc.get(A_SPAN, "1") or 1), MAX_REPEAT) - 1)

    def _key(self) -> int:
        self._keys += 1
        return self._keys


def _rows(tbl: Element) -> list[Element]:
    """Rows of a table, header-rows and row groups flattened."""
    rows: list[Element] = []
    for child in tbl:
        if child.tag == TB_ROW:
            rows.append(child)
        elif child.tag in TB_ROW_GROUPS:
            rows.extend(_rows(child))
    return rows


def _trim(row: list[Cell]) -> list[Cell]:
    end = len(row)
    while end and not row[end - 1].text:
        end -= 1
    return row[:end]


def _rows_text(rows: list[list[Cell]]) -> str:
    """A nested table flattened into its cell's text, one line per row."""
    return "\n".join(" | ".join(c.text for c in row if c.text) for row in rows)
