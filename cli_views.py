"""What `dhtt log` and `dhtt show` print for a person: filters checked, a layout that fits the
terminal, and Vietnamese words instead of codes (`--json` keeps the codes for machines)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from rich.markup import escape

from domain.codes import Outcome
from domain.units import UnitDirectory
from domain.wording import CATEGORY_TEXT, KIND_TEXT, OUTCOME_TEXT, level_text, quarter_text
from domain.wording.reasons import REASON_TITLE

QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
WIDE_TABLE_COLUMNS = 120  # below this the eight-column table folds every cell: print one block per mail
REPLY_TEXT = {"ack": "Xác nhận", "rejection": "Trả lại", "pending": "Chờ xác minh", "none": "Không trả lời"}
REPLY_STATUS = {"queued": "chờ gửi", "sending": "đang gửi", "sent": "đã gửi", "failed": "không gửi được"}


def filter_problem(outcome: str | None, unit: str | None, quarter: str | None, units: UnitDirectory) -> str | None:
    """Why a `dhtt log` filter cannot match anything, with the valid forms; None when all are valid."""
    if outcome is not None and outcome not in set(Outcome):
        forms = "; ".join(f"{o.value} ({OUTCOME_TEXT[o]})" for o in Outcome)
        return f"lỗi: --outcome “{outcome}” không hợp lệ; dùng một trong các giá trị: {forms}."
    if quarter is not None and not QUARTER.match(quarter):
        return f"lỗi: --quarter “{quarter}” không hợp lệ; ghi theo dạng NĂM-QSỐ, ví dụ 2024-Q2 (quý từ 1 đến 4)."
    if unit is not None and units.by_code(unit) is None:
        return (f"lỗi: --unit “{unit}” không có trong danh mục đơn vị; dùng mã đơn vị như trong cột "
                f"“Đơn vị” của nhật ký, ví dụ THPT-LVT.")
    return None


def reasons_text(codes: list[str]) -> str:
    return "; ".join(REASON_TITLE.get(c, c) for c in codes)  # type: ignore[call-overload]


def reply_text(reply: dict[str, str] | None) -> str:
    if reply is None:
        return REPLY_TEXT["none"]
    return f"{REPLY_TEXT.get(reply['kind'], reply['kind'])} ({REPLY_STATUS.get(reply['status'], reply['status'])})"


def log_cells(entry: dict[str, Any]) -> list[str]:
    """One log entry (the `--json` shape) as the eight cells of the wide table."""
    moment = datetime.fromisoformat(entry["received_at"])
    return [str(entry["id"]), f"{moment:%d/%m/%Y %H:%M}", entry["sender"], entry["unit_code"] or "—",
            OUTCOME_TEXT.get(entry["outcome"], entry["outcome"]), reasons_text(entry["reasons"]) or "—",
            reply_text(entry["reply"]), entry["reference"] or "—"]


def log_blocks(entries: list[dict[str, Any]]) -> Iterator[str]:
    """The log for a narrow terminal: a few short lines per mail (rich markup, values escaped)."""
    for entry in entries:
        mid, moment, sender, unit, outcome, reasons, reply, ref = (escape(c) for c in log_cells(entry))
        yield f"[bold]Thư {mid}[/bold] · {moment} · {outcome}"
        yield f"  Người gửi: {sender}"
        yield f"  Đơn vị: {unit} · Mã hồ sơ: {ref}"
        yield f"  Trả lời: {reply}"
        if reasons != "—":
            yield f"  Lý do: {reasons}"
        yield ""


def _nominee_lines(number: int, nominee: dict[str, Any]) -> Iterator[str]:
    kind = KIND_TEXT.get(nominee["kind"], nominee["kind"])
    category = CATEGORY_TEXT.get(nominee["category"], nominee["category"] or "chưa xác định")
    yield f"  {number}. [bold]{escape(nominee['name'] or 'chưa rõ tên')}[/bold] — {kind}, {category}, " \
          f"cấp học: {level_text(nominee['school_level'])}"
    for label, key in (("Chức vụ", "position"), ("Đơn vị công tác", "workplace")):
        if nominee.get(key):
            yield f"     {label}: {escape(nominee[key])}"
    for label, key in (("Tóm tắt thành tích", "summary"), ("Sáng kiến", "innovations")):
        if nominee.get(key):
            yield f"     {label}:"
            yield from (f"       {escape(line)}" for line in str(nominee[key]).splitlines() if line.strip())
    files = [e.get("url") or e.get("filename") or "" for e in nominee.get("evidence", [])]
    yield f"     Minh chứng: {escape('; '.join(files)) if files else 'không có'}"


def show_lines(reference: str, status: str, unit: str, quarter: str, items: list[dict[str, Any]]) -> Iterator[str]:
    """A submission and its mails, for a person: outcome, reasons, reply and each exemplar in words."""
    try:
        period = quarter_text(quarter)
    except ValueError:
        period = quarter or "chưa xác định"
    yield f"[bold]{escape(reference)}[/bold] — đơn vị {escape(unit)}, {period}, " \
          f"trạng thái: {OUTCOME_TEXT.get(status, status)}"  # type: ignore[call-overload]
    for number, item in enumerate(items, start=1):
        moment = datetime.fromisoformat(item["received_at"])
        yield ""
        yield f"Thư {number}: nhận lúc {moment:%H:%M} ngày {moment:%d/%m/%Y}, từ {escape(item['sender'])} — " \
              f"{OUTCOME_TEXT.get(item['outcome'], item['outcome'])}"
        if item["reasons"]:
            yield f"  Lý do: {escape(reasons_text(item['reasons']))}"
        yield f"  Trả lời: {REPLY_TEXT.get(item['reply'] or 'none', item['reply'])}"
        for index, nominee in enumerate(item["nominees"], start=1):
            yield from _nominee_lines(index, nominee)


def as_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
