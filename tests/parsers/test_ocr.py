"""Scans and photos read by OCR: pages drawn here with Pillow (seal, signature, skew), read
through the same form, report and list logic as typed documents."""

from __future__ import annotations

import email.message
import io

import fpdf
import numpy as np
import pytest
from PIL import Image

from domain.codes import Category, ReasonCode, SchoolLevel
from intake.analysis import analyse
from intake.message import parse_message
from parsers import ocr, ocr_image
from parsers.models import DocumentInput
from parsers.registry import choose, parse_document
from parsers.vntext import collapse_ws
from tests.parsers import pagebuild
from tests.parsers.pagebuild import form_page, list_page, report_pages

def _mail(attachments: list[tuple[str, str, bytes]]) -> bytes:
    msg = email.message.EmailMessage()
    msg["From"] = "c3hoalua@ninhbinh.edu.vn"
    msg["To"] = "phongcntt.soninhbinh@moet.edu.vn"
    msg["Subject"] = "Báo cáo thành tích (bản scan)"
    msg["Message-ID"] = "<scan-1@ninhbinh.edu.vn>"
    msg.set_content("Kính gửi Sở GDĐT, nhà trường gửi bản scan báo cáo thành tích.")
    for name, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def test_scanned_report_is_read_and_marked_read_by_ocr() -> None:
    scan = pagebuild.pdf_of(*report_pages())
    certificate = pagebuild.jpeg_of(pagebuild.photo(seed=5))
    message = parse_message(_mail([("Scan_0001.pdf", "application/pdf", scan),
                                   ("giay khen.jpg", "image/jpeg", certificate)]))
    result = analyse(message)
    (draft,) = result.drafts
    assert draft.name == "Nguyễn Thị Hương"
    assert draft.category == Category.nha_giao
    assert draft.school_level == SchoolLevel.thpt
    assert "Hoa Lư A" in (draft.workplace or "")
    assert "giáo viên dạy giỏi cấp tỉnh" in collapse_ws(draft.summary or "")
    assert "Trần Văn Minh" not in (draft.awards or "")  # the signature block closes the report
    assert result.quarter == "2024-Q2"
    assert [(r.code, r.where) for r in result.reasons] == [(ReasonCode.read_by_ocr, "Scan_0001.pdf")]
    assert [e.filename for e in result.evidence] == ["giay khen.jpg"]


def test_scanned_list_rows_become_nominees_even_upside_down() -> None:
    upside_down = list_page().rotate(180)  # fed into the scanner the wrong way round
    parsed = parse_document(DocumentInput(filename="DS.pdf", data=pagebuild.pdf_of(upside_down)))
    assert parsed is not None and parsed.ocr and parsed.shape == "list"
    got = [(d.name, d.category, d.school_level) for d in parsed.nominations]
    assert got == [("Đỗ Thị Mai", Category.nha_giao, SchoolLevel.mam_non),
                   ("Vũ Minh Tuấn", Category.can_bo_quan_ly, SchoolLevel.tieu_hoc),
                   ("Lê Thu Trang", Category.hoc_sinh, SchoolLevel.thcs)]
    assert "nghiên cứu bài học" in (parsed.nominations[1].summary or "")


def test_list_ruled_only_across_gets_its_columns_from_the_gutters() -> None:
    scan = pagebuild.pdf_of(list_page(columns_ruled=False))
    parsed = parse_document(DocumentInput(filename="DS.pdf", data=scan))
    assert parsed is not None and parsed.shape == "list"
    assert [(d.name, d.school_level) for d in parsed.nominations] == [
        ("Đỗ Thị Mai", SchoolLevel.mam_non), ("Vũ Minh Tuấn", SchoolLevel.tieu_hoc),
        ("Lê Thu Trang", SchoolLevel.thcs)]


def test_phone_photo_of_a_form_turned_sideways_is_read() -> None:
    photo = pagebuild.phone_photo(form_page()).rotate(90, expand=True)  # no EXIF orientation
    doc = DocumentInput(filename="IMG_2024.jpg", content_type="image/jpeg",
                        data=pagebuild.jpeg_of(photo, quality=80))
    parsed = parse_document(doc)
    assert parsed is not None and parsed.ocr
    (draft,) = parsed.nominations
    assert (draft.name, draft.category) == ("Phạm Văn Khánh", Category.can_bo_quan_ly)
    assert draft.workplace == "Trường Tiểu học Ninh Khánh"
    assert "chuẩn quốc gia mức độ 2" in (draft.summary or "")


def test_photo_that_is_no_document_is_not_read() -> None:
    doc = DocumentInput(filename="lop hoc.jpg", content_type="image/jpeg",
                        data=pagebuild.jpeg_of(pagebuild.photo()))
    assert choose(doc) is None
    assert parse_document(doc) is None


def test_page_of_text_without_a_nomination_stays_evidence() -> None:
    page = pagebuild.Page()
    page.line("GIẤY KHEN", 26, bold=True, center=True)
    page.line("GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH NINH BÌNH", 13, bold=True, center=True)
    page.line("Tặng cô giáo Nguyễn Thị Hương, Trường THPT Hoa Lư A", 14, center=True)
    page.line("Đã có thành tích xuất sắc trong năm học 2022-2023", 14, center=True)
    doc = DocumentInput(filename="giay khen.png", data=pagebuild.jpeg_of(page.finish()))
    parsed = parse_document(doc)
    assert parsed is not None and parsed.nominations == [] and not parsed.ocr


def test_page_cap_and_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    blank = pagebuild.Page()
    blank.line("Trang bìa", 14, center=True)
    scan = DocumentInput(filename="scan.pdf", data=pagebuild.pdf_of(blank.finish(), *report_pages()))
    monkeypatch.setattr(ocr, "MAX_PAGES", 1)  # the report starts on page 2: never read
    parsed = parse_document(scan)
    assert parsed is not None and parsed.nominations == [] and parsed.shape == "pdf"
    monkeypatch.setattr(ocr, "MAX_PAGES", 10)
    monkeypatch.setattr(ocr, "DOCUMENT_SECONDS", 0.0)  # out of time before the first page
    parsed = parse_document(scan)
    assert parsed is not None and parsed.nominations == []


def _fpdf(text: str, image: bytes | None = None) -> bytes:
    pdf = fpdf.FPDF()
    pdf.add_page()
    if image is not None:
        pdf.image(io.BytesIO(image), x=0, y=0, w=210)
    pdf.add_font("DejaVu", fname=pagebuild.FONT)
    pdf.set_font("DejaVu", size=8)
    pdf.cell(text=text)
    return bytes(pdf.output())


def test_typed_pdf_stays_with_the_text_reader_a_stamped_scan_does_not() -> None:
    typed = _fpdf("Họ và tên: Phạm Văn Khánh; Đối tượng: Cán bộ quản lý; Chức vụ: Hiệu trưởng")
    assert type(choose(DocumentInput(filename="typed.pdf", data=typed))).__name__ == "PdfParser"
    stamped = _fpdf("Scanned by CamScanner", pagebuild.jpeg_of(form_page()))
    assert type(choose(DocumentInput(filename="scan.pdf", data=stamped))).__name__ == "OcrParser"


def test_red_seal_and_blue_ink_fade_black_text_stays() -> None:
    image = Image.new("RGB", (60, 20), pagebuild.PAPER)
    for x0, colour in ((0, (20, 20, 20)), (20, pagebuild.RED), (40, pagebuild.BLUE)):
        image.paste(colour, (x0, 0, x0 + 20, 20))
    grey = np.asarray(ocr_image.suppress_ink(image))
    assert grey[:, :20].max() < 60
    assert grey[:, 20:].min() > 200


def test_skew_is_measured() -> None:
    page = pagebuild.Page()
    for i in range(25):
        page.line(f"- Dòng chữ thứ {i} của văn bản được quét để đo độ nghiêng của trang giấy", 12)
    grey = ocr_image.suppress_ink(page.finish(skew=2.0))
    assert abs(ocr_image.skew_angle(grey) + 2.0) <= 0.3
