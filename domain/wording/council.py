"""The council's words: what staff and units read for each status, award level, form and scope."""

from __future__ import annotations

from domain.council import AwardForm, AwardLevel, Problem, ScopeKind, Status

STATUS_TEXT: dict[Status, str] = {
    Status.candidate: "Chờ xem xét",
    Status.selected: "Được lựa chọn biểu dương",
    Status.not_selected: "Không lựa chọn",
    Status.proposed: "Đề nghị khen thưởng",
    Status.awarded: "Đã được khen thưởng",
}

LEVEL_TEXT: dict[AwardLevel, str] = {
    AwardLevel.so: "Giám đốc Sở Giáo dục và Đào tạo",
    AwardLevel.tinh: "Chủ tịch Ủy ban nhân dân tỉnh",
    AwardLevel.bo: "Bộ trưởng Bộ Giáo dục và Đào tạo",
    AwardLevel.chinh_phu: "Thủ tướng Chính phủ",
}

FORM_TEXT: dict[AwardForm, str] = {
    AwardForm.giay_khen: "Giấy khen",
    AwardForm.bang_khen: "Bằng khen",
    AwardForm.co_thi_dua: "Cờ thi đua",
    AwardForm.chien_si_thi_dua: "Danh hiệu Chiến sĩ thi đua",
}

SCOPE_TEXT: dict[ScopeKind, str] = {
    ScopeKind.quarter: "Theo quý",
    ScopeKind.school_year: "Theo năm học",
    ScopeKind.plan: "Cả giai đoạn thực hiện kế hoạch",
}

PROBLEM_TEXT: dict[Problem, str] = {
    Problem.move_not_allowed: "Không thể chuyển trực tiếp sang kết quả này từ kết quả hiện tại",
    Problem.reason_missing: "Đề nghị ghi lý do không lựa chọn",
    Problem.award_missing: "Đề nghị chọn cấp khen thưởng và hình thức khen thưởng",
    Problem.decision_missing: "Đề nghị ghi số và ngày của quyết định khen thưởng",
}

ACTION_TEXT = {"merge": "Hợp nhất hồ sơ", "split": "Tách hồ sơ", "attach": "Tự động ghép đề cử"}

FIELD_TEXT = {"status": "Kết quả", "reason": "Lý do không lựa chọn", "award_level": "Cấp khen thưởng",
              "award_form": "Hình thức khen thưởng", "decision_number": "Số quyết định",
              "decision_date": "Ngày quyết định"}


def award_text(form: str | None, level: str | None) -> str:
    """'Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh'; '' when neither is set."""
    form_text = next((text for key, text in FORM_TEXT.items() if key.value == form), form or "")
    level_text = next((text for key, text in LEVEL_TEXT.items() if key.value == level), level or "")
    if form_text and level_text:
        return f"{form_text} của {level_text}"
    return form_text or level_text


def scope_text(scope_kind: str, scope: str) -> str:
    """'Quý II năm 2024', 'Năm học 2024-2025', 'Cả giai đoạn thực hiện kế hoạch'."""
    if scope_kind == ScopeKind.quarter.value and "-Q" in scope:
        year, _, q = scope.partition("-Q")
        numerals = {"1": "I", "2": "II", "3": "III", "4": "IV"}
        return f"Quý {numerals.get(q, q)} năm {year}"
    if scope_kind == ScopeKind.school_year.value:
        return f"Năm học {scope}"
    return SCOPE_TEXT[ScopeKind.plan]
