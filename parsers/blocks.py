"""Documents read into paragraph/table blocks (.docx, .odt, OCR'd scans): list tables become one
draft per row, anything else is read as a form or an ND98 report."""

from __future__ import annotations

from parsers.docx_reader import Block
from parsers.docx_report import document_lines, parse_report
from parsers.docx_table import list_drafts
from parsers.fields import quarter_from_text
from parsers.models import ParsedDocument
from parsers.vntext import find_links


def parse_blocks(blocks: list[Block], source: str, links: list[str] | None = None) -> ParsedDocument:
    """Nominations, quarter and links of a document given as blocks in reading order.

    .docx, .odt and OCR'd pages all come here once read into blocks, so a form, report or list
    reads alike whatever format carried it.
    """
    text = "\n".join(document_lines(blocks))
    drafts = list_drafts(blocks, source)
    if drafts:
        attached = {link for d in drafts for link in d.links}
        parsed = ParsedDocument(source=source, shape="list", nominations=drafts, text=text,
                                quarter=quarter_from_text(text),
                                links=[u for u in find_links(text) if u not in attached])
    else:
        parsed = parse_report(blocks, source)
    known = {u for d in parsed.nominations for u in d.links} | set(parsed.links)
    parsed.links.extend(u for u in links or [] if u not in known)
    return parsed
