"""Sign-in and sign-out. Failed attempts are counted per name and per address and slowed down."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from web.auth import check_csrf, end_session, start_session
from web.deps import context, database
from web.rendering import render
from web.users import authenticate

router = APIRouter()


def _safe_target(target: str | None) -> str:
    # Only paths of this site: "//host" or "https://…" would make the form an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/dang-nhap")
def sign_in_form(request: Request, tiep: str = "/") -> Response:
    return render(request, "sign_in.html", target=_safe_target(tiep), name="")


@router.post("/dang-nhap")
def sign_in(request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form(""),
            tiep: str = Form("/"), db: Session = Depends(database)) -> Response:
    check_csrf(request, csrf)
    ctx = context(request)
    keys = (f"name:{name.strip().lower()}", f"ip:{request.client.host if request.client else '-'}")
    wait = ctx.throttle.wait_seconds(*keys)
    if wait:
        return render(request, "sign_in.html", status=429, target=_safe_target(tiep), name=name,
                      error=f"Đăng nhập sai nhiều lần. Đề nghị chờ {wait} giây rồi thử lại.")
    user = authenticate(db, name, password)
    if user is None:
        ctx.throttle.failed(*keys)
        return render(request, "sign_in.html", status=401, target=_safe_target(tiep), name=name,
                      error="Tên đăng nhập hoặc mật khẩu không đúng.")
    db.commit()
    ctx.throttle.succeeded(*keys)
    start_session(request, user)
    return RedirectResponse(_safe_target(tiep), status_code=303)


@router.post("/dang-xuat")
def sign_out(request: Request, csrf: str = Form("")) -> Response:
    check_csrf(request, csrf)
    end_session(request)
    return RedirectResponse("/dang-nhap", status_code=303)
