"""The nomination template units fill in: a two-column label | value form the parsers read back exactly."""

from __future__ import annotations

import io
from collections.abc import Mapping

from docx.document import Document as DocxDocument
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from intake.outgoing import DOCX, MailFile
from reports import docx_layout as layout
from reports.config import ReportSettings

TITLE = "PHIẾU GIỚI THIỆU GƯƠNG ĐIỂN HÌNH TIÊN TIẾN"
FILENAME = "Mau-phieu-gioi-thieu-guong-dien-hinh-tien-tien.docx"

# (field, label, guidance): labels are synonyms from parsers.labels, so a filled form reads back
# field for field. Guidance goes under the table, never in a value cell: a blank form sent back
# must not read as a nomination.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("quarter", "Quý", "Ghi quý đề xuất, ví dụ Quý II năm 2024"),
    ("kind", "Cá nhân/Tập thể", "Ghi Cá nhân hoặc Tập thể"),
    ("category", "Đối tượng", "Ghi một trong các đối tượng Cán bộ quản lý, Nhà giáo, Người lao động, "
                              "Học sinh/học viên, Tập thể"),
    ("name", "Họ và tên", "Ghi họ và tên đầy đủ, có dấu; với tập thể ghi tên tập thể"),
    ("birth_date", "Ngày sinh", "Ghi ngày, tháng, năm sinh (với cá nhân)"),
    ("gender", "Giới tính", "Ghi Nam hoặc Nữ (với cá nhân)"),
    ("position", "Chức vụ", "Ghi chức vụ, ví dụ Giáo viên, Tổ trưởng chuyên môn; với học sinh ghi lớp"),
    ("workplace", "Đơn vị công tác", "Ghi tên đầy đủ của trường, đơn vị nơi công tác, học tập"),
    ("school_level", "Cấp học", "Ghi Mầm non, Tiểu học, THCS, THPT hoặc GDNN-GDTX"),
    ("summary", "Tóm tắt thành tích nổi bật", "Ghi các thành tích nổi bật, mỗi ý một dòng bắt đầu bằng dấu gạch ngang"),
    ("innovations", "Sáng kiến, sản phẩm đổi mới sáng tạo", "Ghi tên sáng kiến, đề tài, sản phẩm và cấp công nhận"),
    ("awards", "Các hình thức đã được khen thưởng", "Ghi danh hiệu thi đua, hình thức khen thưởng và năm"),
    ("links", "Minh chứng", "Ghi đường liên kết (Google Drive, YouTube, trang thông tin điện tử của trường) đã mở quyền "
                            "xem; tệp minh chứng đính kèm cùng thư"),
)
LABEL_WIDTH_CM = 5.5
# Room to write by hand on a printed form; rows still grow with typed text.
ROW_CM = {"summary": 6.0, "innovations": 2.5, "awards": 2.0, "links": 2.0}
_GREY = RGBColor(0x70, 0x70, 0x70)  # guidance text, so nobody takes it for a value


def _instructions(doc: DocxDocument, mailbox: str) -> None:
    notes = (
        "Mỗi gương điển hình tiên tiến lập 01 phiếu; không thay đổi nội dung cột bên trái.",
        f"Gửi phiếu (định dạng .docx) kèm các tệp minh chứng qua thư điện tử về địa chỉ {mailbox}, "
        "hạn cuối ngày 20 của tháng cuối mỗi quý.",
        "Minh chứng gồm bản chụp, bản quét giấy khen, bằng khen, quyết định công nhận, sản phẩm đổi mới, sáng tạo… "
        "hoặc đường liên kết đã mở quyền xem.",
    )
    layout.para(doc, "Hướng dẫn ghi phiếu:", bold=True, italic=True, size=12).paragraph_format.space_before = Pt(12)
    for note in notes:
        layout.para(doc, f"- {note}", italic=True, size=12)
    # Guidance has no colon, so no line of it reads as "Label: value" when a form is parsed.
    for number, (_field, _label, guidance) in enumerate(FIELDS, start=1):
        layout.para(doc, f"({number}) {guidance}.", italic=True, size=12).runs[-1].font.color.rgb = _GREY


DOTS = "…" * 11  # fits the unit side on one line
UNIT_SIDE_CM = 6.0  # the motto's side takes the rest: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" on one line


def _halves(doc: DocxDocument) -> tuple[float, float]:
    return UNIT_SIDE_CM, layout.text_width_cm(doc) - UNIT_SIDE_CM


def _unit_header(doc: DocxDocument, values: Mapping[str, str]) -> None:
    """The unit's own header, as on any document it signs: its governing body and its name (dotted
    lines to fill in), beside the national motto. No label and no colon: a header must never read
    as a field of the form ("Tên đơn vị" is a name label)."""
    table = doc.add_table(rows=1, cols=2)
    layout.no_borders(table)
    layout.fixed_widths(table, _halves(doc))
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    layout.write(left.paragraphs[0], values.get("parent_body") or DOTS, size=12, align=center)
    layout.para(left, (values.get("unit") or DOTS).upper(), bold=True, size=12, align=center)
    caption = layout.para(left, "(cơ quan chủ quản và đơn vị đề xuất)", italic=True, size=10, align=center)
    caption.runs[-1].font.color.rgb = _GREY
    layout.write(right.paragraphs[0], layout.MOTTO_TOP, bold=True, size=12, align=center)
    layout.para(right, layout.MOTTO, bold=True, size=13, align=center)


def _signature(doc: DocxDocument) -> None:
    """Where the head of the unit signs and seals the form before it is scanned or sent."""
    table = doc.add_table(rows=1, cols=2)
    layout.no_borders(table)
    layout.fixed_widths(table, _halves(doc))
    right = table.rows[0].cells[1]
    center = WD_ALIGN_PARAGRAPH.CENTER
    layout.write(right.paragraphs[0], "…………, ngày …… tháng …… năm ……", italic=True, size=12, align=center)
    layout.para(right, "THỦ TRƯỞNG ĐƠN VỊ", bold=True, size=13, align=center)
    layout.para(right, "(Ký, ghi rõ họ tên và đóng dấu)", italic=True, size=12, align=center)
    for _ in range(4):
        layout.para(right)


def build_template(settings: ReportSettings, mailbox: str, values: Mapping[str, str] | None = None) -> DocxDocument:
    """The form, blank (with guidance in grey italics) or filled with `values` by field name (and
    `parent_body` / `unit` for the header the unit fills in)."""
    doc = layout.new_document(landscape=False)
    section = doc.sections[0]
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    _unit_header(doc, values or {})
    # `settings` named the Sở in the header; the header is now the unit's own, so it is unused here.
    layout.title(doc, [TITLE], "(Kèm theo thư gửi Sở Giáo dục và Đào tạo qua thư điện tử)")
    width = layout.text_width_cm(doc)
    table = layout.grid(doc, ("Nội dung", "Thông tin"), (LABEL_WIDTH_CM, width - LABEL_WIDTH_CM), len(FIELDS))
    for row, (field, label, guidance) in zip(table.rows[1:], FIELDS):
        label_cell, value_cell = row.cells
        row.height, row.height_rule = Cm(ROW_CM.get(field, 0.9)), WD_ROW_HEIGHT_RULE.AT_LEAST
        layout.write(label_cell.paragraphs[0], label, bold=True, size=13)
        layout.write(label_cell.paragraphs[0], f" ({FIELDS.index((field, label, guidance)) + 1})", size=10)
        lines = ((values or {}).get(field) or "").split("\n")
        layout.write(value_cell.paragraphs[0], lines[0], size=13)
        for line in lines[1:]:
            layout.para(value_cell, line, size=13)
    _signature(doc)
    _instructions(doc, mailbox)
    return doc


def template_bytes(settings: ReportSettings, mailbox: str, values: Mapping[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    build_template(settings, mailbox, values).save(buffer)
    return buffer.getvalue()


def template_file(settings: ReportSettings, mailbox: str) -> MailFile:
    """The blank template as a file to attach: what the worker sends with every rejection."""
    return MailFile(filename=FILENAME, data=template_bytes(settings, mailbox), content_type=DOCX)
