"""Putting things right (admins only): re-process, release, attach to a unit, correct a field.

Each action goes through intake.admin, which records who did it and when and answers the unit once
if the change decides the mail; the queued reply is then sent at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from domain import wording
from domain.wording.web import FIELD_TEXT
from intake.errors import IntakeError
from parsers.vntext import fold
from store.errors import StoreError
from store.models import Nominee, WebUser
from web.deps import Database, RowId, admin_form, context
from web.rendering import flash

router = APIRouter()
log = logging.getLogger(__name__)
MAX_VALUE = 4000  # longer than any field of the form (a summary of achievements included)


def _admin() -> Any:
    # Imported on use: the web pages stay available while the intake's admin verbs are deployed.
    from intake import admin

    return admin


def _act(request: Request, message_pk: int, done: str, action: Callable[[Any], object]) -> Response:
    ctx = context(request)
    worker = ctx.worker()
    try:
        result = action(worker)
    except (IntakeError, StoreError, ValueError, LookupError) as err:
        log.warning("staff action on message %s refused: %s", message_pk, err)
        flash(request, f"Không thực hiện được: {err}", "error")
    else:
        worker.flush()
        outcome = getattr(getattr(result, "outcome", None), "value", None)
        flash(request, done + (f" Kết quả mới: {_outcome_text(outcome)}." if outcome else ""))
    return RedirectResponse(f"/thu/{message_pk}", status_code=303)


def _outcome_text(value: str) -> str:
    from domain.wording import OUTCOME_TEXT

    return next((text for key, text in OUTCOME_TEXT.items() if key.value == value), value)


@router.post("/thu/{message_pk}/xu-ly-lai")
def reprocess(request: Request, message_pk: RowId, user: WebUser = Depends(admin_form)) -> Response:
    return _act(request, message_pk, "Đã xử lý lại thư.",
                lambda w: _admin().reprocess(w, message_pk, user.name))


@router.post("/thu/{message_pk}/giai-phong")
def release(request: Request, message_pk: RowId, user: WebUser = Depends(admin_form)) -> Response:
    return _act(request, message_pk, "Đã giải phóng thư khỏi cách ly.",
                lambda w: _admin().release(w, message_pk, user.name))


@router.post("/thu/{message_pk}/gan-don-vi")
def attach_unit(request: Request, message_pk: RowId, unit: str = Form(""),
                user: WebUser = Depends(admin_form)) -> Response:
    if context(request).units.by_code(unit) is None:
        flash(request, "Đề nghị chọn một đơn vị trong danh sách.", "error")
        return RedirectResponse(f"/thu/{message_pk}", status_code=303)
    return _act(request, message_pk, f"Đã gán thư cho đơn vị {context(request).unit_name(unit)}.",
                lambda w: _admin().attach_unit(w, message_pk, unit, user.name))


@router.post("/guong/{nominee_pk}/sua")
def correct_field(request: Request, nominee_pk: RowId, db: Database, field: str = Form(""), value: str = Form(""),
                  user: WebUser = Depends(admin_form)) -> Response:
    nominee = db.get(Nominee, nominee_pk)
    if nominee is None:
        raise HTTPException(404)
    if field not in FIELD_TEXT or len(value) > MAX_VALUE:
        flash(request, "Trường thông tin hoặc giá trị sửa không hợp lệ.", "error")
        return RedirectResponse(f"/thu/{nominee.message_pk}", status_code=303)
    code = _as_code(field, value.strip())
    return _act(request, nominee.message_pk, f"Đã sửa «{FIELD_TEXT[field]}» của {nominee.name}.",
                lambda w: _admin().correct_field(w, nominee_pk, field, code, user.name))


def _as_code(field: str, value: str) -> str:
    """Staff type the words they read ("Nhà giáo", "THCS"); coded fields store the code behind them."""
    tables: dict[str, Mapping[Any, str]] = {"school_level": wording.LEVEL_TEXT, "category": wording.CATEGORY_TEXT,
                                            "kind": wording.KIND_TEXT}
    table = tables.get(field, {})
    wanted = fold(value)
    found = (str(code) for code, text in table.items()
             if wanted and (wanted == fold(str(code)).replace("_", " ") or fold(text).startswith(wanted)))
    return next(found, value)
