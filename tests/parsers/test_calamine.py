""".xls (BIFF8, written by xlwt) and .ods (written by odfpy) lists, read with python-calamine
through the same list logic as .xlsx."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import xlwt  # type: ignore[import-untyped]  # test-only writer, no stubs
from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
from odf.table import CoveredTableCell, Table, TableCell, TableRow  # type: ignore[import-untyped]
from odf.text import P  # type: ignore[import-untyped]

from domain.codes import Category, SchoolLevel
from parsers.errors import UnreadableDocument
from parsers.models import DocumentInput
from parsers.registry import choose, parse_document

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Chức vụ", "Đơn vị công tác", "Tóm tắt thành tích", "Minh chứng"]
ROWS = [
    [1, "Nguyễn Thị Lan", dt.date(1988, 5, 17), "Giáo viên", "Trường Mầm non Yên Thắng",
     "- Thiết kế 20 hoạt động STEM cho trẻ.\n- Giải Nhì giáo viên dạy giỏi cấp huyện.",
     "https://drive.google.com/drive/folders/lan"],
    [2, "Trần Văn Hải", dt.date(1979, 11, 2), "Hiệu trưởng", "Trường THCS Yên Phong",
     "- Chỉ đạo nhà trường đạt chuẩn quốc gia mức độ 2.", "https://drive.google.com/drive/folders/hai"],
]


def build_xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DS GĐTT")
    sheet.write_merge(0, 0, 0, 2, "UBND HUYỆN YÊN MÔ")
    sheet.write_merge(0, 0, 4, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    sheet.write_merge(2, 2, 0, 6, "DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ I NĂM 2025")
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for c, label in enumerate(HEADER):
        sheet.write(4, c, label)
    for r, row in enumerate(ROWS, start=5):
        for c, value in enumerate(row):
            sheet.write(r, c, value, dates) if isinstance(value, dt.date) else sheet.write(r, c, value)
    sheet.write(8, 1, "Người lập biểu")
    sheet.write(8, 5, "TRƯỞNG PHÒNG")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: object, **attrs: object) -> TableCell:
    cell = TableCell(valuetype="string", **attrs)
    for line in str(value).split("\n"):
        cell.addElement(P(text=line))
    return cell


def build_ods() -> bytes:
    doc = OpenDocumentSpreadsheet()
    table = Table(name="GĐTT")
    title = TableRow()
    title.addElement(_cell("DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ III NĂM 2025", numbercolumnsspanned=7))
    title.addElement(CoveredTableCell(numbercolumnsrepeated=6))
    table.addElement(title)
    table.addElement(TableRow(numberrowsrepeated=2))  # blank rows, written once
    for row in [HEADER, *ROWS]:
        tr = TableRow()
        for value in row:
            text = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value
            tr.addElement(_cell(text))
        tr.addElement(TableCell(numbercolumnsrepeated=1000))  # the rest of the row, empty
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("name", "build", "quarter"), [("DS.xls", build_xls, "2025-Q1"),
                                                       ("DS.ods", build_ods, "2025-Q3")])
def test_list_rows_become_nominees(name: str, build: object, quarter: str) -> None:
    doc = DocumentInput(filename=name, data=build())  # type: ignore[operator]
    assert type(choose(doc)).__name__ == "CalamineSheetsParser"
    parsed = parse_document(doc)
    assert parsed is not None and parsed.shape == "list" and parsed.quarter == quarter
    lan, hai = parsed.nominations  # the signature row is no nominee
    assert (lan.name, lan.category, lan.school_level) == ("Nguyễn Thị Lan", Category.nha_giao,
                                                          SchoolLevel.mam_non)
    assert lan.birth_date == "17/05/1988"
    assert lan.summary == ROWS[0][5]
    assert lan.links == ["https://drive.google.com/drive/folders/lan"]
    assert (hai.name, hai.category, hai.row) == ("Trần Văn Hải", Category.can_bo_quan_ly, 2)


def test_broken_xls_is_unreadable() -> None:
    doc = DocumentInput(filename="DS.xls", data=b"\x00" * 600)
    with pytest.raises(UnreadableDocument):
        parse_document(doc)

