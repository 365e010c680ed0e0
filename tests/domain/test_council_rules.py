"""The council's rules and the exemplar identity rule, as pure functions."""

from __future__ import annotations

from datetime import date

import pytest

from domain.council import (AwardForm, AwardLevel, Decision, Problem, ScopeKind, Status, check, fields_kept,
                            in_scope)
from domain.exemplars import Identity, best_match, identity, normalise_birth_date, same_exemplar
from domain.wording.council import award_text, scope_text


@pytest.mark.parametrize(("written", "normal"), [
    ("12/03/1985", "1985-03-12"), ("12-3-1985", "1985-03-12"), ("1985-03-12", "1985-03-12"),
    ("Năm 1985", "1985"), ("ngày 5 tháng 7 năm 1990", "1990-07-05"), ("", None), ("không rõ", None),
    ("45/13/1985", "1985"),
])
def test_birth_dates_are_read_in_vietnamese_and_iso_order(written: str, normal: str | None) -> None:
    assert normalise_birth_date(written) == normal


def test_same_name_and_unit_is_one_exemplar_unless_birth_dates_disagree() -> None:
    a = identity("nguyen van an", "THPT-LVT", "12/03/1985")
    assert same_exemplar(a, identity("nguyen van an", "THPT-LVT", None))
    assert same_exemplar(a, identity("nguyen van an", "THPT-LVT", "1985"))
    assert not same_exemplar(a, identity("nguyen van an", "THPT-LVT", "01/01/1990"))
    assert not same_exemplar(a, identity("nguyen van an", "THPT-KSA", "12/03/1985"))
    assert not same_exemplar(identity("nguyen van an", None, None), identity("nguyen van an", None, None))


def test_best_match_prefers_an_exact_birth_date_then_the_oldest() -> None:
    known = [(3, Identity("tran binh", "PGD-HL", None)), (7, Identity("tran binh", "PGD-HL", "1980-01-02")),
             (9, Identity("tran binh", "PGD-HL", "1979-05-05"))]
    assert best_match(identity("tran binh", "PGD-HL", "02/01/1980"), known) == 7
    assert best_match(identity("tran binh", "PGD-HL", None), known) == 3
    assert best_match(identity("tran binh", "PGD-YM", None), known) is None


def test_each_status_asks_for_what_it_needs() -> None:
    assert check(Status.candidate, Decision(status=Status.not_selected)) == [Problem.reason_missing]
    assert check(Status.selected, Decision(status=Status.proposed)) == [Problem.award_missing]
    award = {"award_level": AwardLevel.so, "award_form": AwardForm.giay_khen}
    assert check(Status.proposed, Decision(status=Status.awarded, **award)) == [Problem.decision_missing]
    assert check(Status.proposed, Decision(status=Status.awarded, decision_number="1/QĐ",
                                           decision_date=date(2024, 1, 2), **award)) == []
    assert check(Status.candidate, Decision(status=Status.awarded, decision_number="1/QĐ",
                                            decision_date=date(2024, 1, 2), **award)) == [Problem.move_not_allowed]
    assert check(Status.not_selected, Decision(status=Status.proposed, **award)) == [Problem.move_not_allowed]


def test_a_decision_keeps_only_the_fields_of_its_status() -> None:
    kept = fields_kept(Decision(status=Status.selected, reason="x", award_level=AwardLevel.bo,
                                decision_number="9", decision_date=date(2024, 1, 1)))
    assert kept == Decision(status=Status.selected)
    assert fields_kept(Decision(status=Status.not_selected, reason="  Chưa nổi bật ")).reason == "Chưa nổi bật"


def test_scopes_take_their_quarters() -> None:
    assert in_scope(ScopeKind.quarter, "2024-Q2", "2024-Q2") and not in_scope(ScopeKind.quarter, "2024-Q2", "2024-Q3")
    year = [q for q in ("2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3")
            if in_scope(ScopeKind.school_year, "2024-2025", q)]
    assert year == ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
    assert in_scope(ScopeKind.plan, "plan", "2023-Q4") and not in_scope(ScopeKind.plan, "plan", None)


def test_awards_and_scopes_read_as_in_a_decision() -> None:
    assert award_text("bang_khen", "tinh") == "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    assert award_text(None, None) == ""
    assert scope_text("quarter", "2024-Q4") == "Quý IV năm 2024"
    assert scope_text("school_year", "2024-2025") == "Năm học 2024-2025"
    assert scope_text("plan", "plan") == "Cả giai đoạn thực hiện kế hoạch"
