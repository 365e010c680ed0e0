"""Digitally signed PDFs through the real pipeline: the check stored per attachment, the line on the
mail page, and the note of the quarterly list."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from domain.mail import RawMessage
from parsers.pdf_signature import SignatureCheck
from reports.data import quarter_data
from reports.quarterly_docx import exemplar_cells
from reports.quarterly_xlsx import build_quarterly_xlsx
from store.db import session
from store.models import Attachment, Message
from tests.integration.helpers import make_settings, make_worker
from tests.mailgen import nomination_mail
from tests.parsers.signbuild import authority, plain_pdf, sign
from tests.servers import SmtpSink
from tests.web.conftest import PASSWORDS, WebSite, client_signed_in, served
from web.users import add_user

WHEN = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)
SCHOOL, SCHOOL_NAME = "c3chuyenlvt@ninhbinh.edu.vn", "Trường THPT chuyên Lương Văn Tụy"


class _NoImap:
    host, port, user, password = "127.0.0.1", 1, "none", "none"


def _with_pdf(index: int, pdf: bytes) -> bytes:
    """A unit's nomination (its form in Word) with the signed report as a PDF beside it."""
    msg = message_from_bytes(nomination_mail(index, SCHOOL, SCHOOL_NAME, WHEN, random.Random(index)),
                             policy=policy.default)
    assert isinstance(msg, EmailMessage)
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="Báo cáo thành tích.pdf")
    return msg.as_bytes()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSite]:
    """GIVEN the Sở's root installed, a mail with a PDF signed under it and one signed under another
    root, read by the real worker and served by the web app on loopback."""
    tmp = tmp_path_factory.mktemp("signed")
    ours, stranger = authority("Nguyễn Văn An", SCHOOL_NAME), authority("Lê Thị Mai", SCHOOL_NAME, "Root lạ")
    (tmp / "roots").mkdir()
    (tmp / "roots" / "root-ca.pem").write_bytes(ours.root_pem)
    sink = SmtpSink()
    sink.start()
    worker = make_worker(make_settings(_NoImap(), sink, f"sqlite:///{tmp / 'db.sqlite'}", tmp,
                                       trust_roots_dir=str(tmp / "roots")))
    report = plain_pdf("BÁO CÁO THÀNH TÍCH", "Nhà trường đề nghị")
    worker.import_messages([RawMessage(data=_with_pdf(i, sign(report, ca)), received_at=WHEN, origin="import")
                            for i, ca in ((1, ours), (2, stranger))])
    with session(worker.engine) as db:
        add_user(db, "quantri", PASSWORDS["quantri"], "admin")
    with served(worker, sink) as site:
        yield site
    sink.stop()


def _stored(site: WebSite) -> list[tuple[Message, SignatureCheck]]:
    with session(site.worker.engine) as db:
        rows = db.exec(select(Message, Attachment).where(Attachment.message_pk == Message.id,
                                                         Attachment.filename == "Báo cáo thành tích.pdf")
                       .order_by(col(Message.id))).all()
    return [(m, SignatureCheck.model_validate_json(a.signature or "")) for m, a in rows]


def test_the_check_is_stored_per_attachment(site: WebSite) -> None:
    (first, trusted), (second, untrusted) = _stored(site)
    assert first.outcome == second.outcome == "accepted"  # a signature never decides acceptance
    assert trusted.sound and trusted.signatures[0].trusted is True
    assert trusted.signatures[0].signer == "Nguyễn Văn An"
    assert untrusted.sound and untrusted.signatures[0].trusted is False
    with session(site.worker.engine) as db:  # the Word form is no PDF: nothing recorded for it
        others = db.exec(select(Attachment).where(Attachment.filename != "Báo cáo thành tích.pdf")).all()
    assert others and all(a.signature is None for a in others)


def test_the_mail_page_says_who_signed_and_whether_it_is_trusted(site: WebSite) -> None:
    (first, check), (second, _) = _stored(site)
    client, _token = client_signed_in(site, "quantri")
    moment = check.signatures[0].signed_at
    assert moment is not None
    local = moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    page = client.get(f"/thu/{first.id}").text
    assert (f"Có chữ ký số: Nguyễn Văn An — {SCHOOL_NAME}, ký lúc {local:%H:%M} ngày {local:%d/%m/%Y}; "
            "nguyên vẹn; chứng thư gốc: tin cậy") in page
    other = client.get(f"/thu/{second.id}").text
    assert f"Có chữ ký số: Lê Thị Mai — {SCHOOL_NAME}" in other and "chứng thư gốc: không tin cậy" in other


def test_the_quarterly_note_names_the_trusted_signature_only(site: WebSite) -> None:
    with session(site.worker.engine) as db:
        data = quarter_data(db, "2024-Q2", site.worker.units)
    notes = {row.name: exemplar_cells(row, 1)[-1] for row in data.exemplars}
    assert len(data.exemplars) == 2
    signed = [name for name, note in notes.items() if "Có chữ ký số" in note]
    assert len(signed) == 1 and signed[0].endswith(" 1")  # nomination_mail names end with their index
    sheet = build_quarterly_xlsx(data, site.worker.settings.reports)["Danh sách"]
    heads = [c.value for row in sheet.iter_rows() for c in row if c.value == "Chữ ký số"]
    assert heads
    marks = {row[3].value: row[14].value for row in sheet.iter_rows() if isinstance(row[0].value, int)}
    assert marks[signed[0]] == "Có" and sorted(str(v or "") for v in marks.values()) == ["", "Có"]
