"""The council's reviews: open one, see its candidates with their evidence, record decisions (admins),
download its lists. A decision that selects or awards queues the unit's letter in the same transaction."""

from __future__ import annotations

import logging
import re
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from domain.council import AwardForm, AwardLevel, Decision, ScopeKind, Status
from domain.wording.council import FORM_TEXT, LEVEL_TEXT, PROBLEM_TEXT, SCOPE_TEXT, STATUS_TEXT, scope_text
from intake.letters import announce
from intake.outgoing import ReplySettings
from reports.context import report_context
from reports.council import CouncilList, load, stem, write_list
from store import reviews
from store.db import session
from store.models import WebUser
from web.deps import Database, RowId, admin_form, context, viewer
from web.exemplarview import change_text
from web.pages_quarter import MEDIA
from web.rendering import flash, render
from web.reviewview import review_view

router = APIRouter()
log = logging.getLogger(__name__)
LISTS = {"trinh-hoi-dong": CouncilList.candidates, "de-nghi-khen-thuong": CouncilList.proposed}
SCOPE_FORMS = {ScopeKind.quarter: re.compile(r"20\d\d-Q[1-4]"), ScopeKind.school_year: re.compile(r"20\d\d-20\d\d"),
               ScopeKind.plan: re.compile(r"plan")}
MAX_TEXT = 2000


@router.get("/xet-chon")
def review_list(request: Request, db: Database, user: WebUser = Depends(viewer)) -> Response:
    return render(request, "reviews.html", user=user, reviews=reviews.all_reviews(db), scope_text=scope_text,
                  scopes=SCOPE_TEXT)


def _scope(kind: str, scope: str) -> tuple[ScopeKind, str] | None:
    try:
        scope_kind = ScopeKind(kind)
    except ValueError:
        return None
    scope = "plan" if scope_kind is ScopeKind.plan else scope.strip().upper().replace("Q", "-Q").replace("--", "-")
    if scope_kind is ScopeKind.school_year:
        scope = scope.replace(" ", "")
        first, _, second = scope.partition("-")
        if not (first.isdigit() and second.isdigit() and int(second) == int(first) + 1):
            return None
    return (scope_kind, scope) if SCOPE_FORMS[scope_kind].fullmatch(scope) else None


@router.post("/xet-chon")
async def open_review(request: Request, user: WebUser = Depends(admin_form)) -> Response:
    form = await request.form()
    title = str(form.get("title", "")).strip()[:200]
    found = _scope(str(form.get("scope_kind", "")), str(form.get("scope", "")))
    if not title or found is None:
        flash(request, "Đề nghị ghi tên đợt xem xét và phạm vi đúng dạng: quý (2024-Q2), năm học (2024-2025) "
                       "hoặc cả giai đoạn.", "error")
        return RedirectResponse("/xet-chon", status_code=303)
    with session(context(request).engine) as db:
        review = reviews.open_review(db, title, found[0], found[1], user.name)
        count = len(reviews.entries(db, review.id or 0))
    flash(request, f"Đã mở đợt xem xét với {count} gương điển hình tiên tiến.")
    return RedirectResponse(f"/xet-chon/{review.id}", status_code=303)


@router.get("/xet-chon/{review_pk}")
def review_page(request: Request, review_pk: RowId, db: Database, user: WebUser = Depends(viewer)) -> Response:
    try:
        view = review_view(db, review_pk)
    except reviews.ReviewNotFound:
        raise HTTPException(404) from None
    return render(request, "review.html", user=user, view=view, statuses=STATUS_TEXT, levels=LEVEL_TEXT,
                  forms=FORM_TEXT, unit_name=context(request).unit_name, change_text=change_text,
                  scope_text=scope_text)


@router.post("/xet-chon/{review_pk}/cap-nhat")
def add_candidates(request: Request, review_pk: RowId, user: WebUser = Depends(admin_form)) -> Response:
    try:
        with session(context(request).engine) as db:
            added = reviews.add_candidates(db, reviews.get(db, review_pk), user.name)
    except reviews.ReviewNotFound:
        raise HTTPException(404) from None
    flash(request, f"Đã bổ sung {added} gương điển hình tiên tiến mới vào đợt xem xét.")
    return RedirectResponse(f"/xet-chon/{review_pk}", status_code=303)


def _decision(form: dict[str, str]) -> Decision | None:
    try:
        day = date.fromisoformat(form["decision_date"]) if form.get("decision_date") else None
        return Decision(status=Status(form.get("status", "")),
                        reason=form.get("reason") or None,
                        award_level=AwardLevel(form["award_level"]) if form.get("award_level") else None,
                        award_form=AwardForm(form["award_form"]) if form.get("award_form") else None,
                        decision_number=form.get("decision_number") or None, decision_date=day)
    except ValueError:
        return None


@router.post("/xet-chon/{review_pk}/muc/{entry_pk}")
async def decide(request: Request, review_pk: RowId, entry_pk: RowId, user: WebUser = Depends(admin_form)) -> Response:
    form = {k: str(v).strip()[:MAX_TEXT] for k, v in (await request.form()).items() if isinstance(v, str)}
    back = RedirectResponse(f"/xet-chon/{review_pk}#muc-{entry_pk}", status_code=303)
    decision = _decision(form)
    if decision is None:
        flash(request, "Kết quả, cấp, hình thức khen thưởng hoặc ngày quyết định không hợp lệ.", "error")
        return back
    ctx = context(request)
    try:
        with session(ctx.engine) as db:
            done = reviews.decide(db, review_pk, entry_pk, decision, user.name)
            queued = announce(db, done.entry, ctx.units, ReplySettings.of(ctx.settings), datetime.now(UTC)) \
                if done.announce else False
    except reviews.ReviewNotFound:
        raise HTTPException(404) from None
    except reviews.DecisionRefused as refused:
        flash(request, "Không ghi được kết quả: " + "; ".join(PROBLEM_TEXT[p] for p in refused.problems) + ".",
              "error")
        return back
    if queued:
        ctx.worker().flush()  # the letter is stored with the decision; sent now, or by the worker's next flush
    flash(request, ("Đã ghi kết quả." if done.changed else "Kết quả không thay đổi.")
          + (" Đơn vị đề xuất sẽ nhận thư thông báo." if queued else ""))
    return back


@router.get("/xet-chon/{review_pk}/{name}.{ext}")
def council_list(request: Request, review_pk: RowId, name: str, ext: str, _user: WebUser = Depends(viewer)) -> Response:
    which = LISTS.get(name)
    if which is None or ext not in MEDIA:
        raise HTTPException(404)
    ctx = context(request)
    try:
        data = load(ctx.engine, review_pk, which, ctx.units)
    except reviews.ReviewNotFound:
        raise HTTPException(404) from None
    with tempfile.TemporaryDirectory(prefix="dhtt-web-") as scratch:
        paths = write_list(data, which, report_context(ctx.settings).reports, Path(scratch),
                           datetime.now(ctx.tz).date())
        body = paths[0 if ext == "docx" else 1].read_bytes()
    filename = f"{stem(which, review_pk)}.{ext}"
    return Response(body, media_type=MEDIA[ext], headers={"Content-Disposition": f'attachment; filename="{filename}"'})
