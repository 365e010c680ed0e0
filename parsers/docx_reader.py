"""Read a .docx into blocks in body order (paragraphs, tables with nested ones, text boxes,
headers), with hyperlink targets kept and legacy TCVN3/VNI runs converted to Unicode."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree  # type: ignore[import-untyped]  # no stubs; only its error type is used

from parsers.errors import DocumentTooComplex, UnreadableDocument
from parsers.legacy_charset import convert_legacy, detected_hint
from parsers.vntext import find_links, nfc
from parsers.wordml import (
    GRID_BEFORE_PATH, GRID_SPAN_PATH, MC_FALLBACK, PSTYLE_PATH, R_ID, V_MERGE_PATH, W_BR, W_CR,
    W_CUSTOM_XML, W_HYPERLINK, W_INSTR_TEXT, W_NO_BREAK_HYPHEN, W_P, W_R, W_SDT, W_SDT_CONTENT,
    W_T, W_TAB, W_TBL, W_TC, W_TR, W_TXBX_CONTENT, W_VAL, run_font, style_fonts)

# python-docx parses every part with lxml's XMLParser(resolve_entities=False), and lxml leaves
# network access off: a DOCTYPE entity or external reference in a hostile file is not expanded.

_HYPERLINK_FIELD = re.compile(r'HYPERLINK\s+"([^"]+)"')
# Legacy font families: ABC/TCVN3 ".VnTime", ".VnTimeH", "VnArial" and VNI "VNI-Times". Only runs
# in these fonts are converted by name; other text goes through whole-document detection once.
_LEGACY_FONT = re.compile(r"^(?:\.?Vn[A-Z0-9]|VNI[-_ ])", re.IGNORECASE)
# Paragraphs, tables and cells read from one document at most: a long report has a few thousand,
# while a crafted file of 1.5 million empty paragraphs took 28 s and 1.3 GB to read in full.
MAX_BLOCKS = 50_000
# Declared (and, by zipfile, enforced) size of the package's XML parts: lxml builds the whole tree.
MAX_XML_BYTES = 64 * 1024 * 1024
_TEXT_TAGS = {W_T: None, W_TAB: "\t", W_BR: "\n", W_CR: "\n",
              W_NO_BREAK_HYPHEN: "-"}


@dataclass
class Cell:
    """One grid position of a table row; `key` is shared by the positions of a merged cell."""

    key: int
    text: str


@dataclass
class Block:
    """A paragraph (`rows` empty) or a table (`text` empty) in reading order."""

    text: str = ""
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class DocxContent:
    """Everything read from one .docx."""

    blocks: list[Block]
    links: list[str]
    legacy: bool


class _Walker:
    """Walks the WordprocessingML tree of one part, converting legacy-font runs as it goes."""

    def __init__(self, part: Any, default_font: str | None, styles: dict[str, str], allowance: int,
                 filename: str) -> None:
        self.rels = {rid: rel for rid, rel in part.rels.items() if rel.is_external}
        self.default_font = default_font
        self.styles = styles
        self.links: list[str] = []
        self.legacy = False
        self.allowance = allowance  # blocks this walker may still read
        self.filename = filename

    def _count(self) -> None:
        self.allowance -= 1
        if self.allowance < 0:
            raise DocumentTooComplex(self.filename, MAX_BLOCKS)

    def blocks(self, container: Any) -> Iterator[Block]:
        """Yield the blocks of a body, cell, header or text box, in order."""
        for child in container.iterchildren():
            if child.tag in (W_P, W_TBL):
                self._count()
            if child.tag == W_P:
                yield Block(text=self.paragraph_text(child))
                for box in _text_boxes(child):
                    yield from self.blocks(box)
            elif child.tag == W_TBL:
                yield Block(rows=self.table_rows(child))
                for nested in _nested_tables(child):
                    yield Block(rows=self.table_rows(nested))
            elif child.tag in (W_SDT, W_SDT_CONTENT, W_CUSTOM_XML):
                yield from self.blocks(child.find(W_SDT_CONTENT) if child.tag == W_SDT else child)

    def paragraph_text(self, p: Any) -> str:
        """The paragraph's text, hyperlink targets appended, text boxes left out."""
        style = p.find(PSTYLE_PATH)
        p_font = self.styles.get(style.get(W_VAL, "")) if style is not None else None
        out: list[str] = []
        for run in p.iter(W_R):
            if _inside_box(run, p):
                continue
            out.append(self._run_text(run, p_font))
            out.append(self._link_after(run))
        return nfc("".join(out))

    def _run_text(self, run: Any, p_font: str | None) -> str:
        """A run's text, converted when its font is a legacy one (.VnTime, VNI-Times)."""
        text = "".join(_TEXT_TAGS[el.tag] or (el.text or "") for el in run.iterchildren()
                       if el.tag in _TEXT_TAGS)
        for instr in run.iter(W_INSTR_TEXT):
            self._add_links(_HYPERLINK_FIELD.findall(instr.text or ""))
        font = run_font(run, self.styles) or p_font or self.default_font
        if text and font and _LEGACY_FONT.match(font):
            text, converted = convert_legacy(text, hint=font)
            self.legacy = self.legacy or converted
        return text

    def _link_after(self, run: Any) -> str:
        """The target of a hyperlink, appended after its last run unless already visible."""
        parent = run.getparent()
        if parent is None or parent.tag != W_HYPERLINK or parent.findall(W_R)[-1] is not run:
            return ""
        rel = self.rels.get(parent.get(R_ID, ""))
        if rel is None:
            return ""
        target = str(rel.target_ref)
        self._add_links([target])
        shown = "".join(t.text or "" for t in parent.iter(W_T))
        return "" if target in shown else f" {target}"

    def _add_links(self, targets: list[str]) -> None:
        """Remember web links found in relationships and field codes."""
        for target in targets:
            self.links.extend(link for link in find_links(target) if link not in self.links)

    def table_rows(self, tbl: Any) -> list[list[Cell]]:
        """The table as a grid: merged cells repeat their key and text in every position."""
        grid: list[list[Cell]] = []
        for tr in tbl.iterchildren(W_TR):
            row: list[Cell] = [Cell(-1 - len(grid) * 1000 - i, "") for i in range(_grid_before(tr))]
            for tc in tr.iterchildren(W_TC):
                self._count()
                cell = self._cell(tc, grid, len(row))
                row.extend([cell] * _grid_span(tc))
            grid.append(row)
        return grid

    def _cell(self, tc: Any, grid: list[list[Cell]], column: int) -> Cell:
        """A cell, or the cell above it when this one continues a vertical merge."""
        merge = tc.find(V_MERGE_PATH)
        if merge is not None and merge.get(W_VAL, "continue") == "continue" and grid:
            above = grid[-1]
            if column < len(above):
                return above[column]
        lines = [b.text if not b.rows else _rows_text(b.rows) for b in self.blocks(tc)]
        return Cell(id(tc), "\n".join(line for line in lines if line.strip()))


def _rows_text(rows: list[list[Cell]]) -> str:
    """A nested table flattened into its cell's text, one line per row."""
    return "\n".join(" | ".join(c.text for c in unique_cells(row)) for row in rows)


def unique_cells(row: list[Cell]) -> list[Cell]:
    """The row with each merged cell once."""
    seen: set[int] = set()
    return [c for c in row if not (c.key in seen or seen.add(c.key))]  # type: ignore[func-returns-value]


def _grid_span(tc: Any) -> int:
    span = tc.find(GRID_SPAN_PATH)
    return max(1, int(span.get(W_VAL, "1"))) if span is not None else 1


def _grid_before(tr: Any) -> int:
    before = tr.find(GRID_BEFORE_PATH)
    return int(before.get(W_VAL, "0")) if before is not None else 0


def _inside_box(el: Any, stop: Any) -> bool:
    """True when `el` sits in a text box (read separately) or a compatibility fallback copy."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in (W_TXBX_CONTENT, MC_FALLBACK):
            return True
        parent = parent.getparent()
    return False


def _text_boxes(p: Any) -> list[Any]:
    """Text boxes anchored in a paragraph, each once (Word also writes a VML fallback copy)."""
    return [box for box in p.iter(W_TXBX_CONTENT) if not _inside_box(box, p)]


def _nested_tables(tbl: Any) -> list[Any]:
    """Tables inside this table's cells, so forms laid out inside a frame table are seen."""
    return [t for t in tbl.iter(W_TBL) if t is not tbl]


def _xml_bytes(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return sum(i.file_size for i in package.infolist() if i.filename.lower().endswith((".xml", ".rels")))


def _open(data: bytes, filename: str) -> Any:
    """Open the package, translating python-docx and zipfile errors into ours."""
    try:
        if _xml_bytes(data) > MAX_XML_BYTES:
            raise DocumentTooComplex(filename, MAX_BLOCKS)
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError,
            etree.XMLSyntaxError, EOFError, OSError) as exc:
        raise UnreadableDocument(filename, f"not a readable .docx: {exc}") from exc


def convert_detected(blocks: list[Block]) -> bool:
    """Convert legacy text that carried no legacy font name; True when something changed."""
    pieces = [b.text for b in blocks] + [c.text for b in blocks for r in b.rows for c in r]
    hint = detected_hint("\n".join(pieces))
    if hint is None:
        return False
    _map_text(blocks, lambda s: convert_legacy(s, hint)[0])
    return True


def _map_text(blocks: list[Block], convert: Callable[[str], str]) -> None:
    """Apply `convert` to every paragraph and cell text once (merged cells share objects)."""
    done: set[int] = set()
    for block in blocks:
        block.text = convert(block.text)
        for cell in (c for row in block.rows for c in row):
            if id(cell) not in done:
                done.add(id(cell))
                cell.text = convert(cell.text)


def read_docx(data: bytes, filename: str) -> DocxContent:
    """Return the blocks of a .docx: page headers first, then the body in reading order."""
    document = _open(data, filename)
    default_font, styles = style_fonts(document.styles.element)
    blocks: list[Block] = []
    links: list[str] = []
    legacy = False
    parts = [s.header for s in document.sections if not s.header.is_linked_to_previous]
    for container, part in [(h._element, h.part) for h in parts] + [
            (document.element.body, document.part)]:
        walker = _Walker(part, default_font, styles, MAX_BLOCKS - len(blocks), filename)
        blocks.extend(walker.blocks(container))
        links.extend(link for link in walker.links if link not in links)
        legacy = legacy or walker.legacy
    if not legacy:
        legacy = convert_detected(blocks)
    return DocxContent(blocks=blocks, links=links, legacy=legacy)
