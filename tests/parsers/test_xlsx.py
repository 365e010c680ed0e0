"""Excel lists and forms: title rows, merged cells, shuffled columns, hyperlinks, TCVN3 fonts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from parsers.errors import ArchiveBomb, UnreadableDocument
from parsers.models import DocumentInput
from parsers.xlsx import XlsxParser, looks_like_form, sheet_rows
from tests.parsers.mailparts import attachment, collapse, expected

DRIVE = "https://drive.google.com/drive/folders/1TestFolderAbc"
HEADER = ["Minh chứng", "Họ và tên", "STT", "Tóm tắt thành tích", "Chức vụ, đơn vị", "Cấp học"]
ROWS = [
    ["Xem minh chứng", "Lê Thị Hoa", 1, "Đạt giáo viên dạy giỏi cấp tỉnh năm học 2023-2024.",
     "Giáo viên, Trường Tiểu học Ninh Phong", "Tiểu học"],
    ["https://youtu.be/abc123", "Phạm Văn Nam", 2, "Hướng dẫn học sinh đạt giải Nhì cấp tỉnh.",
     "Giáo viên, Trường THCS Ninh Khánh", "THCS"],
]


def to_bytes(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def list_workbook() -> bytes:
    """A DANH SÁCH sheet with merged title rows and columns in an unusual order."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["PHÒNG GDĐT THÀNH PHỐ NINH BÌNH"])
    ws.append(["DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ II NĂM 2024"])
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:F2")
    ws.append([])
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    ws["A5"].hyperlink = DRIVE
    return to_bytes(wb)


def doc(data: bytes, name: str = "ds.xlsx") -> DocumentInput:
    return DocumentInput(filename=name, data=data)


def test_list_with_title_rows_and_shuffled_columns() -> None:
    result = XlsxParser().parse(doc(list_workbook()))
    assert [d.name for d in result.nominations] == ["Lê Thị Hoa", "Phạm Văn Nam"]
    assert result.quarter == "2024-Q2"
    assert DRIVE in result.nominations[0].links
    assert "https://youtu.be/abc123" in result.nominations[1].links
    assert "Ninh Khánh" in (result.nominations[1].workplace or "")


def test_hyperlink_target_joins_the_cell_text() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(list_workbook()))
    rows, legacy = sheet_rows(wb.active)
    assert rows[4][0] == f"Xem minh chứng {DRIVE}"
    assert rows[0] == ["PHÒNG GDĐT THÀNH PHỐ NINH BÌNH"]  # a title is not copied across
    assert not legacy


def test_vertical_merge_fills_down() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["STT", "Đơn vị"], [1, "Trường THPT Hoa Lư A"], [2, None]):
        ws.append(row)
    ws.merge_cells("B2:B3")
    rows, _ = sheet_rows(ws)
    assert rows[2] == ["2", "Trường THPT Hoa Lư A"]


def test_tcvn3_font_cells_are_converted() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Hä vµ tªn"
    ws["B1"] = "§Æng M¹nh Dòng"
    ws["A1"].font = ws["B1"].font = Font(name=".VnTime")
    rows, legacy = sheet_rows(ws)
    assert rows == [["Họ và tên", "Đặng Mạnh Dũng"]] and legacy


def test_two_column_form_sheet() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["PHIẾU ĐĂNG KÝ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ III NĂM 2024"])
    for label, value in [("Họ và tên", "Trịnh Thu Hà"), ("Đối tượng", "Nhà giáo"),
                         ("Chức vụ", "Giáo viên Toán"), ("Đơn vị công tác", "Trường THPT Kim Sơn B"),
                         ("Tóm tắt thành tích nổi bật", "Đạt giải Nhất giáo viên dạy giỏi cấp tỉnh."),
                         ("Minh chứng", DRIVE)]:
        ws.append([label, value])
    result = XlsxParser().parse(doc(to_bytes(wb)))
    assert result.shape == "form"
    (draft,) = result.nominations
    assert draft.name == "Trịnh Thu Hà"
    assert "giáo viên dạy giỏi" in (draft.summary or "")
    assert result.quarter == "2024-Q3"


@pytest.mark.parametrize(("rows", "form"), [
    ([["Họ và tên", "A"], ["Chức vụ", "B"], ["Tóm tắt", "C"]], True),
    ([["STT", "Họ và tên", "Chức vụ"], ["1", "A", "B"]], False),
    ([["Tiêu đề"]], False),
])
def test_looks_like_form(rows: list[list[str]], form: bool) -> None:
    assert looks_like_form(rows) is form


def test_handles() -> None:
    parser = XlsxParser()
    assert parser.handles(doc(list_workbook())) == 90
    assert parser.handles(doc(b"not a workbook", "broken.xlsx")) == 40
    assert parser.handles(doc(b"%PDF-1.4", "a.pdf")) is None


def test_truncated_workbook_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument):
        XlsxParser().parse(doc(list_workbook()[:-200]))


def test_entity_expansion_is_refused() -> None:
    """GIVEN a sheet whose XML declares entities (billion laughs) THEN it is not expanded."""
    src = zipfile.ZipFile(io.BytesIO(list_workbook()))
    out = io.BytesIO()
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = bomb + data[data.index(b"<worksheet"):]
            dst.writestr(info, data)
    with pytest.raises(UnreadableDocument):
        XlsxParser().parse(doc(out.getvalue()))


def test_corpus_list_xlsx(corpus_dir: Path) -> None:
    """GIVEN case 003's workbook THEN its three rows match the expected nominees."""
    result = XlsxParser().parse(attachment(corpus_dir, "003", ".xlsx"))
    want = expected(corpus_dir, "003")
    assert result.quarter == want["quarter"]
    by_name = {d.name: d for d in result.nominations}
    assert set(by_name) == {n["name"] for n in want["nominees"]}
    for nominee in want["nominees"]:
        draft = by_name[nominee["name"]]
        assert nominee["workplace_contains"] in collapse(draft.workplace)
        for phrase in nominee["summary_contains"]:
            assert phrase in collapse(draft.summary)
        assert len(draft.links) >= 1


def test_workbook_declaring_huge_parts_is_refused() -> None:
    """GIVEN a workbook whose zip directory declares a 4 GB sheet THEN openpyxl never opens it."""
    data = bytearray(list_workbook())
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        data[pos + 24:pos + 28] = b"\xff\xff\xff\xff"  # uncompressed size
        pos = data.find(b"PK\x01\x02", pos + 4)
    with pytest.raises(ArchiveBomb):
        XlsxParser().parse(doc(bytes(data)))
