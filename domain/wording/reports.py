"""Vietnamese words the reports add to domain.wording: titles, unit kinds, counts, quota phrases."""

from __future__ import annotations

from domain import wording
from domain.codes import Category
from domain.quota import QuotaStatus
from domain.units import UnitKind

UNIT_KIND_TEXT: dict[str, str] = {
    UnitKind.truc_thuoc_so: "Đơn vị trực thuộc Sở",
    UnitKind.phong_gddt: "Phòng GDĐT huyện, thành phố",
    UnitKind.gdnn_gdtx: "Trung tâm GDNN-GDTX",
    UnitKind.phong_thuoc_so: "Phòng thuộc Sở",
    UnitKind.cong_doan: "Công đoàn Giáo dục tỉnh",
}

DONE = "Hoàn thành"
NOT_DONE = "Chưa hoàn thành"
NO_QUOTA = "Không giao chỉ tiêu"


def quarter_title(quarter: str) -> str:
    """'QUÝ II NĂM 2024'."""
    return wording.quarter_text(quarter).upper()


def category_text(category: str) -> str:
    try:
        return wording.CATEGORY_TEXT[Category(category)]
    except ValueError:
        return category


def count(n: int) -> str:
    """Counts in documents are written with two digits: '05', '12'."""
    return f"{n:02d}"


def quota_line_label(level: str) -> str:
    return "Chung các cấp học" if level == "*" else wording.level_text(level)


def missing_text(status: QuotaStatus) -> str:
    """What a unit still lacks: '01 gương điển hình cấp học Mầm non; 01 … THCS'."""
    parts = [f"{count(line.missing)} gương điển hình" + (
        "" if line.level == "*" else f" cấp học {wording.level_text(line.level)}")
        for line in status.lines if line.missing]
    return "; ".join(parts)


def missing_short(status: QuotaStatus) -> str:
    """'Mầm non, THCS' for a Phòng GDĐT, '01 gương' for a unit without levels; '' when complete."""
    if len(status.lines) == 1 and status.lines[0].level == "*":
        return f"{count(status.lines[0].missing)} gương" if status.lines[0].missing else ""
    return ", ".join(wording.level_text(line.level) for line in status.lines if line.missing)


def progress_text(status: QuotaStatus) -> str:
    """'Mầm non 1/1; Tiểu học 0/1; THCS 1/1' or '1/1' for a unit without levels."""
    if len(status.lines) == 1 and status.lines[0].level == "*":
        line = status.lines[0]
        return f"{line.sent}/{line.required}"
    return "; ".join(f"{quota_line_label(line.level)} {min(line.sent, line.required)}/{line.required}"
                     for line in status.lines)


def result_text(status: QuotaStatus) -> str:
    if not status.lines:
        return NO_QUOTA
    return DONE if status.complete else NOT_DONE


def position_text(position: str | None, workplace: str | None, unit_name: str) -> str:
    """The "Chức vụ, đơn vị công tác" cell: both, or the position alone when it already names the
    workplace, or the proposing unit when the document gave neither."""
    parts = [p for p in (position, workplace) if p]
    if len(parts) == 2 and parts[1].casefold() in parts[0].casefold():
        parts = parts[:1]
    return ", ".join(parts) or unit_name
