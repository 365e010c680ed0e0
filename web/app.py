"""The web application: middleware, error pages and the routers of each page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from web import (pages_admin, pages_auth, pages_exemplars, pages_health, pages_log, pages_mail, pages_publish,
                 pages_quarter, pages_reviews)
from web.auth import Forbidden, SignInRequired
from web.context import WebContext
from web.rendering import TEMPLATES, render

# No page runs script: mail HTML is shown in a sandboxed srcdoc frame that inherits this policy too.
CSP = ("default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")


async def _security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _to_sign_in(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/dang-nhap?tiep={quote(target, safe='')}", status_code=303)


def _forbidden(request: Request, exc: Exception) -> Response:
    message = exc.message if isinstance(exc, Forbidden) else "Không được phép."
    return render(request, "error.html", status=403, title="Không được phép", message=message)


# Every refusal the pages make, in words staff read; other 4xx get the 400 wording, 5xx the 500 one.
ERRORS = {
    400: ("Yêu cầu không hợp lệ", "Địa chỉ hoặc giá trị tìm kiếm, lọc không đúng dạng hoặc quá dài. "
                                  "Đề nghị quay lại nhật ký tiếp nhận và chọn lại."),
    404: ("Không tìm thấy", "Trang hoặc thư được yêu cầu không có trong hệ thống."),
    405: ("Không thực hiện được", "Trang này không nhận thao tác được yêu cầu."),
    500: ("Lỗi hệ thống", "Hệ thống tạm thời không xử lý được yêu cầu. Đề nghị thử lại sau."),
}


def _error_page(request: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    title, message = ERRORS.get(status, ERRORS[500 if status >= 500 else 400])
    response = render(request, "error.html", status=status, title=title, message=message)
    response.headers.update(headers or {})
    return response


def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 400
    headers = exc.headers if isinstance(exc, StarletteHTTPException) else None
    return _error_page(request, status, dict(headers or {}))


def _invalid(request: Request, exc: Exception) -> Response:
    # FastAPI answers a value it cannot read with JSON 422; people get our page instead. A path that
    # names no mail ("/thu/abc", an id past the column's range) is a page that does not exist.
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    in_path = any(e.get("loc", ("",))[0] == "path" for e in errors)
    return _error_page(request, 404 if in_path else 400)


def _server_error(request: Request, _exc: Exception) -> Response:
    # Runs outside the session middleware (Starlette hands uncaught errors to the outermost layer),
    # so the page is rendered without the session; the error itself is still logged by the server.
    title, message = ERRORS[500]
    return TEMPLATES.TemplateResponse(request, "error.html", {"title": title, "message": message},
                                      status_code=500)


def create_app(ctx: WebContext) -> FastAPI:
    """The application for one installation; `ctx` carries its settings, database and worker."""
    app = FastAPI(title="dhtt", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ctx = ctx
    app.middleware("http")(_security_headers)
    app.add_middleware(SessionMiddleware, secret_key=ctx.secret, session_cookie="dhtt_session",
                       max_age=int(timedelta(hours=ctx.web.session_hours).total_seconds()),
                       same_site="strict", https_only=ctx.web.secure_cookies)
    app.add_exception_handler(SignInRequired, _to_sign_in)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Exception, _server_error)
    app.mount("/tai-nguyen", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")
    for module in (pages_auth, pages_log, pages_mail, pages_admin, pages_quarter, pages_health, pages_exemplars,
                   pages_reviews, pages_publish):
        app.include_router(module.router)
    return app
