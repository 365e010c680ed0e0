"""The quarterly list as an Excel workbook: the same exemplars and quota table as the Word document."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from domain import wording
from domain.wording import reports as words
from reports import xlsx_layout as layout
from reports.config import ReportSettings
from reports.data import QuarterData
from reports.quarterly_docx import QUOTA_HEADS, quota_rows, summary_line

LIST_HEADS = ("STT", "Mã đơn vị", "Đơn vị", "Họ và tên (tên tập thể)", "Đối tượng", "Chức vụ",
              "Đơn vị công tác", "Cấp học", "Tóm tắt thành tích nổi bật", "Sáng kiến, sản phẩm đổi mới",
              "Khen thưởng đã nhận", "Số minh chứng", "Mã hồ sơ", "Nộp muộn",
              "Chữ ký số")
# About 220 units wide: one A4 landscape page at ~68% (see xlsx_layout.landscape).
LIST_WIDTHS = (5, 11, 18, 18, 11, 14, 18, 9, 38, 22, 16, 9, 17, 8, 10)
QUOTA_WIDTHS = (6, 40, 18, 10, 10, 10, 18)


def _list_sheet(book: Workbook, data: QuarterData, settings: ReportSettings) -> None:
    sheet = layout.first_sheet(book)
    sheet.title = "Danh sách"
    title = f"DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN {words.quarter_title(data.quarter)}"
    row = layout.heading_rows(sheet, settings, title, summary_line(data), len(LIST_HEADS))
    layout.head_row(sheet, row, LIST_HEADS, LIST_WIDTHS)
    first = row
    number = 0
    for unit, members in data.by_unit():
        row += 1
        layout.group_row(sheet, row, f"{unit.name} ({words.count(len(members))} gương)", len(LIST_HEADS))
        for e in members:
            row, number = row + 1, number + 1
            layout.body_row(sheet, row, [
                number, e.unit_code, e.unit_name, e.name, words.category_text(e.category), e.position or "",
                e.workplace or "", wording.level_text(e.school_level), e.summary, e.innovations or "",
                e.awards or "", e.evidence_count, e.reference or "", "Có" if e.late else "",
                "Có" if e.signed else ""],
                centered=(0, 1, 7, 11, 12, 13, 14))
    layout.fit_row_heights(sheet, first)
    layout.landscape(sheet)


def _quota_sheet(book: Workbook, data: QuarterData, settings: ReportSettings) -> None:
    sheet = book.create_sheet("Chỉ tiêu")
    title = f"TÌNH HÌNH THỰC HIỆN CHỈ TIÊU {words.quarter_title(data.quarter)}"
    row = layout.heading_rows(sheet, settings, title, summary_line(data), len(QUOTA_HEADS))
    layout.head_row(sheet, row, QUOTA_HEADS, QUOTA_WIDTHS)
    first = row
    for values in quota_rows(data):
        row += 1
        typed: list[object] = [int(v) if v.isdigit() else v for v in values]
        layout.body_row(sheet, row, typed, centered=(0, 3, 4, 5, 6))
    layout.fit_row_heights(sheet, first)
    layout.landscape(sheet)


def build_quarterly_xlsx(data: QuarterData, settings: ReportSettings) -> Workbook:
    book = Workbook()
    _list_sheet(book, data, settings)
    _quota_sheet(book, data, settings)
    return book


def write_quarterly_xlsx(data: QuarterData, settings: ReportSettings, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_quarterly_xlsx(data, settings).save(str(path))
    return path
