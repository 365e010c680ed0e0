"""A whole .docx as one text: ND98 reports and forms, whether their labels sit in paragraphs,
tables or text boxes, are read by the text reader in body order."""

from __future__ import annotations

from parsers.docx_form import block_lines, is_form_table
from parsers.docx_reader import Block
from parsers.models import ParsedDocument
from parsers.textform import parse_text


def document_lines(blocks: list[Block]) -> list[str]:
    """Every block's lines in order, a blank line between blocks of different kinds."""
    lines: list[str] = []
    for block in blocks:
        if block.rows:
            lines.append("")
        lines.extend(block_lines(block))
        if block.rows:
            lines.append("")
    return lines


def parse_report(blocks: list[Block], source: str) -> ParsedDocument:
    """Parse the document text; the shape is "report" for ND98 sections, else "form"."""
    parsed = parse_text("\n".join(document_lines(blocks)), source)
    if parsed.shape == "form" and not any(is_form_table(b) for b in blocks if b.rows):
        parsed.shape = "text"
    return parsed
