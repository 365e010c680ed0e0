"""The council's letter to a unit: whom it goes to, its deterministic Message-ID, its words."""

from __future__ import annotations

from datetime import date

from domain.council import Status
from domain.units import UnitInfo, UnitKind
from intake.letters import CouncilNews, build_letter, letter_id, recipients
from intake.outgoing import ReplySettings

SETTINGS = ReplySettings(sender="phongcntt.soninhbinh@moet.edu.vn", sender_name="Sở Giáo dục và Đào tạo Ninh Bình",
                         message_id_domain="dhtt.ninhbinh.edu.vn")
LVT = UnitInfo(code="THPT-LVT", name="Trường THPT chuyên Lương Văn Tụy", kind=UnitKind.truc_thuoc_so,
               emails=["c3chuyenlvt@ninhbinh.edu.vn", "vanphong.lvt@ninhbinh.edu.vn"])


def test_the_letter_goes_to_the_units_address_the_nomination_came_from() -> None:
    assert recipients(LVT, "vanphong.lvt@ninhbinh.edu.vn") == ["vanphong.lvt@ninhbinh.edu.vn"]
    # Forwarded by a Sở office: the unit's own first address, not the office's.
    assert recipients(LVT, "chuyenvien.gdtrh@ninhbinh.edu.vn") == ["c3chuyenlvt@ninhbinh.edu.vn"]
    assert recipients(None, "ai.do@gmail.com") == ["ai.do@gmail.com"]


def _news(status: Status) -> CouncilNews:
    return CouncilNews(entry_id=7, status=status, to=["c3chuyenlvt@ninhbinh.edu.vn"], unit_name=LVT.name,
                       exemplar_name="Phan Thanh Dung", category="Nhà giáo", review_title="Xét chọn quý II năm 2024",
                       scope="Quý II năm 2024", award="Giấy khen của Giám đốc Sở Giáo dục và Đào tạo",
                       decision_number="125/QĐ-SGDĐT", decision_date=date(2024, 9, 5),
                       reference="DHTT-2024Q2-0001", in_reply_to="<abc@mail.gmail.com>")


def test_one_message_id_per_entry_and_status() -> None:
    selected, awarded = build_letter(_news(Status.selected), SETTINGS), build_letter(_news(Status.awarded), SETTINGS)
    assert selected.message_id == letter_id(7, Status.selected, SETTINGS) == "<council.7.selected@dhtt.ninhbinh.edu.vn>"
    assert awarded.message_id == "<council.7.awarded@dhtt.ninhbinh.edu.vn>"
    assert build_letter(_news(Status.selected), SETTINGS) == selected  # same inputs, same letter
    assert selected.in_reply_to == "<abc@mail.gmail.com>" and selected.generated


def test_the_letters_say_what_was_decided_in_the_register_of_the_acknowledgements() -> None:
    selected, awarded = build_letter(_news(Status.selected), SETTINGS), build_letter(_news(Status.awarded), SETTINGS)
    assert selected.subject == ("[DHTT-2024Q2-0001] Thông báo kết quả xét chọn gương điển hình tiên tiến: "
                                "Phan Thanh Dung")
    assert "Kính gửi: Trường THPT chuyên Lương Văn Tụy" in selected.text and "Trân trọng./." in selected.text
    assert "đã được lựa chọn để biểu dương, tôn vinh" in selected.text and "Quyết định" not in selected.text
    assert "đã được tặng Giấy khen của Giám đốc Sở Giáo dục và Đào tạo theo Quyết định số 125/QĐ-SGDĐT ngày 05/09/2024" \
        in awarded.text
    assert "<strong>Phan Thanh Dung</strong>" in awarded.html and "125/QĐ-SGDĐT" in awarded.html
