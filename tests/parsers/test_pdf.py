"""PDF forms and reports: text layer, tables as label: value lines, link annotations."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from parsers.errors import EncryptedDocument, UnreadableDocument
from parsers.models import DocumentInput
from parsers.pdf import PdfParser, join_wrapped, render_table
from tests.parsers.mailparts import attachment, collapse, expected

DRIVE = "https://drive.google.com/drive/folders/1PdfLink"


def build_pdf(pages: list[bytes], annots: bool = False, encrypt: bool = False) -> bytes:
    """A minimal PDF with one Helvetica content stream per page, optionally a link or /Encrypt."""
    n = len(pages)
    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>",
                         b"<< /Type /Pages /Kids [%s] /Count %d >>"
                         % (b" ".join(b"%d 0 R" % (5 + 2 * i) for i in range(n)), n),
                         b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                         b"<< /Type /Annot /Subtype /Link /Rect [72 690 300 710] "
                         b"/A << /S /URI /URI (%s) >> >>" % DRIVE.encode()]
    for content in pages:
        extra = b"/Annots [4 0 R]" if annots else b""
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 3 0 R >> >> %s >>" % (len(objs) + 2, extra))
        objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    trailer = b""
    if encrypt:  # a user password is set: the empty password does not open it
        objs.append(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>"
                    % (b"11" * 32, b"22" * 32))
        trailer = b"/Encrypt %d 0 R /ID [<00112233445566778899aabbccddeeff> " \
                  b"<00112233445566778899aabbccddeeff>] " % len(objs)
    return _assemble(objs, trailer)


def _assemble(objs: list[bytes], trailer: bytes) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, trailer, xref)
    return bytes(out)


def text_page(*lines: str) -> bytes:
    """A content stream writing ASCII `lines` from the top of the page."""
    body = b"".join(b"(%s) Tj 0 -16 Td " % line.encode("ascii") for line in lines)
    return b"BT /F1 11 Tf 72 740 Td " + body + b"ET"


def doc(data: bytes, name: str = "phieu.pdf") -> DocumentInput:
    return DocumentInput(filename=name, data=data, content_type="application/pdf")


def test_text_and_link_annotation() -> None:
    data = build_pdf([text_page("Ho va ten: Nguyen Van An", "Chuc vu: Giao vien")], annots=True)
    result = PdfParser().parse(doc(data))
    assert "Nguyen Van An" in result.text
    links = set(result.links) | {u for d in result.nominations for u in d.links}
    assert DRIVE in links


def test_scan_without_text_is_evidence_only() -> None:
    result = PdfParser().parse(doc(build_pdf([b""])))
    assert result.text == "" and result.nominations == []


def test_encrypted_pdf() -> None:
    with pytest.raises(EncryptedDocument):
        PdfParser().parse(doc(build_pdf([text_page("secret")], encrypt=True)))


@pytest.mark.parametrize("data", [b"%PDF-1.4 garbage", build_pdf([text_page("x")])[:300]])
def test_corrupt_pdf(data: bytes) -> None:
    with pytest.raises(UnreadableDocument):
        PdfParser().parse(doc(data))


def test_handles() -> None:
    parser = PdfParser()
    assert parser.handles(doc(b"%PDF-1.7\n")) == 90
    assert parser.handles(doc(b"<html>", "bad.pdf")) == 40
    assert parser.handles(doc(b"PK\x03\x04", "a.docx")) is None


def test_tables_render_as_label_value_lines() -> None:
    rows = [["Họ và tên", "Phan Văn A"], ["Sáng kiến", ""], ["STT", "Tên", "Ghi chú"]]
    assert render_table(rows) == "Họ và tên: Phan Văn A\nSáng kiến\nSTT | Tên | Ghi chú"
    assert join_wrapped("- Đạt giải Ba cuộc thi\ncấp tỉnh.\n- Sáng kiến") == \
        "- Đạt giải Ba cuộc thi cấp tỉnh.\n- Sáng kiến"


def test_many_pages_are_read_quickly() -> None:
    pages = [text_page(*(f"Line {i} of page {p}: some words to read" for i in range(40)))
             for p in range(10)]
    started = time.perf_counter()
    result = PdfParser().parse(doc(build_pdf(pages)))
    assert "Line 39 of page 9" in result.text
    assert time.perf_counter() - started < 4  # about 0.1 s per dense page on one core


def test_corpus_pdf_form(corpus_dir: Path) -> None:
    """GIVEN case 006's typed PDF form THEN the nominee, summary and quarter are read."""
    result = PdfParser().parse(attachment(corpus_dir, "006", ".pdf"))
    want = expected(corpus_dir, "006")
    (nominee,) = want["nominees"]
    (draft,) = result.nominations
    assert draft.name == nominee["name"]
    assert nominee["workplace_contains"] in collapse(draft.workplace)
    for phrase in nominee["summary_contains"]:
        assert phrase in collapse(draft.summary)
    assert result.quarter == want["quarter"]


@pytest.mark.parametrize("case", ["004", "015"])
def test_corpus_certificates_are_read(corpus_dir: Path, case: str) -> None:
    result = PdfParser().parse(attachment(corpus_dir, case, ".pdf"))
    assert result.text.strip()
    assert all(not d.summary for d in result.nominations)
