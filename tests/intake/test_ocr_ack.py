"""The acknowledgement of a nomination read by OCR asks the unit to check what was read."""

from __future__ import annotations

from domain.codes import Category, Kind, Outcome, ReasonCode, ReplyKind, SchoolLevel
from domain.decision import Decision, Nomination, Reason
from intake.models import InboundMessage
from intake.outgoing import ReplySettings
from intake.replies import build_reply

SETTINGS = ReplySettings(sender="phongcntt.soninhbinh@moet.edu.vn", sender_name="Sở Giáo dục và Đào tạo Ninh Bình",
                         message_id_domain="dhtt.soninhbinh.local")
ORIGINAL = InboundMessage(rfc_message_id="<scan@ninhbinh.edu.vn>", subject="Báo cáo thành tích (bản scan)",
                          sender="c3yenkhanhb@ninhbinh.edu.vn")
TEACHER = Nomination(kind=Kind.individual, category=Category.nha_giao, name="Đinh Thúy Loan",
                     workplace="Trường THPT Yên Khánh B", school_level=SchoolLevel.thpt,
                     summary="Giải Nhất Hội thi giáo viên dạy giỏi cấp tỉnh.")


def test_ack_names_the_scan_and_asks_to_check_the_fields() -> None:
    decision = Decision(outcome=Outcome.accepted, nominations=[TEACHER], quarter="2024-Q3", reply=ReplyKind.ack,
                        sender=ORIGINAL.sender,
                        reasons=[Reason(code=ReasonCode.read_by_ocr, where="Scan_20240917_092104.pdf")])
    reply = build_reply(decision, ORIGINAL, key="m30", reference="DHTT-2024Q3-0007",
                        unit_name="Trường THPT Yên Khánh B", quota=None, settings=SETTINGS)
    assert reply is not None
    for body in (reply.text, reply.html):
        assert "Đọc từ bản scan, ảnh chụp" in body
        assert "Scan_20240917_092104.pdf" in body
        assert "Đề nghị đơn vị kiểm tra kỹ họ và" in body
        assert "read_by_ocr" not in body
