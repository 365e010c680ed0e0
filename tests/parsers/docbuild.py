"""Build small .docx files in memory for parser tests."""

from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
VML = "urn:schemas-microsoft-com:vml"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def new() -> Document:
    return docx.Document()


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def form_table(document: Document, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value


def add_hyperlink(paragraph: Paragraph, url: str, text: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:t>{text}</w:t>'
                     f"</w:r></w:hyperlink>")
    paragraph._p.append(link)


def add_text_box(document: Document, lines: list[str]) -> None:
    """A DrawingML text box with its VML fallback copy, as Word writes it."""
    paras = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{line}</w:t></w:r></w:p>"
                    for line in lines)
    xml = (f'<w:p {nsdecls("w")} xmlns:v="{VML}" xmlns:mc="{MC}" xmlns:wps="{WPS}"><w:r>'
           f"<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:wsp><wps:txbx>"
           f"<w:txbxContent>{paras}</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>"
           f"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{paras}</w:txbxContent>"
           f"</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")
    document.element.body.append(parse_xml(xml))
    document.element.body.append(document.element.body.sectPr)  # keep sectPr last


def set_font(paragraph: Paragraph, font: str) -> None:
    for run in paragraph.runs:
        run.font.name = font


def tc_font(cell_paragraph: Paragraph, font: str) -> None:
    set_font(cell_paragraph, font)


__all__ = ["new", "to_bytes", "form_table", "add_hyperlink", "add_text_box", "set_font", "qn"]
