"""The quarterly Word and Excel lists, read back and checked against the database."""

from __future__ import annotations

from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from reports.quarterly import report_quarter
from store.models import Nominee
from tests.reports.conftest import Env

QUARTER = "2024-Q2"
NOW = datetime(2024, 6, 21, 1, 0, tzinfo=UTC)


def _active(env: Env, quarter: str) -> list[Nominee]:
    with Session(env.engine) as db:
        return list(db.exec(select(Nominee).where(Nominee.quarter == quarter, col(Nominee.active).is_(True),
                                                  col(Nominee.unit_code).is_not(None))))


def _text(doc) -> str:  # type: ignore[no-untyped-def]
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_docx_has_the_formal_layout_and_every_active_exemplar(env: Env) -> None:
    """GIVEN the corpus WHEN the Q2 report is written THEN the Word list holds exactly the DB's exemplars."""
    docx_path, _ = report_quarter(env.engine, QUARTER, env.units, env.ctx, NOW, mail=False)
    doc = Document(str(docx_path))
    text = _text(doc)
    for phrase in ("UBND TỈNH NINH BÌNH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "Số:", "/DS-SGDĐT", "Ninh Bình, ngày 21 tháng 6 năm 2024",
                   "GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ II NĂM 2024", "Nơi nhận:", "PHÓ GIÁM ĐỐC"):
        assert phrase in text, phrase
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert doc.styles["Normal"].font.name == "Times New Roman"
    exemplars, quota = doc.tables[1], doc.tables[2]
    rows = [[c.text for c in r.cells] for r in exemplars.rows[1:]]
    listed = [r[1] for r in rows if r[0].isdigit()]
    expected = _active(env, QUARTER)
    assert sorted(listed) == sorted(n.name for n in expected)
    groups = [r[0] for r in rows if not r[0].isdigit()]
    units = {env.units.by_code(n.unit_code).name for n in expected}  # type: ignore[union-attr]
    assert {g.split(" (")[0] for g in groups} == units
    hoa_lu = next(i for i, r in enumerate(rows) if r[0].startswith("Phòng GDĐT huyện Hoa Lư"))
    assert [r[4] for r in rows[hoa_lu + 1:hoa_lu + 4]] == ["Mầm non", "Tiểu học", "THCS"]
    quota_text = [[c.text for c in r.cells] for r in quota.rows]
    assert any(r[1] == "Phòng GDĐT huyện Hoa Lư" and r[6] == "Hoàn thành" for r in quota_text)
    assert any(r[1] == "Phòng GDĐT huyện Yên Mô" and r[6] == "Chưa hoàn thành" for r in quota_text)


def test_xlsx_matches_the_database_row_for_row(env: Env) -> None:
    _, xlsx_path = report_quarter(env.engine, QUARTER, env.units, env.ctx, NOW, mail=False)
    book = load_workbook(xlsx_path)
    sheet = book["Danh sách"]
    head = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "STT")
    found = {}
    for row in sheet.iter_rows(min_row=head + 1, values_only=True):
        if isinstance(row[0], int):
            found[row[3]] = row
    expected = {n.name: n for n in _active(env, QUARTER)}
    assert set(found) == set(expected)
    for name, n in expected.items():
        row = found[name]
        assert row[1] == n.unit_code and row[8] == n.summary and row[5] == (n.position or "")
    quota = book["Chỉ tiêu"]
    units = [r[1] for r in quota.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert "Phòng GDĐT huyện Hoa Lư" in units and "Công đoàn Giáo dục tỉnh Ninh Bình" not in units
    assert book["Danh sách"].page_setup.orientation == "landscape"


def test_report_mail_goes_to_staff_once_with_both_files(mail_env: Env, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    import email
    import email.policy

    report_quarter(mail_env.engine, QUARTER, mail_env.units, mail_env.ctx, NOW)
    report_quarter(mail_env.engine, QUARTER, mail_env.units, mail_env.ctx, NOW)
    assert mail_env.worker.flush() == 1
    sent = smtp_sink.wait_for(1)
    assert sorted(sent[0].rcpt_tos) == sorted(mail_env.ctx.staff)
    msg = email.message_from_bytes(sent[0].data, policy=email.policy.default)
    assert msg["Subject"] == "[DHTT] Danh sách gương điển hình tiên tiến Quý II năm 2024"
    names = sorted(p.get_filename() for p in msg.iter_attachments())
    assert names == ["danh-sach-guong-dien-hinh-tien-tien-2024-Q2.docx", "danh-sach-guong-dien-hinh-tien-tien-2024-Q2.xlsx"]
    # No signer_name in this configuration: staff are told before they print the list for signature.
    assert "chưa ghi họ tên người ký" in msg.get_body(("plain",)).get_content()


def _summary_cells(doc) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {r.cells[1].text: r.cells[5].text for r in doc.tables[1].rows[1:] if r.cells[0].text.isdigit()}


def test_docx_prints_whole_summaries_and_keeps_unit_headings_with_their_rows(env: Env) -> None:
    """GIVEN the Q2 list THEN every summary is whole (line by line, no '…'), the STT and reference columns
    are wide enough not to wrap, and a unit's heading row is kept with its first exemplar."""
    docx_path, _ = report_quarter(env.engine, QUARTER, env.units, env.ctx, NOW, mail=False)
    doc = Document(str(docx_path))
    cells = _summary_cells(doc)
    for nominee in _active(env, QUARTER):
        lines = [ln.strip() for ln in nominee.summary.splitlines() if ln.strip()]
        assert cells[nominee.name] == "\n".join(lines)
    assert not any("…" in text for text in cells.values())
    table = doc.tables[1]
    assert table.columns[0].width.cm > 1.45 and table.columns[-1].width.cm > 3.95
    headings = [r for r in table.rows[1:] if not r.cells[0].text.isdigit()]
    assert headings and all(r.cells[0].paragraphs[0].paragraph_format.keep_with_next for r in headings)


def test_docx_ends_on_the_signature_page(env: Env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN each quarter of the corpus WHEN its list is printed (LibreOffice → PDF)
    THEN the last page carries the signature block, never a blank page of its own."""
    import subprocess

    import pdfplumber

    docx_path, _ = report_quarter(env.engine, QUARTER, env.units, env.ctx, NOW, mail=False)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
                   check=True, capture_output=True, timeout=180)
    with pdfplumber.open(tmp_path / docx_path.with_suffix(".pdf").name) as pdf:
        last = pdf.pages[-1].extract_text() or ""
    assert "PHÓ GIÁM ĐỐC" in last or "Nơi nhận" in last


def test_xlsx_prints_readably_on_a4_landscape(env: Env) -> None:
    """GIVEN the Q2 Excel list WHEN printed THEN A4 landscape, one page wide at no less than about 65%,
    column heads repeated on every page, 12 pt text, and rows tall enough for their wrapped summaries."""
    _, xlsx_path = report_quarter(env.engine, QUARTER, env.units, env.ctx, NOW, mail=False)
    sheet = load_workbook(xlsx_path)["Danh sách"]
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize), setup.fitToWidth) == ("landscape", int(sheet.PAPERSIZE_A4), 1)
    from openpyxl.utils import get_column_letter

    total = sum(sheet.column_dimensions[get_column_letter(c)].width for c in range(1, sheet.max_column + 1))
    printable_mm = 297 - 2 * 0.4 * 25.4
    assert printable_mm / (total * 1.85) >= 0.65  # the scale "one page wide" comes to
    head = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "STT")
    assert sheet.print_title_rows.replace("$", "") == f"{head}:{head}"
    for row in range(head + 1, sheet.max_row + 1):
        summary = sheet.cell(row, 9).value
        if isinstance(row_number := sheet.cell(row, 1).value, int) and summary:
            assert sheet.cell(row, 9).font.size >= 12
            lines = sum(-(-len(part) // int(sheet.column_dimensions["I"].width * 1.05)) or 1
                        for part in summary.split("\n"))
            assert sheet.row_dimensions[row].height >= lines * 15, row_number
