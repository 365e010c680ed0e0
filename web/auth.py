"""Who is asking: the signed session cookie, the account behind it, its role and the form's CSRF token."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from sqlmodel import Session

from store.models import WebUser


class SignInRequired(Exception):
    """Nobody is signed in: the page answers with a redirect to the sign-in form."""


class Forbidden(Exception):
    """Signed in, but this account or this form may not do what was asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def csrf_token(request: Request) -> str:
    """The token every form of this session carries; made when the session starts."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def check_csrf(request: Request, sent: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise Forbidden("Biểu mẫu không hợp lệ hoặc đã hết hạn. Đề nghị tải lại trang rồi thực hiện lại.")


def start_session(request: Request, user: WebUser) -> None:
    """A fresh session for this account: a new CSRF token, so one picked up before sign-in is useless.

    The session remembers the account's session generation: the cookie is signed, not stored, so
    ending it server-side means raising that number (web.users.revoke_sessions), never trusting the
    browser to forget the cookie.
    """
    request.session.clear()
    request.session.update({"uid": user.id, "gen": user.session_generation, "csrf": secrets.token_urlsafe(32)})


def end_session(request: Request) -> None:
    request.session.clear()


def signed_in_user(request: Request, db: Session) -> WebUser:
    """The active account of this session; raises SignInRequired otherwise: disabled, signed out
    elsewhere, or its password changed since this session began."""
    uid, generation = request.session.get("uid"), request.session.get("gen")
    user = db.get(WebUser, uid) if isinstance(uid, int) and 0 < uid < 2**31 else None
    if user is None or not user.active or generation != user.session_generation:
        request.session.clear()
        raise SignInRequired
    return user


def require_admin(user: WebUser) -> None:
    if user.role != "admin":
        raise Forbidden("Tài khoản này chỉ có quyền xem, không được thay đổi dữ liệu.")
