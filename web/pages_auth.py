"""Sign-in and sign-out. Failed attempts are counted per name and per address and slowed down."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from web.auth import SignInRequired, check_csrf, end_session, signed_in_user, start_session
from web.deps import Database, context
from web.rendering import render
from web.users import authenticate, revoke_sessions

router = APIRouter()
MAX_TARGET = 2000  # a page address of ours is far shorter; anything longer goes to the log
MAX_SHOWN_NAME = 64  # the form shows back at most an account name's length of what was typed


def _safe_target(target: str | None) -> str:
    # Only paths of this site: "//host" or "https://…" would make the form an open redirect.
    if (target and len(target) <= MAX_TARGET and target.startswith("/") and not target.startswith("//")
            and "\\" not in target):
        return target
    return "/"


@router.get("/dang-nhap")
def sign_in_form(request: Request, tiep: str = "/") -> Response:
    return render(request, "sign_in.html", target=_safe_target(tiep), name="")


@router.post("/dang-nhap")
def sign_in(request: Request, db: Database, name: str = Form(""), password: str = Form(""), csrf: str = Form(""),
            tiep: str = Form("/")) -> Response:
    check_csrf(request, csrf)
    ctx = context(request)
    address = request.client.host if request.client else "-"
    shown = name[:MAX_SHOWN_NAME]
    # Checked and counted in one step before the password hash (see web/throttle.py for the rule).
    wait = ctx.throttle.begin(name, address)
    if wait:
        return render(request, "sign_in.html", status=429, target=_safe_target(tiep), name=shown,
                      error=f"Đăng nhập sai nhiều lần. Đề nghị chờ {wait} giây rồi thử lại.")
    user = authenticate(db, name, password)
    if user is None:
        return render(request, "sign_in.html", status=401, target=_safe_target(tiep), name=shown,
                      error="Tên đăng nhập hoặc mật khẩu không đúng.")
    db.commit()
    ctx.throttle.succeeded(name, address)
    start_session(request, user)
    return RedirectResponse(_safe_target(tiep), status_code=303)


@router.post("/dang-xuat")
def sign_out(request: Request, db: Database, csrf: str = Form("")) -> Response:
    """Ends this session and, server-side, every other session of the account: a copy of the cookie
    taken before sign-out is refused afterwards."""
    check_csrf(request, csrf)
    try:
        revoke_sessions(db, signed_in_user(request, db))
        db.commit()  # before the answer leaves: a copy replayed right after must already be refused
    except SignInRequired:
        pass  # already ended elsewhere: nothing left to revoke
    end_session(request)
    return RedirectResponse("/dang-nhap", status_code=303)
