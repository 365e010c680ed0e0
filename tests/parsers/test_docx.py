import io
import zipfile

import pytest

from domain.codes import Category, Kind, SchoolLevel
from parsers.docx_parser import DocxParser, parse_docx
from parsers.errors import EncryptedDocument, UnreadableDocument, UnsupportedDocument
from parsers.models import DocumentInput
from tests.parsers import docbuild

FORM_ROWS = [("Họ và tên", "Phan Văn Dũng"), ("Đối tượng", "Nhà giáo"),
             ("Chức vụ", "Giáo viên Toán"), ("Đơn vị công tác", "Trường THPT Yên Mô A"),
             ("Tóm tắt thành tích nổi bật", "- Giải Nhất GVDG\n- Sáng kiến cấp tỉnh"),
             ("Minh chứng", "")]


def test_form_table_with_hyperlink_and_quarter() -> None:
    document = docbuild.new()
    document.add_paragraph("PHIẾU ĐĂNG KÝ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ II NĂM 2024")
    docbuild.form_table(document, FORM_ROWS)
    cell = document.tables[0].rows[-1].cells[1].paragraphs[0]
    docbuild.add_hyperlink(cell, "https://drive.google.com/drive/folders/q1", "Bấm vào đây")
    parsed = parse_docx(docbuild.to_bytes(document), "phieu.docx")
    (draft,) = parsed.nominations
    assert parsed.shape == "form" and parsed.quarter == "2024-Q2"
    assert (draft.name, draft.category, draft.school_level) == ("Phan Văn Dũng",
                                                                Category.nha_giao, SchoolLevel.thpt)
    assert draft.summary == "- Giải Nhất GVDG\n- Sáng kiến cấp tỉnh"
    assert draft.links == ["https://drive.google.com/drive/folders/q1"]


def test_list_with_merged_header_and_title_rows() -> None:
    document = docbuild.new()
    table = document.add_table(rows=5, cols=5)
    table.cell(0, 0).merge(table.cell(0, 4)).text = "DANH SÁCH GƯƠNG ĐIỂN HÌNH"
    for col, text in enumerate(["STT", "Họ và tên", "Chức vụ, đơn vị", "Thành tích", "Thành tích"]):
        table.cell(1, col).text = text
    table.cell(1, 3).merge(table.cell(1, 4))
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(1, 1).merge(table.cell(2, 1))
    table.cell(1, 2).merge(table.cell(2, 2))
    table.cell(2, 3).text, table.cell(2, 4).text = "Tóm tắt thành tích", "Minh chứng"
    for col, text in enumerate(["1", "Hà An", "Hiệu trưởng, Trường Mầm non Hoa Sen", "Tốt",
                                "https://youtu.be/z"]):
        table.cell(3, col).text = text
    for col, text in enumerate(["2", "Lê Bình", "Giáo viên, Trường THCS Yên Mạc", "Giỏi", ""]):
        table.cell(4, col).text = text
    parsed = parse_docx(docbuild.to_bytes(document), "ds.docx")
    assert parsed.shape == "list"
    first, second = parsed.nominations
    assert (first.name, first.category, first.school_level, first.summary, first.links) == (
        "Hà An", Category.can_bo_quan_ly, SchoolLevel.mam_non, "Tốt", ["https://youtu.be/z"])
    assert (second.row, second.workplace, second.links) == (2, "Trường THCS Yên Mạc", [])


def _report(document: object, lines: list[str]) -> None:
    for line in lines:
        document.add_paragraph(line)  # type: ignore[attr-defined]


def test_nd98_individual_report_with_awards_table() -> None:
    document = docbuild.new()
    _report(document, ["BÁO CÁO THÀNH TÍCH", "I. SƠ LƯỢC LÝ LỊCH", "- Họ tên: Cao Yến",
                       "- Đơn vị công tác: Trường THPT Hoa Lư A", "- Chức vụ: Nhân viên thư viện",
                       "II. THÀNH TÍCH ĐẠT ĐƯỢC", "- Số hóa 10 đầu sách.", "- Quyết toán đúng.",
                       "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"])
    awards = document.add_table(rows=2, cols=2)
    awards.cell(0, 0).text, awards.cell(0, 1).text = "Năm", "Hình thức khen thưởng"
    awards.cell(1, 0).text, awards.cell(1, 1).text = "2023", "Giấy khen Công đoàn"
    (draft,) = parse_docx(docbuild.to_bytes(document), "bc.docx").nominations
    assert draft.category is Category.nguoi_lao_dong and draft.school_level is SchoolLevel.thpt
    assert draft.summary == "- Số hóa 10 đầu sách.\n- Quyết toán đúng."
    assert draft.awards is not None and "Giấy khen Công đoàn" in draft.awards


def test_nd98_collective_labels_in_a_text_box() -> None:
    document = docbuild.new()
    document.add_paragraph("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH")
    docbuild.add_text_box(document, ["Tên đơn vị: Tổ Ngữ văn, Trường THCS Đinh Tiên Hoàng"])
    _report(document, ["II. THÀNH TÍCH ĐẠT ĐƯỢC", "Tổ có 5 giáo viên dạy giỏi."])
    parsed = parse_docx(docbuild.to_bytes(document), "bc.docx")
    (draft,) = parsed.nominations
    assert parsed.shape == "report"
    assert draft.name == "Tổ Ngữ văn, Trường THCS Đinh Tiên Hoàng"  # the fallback copy is skipped
    assert (draft.kind, draft.school_level) == (Kind.collective, SchoolLevel.thcs)


def test_label_variants_nfd_no_diacritics_upper_case_and_typos() -> None:
    document = docbuild.new()
    docbuild.form_table(document, [("HO VA TEN", "Lê Nam"), ("Chuc vu:", "Giao vien"),
                                   ("Đơn vị công tác".upper(), "Trường Tiểu học Kim Đông"),
                                   ("Tom tat thanh tich noi bat", "Giỏi"), ("Minh chung", "")])
    (draft,) = parse_docx(docbuild.to_bytes(document), "f.docx").nominations
    assert (draft.name, draft.summary, draft.school_level) == ("Lê Nam", "Giỏi",
                                                               SchoolLevel.tieu_hoc)


def test_tcvn3_runs_are_converted() -> None:
    document = docbuild.new()
    docbuild.form_table(document, [("Hä vµ tªn", "§Æng M¹nh Dòng"), ("Chøc vô", "Gi¸o viªn"),
                                   ("Tãm t¾t thµnh tÝch", "Thµnh tÝch tèt")])
    for row in document.tables[0].rows:
        for cell in row.cells:
            docbuild.set_font(cell.paragraphs[0], ".VnTime")
    parsed = parse_docx(docbuild.to_bytes(document), "f.docx")
    (draft,) = parsed.nominations
    assert parsed.legacy_encoding
    assert (draft.name, draft.category) == ("Đặng Mạnh Dũng", Category.nha_giao)


def test_tcvn3_text_without_legacy_font_is_detected() -> None:
    document = docbuild.new()
    docbuild.form_table(document, [("Hä vµ tªn", "§Æng M¹nh Dòng"), ("Chøc vô", "Gi¸o viªn"),
                                   ("Tãm t¾t thµnh tÝch", "Líp chñ nhiÖm cã häc sinh giái")])
    parsed = parse_docx(docbuild.to_bytes(document), "f.docx")
    (draft,) = parsed.nominations
    assert parsed.legacy_encoding
    assert draft.summary == "Lớp chủ nhiệm có học sinh giỏi"


def test_unicode_document_is_left_alone() -> None:
    document = docbuild.new()
    docbuild.form_table(document, FORM_ROWS)
    assert not parse_docx(docbuild.to_bytes(document), "f.docx").legacy_encoding


def test_broken_and_ole_files() -> None:
    data = docbuild.to_bytes(docbuild.new())
    with pytest.raises(UnreadableDocument):
        parse_docx(data[: len(data) // 2], "cut.docx")
    with pytest.raises(UnreadableDocument):
        DocxParser().parse(DocumentInput(filename="x.docx", data=b"hello"))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    with pytest.raises((UnsupportedDocument, EncryptedDocument)):
        parse_docx(ole, "old.docx")


def test_handles_scores() -> None:
    data = docbuild.to_bytes(docbuild.new())
    parser = DocxParser()
    assert parser.handles(DocumentInput(filename="a.doc", data=data)) == 100
    assert parser.handles(DocumentInput(filename="a.docx", data=b"junk")) == 40
    assert parser.handles(DocumentInput(filename="a.jpg", data=b"\xff\xd8")) is None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"x")
    assert parser.handles(DocumentInput(filename="a.zip", data=buffer.getvalue())) is None
