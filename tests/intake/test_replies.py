"""Replies a unit reads: Vietnamese wording for every code, headers, bodies, escaping, determinism."""

from __future__ import annotations

import email
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from enum import StrEnum
from typing import Any

import pytest

from domain import wording
from domain.codes import Category, Kind, Outcome, ReasonCode, ReplyKind, SchoolLevel
from domain.decision import Decision, Evidence, Nomination, Reason
from domain.quota import QuotaLine, QuotaStatus
from domain.wording.reasons import REASON_TEXT, REASON_TITLE, document_overrun, too_many_files
from intake.models import InboundMessage
from intake.outgoing import OutgoingMail, ReplySettings
from intake.replies import build_alert, build_reply, clean_subject

SETTINGS = ReplySettings(sender="phongcntt.soninhbinh@moet.edu.vn",
                         sender_name="Sở Giáo dục và Đào tạo Ninh Bình",
                         message_id_domain="dhtt.soninhbinh.local")
DATE = datetime(2024, 6, 18, 2, 30, tzinfo=timezone.utc)
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
ABBREVIATIONS = {"THCS", "THPT", "GDNN-GDTX/GDTX"}  # Vietnamese level names that carry no diacritics

ORIGINAL = InboundMessage(
    rfc_message_id="<CAF29E65@mail.gmail.com>", subject="Re: TL: Báo cáo GĐTT quý II/2024 - PGD Kim Sơn",
    sender="pgdkimson@ninhbinh.edu.vn", sender_name="Phòng GDĐT Kim Sơn",
    references=["<root@mail.gmail.com>", "<ack.7@dhtt.soninhbinh.local>", "<root@mail.gmail.com>"],
)
TEACHER = Nomination(
    kind=Kind.individual, category=Category.nha_giao, name="Phạm Thị Thu Hà", position="Giáo viên",
    workplace="Trường Tiểu học Kim Đông", school_level=SchoolLevel.tieu_hoc,
    summary="Giải Nhất giáo viên dạy giỏi cấp tỉnh; sáng kiến kinh nghiệm cấp tỉnh. " * 10,
    evidence=[Evidence(filename="Giấy chứng nhận GVDG.pdf", sha256="ab"),
              Evidence(url="https://drive.google.com/file/d/1abc/view")],
)
KIM_SON_Q2 = QuotaStatus(unit_code="pgd-kimson", quarter="2024-Q2", lines=[
    QuotaLine(level="mam_non", required=1, sent=0), QuotaLine(level="tieu_hoc", required=1, sent=1),
    QuotaLine(level="thcs", required=1, sent=0)])


def _ack(**changes: object) -> Decision:
    fields: dict[str, object] = dict(
        outcome=Outcome.accepted, nominations=[TEACHER], quarter="2024-Q2", reply=ReplyKind.ack,
        sender=ORIGINAL.sender, reasons=[Reason(code=ReasonCode.quota_short, detail="mam_non, thcs")])
    return Decision.model_validate(fields | changes)


def _rejection() -> Decision:
    return Decision(outcome=Outcome.rejected, quarter="2024-Q3", reply=ReplyKind.rejection,
                    sender=ORIGINAL.sender, reasons=[
                        Reason(code=ReasonCode.missing_evidence, detail="Cao Ngọc Hạnh",
                               where="Báo cáo thành tích quý III.docx"),
                        Reason(code=ReasonCode.encrypted_attachment, where="Danh sách.xlsx")])


def _reply(decision: Decision, reference: str | None = "DHTT-2024Q2-0042",
           quota: QuotaStatus | None = KIM_SON_Q2) -> OutgoingMail:
    reply = build_reply(decision, ORIGINAL, key="m42", reference=reference,
                        unit_name="Phòng Giáo dục và Đào tạo huyện Kim Sơn", quota=quota, settings=SETTINGS)
    assert reply is not None
    return reply


def _parsed(reply: OutgoingMail) -> EmailMessage:
    message = email.message_from_bytes(reply.to_bytes(SETTINGS, DATE), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None and part.get_content_type() == f"text/{subtype}"
    return str(part.get_content())


WORDINGS: list[tuple[type[StrEnum], Mapping[Any, str]]] = [
    (ReasonCode, REASON_TEXT), (ReasonCode, REASON_TITLE),
    (Category, wording.CATEGORY_TEXT), (SchoolLevel, wording.LEVEL_TEXT),
    (Outcome, wording.OUTCOME_TEXT), (Kind, wording.KIND_TEXT),
]


@pytest.mark.parametrize(("enum", "texts"), WORDINGS, ids=lambda v: getattr(v, "__name__", ""))
def test_every_code_has_vietnamese_text(enum: type[StrEnum], texts: Mapping[Any, str]) -> None:
    """GIVEN every member of a code enum WHEN looked up THEN there is NFC Vietnamese text for it."""
    for member in enum:
        text = texts[member]
        assert text == unicodedata.normalize("NFC", text)
        assert VIETNAMESE.search(text.lower()) or text in ABBREVIATIONS, (member, text)


def test_quarter_and_helpers_speak_vietnamese() -> None:
    assert wording.quarter_text("2024-Q2") == "Quý II năm 2024"
    assert wording.quarter_text("2025-Q4") == "Quý IV năm 2025"
    assert wording.LEVEL_TEXT["*"] == "không phân cấp học"
    assert wording.where_text("body, dòng 2") == "nội dung thư, dòng 2"
    assert wording.size_text("28633088") == "27,3 MB"
    assert len(wording.excerpt("chữ " * 100)) <= 201
    with pytest.raises(ValueError):
        wording.quarter_text("Q2/2024")


def test_subject_strips_reply_prefixes_and_our_own_labels() -> None:
    assert clean_subject("Re: TL: Fwd: Trả lời: Báo cáo") == "Báo cáo"
    assert clean_subject("RE: [DHTT-2024Q3-0007] Hồ sơ chưa hợp lệ: Báo cáo quý III") == "Báo cáo quý III"
    assert len(clean_subject("Báo cáo " * 50)) <= 121


def test_ack_headers_thread_the_reply_and_mark_it_automatic() -> None:
    message = _parsed(_reply(_ack()))
    assert message["Subject"] == ("[DHTT-2024Q2-0042] Đã tiếp nhận hồ sơ gương điển hình tiên tiến: "
                                  "Báo cáo GĐTT quý II/2024 - PGD Kim Sơn")
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["Message-ID"] == "<ack.m42@dhtt.soninhbinh.local>"
    assert message["In-Reply-To"] == "<CAF29E65@mail.gmail.com>"
    assert message["References"].split() == [
        "<root@mail.gmail.com>", "<ack.7@dhtt.soninhbinh.local>", "<CAF29E65@mail.gmail.com>"]
    assert message["To"] == "pgdkimson@ninhbinh.edu.vn"
    assert message["From"].addresses[0].display_name == "Sở Giáo dục và Đào tạo Ninh Bình"
    assert message.get_content_type() == "multipart/alternative"


def test_ack_body_lists_the_exemplar_and_what_the_quota_lacks() -> None:
    message = _parsed(_reply(_ack()))
    for body in (_body(message, "plain"), _body(message, "html")):
        assert "Kính gửi:" in body and "Phòng Giáo dục và Đào tạo huyện Kim Sơn" in body
        assert "DHTT-2024Q2-0042" in body and "Quý II năm 2024" in body
        assert "Phạm Thị Thu Hà" in body and "Nhà giáo" in body and "Tiểu học" in body
        assert "Giấy chứng nhận GVDG.pdf" in body and "https://drive.google.com/file/d/1abc/view" in body
        assert "Mầm non" in body and "THCS" in body and "còn thiếu" in body
        assert "Phòng Công nghệ thông tin - Sở GDĐT Ninh Bình" in body
    plain = " ".join(_body(message, "plain").split())
    assert TEACHER.summary.strip() in plain and "…" not in plain  # shown whole, for the unit to check
    assert "chậm nhất ngày 20/06/2024" in plain  # the date, not "the 20th of the quarter's last month"


def test_ack_keeps_the_summary_lines_and_says_no_position_for_a_collective() -> None:
    """GIVEN a summary of three lines and a collective WHEN acknowledged THEN each line stands on its own,
    and the collective gets no "Chức vụ: Tập thể" line."""
    lines = ["- Giải Nhất hội thi cấp tỉnh.", "- Sáng kiến cấp tỉnh.", "- Chiến sĩ thi đua cơ sở."]
    group = TEACHER.model_copy(update={"kind": Kind.collective, "category": Category.tap_the,
                                       "name": "Tổ Toán", "position": "Tập thể", "summary": "\n".join(lines)})
    message = _parsed(_reply(_ack(nominations=[group])))
    plain = _body(message, "plain")
    assert [ln.strip() for ln in plain.splitlines() if ln.strip() in lines] == lines
    assert "Chức vụ" not in plain and "Chức vụ" not in _body(message, "html")


def test_reply_subject_does_not_stack_earlier_subjects_and_date_is_vietnam_time() -> None:
    stacked = ORIGINAL.model_copy(update={"subject": "TRẢ LỜI: Re: [DHTT-2024Q3-0003] Đã tiếp nhận hồ sơ: "
                                                     "[Sở GDĐT Ninh Bình] Hồ sơ chưa hợp lệ: Hồ sơ quý III"})
    reply = build_reply(_ack(), stacked, key="m43", reference="DHTT-2024Q3-0003", unit_name="Phòng GDĐT",
                        quota=None, settings=SETTINGS)
    assert reply is not None
    assert reply.subject == "[DHTT-2024Q3-0003] Đã tiếp nhận hồ sơ gương điển hình tiên tiến: Hồ sơ quý III"
    assert _parsed(reply)["Date"].endswith("+0700")


def test_reading_problems_are_explained_in_vietnamese() -> None:
    decision = _rejection().model_copy(update={"reasons": [
        Reason(code=ReasonCode.unreadable_attachment, detail="not a Word package (damaged or truncated)",
               where="Phiếu.docx"),
        Reason(code=ReasonCode.encrypted_attachment, detail="password-protected Office document", where="DS.xlsx")]})
    text = _reply(decision, quota=None).text
    assert "not a Word" not in text and "password" not in text
    assert "tệp bị hỏng hoặc không đầy đủ" in text and "đặt mật khẩu" in text
    overrun = decision.model_copy(update={"reasons": [Reason(
        code=ReasonCode.unreadable_attachment, detail=document_overrun(20), where="Phiếu.docx")]})
    assert document_overrun(20) in _reply(overrun, quota=None).text  # said for the unit already


def test_ack_says_the_quota_is_met_and_notes_late_mail() -> None:
    met = KIM_SON_Q2.model_copy(update={"lines": [QuotaLine(level="*", required=1, sent=1)]})
    text = _reply(_ack(reasons=[], late=True), quota=met).text
    assert "đã hoàn thành chỉ tiêu" in text and "Nộp muộn" in text


def test_rejection_names_the_file_and_says_nothing_was_recorded() -> None:
    reply = _reply(_rejection(), reference="DHTT-2024Q3-0007", quota=None)
    message = _parsed(reply)
    assert message["Subject"].startswith("[DHTT-2024Q3-0007] Hồ sơ chưa hợp lệ: ")
    for body in (_body(message, "plain"), _body(message, "html")):
        assert "Báo cáo thành tích quý III.docx" in body and "Cao Ngọc Hạnh" in body
        assert "Danh sách.xlsx" in body and "mật khẩu" in body
        assert "CHƯA CÓ NỘI DUNG NÀO ĐƯỢC GHI NHẬN" in body
        assert "giữ nguyên mã hồ sơ" in body


def test_pending_explains_verification_and_registration() -> None:
    decision = Decision(outcome=Outcome.needs_review, reply=ReplyKind.pending, quarter="2024-Q2",
                        sender="truong.abc@gmail.com", nominations=[TEACHER],
                        reasons=[Reason(code=ReasonCode.unknown_sender)])
    reply = _reply(decision, reference="DHTT-2024Q2-0043", quota=None)
    assert reply.subject == "[DHTT-2024Q2-0043] Đã nhận, chờ xác minh"  # ours only: the sender is unknown
    assert reply.to == ["truong.abc@gmail.com"]
    assert "chờ cán bộ Sở xác minh" in reply.text and "chưa được đăng ký" in reply.text
    assert TEACHER.name not in reply.text + reply.html and "truong.abc" not in reply.text + reply.html
    assert "Đăng ký địa chỉ thư" in reply.text


def test_same_inputs_build_the_same_bytes() -> None:
    first = _reply(_ack()).to_bytes(SETTINGS, DATE)
    assert _reply(_ack()).to_bytes(SETTINGS, DATE) == first


def test_html_escapes_what_units_wrote() -> None:
    hostile = TEACHER.model_copy(update={"name": "<script>alert(1)</script> Hà"})
    reply = _reply(_ack(nominations=[hostile]))
    assert "<script>" not in reply.html and "&lt;script&gt;" in reply.html
    assert "<script>alert(1)</script> Hà" in reply.text


def test_no_reply_kind_builds_nothing() -> None:
    ignored = Decision(outcome=Outcome.ignored, reply=ReplyKind.none,
                       reasons=[Reason(code=ReasonCode.auto_reply)])
    assert build_reply(ignored, ORIGINAL, key="k", reference=None, unit_name=None, quota=None,
                       settings=SETTINGS) is None


def test_without_reference_the_subject_has_no_bracket() -> None:
    assert _reply(_ack(), reference=None).subject.startswith("Đã tiếp nhận hồ sơ")


def test_alert_down_is_generated_for_administrators() -> None:
    since = datetime(2024, 6, 18, 1, 0, tzinfo=timezone.utc)
    alert = build_alert("alert_down", key="2024-06-18T01", to=["admin@ninhbinh.edu.vn"], since=since,
                        detail="Connection refused", settings=SETTINGS)
    message = _parsed(alert)
    assert message["Auto-Submitted"] == "auto-generated" and message["In-Reply-To"] is None
    assert "08:00 ngày 18/06/2024" in _body(message, "plain")
    assert "Connection refused" in _body(message, "html")


def test_a_file_sent_with_a_reply_keeps_its_vietnamese_name() -> None:
    from intake.outgoing import MailFile, OutgoingMail

    reply = OutgoingMail(message_id="<rejection.1@x.local>", kind="rejection", to=["a@b.vn"], subject="Hồ sơ",
                         text="Kính gửi", html="<p>Kính gửi</p>",
                         attachments=[MailFile(filename="Mẫu phiếu.docx", content_type="application/zip",
                                               data=b"PK\x03\x04data")])
    parsed = email.message_from_bytes(reply.to_bytes(SETTINGS, datetime(2024, 6, 17, tzinfo=timezone.utc)),
                                      policy=email.policy.default)
    [part] = list(parsed.iter_attachments())
    assert part.get_filename() == "Mẫu phiếu.docx" and part.get_content() == b"PK\x03\x04data"
    assert parsed.get_body(("plain",)).get_content().startswith("Kính gửi")


def test_too_many_files_is_said_as_such_not_as_a_size() -> None:
    decision = _rejection().model_copy(update={"reasons": [
        Reason(code=ReasonCode.attachment_too_large, detail=too_many_files(120, 50))]})
    text = _reply(decision, quota=None).text
    assert "120 tệp đính kèm trong một thư, vượt quá giới hạn 50 tệp" in text and "Dung lượng tệp" not in text
    sized = _rejection().model_copy(update={"reasons": [
        Reason(code=ReasonCode.attachment_too_large, detail=str(30 * 1024 * 1024), where="video.mp4")]})
    assert "Dung lượng tệp: 30,0 MB" in _reply(sized, quota=None).text
