"""The formal layout of a Sở document in python-docx: page, fonts, header block, tables, signature."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from reports.config import ReportSettings

FONT = "Times New Roman"
MOTTO_TOP = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# Page margins of Nghị định 30/2020/NĐ-CP: binding edge on the left.
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
HEADER_LEFT_CM = 9.5


def new_document(landscape: bool = True) -> DocxDocument:
    """An A4 document in Times New Roman 13, landscape for wide tables."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side, size in MARGINS_CM.items():
        setattr(section, f"{side}_margin", Cm(size))
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    # Word takes Vietnamese letters from the complex-script/East Asian slots when those are unset.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    return doc


def text_width_cm(doc: DocxDocument) -> float:
    section = doc.sections[0]
    width, left, right = section.page_width, section.left_margin, section.right_margin
    assert width is not None and left is not None and right is not None  # set by the template
    return float(width - left - right) / 360000


def write(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False,
          size: float | None = None, align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def para(container: DocxDocument | _Cell, text: str = "", **style: object) -> Paragraph:
    """A new paragraph in a document or cell, written with `write`'s styling."""
    return write(container.add_paragraph(), text, **style)  # type: ignore[arg-type]


def _rule(cell: _Cell, cell_cm: float, line_cm: float) -> None:
    """A short centred line under a heading, as typed under the agency name and the motto."""
    p = cell.add_paragraph()
    indent = Cm(max((cell_cm - line_cm) / 2, 0))
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = indent
    p.paragraph_format.line_spacing = Pt(2)
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    border.append(top)
    p._p.get_or_add_pPr().append(border)


def no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        item = OxmlElement(f"w:{edge}")
        item.set(qn("w:val"), "nil")
        borders.append(item)
    table._tbl.tblPr.append(borders)


def date_line(place: str, day: date) -> str:
    """'Ninh Bình, ngày 08 tháng 3 năm 2024': days below 10 and months below 3 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def fixed_widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Column widths that both word processors keep."""
    table.autofit = False
    for column, cm in zip(table.columns, widths_cm):
        column.width = Cm(cm)  # LibreOffice lays out by the grid, Word by the cells: set both
    for row in table.rows:
        for cell, cm in zip(row.cells, widths_cm):
            cell.width = Cm(cm)


def header_block(doc: DocxDocument, settings: ReportSettings, day: date) -> None:
    """Agency block and national motto side by side, then the number and the place and date."""
    width = text_width_cm(doc)
    table = doc.add_table(rows=2, cols=2)
    no_borders(table)
    left, right = table.rows[0].cells
    widths = (HEADER_LEFT_CM, width - HEADER_LEFT_CM)
    fixed_widths(table, widths)
    center = WD_ALIGN_PARAGRAPH.CENTER
    write(left.paragraphs[0], settings.agency_parent.upper(), size=13, align=center)
    para(left, settings.agency.upper(), bold=True, size=13, align=center)
    _rule(left, widths[0], 2.8)
    write(right.paragraphs[0], MOTTO_TOP, bold=True, size=13, align=center)
    para(right, MOTTO, bold=True, size=14, align=center)
    _rule(right, widths[1], 6.4)
    number, place = table.rows[1].cells
    write(number.paragraphs[0], f"Số:        /{settings.number_suffix}", size=13, align=center)
    write(place.paragraphs[0], date_line(settings.place, day), italic=True, size=14, align=center)


def title(doc: DocxDocument, lines: Sequence[str], note: str | None = None) -> None:
    """The document title in bold capitals, with an italic note under it."""
    first = para(doc, lines[0], bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    first.paragraph_format.space_before = Pt(18)
    for line in lines[1:]:
        para(doc, line, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    if note:
        para(doc, note, italic=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_paragraph().paragraph_format.space_after = Pt(6)


def heading(doc: DocxDocument, text: str) -> None:
    p = para(doc, text, bold=True, size=13)
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(12), Pt(6)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(table: Table) -> None:
    # A table that runs over pages repeats its column heads, as a reader of a signed list expects.
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(flag)


def grid(doc: DocxDocument, heads: Sequence[str], widths_cm: Sequence[float], rows: int) -> Table:
    """A bordered table with bold repeated column heads and `rows` empty body rows."""
    table: Table = doc.add_table(rows=rows + 1, cols=len(heads))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, cm in zip(table.columns, widths_cm):
        column.width = Cm(cm)
    for cell, head, cm in zip(table.rows[0].cells, heads, widths_cm):
        cell.width = Cm(cm)
        write(cell.paragraphs[0], head, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "EDEDED")
    _repeat_header(table)
    keep_rows_whole(table)
    return table


def keep_rows_whole(table: Table) -> None:
    """A row is never split across pages: a summary cut in two is hard to read and to sign."""
    for row in table.rows:
        flag = OxmlElement("w:cantSplit")
        flag.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(flag)


def _body_run(text: str, half_points: int) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), str(half_points))
        props.append(size)
    run.append(props)
    for index, line in enumerate(text.split("\n")):
        if index:
            run.append(OxmlElement("w:br"))
        piece = OxmlElement("w:t")
        piece.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        piece.text = line
        run.append(piece)
    return run


def _center(p: BaseOxmlElement) -> None:
    props = p.get_or_add_pPr()
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "center")
    props.append(jc)


def fill_row(cells: Sequence[_Cell], values: Sequence[str], centered: Sequence[int] = (), size: float = 12,
             widths_cm: Sequence[float] = ()) -> None:
    """Write one body row; the columns in `centered` are centred (numbers, short codes).

    Runs are built as XML directly: python-docx's run and font setters made a 1,000-row list the
    slowest part of `dhtt report`.
    """
    for index, (cell, value) in enumerate(zip(cells, values)):
        if widths_cm:
            cell.width = Cm(widths_cm[index])
        if not value:
            continue  # an empty run would survive a merge as a blank line
        p = cell._tc.p_lst[0]
        if index in centered:
            _center(p)
        p.append(_body_run(value, int(size * 2)))


def group_row(row: _Row, text: str) -> None:
    """A row merged across the table, naming the unit whose exemplars follow; kept on the same page
    as the first of them, never alone at the foot of a page."""
    merged = row.cells[0].merge(row.cells[-1])
    heading_para = write(merged.paragraphs[0], text, bold=True, size=12)
    heading_para.paragraph_format.keep_with_next = True
    _shade(merged, "F5F5F5")


def keep_with_next(row: _Row) -> None:
    """Keep `row` on the page of the row after it (Word and LibreOffice read it from the paragraphs)."""
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def end_without_blank_page(doc: DocxDocument) -> None:
    """Shrink the paragraph Word requires after a closing table to nothing: at full size it spills
    onto a page of its own when the signature block ends near the foot of a page."""
    last = doc.paragraphs[-1]
    if last.text:
        last = doc.add_paragraph()
    last.paragraph_format.space_before = last.paragraph_format.space_after = Pt(0)
    last.paragraph_format.line_spacing = Pt(1)
    write(last, "", size=1)


def signature(doc: DocxDocument, settings: ReportSettings) -> None:
    """'Nơi nhận' on the left; the signer's authority, title and name on the right."""
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    left, right = table.rows[0].cells
    width = text_width_cm(doc)
    for column in table.columns:
        column.width = Cm(width / 2)
    left.width, right.width = Cm(width / 2), Cm(width / 2)
    write(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for line in settings.copies_to:
        para(left, f"- {line}", size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    if settings.signer_authority:
        write(right.paragraphs[0], settings.signer_authority, bold=True, size=14, align=center)
        para(right, settings.signer_title, bold=True, size=14, align=center)
    else:
        write(right.paragraphs[0], settings.signer_title, bold=True, size=14, align=center)
    for _ in range(4):
        para(right)
    para(right, settings.signer_name, bold=True, size=14, align=center)
