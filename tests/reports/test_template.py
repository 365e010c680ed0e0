"""The nomination template: a filled form parses back field for field; a blank one yields nobody."""

from __future__ import annotations

from domain.codes import Category, Kind, SchoolLevel
from intake.outgoing import DOCX
from parsers.models import DocumentInput
from parsers.registry import parse_document
from reports.config import ReportSettings
from reports.template_docx import template_bytes

MAILBOX = "phongcntt.soninhbinh@moet.edu.vn"
FILLED = {
    "quarter": "Quý II năm 2024", "kind": "Cá nhân", "category": "Nhà giáo", "name": "Nguyễn Thị Hồng Nhung",
    "birth_date": "12/05/1985", "gender": "Nữ", "position": "Giáo viên, Tổ trưởng tổ Ngữ văn",
    "workplace": "Trường THCS Trường Yên", "school_level": "THCS",
    "summary": "- Đạt giải Nhất Hội thi giáo viên dạy giỏi cấp tỉnh năm học 2023-2024.\n"
               "- Hướng dẫn 05 học sinh đạt giải học sinh giỏi cấp tỉnh.",
    "innovations": "Sáng kiến \"Dạy học đọc hiểu văn bản theo hướng phát triển năng lực\" được công nhận cấp tỉnh",
    "awards": "Chiến sĩ thi đua cơ sở năm 2023",
    "links": "https://drive.google.com/drive/folders/1AbCdEf",
}


def _parse(data: bytes):  # type: ignore[no-untyped-def]
    return parse_document(DocumentInput(filename="phieu.docx", content_type=DOCX, data=data))


def test_filled_template_parses_back_exactly() -> None:
    doc = _parse(template_bytes(ReportSettings(), MAILBOX, FILLED))
    assert doc.shape == "form" and doc.quarter == "2024-Q2"
    (n,) = doc.nominations
    assert (n.kind, n.category, n.school_level) == (Kind.individual, Category.nha_giao, SchoolLevel.thcs)
    for field in ("name", "birth_date", "gender", "position", "workplace", "summary", "innovations", "awards"):
        assert getattr(n, field) == FILLED[field], field
    assert n.links == [FILLED["links"]]


def test_collective_template_parses_back() -> None:
    values = {**FILLED, "kind": "Tập thể", "category": "Tập thể", "name": "Tổ Toán - Tin học",
              "birth_date": "", "gender": "", "position": "", "school_level": "THPT",
              "workplace": "Trường THPT Nho Quan A"}
    (n,) = _parse(template_bytes(ReportSettings(), MAILBOX, values)).nominations
    assert (n.kind, n.category, n.name, n.school_level) == (Kind.collective, Category.tap_the,
                                                            "Tổ Toán - Tin học", SchoolLevel.thpt)


def test_blank_template_is_not_a_nomination() -> None:
    doc = _parse(template_bytes(ReportSettings(), MAILBOX))
    assert doc is not None and doc.nominations == []


def test_template_carries_the_units_header_and_a_place_to_sign() -> None:
    """GIVEN the blank template THEN its header is for the unit to fill in (not the Sở's), it has a place
    for the head's signature and seal; AND a form filled in with the unit's header still parses back."""
    from docx import Document
    import io

    doc = Document(io.BytesIO(template_bytes(ReportSettings(), MAILBOX)))
    header = doc.tables[0].rows[0].cells[0].text
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" not in header and "……" in header
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text and "đóng dấu" in text
    filled = {**FILLED, "parent_body": "Phòng GDĐT huyện Hoa Lư", "unit": "Trường THCS Trường Yên"}
    (n,) = _parse(template_bytes(ReportSettings(), MAILBOX, filled)).nominations
    assert (n.name, n.workplace, n.position) == (FILLED["name"], FILLED["workplace"], FILLED["position"])
