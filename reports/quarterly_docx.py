"""The quarterly list for the Hội đồng Thi đua - Khen thưởng as a Word document, in the Sở's formal layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.shared import Pt

from domain import wording
from domain.wording import reports as words
from reports import docx_layout as layout
from reports.config import ReportSettings
from reports.data import ExemplarRow, QuarterData

EXEMPLAR_HEADS = ("STT", "Họ và tên\n(tên tập thể)", "Đối tượng", "Chức vụ, đơn vị công tác", "Cấp học",
                  "Tóm tắt thành tích nổi bật", "Ghi chú")
# STT must not wrap to "ST/T", nor a reference such as DHTT-2024Q3-0003 (about 3.7 cm at 12 pt in
# Times New Roman, plus the cell margins) break over lines: those two columns get their room first.
EXEMPLAR_WIDTHS = (1.5, 3.9, 2.4, 4.6, 1.9, 6.8, 4.1)
QUOTA_HEADS = ("STT", "Đơn vị", "Cấp học", "Chỉ tiêu", "Đã gửi", "Còn thiếu", "Kết quả")
QUOTA_WIDTHS = (1.5, 8.5, 4.0, 2.2, 2.2, 2.2, 4.6)


def _note(row: ExemplarRow) -> str:
    notes = [row.reference or ""]
    if row.late:
        notes.append("Nộp muộn")
    if row.signed:
        notes.append("Có chữ ký số")
    return "\n".join(n for n in notes if n)


def summary_lines(text: str) -> str:
    """The whole summary, each line as the unit wrote it: the council reads it all, never a cut."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def exemplar_cells(row: ExemplarRow, number: int) -> list[str]:
    position = words.position_text(row.position, row.workplace, row.unit_name)
    return [str(number), row.name, words.category_text(row.category), position,
            wording.level_text(row.school_level), summary_lines(row.summary), _note(row)]


def _exemplar_table(doc: DocxDocument, data: QuarterData) -> None:
    groups = data.by_unit()
    table = layout.grid(doc, EXEMPLAR_HEADS, EXEMPLAR_WIDTHS, len(data.exemplars) + len(groups))
    rows = iter(table.rows[1:])
    number = 0
    for unit, members in groups:
        layout.group_row(next(rows), f"{unit.name} ({words.count(len(members))} gương)")
        for member in members:
            number += 1
            layout.fill_row(next(rows).cells, exemplar_cells(member, number),
                            centered=(0, 4, 6), widths_cm=EXEMPLAR_WIDTHS)


def quota_rows(data: QuarterData) -> list[list[str]]:
    """One row per quota line; the unit's number, name and result only on its first line."""
    out: list[list[str]] = []
    for number, quota in enumerate(data.with_rule, start=1):
        for index, line in enumerate(quota.status.lines):
            first = index == 0
            out.append([str(number) if first else "", quota.unit.name if first else "",
                        words.quota_line_label(line.level), str(line.required), str(line.sent),
                        str(line.missing), words.result_text(quota.status) if first else ""])
    return out


def _quota_table(doc: DocxDocument, data: QuarterData) -> None:
    body = quota_rows(data)
    table = layout.grid(doc, QUOTA_HEADS, QUOTA_WIDTHS, len(body))
    rows = table.rows[1:]
    for row, values in zip(rows, body):
        layout.fill_row(row.cells, values, centered=(0, 3, 4, 5, 6), widths_cm=QUOTA_WIDTHS)
    start = 0
    for quota in data.with_rule:
        span = len(quota.status.lines)
        if span > 1:  # a Phòng GDĐT: its name and result span its school levels, on one page
            for row in rows[start:start + span - 1]:
                layout.keep_with_next(row)
            for column in (0, 1, 6):
                merged = rows[start].cells[column].merge(rows[start + span - 1].cells[column])
                merged.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        start += span


def summary_line(data: QuarterData) -> str:
    units = len(data.by_unit())
    ruled = data.with_rule
    return (f"Tổng số: {words.count(len(data.exemplars))} gương điển hình tiên tiến của {words.count(units)} "
            f"đơn vị; {words.count(len(data.complete_units))}/{words.count(len(ruled))} đơn vị được giao chỉ "
            f"tiêu đã hoàn thành chỉ tiêu của quý.")


def build_quarterly_docx(data: QuarterData, settings: ReportSettings, day: date) -> DocxDocument:
    """The whole document: header, title, exemplars by unit, quota table, signature."""
    doc = layout.new_document(landscape=True)
    layout.header_block(doc, settings, day)
    year, q = data.quarter.split("-Q")
    closing = f"20/{int(q) * 3:02d}/{year}"
    layout.title(doc, ["DANH SÁCH", f"GƯƠNG ĐIỂN HÌNH TIÊN TIẾN {words.quarter_title(data.quarter)}"],
                 f"(Tổng hợp từ hồ sơ các đơn vị gửi về Sở GDĐT, hạn cuối ngày {closing})")
    layout.heading(doc, "I. DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN THEO ĐƠN VỊ")
    if data.exemplars:
        _exemplar_table(doc, data)
    else:
        layout.para(doc, "Trong quý chưa có đơn vị nào gửi hồ sơ gương điển hình tiên tiến hợp lệ.")
    layout.para(doc, summary_line(data), italic=True, size=13).paragraph_format.space_before = Pt(6)
    layout.heading(doc, f"II. TÌNH HÌNH THỰC HIỆN CHỈ TIÊU {words.quarter_title(data.quarter)}")
    _quota_table(doc, data)
    layout.signature(doc, settings)
    layout.end_without_blank_page(doc)
    return doc


def write_quarterly_docx(data: QuarterData, settings: ReportSettings, day: date, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_quarterly_docx(data, settings, day).save(str(path))
    return path
