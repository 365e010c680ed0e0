"""The intake log: every mail with its outcome, reasons, reference and reply; filters, search, paging."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from store.log import LogFilter, decode_cursor, known_quarters, log_page
from store.models import WebUser
from web.deps import Database, context, viewer
from web.rendering import render

router = APIRouter()
MAX_FILTER = 200  # longer than any quarter, unit code, reason or search a person types


def _checked(values: dict[str, str]) -> None:
    """400 for a filter no form of ours makes: very long, or with control characters (PostgreSQL
    refuses NUL in text, so such a value would otherwise fail in the database)."""
    for name, value in values.items():
        if len(value) > MAX_FILTER or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise HTTPException(400)
        if name in ("sau", "truoc") and value and decode_cursor(value) is None:
            raise HTTPException(400)


@router.get("/")
def intake_log(request: Request, db: Database, quy: str = "", don_vi: str = "", ket_qua: str = "", ly_do: str = "",
               tim: str = "", sau: str = "", truoc: str = "", user: WebUser = Depends(viewer)) -> Response:
    _checked({"quy": quy, "don_vi": don_vi, "ket_qua": ket_qua, "ly_do": ly_do, "tim": tim, "sau": sau,
              "truoc": truoc})
    ctx = context(request)
    flt = LogFilter(quarter=quy, unit=don_vi, outcome=ket_qua, reason=ly_do, search=tim)
    page = log_page(db, flt, ctx.web.page_size, after=sau, before=truoc)
    params = {k: v for k, v in {"quy": quy, "don_vi": don_vi, "ket_qua": ket_qua, "ly_do": ly_do,
                                "tim": tim}.items() if v}
    return render(request, "log.html", user=user, page=page, flt=flt, quarters=known_quarters(db),
                  units=ctx.units.units, unit_name=ctx.unit_name,
                  older_url=f"/?{urlencode({**params, 'sau': page.older})}" if page.older else None,
                  newer_url=f"/?{urlencode({**params, 'truoc': page.newer})}" if page.newer else None,
                  first_url=f"/?{urlencode(params)}" if (sau or truoc) else None)
