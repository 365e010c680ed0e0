"""Exemplars: the list, one exemplar's page with its whole history, and merging and splitting (admins)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from parsers.vntext import fold
from store import exemplars
from store.db import session
from store.errors import StoreError
from store.models import WebUser
from web.deps import Database, RowId, admin_form, context, viewer
from web.exemplarview import exemplar_view
from web.rendering import flash, render

router = APIRouter()
log = logging.getLogger(__name__)
MAX_QUERY = 120


@router.get("/guong-dien-hinh")
def exemplar_list(request: Request, db: Database, don_vi: str = "", ten: str = "",
                  user: WebUser = Depends(viewer)) -> Response:
    ctx = context(request)
    if len(don_vi) > MAX_QUERY or len(ten) > MAX_QUERY:
        raise HTTPException(400)
    rows = exemplars.listing(db, unit=don_vi or None, name=fold(ten) or None)
    return render(request, "exemplars.html", user=user, rows=rows, units=ctx.units.units, unit=don_vi, name=ten,
                  unit_name=ctx.unit_name)


@router.get("/guong-dien-hinh/{exemplar_pk}")
def exemplar_page(request: Request, exemplar_pk: RowId, db: Database, user: WebUser = Depends(viewer)) -> Response:
    try:
        view = exemplar_view(db, exemplar_pk)
    except exemplars.ExemplarNotFound:
        raise HTTPException(404) from None
    return render(request, "exemplar.html", user=user, view=view, unit_name=context(request).unit_name)


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 10]


@router.post("/guong-dien-hinh/{exemplar_pk}/hop-nhat")
async def merge(request: Request, exemplar_pk: RowId, user: WebUser = Depends(admin_form)) -> Response:
    form = await request.form()
    other = _ids([str(form.get("other", ""))])
    try:
        if not other:
            raise exemplars.ExemplarNotFound("no exemplar chosen")
        with session(context(request).engine) as db:
            exemplars.merge(db, exemplar_pk, other[0], user.name)
    except exemplars.MergeConflict:
        flash(request, "Không hợp nhất được: cả hai hồ sơ đều đã có kết quả xem xét trong cùng một đợt. "
                       "Đề nghị đưa một hồ sơ về trạng thái chờ xem xét trước.", "error")
    except exemplars.ExemplarInUse:
        flash(request, f"Không hợp nhất được: hồ sơ số {other[0]} còn gắn với dữ liệu khác (như bài giới thiệu "
                       "đã duyệt trên chuyên trang). Đề nghị gỡ bài giới thiệu trước.", "error")
    except StoreError as err:
        log.info("merge into exemplar %s refused: %s", exemplar_pk, err)
        flash(request, "Không hợp nhất được: đề nghị nhập đúng số của một hồ sơ gương điển hình khác.", "error")
    else:
        flash(request, f"Đã hợp nhất hồ sơ số {other[0]} vào hồ sơ này.")
    return RedirectResponse(f"/guong-dien-hinh/{exemplar_pk}", status_code=303)


@router.post("/guong-dien-hinh/{exemplar_pk}/tach")
async def split(request: Request, exemplar_pk: RowId, user: WebUser = Depends(admin_form)) -> Response:
    form = await request.form()
    chosen = _ids([str(v) for v in form.getlist("nominee")])
    try:
        with session(context(request).engine) as db:
            new = exemplars.split(db, exemplar_pk, chosen, user.name)
    except StoreError as err:
        log.info("split of exemplar %s refused: %s", exemplar_pk, err)
        flash(request, "Không tách được: đề nghị chọn một số (không phải tất cả) đề cử của hồ sơ này.", "error")
        return RedirectResponse(f"/guong-dien-hinh/{exemplar_pk}", status_code=303)
    flash(request, f"Đã tách {len(chosen)} đề cử sang hồ sơ mới số {new.id}.")
    return RedirectResponse(f"/guong-dien-hinh/{new.id}", status_code=303)
