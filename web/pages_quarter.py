"""The quarter at a glance, and its Word and Excel lists made on request."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from domain.quarters import quarter_of, split_quarter
from reports.context import report_context
from reports.quarterly import report_stem, write_quarter_reports
from store.log import known_quarters
from store.models import WebUser
from web.deps import Database, context, viewer
from web.quarterview import chart_svg, daily_bars, load_quarter, quarter_rows
from web.rendering import render

router = APIRouter()
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


FIRST_YEAR, LAST_YEAR = 2000, 2100  # quarters the intake can hold; far years overflow the chart's dates


def _checked(quarter: str) -> str:
    try:
        year, _ = split_quarter(quarter)
    except ValueError:
        raise HTTPException(404) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise HTTPException(404)
    return quarter


@router.get("/quy")
def current_quarter(request: Request, db: Database, _user: WebUser = Depends(viewer)) -> Response:
    known = known_quarters(db)
    return RedirectResponse(f"/quy/{known[0] if known else quarter_of(datetime.now(UTC), context(request).tz)}",
                            status_code=303)


@router.get("/quy/{quarter}")
def quarter_page(request: Request, quarter: str, db: Database, user: WebUser = Depends(viewer)) -> Response:
    ctx = context(request)
    data = load_quarter(db, _checked(quarter), ctx.units, ctx.settings.quota)
    rows = quarter_rows(data)
    chart = Markup(chart_svg(daily_bars(db, quarter, ctx.tz)))  # noqa: S704 - built here from numbers and fixed text
    return render(request, "quarter.html", user=user, quarter=quarter, data=data, rows=rows, chart=chart,
                  quarters=known_quarters(db), silent=sum(1 for r in rows if not r.heard))


@router.get("/quy/{quarter}/danh-sach.{ext}")
def quarter_report(request: Request, quarter: str, ext: str, db: Database,
                   _user: WebUser = Depends(viewer)) -> Response:
    if ext not in MEDIA:
        raise HTTPException(404)
    ctx = context(request)
    data = load_quarter(db, _checked(quarter), ctx.units, ctx.settings.quota)
    reports = report_context(ctx.settings)
    # Made fresh in a scratch folder: the page shows today's data and never overwrites the filed copies.
    with tempfile.TemporaryDirectory(prefix="dhtt-web-") as scratch:
        paths = write_quarter_reports(data, reports, Path(scratch), datetime.now(ctx.tz).date())
        body = paths[0 if ext == "docx" else 1].read_bytes()
    name = f"{report_stem(quarter)}.{ext}"
    return Response(body, media_type=MEDIA[ext], headers={"Content-Disposition": f'attachment; filename="{name}"'})
