"""The council's vocabulary and rules: decision statuses, award levels and forms, the moves allowed."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel


class ScopeKind(StrEnum):
    quarter = "quarter"
    school_year = "school_year"
    plan = "plan"


class Status(StrEnum):
    candidate = "candidate"
    selected = "selected"
    not_selected = "not_selected"
    proposed = "proposed"
    awarded = "awarded"


class AwardLevel(StrEnum):
    so = "so"  # Giám đốc Sở GDĐT
    tinh = "tinh"  # Chủ tịch UBND tỉnh
    bo = "bo"  # Bộ trưởng Bộ GDĐT
    chinh_phu = "chinh_phu"  # Thủ tướng Chính phủ


class AwardForm(StrEnum):
    giay_khen = "giay_khen"
    bang_khen = "bang_khen"
    co_thi_dua = "co_thi_dua"
    chien_si_thi_dua = "chien_si_thi_dua"


# From each status, where a decision may go next. Going back one step is allowed: the council
# corrects a slip the same way it records a decision, and the change log keeps both.
MOVES: dict[Status, frozenset[Status]] = {
    Status.candidate: frozenset({Status.selected, Status.not_selected, Status.proposed}),
    Status.selected: frozenset({Status.candidate, Status.not_selected, Status.proposed, Status.awarded}),
    Status.not_selected: frozenset({Status.candidate, Status.selected}),
    Status.proposed: frozenset({Status.selected, Status.not_selected, Status.awarded}),
    Status.awarded: frozenset({Status.proposed}),
}

# A letter to the proposing unit goes out when an entry reaches one of these.
ANNOUNCED: frozenset[Status] = frozenset({Status.selected, Status.awarded})


class Decision(BaseModel):
    """One decision on one review entry, as staff entered it."""

    status: Status
    reason: str | None = None
    award_level: AwardLevel | None = None
    award_form: AwardForm | None = None
    decision_number: str | None = None
    decision_date: date | None = None


class Problem(StrEnum):
    """Why a decision cannot be recorded (each has its Vietnamese wording)."""

    move_not_allowed = "move_not_allowed"
    reason_missing = "reason_missing"
    award_missing = "award_missing"
    decision_missing = "decision_missing"


def check(current: Status, decision: Decision) -> list[Problem]:
    """What is wrong with recording `decision` on an entry now at `current`; [] when it may be recorded."""
    problems: list[Problem] = []
    if decision.status != current and decision.status not in MOVES[current]:
        problems.append(Problem.move_not_allowed)
    if decision.status is Status.not_selected and not (decision.reason or "").strip():
        problems.append(Problem.reason_missing)
    if decision.status in (Status.proposed, Status.awarded) and (
            decision.award_level is None or decision.award_form is None):
        problems.append(Problem.award_missing)
    if decision.status is Status.awarded and (
            not (decision.decision_number or "").strip() or decision.decision_date is None):
        problems.append(Problem.decision_missing)
    return problems


def fields_kept(decision: Decision) -> Decision:
    """The decision with only the fields its status carries (a reason belongs to not_selected only, …)."""
    keep_award = decision.status in (Status.proposed, Status.awarded)
    keep_number = decision.status is Status.awarded
    return Decision(
        status=decision.status,
        reason=(decision.reason or "").strip() or None if decision.status is Status.not_selected else None,
        award_level=decision.award_level if keep_award else None,
        award_form=decision.award_form if keep_award else None,
        decision_number=(decision.decision_number or "").strip() or None if keep_number else None,
        decision_date=decision.decision_date if keep_number else None,
    )


def in_scope(scope_kind: ScopeKind, scope: str, quarter: str | None) -> bool:
    """Whether a nomination of `quarter` ("2024-Q2") belongs to a review of this scope.

    A school year "2024-2025" runs from Q3 of 2024 (September) to Q2 of 2025; the plan is every quarter.
    """
    if scope_kind is ScopeKind.plan:
        return quarter is not None
    if quarter is None:
        return False
    if scope_kind is ScopeKind.quarter:
        return quarter == scope
    first, _, second = scope.partition("-")
    year, _, q = quarter.partition("-Q")
    return (year == first and q in ("3", "4")) or (year == second and q in ("1", "2"))
