"""All the Vietnamese words people read for the domain's codes, in one folder.

This module: categories, kinds, levels, outcomes, quarters, moments, sizes. Beside it:
`reasons` (each reason and its detail), `reports` (titles, unit kinds, quota phrases), `web` (the
pages' tables), and one module per further subject as it comes. Replies to units, staff digests,
reports, the intake log and the web take their wording from here.
"""

from __future__ import annotations

import re
from datetime import datetime

from domain.codes import Category, Kind, Outcome, SchoolLevel
from domain.quarters import VIETNAM, WINDOW_LAST_DAY, split_quarter

CATEGORY_TEXT: dict[Category, str] = {
    Category.can_bo_quan_ly: "Cán bộ quản lý",
    Category.nha_giao: "Nhà giáo",
    Category.nguoi_lao_dong: "Người lao động",
    Category.hoc_sinh: "Học sinh, học viên",
    Category.tap_the: "Tập thể",
}

KIND_TEXT: dict[Kind, str] = {Kind.individual: "Cá nhân", Kind.collective: "Tập thể"}

LEVEL_TEXT: dict[str, str] = {
    SchoolLevel.mam_non: "Mầm non",
    SchoolLevel.tieu_hoc: "Tiểu học",
    SchoolLevel.thcs: "THCS",
    SchoolLevel.thpt: "THPT",
    SchoolLevel.gdtx: "GDNN-GDTX/GDTX",
    "*": "không phân cấp học",
}

OUTCOME_TEXT: dict[Outcome, str] = {
    Outcome.accepted: "Đã tiếp nhận",
    Outcome.rejected: "Chưa hợp lệ, đã trả lại",
    Outcome.needs_review: "Chờ cán bộ xác minh",
    Outcome.ignored: "Bỏ qua (thư tự động)",
    Outcome.quarantined: "Cách ly, chờ quản trị viên",
}

_ROMAN = ("", "I", "II", "III", "IV")
_SPACES = re.compile(r"\s+")


def quarter_text(quarter: str) -> str:
    """'Quý II năm 2024' for '2024-Q2'; raises ValueError for anything else."""
    year, q = split_quarter(quarter)
    return f"Quý {_ROMAN[q]} năm {year}"


def level_text(level: str | None) -> str:
    """The school level as people write it; the code itself when unknown, 'chưa xác định' when absent."""
    if not level:
        return "chưa xác định"
    return LEVEL_TEXT.get(level, level)


def where_text(where: str) -> str:
    """The place a reason points at, with the pipeline's 'body' said in Vietnamese."""
    if where == "body" or where.startswith("body,"):
        return "nội dung thư" + where[4:]
    return where


def size_text(size: str | int) -> str:
    """A byte count as '27,3 MB' (Vietnamese decimal comma); other text unchanged."""
    try:
        count = int(size)
    except ValueError:
        return str(size)
    if count < 1024 * 1024:
        return f"{max(count // 1024, 1)} KB"
    return f"{count / (1024 * 1024):.1f} MB".replace(".", ",")


def excerpt(text: str, limit: int = 200) -> str:
    """`text` on one line, cut at a word boundary near `limit` characters with an ellipsis."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(" ,;:.-") + "…"


def text_lines(text: str | None) -> list[str]:
    """A text's non-empty lines, trimmed: a summary shown whole, as the unit wrote it."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def deadline_text(quarter: str) -> str:
    """The last day of a quarter's window as a date, '20/06/2025'."""
    year, q = split_quarter(quarter)
    return f"{WINDOW_LAST_DAY:02d}/{q * 3:02d}/{year}"


def moment_text(moment: datetime) -> str:
    """'08:30 ngày 17/09/2024 (giờ Việt Nam)' for an aware datetime; naive ones are taken as given."""
    local = moment.astimezone(VIETNAM) if moment.tzinfo else moment
    return local.strftime("%H:%M ngày %d/%m/%Y") + (" (giờ Việt Nam)" if moment.tzinfo else "")
