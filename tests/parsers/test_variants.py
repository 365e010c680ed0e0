"""Shapes the public corpus does not use, as other schools write them: label spellings, wider
form tables, labels in bold paragraphs, reordered and two-row list headers, extra sheets, report
labels in tables and text boxes, VNI text and HTML bodies with <br> lines."""

from __future__ import annotations

import io

import openpyxl
import pytest

from domain.codes import Category, Kind, SchoolLevel
from parsers.body import parse_body
from parsers.docx_parser import parse_docx
from parsers.legacy_charset import VNI_PAIRS, VNI_SINGLE
from parsers.models import DocumentInput
from parsers.xlsx import XlsxParser
from tests.parsers import docbuild

NAME, SCHOOL = "Trịnh Thị Mai", "Trường Mầm non Ninh Hải"
SUMMARY = "Giáo viên dạy giỏi cấp huyện hai năm liền."


def _form(label: str) -> bytes:
    document = docbuild.new()
    docbuild.form_table(document, [(label, NAME), ("Chức vụ", "Giáo viên"),
                                   ("Đơn vị công tác", SCHOOL), ("Tóm tắt thành tích", SUMMARY)])
    return docbuild.to_bytes(document)


@pytest.mark.parametrize("label", ["Ho va ten", "HỌ VÀ TÊN", "Họ, tên", "Họ tên:", "Ho ten",
                                   "Ho va tne", "họ và tên :", "1. Họ và tên"])
def test_name_label_spellings(label: str) -> None:
    (draft,) = parse_docx(_form(label), "f.docx").nominations
    assert (draft.name, draft.category, draft.school_level) == (NAME, Category.nha_giao,
                                                                SchoolLevel.mam_non)


def test_form_with_numbering_column() -> None:
    document = docbuild.new()
    table = document.add_table(rows=0, cols=3)
    for number, label, value in [("1", "Họ và tên", NAME), ("2", "Chức vụ", "Giáo viên"),
                                 ("3", "Đơn vị công tác", SCHOOL),
                                 ("4", "Tóm tắt thành tích nổi bật", SUMMARY),
                                 ("5", "Minh chứng", "https://youtu.be/mai")]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = number, label, value
    parsed = parse_docx(docbuild.to_bytes(document), "f.docx")
    (draft,) = parsed.nominations
    assert (draft.name, draft.workplace, draft.summary) == (NAME, SCHOOL, SUMMARY)
    assert draft.links == ["https://youtu.be/mai"]


def test_bold_label_paragraphs_with_value_below() -> None:
    document = docbuild.new()
    for label, value in [("Họ và tên", NAME), ("Chức vụ", "Giáo viên"),
                         ("Đơn vị công tác", SCHOOL), ("Tóm tắt thành tích nổi bật", SUMMARY),
                         ("Sáng kiến", "Làm đồ chơi từ vật liệu tái chế")]:
        document.add_paragraph().add_run(label).bold = True
        document.add_paragraph(value)
    (draft,) = parse_docx(docbuild.to_bytes(document), "f.docx").nominations
    assert (draft.name, draft.workplace, draft.summary) == (NAME, SCHOOL, SUMMARY)
    assert draft.innovations == "Làm đồ chơi từ vật liệu tái chế"


def _table(document: object, rows: list[list[str]]) -> None:
    table = document.add_table(rows=0, cols=len(rows[0]))  # type: ignore[attr-defined]
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def test_list_columns_reordered_with_extra_columns() -> None:
    document = docbuild.new()
    _table(document, [
        ["TT", "Tóm tắt thành tích", "Giới tính", "Họ và tên", "Ngày sinh", "Chức vụ",
         "Đơn vị", "Ghi chú"],
        ["1", SUMMARY, "Nữ", NAME, "02/09/1985", "Giáo viên", SCHOOL, "Đảng viên"],
        ["2", "Nhân viên kế toán mẫu mực.", "Nam", "Lã Văn Tùng", "1979", "Kế toán",
         "Trường THCS Khánh Hồng", ""],
    ])
    parsed = parse_docx(docbuild.to_bytes(document), "ds.docx")
    first, second = parsed.nominations
    assert (first.name, first.gender, first.birth_date, first.summary) == (
        NAME, "Nữ", "02/09/1985", SUMMARY)
    assert (first.row, second.row) == (1, 2)
    assert (second.category, second.school_level) == (Category.nguoi_lao_dong, SchoolLevel.thcs)


def test_list_header_spanning_two_rows() -> None:
    document = docbuild.new()
    table = document.add_table(rows=4, cols=5)
    for col, text in enumerate(["STT", "Thông tin", "Thông tin", "Tóm tắt thành tích",
                                "Minh chứng"]):
        table.cell(0, col).text = text
    table.cell(0, 1).merge(table.cell(0, 2))
    for col in (0, 3, 4):
        table.cell(0, col).merge(table.cell(1, col))
    table.cell(1, 1).text, table.cell(1, 2).text = "Họ và tên", "Chức vụ"
    for r, row in enumerate([["1", NAME, "Giáo viên Trường Mầm non Ninh Hải", SUMMARY,
                              "https://drive.google.com/file/d/m1"],
                             ["2", "Vũ Đức Anh", "Hiệu trưởng Trường THCS Ninh Giang",
                              "Trường đạt chuẩn quốc gia.", ""]], start=2):
        for col, text in enumerate(row):
            table.cell(r, col).text = text
    first, second = parse_docx(docbuild.to_bytes(document), "ds.docx").nominations
    assert (first.name, first.position, first.workplace) == (NAME, "Giáo viên", SCHOOL)
    assert first.links == ["https://drive.google.com/file/d/m1"]
    assert (second.name, second.category) == ("Vũ Đức Anh", Category.can_bo_quan_ly)


def test_xlsx_with_cover_sheet_then_list() -> None:
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Bìa"
    cover.append(["PHÒNG GD&ĐT HUYỆN YÊN KHÁNH"])
    cover.append(["Kính gửi: Sở Giáo dục và Đào tạo Ninh Bình"])
    cover.append(["Quý III năm 2024"])
    sheet = book.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN"])
    sheet.append(["TT", "Họ và tên", "Chức vụ", "Đơn vị", "Tóm tắt thành tích"])
    sheet.append([1, NAME, "Giáo viên", SCHOOL, SUMMARY])
    sheet.append([2, "Tổ Toán", "Tổ chuyên môn", "Trường THCS Khánh Hồng", "Tổ xuất sắc."])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = XlsxParser().parse(DocumentInput(filename="ds.xlsx", data=buffer.getvalue()))
    first, second = parsed.nominations
    assert (first.name, first.school_level, parsed.quarter) == (NAME, SchoolLevel.mam_non,
                                                                "2024-Q3")
    assert (second.kind, second.category) == (Kind.collective, Category.tap_the)


def _report_lines(document: object, lines: list[str]) -> None:
    for line in lines:
        document.add_paragraph(line)  # type: ignore[attr-defined]


def test_nd98_labels_in_a_table() -> None:
    document = docbuild.new()
    _report_lines(document, ["BÁO CÁO THÀNH TÍCH", "I. SƠ LƯỢC LÝ LỊCH"])
    _table(document, [["Họ tên:", NAME], ["Sinh ngày:", "02/09/1985"], ["Giới tính:", "Nữ"],
                      ["Chức vụ:", "Giáo viên"], ["Đơn vị công tác:", SCHOOL]])
    _report_lines(document, ["II. THÀNH TÍCH ĐẠT ĐƯỢC", SUMMARY,
                             "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", "Giấy khen năm 2023"])
    parsed = parse_docx(docbuild.to_bytes(document), "bc.docx")
    (draft,) = parsed.nominations
    assert parsed.shape == "report"
    assert (draft.name, draft.workplace, draft.birth_date, draft.gender) == (
        NAME, SCHOOL, "02/09/1985", "Nữ")
    assert draft.summary == SUMMARY and draft.awards == "Giấy khen năm 2023"


def test_nd98_individual_labels_in_a_text_box() -> None:
    document = docbuild.new()
    _report_lines(document, ["BÁO CÁO THÀNH TÍCH", "I. SƠ LƯỢC LÝ LỊCH"])
    docbuild.add_text_box(document, [f"- Họ tên: {NAME}", "- Chức vụ: Giáo viên",
                                     f"- Đơn vị công tác: {SCHOOL}"])
    _report_lines(document, ["II. THÀNH TÍCH ĐẠT ĐƯỢC", SUMMARY])
    (draft,) = parse_docx(docbuild.to_bytes(document), "bc.docx").nominations
    assert (draft.name, draft.workplace, draft.summary) == (NAME, SCHOOL, SUMMARY)


def test_nd98_collective_with_ten_tap_the() -> None:
    document = docbuild.new()
    _report_lines(document, ["BÁO CÁO THÀNH TÍCH", "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
                             "1. Tên tập thể: Tổ Khoa học tự nhiên",
                             "2. Đơn vị: Trường THCS Gia Sinh", "3. Đặc điểm, tình hình:",
                             "Tổ có 12 giáo viên.", "II. THÀNH TÍCH ĐẠT ĐƯỢC",
                             "Tổ có 3 giáo viên dạy giỏi cấp tỉnh."])
    (draft,) = parse_docx(docbuild.to_bytes(document), "bc.docx").nominations
    assert (draft.name, draft.kind, draft.category) == ("Tổ Khoa học tự nhiên", Kind.collective,
                                                         Category.tap_the)
    assert (draft.workplace, draft.school_level) == ("Trường THCS Gia Sinh", SchoolLevel.thcs)
    assert draft.summary == "Tổ có 3 giáo viên dạy giỏi cấp tỉnh."


def _vni(text: str) -> str:
    """Encode Unicode Vietnamese the way VNI-Times text reads as Latin-1."""
    table = {v: k for k, v in VNI_PAIRS.items()} | {v: k for k, v in VNI_SINGLE.items()}
    return "".join(table.get(ch, ch) for ch in text)


def test_vni_text_without_font_name_is_converted() -> None:
    document = docbuild.new()
    docbuild.form_table(document, [(_vni("Họ và tên"), _vni(NAME)), (_vni("Chức vụ"),
                                                                      _vni("Giáo viên")),
                                   (_vni("Đơn vị công tác"), _vni(SCHOOL)),
                                   (_vni("Tóm tắt thành tích"), _vni(SUMMARY))])
    parsed = parse_docx(docbuild.to_bytes(document), "f.docx")
    (draft,) = parsed.nominations
    assert parsed.legacy_encoding
    assert (draft.name, draft.workplace, draft.summary) == (NAME, SCHOOL, SUMMARY)


def test_vni_font_runs_are_converted() -> None:
    document = docbuild.new()
    docbuild.form_table(document, [(_vni("Họ và tên"), _vni(NAME)),
                                   (_vni("Chức vụ"), _vni("Giáo viên")),
                                   (_vni("Tóm tắt thành tích"), _vni(SUMMARY))])
    for row in document.tables[0].rows:
        for cell in row.cells:
            docbuild.set_font(cell.paragraphs[0], "VNI-Times")
    (draft,) = parse_docx(docbuild.to_bytes(document), "f.docx").nominations
    assert (draft.name, draft.category) == (NAME, Category.nha_giao)


def test_html_body_with_br_lines() -> None:
    html = (f"<div dir='ltr'>Kính gửi Sở GDĐT,<br>Trường gửi gương điển hình:<br><br>"
            f"<b>Họ và tên:</b> {NAME}<br><b>Chức vụ:</b> Giáo viên<br>"
            f"<b>Đơn vị:</b> {SCHOOL}<br><b>Tóm tắt thành tích:</b> {SUMMARY}<br>"
            f"Minh chứng: <a href='https://youtu.be/x1'>video</a><br>Trân trọng.</div>")
    parsed = parse_body(None, html)
    assert parsed is not None
    (draft,) = parsed.nominations
    assert (draft.name, draft.workplace, draft.summary) == (NAME, SCHOOL, SUMMARY)
    assert draft.links == ["https://youtu.be/x1"]


@pytest.mark.parametrize(("name_header", "summary_header"), [
    ("Họ và tên cá nhân, tên tập thể", "Tóm tắt thành tích tiêu biểu"),
    ("Họ và tên học sinh", "Kết quả thành tích"),
    ("Tên cá nhân/tập thể được đề nghị", "Tóm tắt thành tích nổi bật của cá nhân/tập thể"),
    ("HO VA TEN", "Thanh tich noi bat (tom tat)"),
])
def test_list_header_wordings(name_header: str, summary_header: str) -> None:
    document = docbuild.new()
    _table(document, [["STT", name_header, "Chức danh nghề nghiệp", "Tên trường", summary_header],
                      ["1", NAME, "Giáo viên", SCHOOL, SUMMARY]])
    (draft,) = parse_docx(docbuild.to_bytes(document), "ds.docx").nominations
    assert (draft.name, draft.position, draft.workplace, draft.summary) == (
        NAME, "Giáo viên", SCHOOL, SUMMARY)


def test_xlsx_form_sheet_with_numbering_column() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["PHIẾU ĐĂNG KÝ GƯƠNG ĐIỂN HÌNH"])
    for row in [[1, "Họ và tên", NAME], [2, "Chức vụ", "Giáo viên"], [3, "Đơn vị", SCHOOL],
                [4, "Tóm tắt thành tích", SUMMARY]]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = XlsxParser().parse(DocumentInput(filename="f.xlsx", data=buffer.getvalue()))
    (draft,) = parsed.nominations
    assert (draft.name, draft.workplace, draft.summary) == (NAME, SCHOOL, SUMMARY)
