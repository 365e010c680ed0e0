"""The decision chain as a pure function: one case per outcome and reason it produces."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from domain.codes import Outcome, ReasonCode, ReplyKind
from intake.analysis import analyse
from intake.message import parse_message
from intake.models import InboundMessage
from intake.pipeline import Overrides, PipelineSettings, PriorMessage, PriorNominee, PriorSubmission, decide
from intake.prefetch import read_mail
from intake.screening import ScreenSettings
from store.units import load_units

VN = ZoneInfo("Asia/Ho_Chi_Minh")
IN_WINDOW = datetime(2024, 6, 17, 9, 0, tzinfo=VN)
UNITS = load_units(None)
SCHOOL = "c3chuyenlvt@ninhbinh.edu.vn"
PHONG = "pgd.kimson@ninhbinh.edu.vn"
SETTINGS = PipelineSettings(screen=ScreenSettings(own_addresses=["phongcntt.soninhbinh@moet.edu.vn"]))


@dataclass
class History:
    """The store's answers, given in advance: what the pipeline would learn from the database."""

    duplicate: PriorMessage | None = None
    thread: PriorSubmission | None = None
    nominees: list[PriorNominee] = field(default_factory=list)
    answered: int = 0
    answered_today: int = 0

    def duplicate_of(self, msg: InboundMessage) -> PriorMessage | None:
        return self.duplicate

    def thread_of(self, msg: InboundMessage) -> PriorSubmission | None:
        return self.thread

    def active_nominees(self, unit_code: str, quarter: str) -> list[PriorNominee]:
        return self.nominees

    def replies_last_hour(self, address: str) -> int:
        return self.answered

    def replies_last_day(self, address: str) -> int:
        return self.answered_today


def form(rows: dict[str, str]) -> bytes:
    doc = Document()
    table = doc.add_table(rows=0, cols=2)
    for label, value in rows.items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


FULL = {"Họ và tên": "Lê Thị Mai", "Chức vụ": "Giáo viên", "Đơn vị công tác": "Trường THPT chuyên Lương Văn Tụy",
        "Tóm tắt thành tích nổi bật": "Giải Nhất giáo viên dạy giỏi cấp tỉnh."}


def mail(sender: str = SCHOOL, rows: dict[str, str] | None = None, photo: bool = True, body: str = "Kính gửi Sở.",
         headers: dict[str, str] | None = None) -> InboundMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "phongcntt.soninhbinh@moet.edu.vn", "Phiếu đăng ký"
    msg["Message-ID"] = "<m1@school.vn>"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    if rows is not None:
        msg.add_attachment(form(rows), maintype="application", subtype="octet-stream", filename="phieu.docx")
    if photo:
        msg.add_attachment(b"\xff\xd8\xff" + b"0" * 200, maintype="image", subtype="jpeg", filename="anh.jpg")
    return parse_message(msg.as_bytes())


def run(msg: InboundMessage, history: History | None = None, when: datetime = IN_WINDOW,
        overrides: Overrides | None = None, settings: PipelineSettings = SETTINGS):  # type: ignore[no-untyped-def]
    reading = read_mail(msg, UNITS, settings.limits, settings.authserv_ids)  # what the reader hands over
    return decide(reading, when, UNITS, history or History(), settings, overrides=overrides)


def codes(decision) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.code.value for r in decision.reasons}


def test_complete_nomination_from_a_registered_school_is_accepted() -> None:
    decision = run(mail(rows=FULL))
    assert (decision.outcome, decision.reply, decision.unit_code) == (Outcome.accepted, ReplyKind.ack, "THPT-LVT")
    assert decision.quarter == "2024-Q2" and not decision.late
    [nominee] = decision.nominations
    assert (nominee.name, nominee.category, nominee.school_level) == ("Lê Thị Mai", "nha_giao", "thpt")
    assert [e.filename for e in nominee.evidence] == ["anh.jpg"]


@pytest.mark.parametrize(("rows", "photo", "code"), [
    ({k: v for k, v in FULL.items() if k != "Tóm tắt thành tích nổi bật"}, True, "missing_summary"),
    ({k: v for k, v in FULL.items() if k != "Họ và tên"}, True, "missing_name"),
    (FULL, False, "missing_evidence"),
    (None, True, "no_nomination"),
])
def test_incomplete_nomination_is_rejected_with_what_to_fix(rows, photo, code) -> None:  # type: ignore[no-untyped-def]
    decision = run(mail(rows=rows, photo=photo))
    assert (decision.outcome, decision.reply) == (Outcome.rejected, ReplyKind.rejection)
    assert code in codes(decision) and decision.nominations == []


def test_unknown_sender_waits_for_review_with_a_pending_reply() -> None:
    decision = run(mail(sender="someone@gmail.com", rows=FULL))
    assert (decision.outcome, decision.reply, decision.unit_code) == (Outcome.needs_review, ReplyKind.pending, None)
    assert "unknown_sender" in codes(decision) and len(decision.nominations) == 1


def test_registered_address_failing_dmarc_is_treated_as_unknown() -> None:
    msg = mail(rows=FULL, headers={"Authentication-Results": "mx.moet.edu.vn; spf=fail; dmarc=fail header.from=x"})
    decision = run(msg)
    assert decision.outcome == Outcome.needs_review and "unknown_sender" in codes(decision)


def test_staff_can_attach_an_unknown_sender_to_a_unit() -> None:
    decision = run(mail(sender="someone@gmail.com", rows=FULL), overrides=Overrides(unit_code="THPT-LVT"))
    assert (decision.outcome, decision.unit_code) == (Outcome.accepted, "THPT-LVT")


def test_after_the_20th_is_accepted_and_late() -> None:
    decision = run(mail(rows=FULL), when=datetime(2024, 6, 21, 0, 0, 1, tzinfo=VN))
    assert decision.outcome == Outcome.accepted and decision.late and "late" in codes(decision)


def test_phong_gddt_short_of_a_level_gets_quota_short() -> None:
    rows = {**FULL, "Đơn vị công tác": "Trường Mầm non Kim Đông"}
    decision = run(mail(sender=PHONG, rows=rows))
    assert decision.outcome == Outcome.accepted and "quota_short" in codes(decision)
    assert decision.quota is not None and decision.quota.missing_levels == ["tieu_hoc", "thcs"]
    full = [PriorNominee(id=i, name_key=f"x{i}", school_level=lv) for i, lv in enumerate(("tieu_hoc", "thcs"))]
    assert "quota_short" not in codes(run(mail(sender=PHONG, rows=rows), History(nominees=full)))


def test_resubmission_replaces_the_earlier_record() -> None:
    earlier = PriorNominee(id=7, name_key="le thi mai", school_level="thpt", submission_id=3)
    decision = run(mail(rows=FULL), History(nominees=[earlier]))
    assert decision.replaces == [7] and "resubmission" in codes(decision)


def test_second_delivery_is_recorded_but_not_answered() -> None:
    prior = PriorMessage(id=1, outcome="accepted", unit_code="THPT-LVT", quarter="2024-Q2")
    decision = run(mail(rows=FULL), History(duplicate=prior))
    assert (decision.outcome, decision.reply) == (Outcome.accepted, ReplyKind.none)
    assert codes(decision) == {"duplicate_message"} and decision.nominations == []


def test_reply_completing_a_rejected_submission_is_accepted() -> None:
    first = mail(rows=FULL, photo=False)
    thread = PriorSubmission(id=3, reference="DHTT-2024Q2-0001", unit_code="THPT-LVT", quarter="2024-Q2",
                             status="rejected", analyses=[analyse(first)])
    decision = run(mail(rows=None, photo=True), History(thread=thread))
    assert decision.outcome == Outcome.accepted and decision.thread_of == 3
    assert [n.name for n in decision.nominations] == ["Lê Thị Mai"]


@pytest.mark.parametrize(("headers", "code"), [
    ({"Auto-Submitted": "auto-replied"}, ReasonCode.auto_reply),
    ({"Precedence": "list", "List-Id": "<gv.list>"}, ReasonCode.mailing_list),
])
def test_robots_are_ignored_and_never_answered(headers, code) -> None:  # type: ignore[no-untyped-def]
    decision = run(mail(rows=FULL, headers=headers))
    assert (decision.outcome, decision.reply) == (Outcome.ignored, ReplyKind.none) and code.value in codes(decision)


def test_a_sender_answering_our_answers_too_often_gets_no_more_replies() -> None:
    reply_to_us = {"In-Reply-To": f"<ack.1@{SETTINGS.message_id_domain}>"}
    assert run(mail(rows=None, headers=reply_to_us), History(answered=4)).reply == ReplyKind.rejection
    limited = run(mail(rows=None, headers=reply_to_us), History(answered=5))
    assert limited.reply == ReplyKind.none and "auto_reply" in codes(limited)
    # A unit sending many nominations in one hour (not answering us) is still answered.
    assert run(mail(rows=FULL), History(answered=50)).reply == ReplyKind.ack


def test_archive_bomb_is_quarantined_unless_staff_released_it() -> None:
    import struct
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("video.mp4", b"0" * 1000)
    data = bytearray(buf.getvalue())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = struct.pack("<I", 3_000_000_000)  # declared uncompressed size
    msg = EmailMessage()
    msg["From"], msg["Message-ID"] = SCHOOL, "<z@x>"
    msg.set_content("x")
    msg.add_attachment(form(FULL), maintype="application", subtype="octet-stream", filename="phieu.docx")
    msg.add_attachment(bytes(data), maintype="application", subtype="zip", filename="minh chung.zip")
    inbound = parse_message(msg.as_bytes())
    decision = run(inbound)
    assert (decision.outcome, decision.reply) == (Outcome.quarantined, ReplyKind.none)
    assert "archive_bomb" in codes(decision)
    released = run(inbound, overrides=Overrides(released=True))
    assert released.outcome == Outcome.accepted
    assert "minh chung.zip" in [e.filename for e in released.nominations[0].evidence]


def test_too_many_attachments_is_refused_before_reading() -> None:
    limited = SETTINGS.model_copy(update={"max_attachments": 1})
    decision = run(mail(rows=FULL), settings=limited)
    assert decision.outcome == Outcome.rejected and "attachment_too_large" in codes(decision)


def _scanned_pdf() -> bytes:
    """A one-page PDF holding only an image: what a scanner produces."""
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("RGB", (60, 60), "white")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=50)
    return bytes(pdf.output())


def test_a_scanned_pdf_as_the_only_document_goes_to_review() -> None:
    msg = EmailMessage()
    msg["From"], msg["Message-ID"], msg["Subject"] = SCHOOL, "<s@x>", "Phiếu đăng ký (bản scan)"
    msg.set_content("Kính gửi Sở, trường gửi phiếu đã ký (bản scan).")
    msg.add_attachment(_scanned_pdf(), maintype="application", subtype="pdf", filename="phieu-scan.pdf")
    decision = run(parse_message(msg.as_bytes()))
    assert (decision.outcome, decision.reply) == (Outcome.needs_review, ReplyKind.pending)
    assert [r.where for r in decision.reasons if r.code == ReasonCode.unreadable_attachment] == ["phieu-scan.pdf"]
