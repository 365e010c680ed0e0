"""Jinja2 set up for the pages: Vietnamese words for every code, local times, the CSRF token."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from domain import wording
from domain.codes import Category, Kind, ReasonCode
from domain.quarters import VIETNAM
from domain.wording.reasons import REASON_TITLE, detail_text
from domain.wording.web import (EVENT_TEXT, FIELD_TEXT, FILE_ROLE_TEXT, REPLY_KIND_TEXT, REPLY_STATUS_TEXT,
                                ROLE_TEXT)
from intake.filenames import visible_text
from web.auth import csrf_token

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


def _enum_text(table: dict[Any, str], value: str | None) -> str:
    if not value:
        return "—"
    return next((text for key, text in table.items() if str(key) == value), value)


def local_time(moment: datetime | None, request: Request | None = None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _quarter(value: str | None) -> str:
    try:
        return wording.quarter_text(value) if value else "—"
    except ValueError:
        return value or "—"


_env = TEMPLATES.env
_env.filters.update(
    local=local_time, outcome=lambda v: _enum_text(wording.OUTCOME_TEXT, v) if v else "Chưa xử lý",
    reason=lambda v: _enum_text(REASON_TITLE, v), category=lambda v: _enum_text(wording.CATEGORY_TEXT, v),
    kind=lambda v: _enum_text(wording.KIND_TEXT, v), level=wording.level_text, size=wording.size_text,
    quarter=_quarter, reply_kind=lambda v: REPLY_KIND_TEXT.get(v, v), reply_status=lambda v: REPLY_STATUS_TEXT.get(v, v),
    role=lambda v: ROLE_TEXT.get(v, v), event=lambda v: EVENT_TEXT.get(v, v), field=lambda v: FIELD_TEXT.get(v, v),
    file_role=lambda v: FILE_ROLE_TEXT.get(v, v),
    where=lambda v: visible_text(wording.where_text(v)),
    # What staff read of a reason's detail: the words a unit would get, or a detail the intake already
    # wrote in Vietnamese; a parser's English or an internal key is not shown.
    reason_detail=lambda detail, code: detail_text(code, detail) or (
        detail if detail and not detail.isascii() else None),
    # File names and reason details from mails are shown without bidi overrides or invisible
    # characters, also for rows recorded before names were cleaned on the way in.
    visible=visible_text,
)
_env.globals.update(REASON_CODES=[c.value for c in ReasonCode], CATEGORIES=[c.value for c in Category],
                    KINDS=[k.value for k in Kind], OUTCOMES=[o.value for o in wording.OUTCOME_TEXT],
                    FIELDS=FIELD_TEXT)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page with the session's CSRF token, its flash message and signed-in user in the context."""
    flash = request.session.pop("flash", None)
    return TEMPLATES.TemplateResponse(request, template, {"csrf": csrf_token(request), "flash": flash, **context},
                                      status_code=status)


def flash(request: Request, text: str, kind: str = "ok") -> None:
    request.session["flash"] = {"text": text, "kind": kind}
