"""The period summary as Word (formal layout) and Excel: counts by unit, category, level and quarter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx.document import Document as DocxDocument
from openpyxl import Workbook

from reports import docx_layout as layout
from reports import xlsx_layout as xl
from reports.config import ReportSettings
from reports.period import CountTable, PeriodData

SECTIONS = (("by_unit", "Đơn vị"), ("by_category", "Đối tượng"), ("by_level", "Cấp học"))


def _heads(data: PeriodData, label: str) -> list[str]:
    return ["STT", label, *data.quarter_heads, "Tổng"]


def _widths(data: PeriodData, total_cm: float, label_cm: float) -> list[float]:
    rest = (total_cm - 1.2 - label_cm) / (len(data.quarters) + 1)
    return [1.2, label_cm] + [rest] * (len(data.quarters) + 1)


def _rows(table: CountTable) -> list[list[str]]:
    body = [[str(i), label, *map(str, counts), str(sum(counts))]
            for i, (label, counts) in enumerate(table.rows, start=1)]
    totals = table.totals()
    return body + [["", "Tổng cộng", *map(str, totals), str(sum(totals))]]


def _summary(data: PeriodData) -> str:
    return (f"Tổng số {len(data.exemplars):02d} gương điển hình tiên tiến; "
            f"{len(data.complete_every_quarter):02d}/{data.units_with_rule:02d} đơn vị được giao chỉ tiêu "
            f"hoàn thành chỉ tiêu ở tất cả các quý.")


def _docx_table(doc: DocxDocument, data: PeriodData, table: CountTable, label: str) -> None:
    widths = _widths(data, layout.text_width_cm(doc), 8.0)
    body = _rows(table)
    grid = layout.grid(doc, _heads(data, label), widths, len(body))
    centered = tuple(range(2, len(widths))) + (0,)
    for row, values in zip(grid.rows[1:], body):
        layout.fill_row(row.cells, values, centered=centered, widths_cm=widths)


def build_period_docx(data: PeriodData, settings: ReportSettings, day: date) -> DocxDocument:
    doc = layout.new_document(landscape=True)
    layout.header_block(doc, settings, day)
    layout.title(doc, ["BÁO CÁO", f"KẾT QUẢ PHÁT HIỆN, GIỚI THIỆU GƯƠNG ĐIỂN HÌNH TIÊN TIẾN {data.title}"],
                 f"(Số liệu từ {data.quarter_heads[0]} đến {data.quarter_heads[-1]})")
    layout.para(doc, _summary(data), italic=True)
    for number, (attr, label) in enumerate(SECTIONS, start=1):
        layout.heading(doc, f"{'I' * number}. SỐ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN THEO "
                            f"{label.upper()} VÀ THEO QUÝ")
        _docx_table(doc, data, getattr(data, attr), label)
    layout.heading(doc, "IV. XU HƯỚNG THEO QUÝ")
    heads = ("Quý", "Số gương điển hình", "So với quý trước", "Đơn vị hoàn thành chỉ tiêu")
    widths = (5.0, 5.0, 5.0, 6.0)
    grid = layout.grid(doc, heads, widths, len(data.quarters))
    for row, (head, total, change), done in zip(grid.rows[1:], data.trend(), data.complete_per_quarter):
        layout.fill_row(row.cells, [head, str(total), change, f"{done}/{data.units_with_rule}"],
                        centered=(0, 1, 2, 3), widths_cm=widths)
    layout.heading(doc, "V. ĐƠN VỊ HOÀN THÀNH CHỈ TIÊU Ở TẤT CẢ CÁC QUÝ")
    names = data.complete_every_quarter or ["Không có đơn vị nào hoàn thành chỉ tiêu ở tất cả các quý."]
    for name in names:
        layout.para(doc, f"- {name}")
    layout.signature(doc, settings)
    return doc


def build_period_xlsx(data: PeriodData, settings: ReportSettings) -> Workbook:
    book = Workbook()
    book.remove(xl.first_sheet(book))
    for attr, label in SECTIONS:
        sheet = book.create_sheet(f"Theo {label.lower()}")
        title = f"SỐ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN THEO {label.upper()} - {data.title}"
        heads = _heads(data, label)
        row = xl.heading_rows(sheet, settings, title, _summary(data), len(heads))
        xl.head_row(sheet, row, heads, [6, 44] + [12] * (len(heads) - 2))
        for values in _rows(getattr(data, attr)):
            row += 1
            xl.body_row(sheet, row, [int(v) if v.isdigit() else v for v in values],
                        centered=tuple(range(2, len(heads))) + (0,))
        xl.landscape(sheet)
    sheet = book.create_sheet("Xu hướng")
    heads = ["Quý", "Số gương điển hình", "So với quý trước", "Đơn vị hoàn thành chỉ tiêu"]
    row = xl.heading_rows(sheet, settings, f"XU HƯỚNG THEO QUÝ - {data.title}", _summary(data), len(heads))
    xl.head_row(sheet, row, heads, [16, 20, 20, 26])
    for (head, total, change), done in zip(data.trend(), data.complete_per_quarter):
        row += 1
        xl.body_row(sheet, row, [head, total, change, f"{done}/{data.units_with_rule}"], centered=(0, 1, 2, 3))
    return book


def write_period_reports(data: PeriodData, settings: ReportSettings, day: date, out_dir: Path,
                         stem: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    docx_path, xlsx_path = out_dir / f"{stem}.docx", out_dir / f"{stem}.xlsx"
    build_period_docx(data, settings, day).save(str(docx_path))
    build_period_xlsx(data, settings).save(str(xlsx_path))
    return docx_path, xlsx_path
