"""Text from a mail is text in the reports: no formula, no DDE call, in any workbook the Sở writes."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime

from sqlmodel import Session, select

from domain.mail import RawMessage
from reports.quarterly import report_quarter
from store.models import Nominee
from tests.reports.conftest import Env
from tests.reports.formula_mail import HOSTILE, NAME, NS, hostile_mail, quote_prefixed, sheets, text_cells

SENT = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)


def test_mail_text_is_written_as_text_never_as_a_formula(env: Env) -> None:
    """GIVEN a unit's form whose fields start with =, +, -, @ (HYPERLINK leak, DDE calls)
    WHEN the quarter's Excel list is written THEN no cell holds a formula, each value is there
    as typed, as a string cell Excel shows as typed text; the Word list holds plain text."""
    mail = hostile_mail("pgd.tamdiep@ninhbinh.edu.vn", SENT, "<formula-1@ninhbinh.edu.vn>")
    env.worker.import_messages([RawMessage(data=mail, received_at=SENT, origin="import")])
    with Session(env.engine) as db:
        stored = db.exec(select(Nominee).where(Nominee.name == NAME)).one()
    assert stored.summary == HOSTILE["Tóm tắt thành tích nổi bật"]  # the pipeline kept the text as sent
    docx_path, xlsx_path = report_quarter(env.engine, "2024-Q2", env.units, env.ctx, SENT, mail=False)
    found, styles = sheets(xlsx_path)
    for sheet in found:
        assert sheet.find(".//x:f", NS) is None
    cells = text_cells(found[0])
    for value in HOSTILE.values():
        assert value in cells, value
        assert quote_prefixed(styles, cells[value]), value
    assert not quote_prefixed(styles, cells[NAME])
    with zipfile.ZipFile(docx_path) as doc:
        body = doc.read("word/document.xml").decode()
    assert "fldSimple" not in body and "instrText" not in body and "ddeLink" not in body
    assert "=cmd|' /C calc'!A0" in body.replace("&amp;", "&").replace("&apos;", "'")
