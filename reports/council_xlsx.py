"""The council's two lists as Excel workbooks: the same rows as the Word documents, one column per field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from domain.council import Status
from domain.wording.council import STATUS_TEXT
from domain import wording
from domain.wording import reports as words
from reports import xlsx_layout as layout
from reports.config import ReportSettings
from reports.council_data import CouncilData, CouncilRow
from reports.council_docx import total_line

CANDIDATE_HEADS = ("STT", "Mã đơn vị", "Đơn vị", "Họ và tên (tên tập thể)", "Đối tượng", "Chức vụ",
                   "Đơn vị công tác", "Cấp học", "Quý đề xuất", "Tóm tắt thành tích nổi bật",
                   "Sáng kiến, sản phẩm đổi mới", "Khen thưởng đã nhận", "Số minh chứng", "Mã hồ sơ", "Kết quả xem xét")
CANDIDATE_WIDTHS = (5, 11, 18, 18, 11, 14, 18, 9, 12, 38, 22, 16, 9, 17, 14)
PROPOSED_HEADS = ("STT", "Mã đơn vị", "Đơn vị", "Họ và tên (tên tập thể)", "Đối tượng", "Chức vụ",
                  "Đơn vị công tác", "Tóm tắt thành tích nổi bật", "Hình thức, cấp khen thưởng đề nghị",
                  "Số quyết định", "Ngày quyết định", "Mã hồ sơ")
PROPOSED_WIDTHS = (5, 11, 18, 18, 11, 14, 18, 40, 28, 14, 12, 17)


def _candidate(row: CouncilRow, number: int) -> list[object]:
    return [number, row.unit_code, row.unit_name, row.name, words.category_text(row.category), row.position or "",
            row.workplace or "", wording.level_text(row.school_level),
            "\n".join(wording.quarter_text(q) for q in row.quarters), row.summary, row.innovations or "",
            row.awards or "", row.evidence_count, "\n".join(row.references), STATUS_TEXT[Status(row.status)]]


def _proposed(row: CouncilRow, number: int) -> list[object]:
    return [number, row.unit_code, row.unit_name, row.name, words.category_text(row.category), row.position or "",
            row.workplace or "", row.summary, row.award, row.decision_number or "", row.decision_date or "",
            "\n".join(row.references)]


def _book(data: CouncilData, settings: ReportSettings, title: str, total: str, heads: tuple[str, ...],
          widths: tuple[int, ...], cells: Callable[[CouncilRow, int], list[object]],
          centered: tuple[int, ...]) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "Danh sách"
    row = layout.heading_rows(sheet, settings, title, total, len(heads))
    layout.head_row(sheet, row, heads, widths)
    first, number = row, 0
    for unit_name, members in data.by_unit():
        row += 1
        layout.group_row(sheet, row, f"{unit_name} ({words.count(len(members))} gương)", len(heads))
        for member in members:
            row, number = row + 1, number + 1
            layout.body_row(sheet, row, cells(member, number), centered=centered)
    layout.fit_row_heights(sheet, first)
    layout.landscape(sheet)
    return book


def build_candidates_xlsx(data: CouncilData, settings: ReportSettings) -> Workbook:
    title = f"DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN TRÌNH HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG NGÀNH XEM XÉT - {data.scope.upper()}"
    return _book(data, settings, title, total_line(data, "gương điển hình tiên tiến"), CANDIDATE_HEADS,
                 CANDIDATE_WIDTHS, _candidate, (0, 1, 7, 12))


def build_proposed_xlsx(data: CouncilData, settings: ReportSettings) -> Workbook:
    title = f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG GƯƠNG ĐIỂN HÌNH TIÊN TIẾN - {data.scope.upper()}"
    return _book(data, settings, title, total_line(data, "gương điển hình tiên tiến được đề nghị khen thưởng"),
                 PROPOSED_HEADS, PROPOSED_WIDTHS, _proposed, (0, 1, 9, 10))


def write_xlsx(book: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path
