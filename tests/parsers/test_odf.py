"""OpenDocument text (.odt, written by odfpy): forms, ND98 reports and lists read like .docx."""

from __future__ import annotations

import io
import zipfile

import pytest
from odf.opendocument import OpenDocumentText  # type: ignore[import-untyped]
from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow  # type: ignore[import-untyped]
from odf.text import A, H, P, S  # type: ignore[import-untyped]

from domain.codes import Category, SchoolLevel
from parsers.errors import UnreadableDocument
from parsers.models import DocumentInput
from parsers.registry import choose, parse_document

DRIVE = "https://drive.google.com/drive/folders/odt-form"


def _cell(*lines: str, **attrs: object) -> TableCell:
    cell = TableCell(valuetype="string", **attrs)
    for line in lines:
        cell.addElement(P(text=line))
    return cell


def _table(rows: list[list[TableCell]], columns: int) -> Table:
    table = Table(name="Bang1")
    table.addElement(TableColumn(numbercolumnsrepeated=columns))
    for cells in rows:
        tr = TableRow()
        for cell in cells:
            tr.addElement(cell)
        table.addElement(tr)
    return table


def _save(doc: OpenDocumentText) -> bytes:
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def build_form() -> bytes:
    doc = OpenDocumentText()
    doc.text.addElement(P(text="PHIẾU ĐĂNG KÝ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ II NĂM 2024"))
    name = P(text="Quách")
    name.addElement(S(c=3))  # runs of spaces, as LibreOffice writes them
    name.addText("Minh Huyền")
    link = P()
    link.addElement(A(href=DRIVE, text="Thư mục minh chứng"))
    name_cell = TableCell(valuetype="string")
    name_cell.addElement(name)
    link_cell = TableCell(valuetype="string")
    link_cell.addElement(link)
    doc.text.addElement(_table([
        [_cell("Họ và tên"), name_cell], [_cell("Đối tượng"), _cell("Nhà giáo")],
        [_cell("Chức vụ"), _cell("Giáo viên Ngữ văn")],
        [_cell("Đơn vị công tác"), _cell("Trường THPT Nho Quan B")],
        [_cell("Tóm tắt thành tích nổi bật"),
         _cell("- Biên soạn tài liệu giáo dục địa phương.", "- Giải Nhất giáo viên dạy giỏi cấp tỉnh.")],
        [_cell("Minh chứng"), link_cell]], columns=2))
    return _save(doc)


def build_report() -> bytes:
    doc = OpenDocumentText()
    for line in ("BÁO CÁO THÀNH TÍCH", "I. SƠ LƯỢC LÝ LỊCH", "- Họ tên: Đinh Văn Hùng",
                 "- Chức vụ: Hiệu trưởng", "- Đơn vị công tác: Trường THCS Ninh Giang",
                 "II. THÀNH TÍCH ĐẠT ĐƯỢC", "- Trường đạt chuẩn quốc gia mức độ 2.",
                 "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", "- Bằng khen của Chủ tịch UBND tỉnh"):
        doc.text.addElement(H(outlinelevel=1, text=line) if line[:2] in ("I.", "II") else P(text=line))
    return _save(doc)


def build_list() -> bytes:
    doc = OpenDocumentText()
    doc.text.addElement(P(text="DANH SÁCH GƯƠNG ĐIỂN HÌNH TIÊN TIẾN"))
    header = [_cell(label) for label in ("STT", "Họ và tên", "Chức vụ, đơn vị", "Tóm tắt thành tích")]
    group = [_cell("I. CẤP TIỂU HỌC", numbercolumnsspanned=4), CoveredTableCell(numbercolumnsrepeated=3)]
    row = [_cell("1"), _cell("Lê Thị Hoa"), _cell("Giáo viên, Trường Tiểu học Khánh Hòa"),
           _cell("- Dạy học theo dự án.")]
    doc.text.addElement(_table([header, group, row], columns=4))
    return _save(doc)


def test_form_table_with_spaces_lines_and_link() -> None:
    doc = DocumentInput(filename="Phiếu.odt", data=build_form())
    assert type(choose(doc)).__name__ == "OdtParser"
    parsed = parse_document(doc)
    assert parsed is not None and parsed.quarter == "2024-Q2"
    (draft,) = parsed.nominations
    assert draft.name == "Quách Minh Huyền"
    assert (draft.category, draft.school_level) == (Category.nha_giao, SchoolLevel.thpt)
    assert draft.summary == "- Biên soạn tài liệu giáo dục địa phương.\n- Giải Nhất giáo viên dạy giỏi cấp tỉnh."
    assert draft.links == [DRIVE]


def test_report_in_paragraphs_and_headings() -> None:
    parsed = parse_document(DocumentInput(filename="bc.odt", data=build_report()))
    assert parsed is not None and parsed.shape == "report"
    (draft,) = parsed.nominations
    assert (draft.name, draft.category) == ("Đinh Văn Hùng", Category.can_bo_quan_ly)
    assert draft.summary == "- Trường đạt chuẩn quốc gia mức độ 2."


def test_list_table_with_a_merged_group_row() -> None:
    parsed = parse_document(DocumentInput(filename="ds.odt", data=build_list()))
    assert parsed is not None and parsed.shape == "list"
    (draft,) = parsed.nominations
    assert (draft.name, draft.school_level, draft.workplace) == (
        "Lê Thị Hoa", SchoolLevel.tieu_hoc, "Trường Tiểu học Khánh Hòa")


def test_hostile_or_broken_content_is_unreadable() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            "<d>&b;</d>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", bomb)
    with pytest.raises(UnreadableDocument):
        parse_document(DocumentInput(filename="x.odt", data=out.getvalue()))
    with pytest.raises(UnreadableDocument):
        parse_document(DocumentInput(filename="cut.odt", data=build_form()[:300]))
