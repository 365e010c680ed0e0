"""The council's two lists as Word documents, in the Sở's formal layout of the quarterly list:
the candidates for the meeting, and those proposed for awards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Pt

from domain import wording
from reports import docx_layout as layout
from domain.wording import reports as words
from reports.config import ReportSettings
from reports.council_data import CouncilData, CouncilRow
from reports.quarterly_docx import summary_lines

CANDIDATE_HEADS = ("STT", "Họ và tên\n(tên tập thể)", "Đối tượng", "Chức vụ, đơn vị công tác", "Cấp học",
                   "Quý đề xuất", "Tóm tắt thành tích nổi bật", "Ghi chú")
# The notes column keeps the quarterly list's 4.1 cm: a reference (DHTT-2024Q3-0003) never breaks over lines.
CANDIDATE_WIDTHS = (1.5, 3.2, 2.3, 3.4, 1.9, 1.9, 6.9, 4.1)
PROPOSED_HEADS = ("STT", "Họ và tên\n(tên tập thể)", "Đối tượng", "Chức vụ, đơn vị công tác",
                  "Tóm tắt thành tích nổi bật", "Hình thức, cấp khen thưởng đề nghị", "Ghi chú")
PROPOSED_WIDTHS = (1.5, 3.2, 2.3, 3.4, 6.7, 4.0, 4.1)


def _quarters(row: CouncilRow) -> str:
    return "\n".join(wording.quarter_text(q) for q in row.quarters)


def _note(row: CouncilRow) -> str:
    notes = list(row.references) + [f"{words.count(row.evidence_count)} minh chứng"]
    if row.decision_number:
        notes.append(f"Đã khen thưởng: QĐ số {row.decision_number}"
                     + (f" ngày {row.decision_date}" if row.decision_date else ""))
    return "\n".join(notes)


def candidate_cells(row: CouncilRow, number: int) -> list[str]:
    position = words.position_text(row.position, row.workplace, row.unit_name)
    return [str(number), row.name, words.category_text(row.category), position,
            wording.level_text(row.school_level), _quarters(row), summary_lines(row.summary), _note(row)]


def proposed_cells(row: CouncilRow, number: int) -> list[str]:
    position = words.position_text(row.position, row.workplace, row.unit_name)
    return [str(number), row.name, words.category_text(row.category), position, summary_lines(row.summary),
            row.award, _note(row)]


def _table(doc: DocxDocument, data: CouncilData, heads: tuple[str, ...], widths: tuple[float, ...],
           cells: Callable[[CouncilRow, int], list[str]], centered: tuple[int, ...]) -> None:
    groups = data.by_unit()
    table = layout.grid(doc, heads, widths, len(data.rows) + len(groups))
    rows = iter(table.rows[1:])
    number = 0
    for unit_name, members in groups:
        layout.group_row(next(rows), f"{unit_name} ({words.count(len(members))} gương)")
        for member in members:
            number += 1
            layout.fill_row(next(rows).cells, cells(member, number), centered=centered, widths_cm=widths)


def total_line(data: CouncilData, what: str) -> str:
    units = len(data.by_unit())
    return f"Tổng số: {words.count(len(data.rows))} {what} của {words.count(units)} đơn vị."


def _document(data: CouncilData, settings: ReportSettings, day: date, lines: list[str], note: str) -> DocxDocument:
    doc = layout.new_document(landscape=True)
    layout.header_block(doc, settings, day)
    layout.title(doc, lines, note)
    return doc


def build_candidates_docx(data: CouncilData, settings: ReportSettings, day: date) -> DocxDocument:
    """The list of candidates for the council's meeting, by unit."""
    doc = _document(data, settings, day, [
        "DANH SÁCH", "GƯƠNG ĐIỂN HÌNH TIÊN TIẾN TRÌNH HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG NGÀNH XEM XÉT",
        data.scope.upper()], f"(Kèm theo hồ sơ đợt xem xét: {data.title})")
    if data.rows:
        _table(doc, data, CANDIDATE_HEADS, CANDIDATE_WIDTHS, candidate_cells, (0, 4, 5))
    else:
        layout.para(doc, "Đợt xem xét chưa có gương điển hình tiên tiến nào.")
    layout.para(doc, total_line(data, "gương điển hình tiên tiến"), italic=True,
                size=13).paragraph_format.space_before = Pt(6)
    layout.signature(doc, settings)
    layout.end_without_blank_page(doc)
    return doc


def build_proposed_docx(data: CouncilData, settings: ReportSettings, day: date) -> DocxDocument:
    """The list of exemplars the council proposes for an award, with the form and level of each."""
    doc = _document(data, settings, day, [
        "DANH SÁCH", "ĐỀ NGHỊ KHEN THƯỞNG GƯƠNG ĐIỂN HÌNH TIÊN TIẾN", data.scope.upper()],
        f"(Theo kết quả xem xét của Hội đồng Thi đua, Khen thưởng ngành: {data.title})")
    if data.rows:
        _table(doc, data, PROPOSED_HEADS, PROPOSED_WIDTHS, proposed_cells, (0,))
    else:
        layout.para(doc, "Hội đồng chưa đề nghị khen thưởng gương điển hình tiên tiến nào trong đợt này.")
    layout.para(doc, total_line(data, "gương điển hình tiên tiến được đề nghị khen thưởng"), italic=True,
                size=13).paragraph_format.space_before = Pt(6)
    layout.signature(doc, settings)
    layout.end_without_blank_page(doc)
    return doc


def write_docx(doc: DocxDocument, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
