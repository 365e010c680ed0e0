"""Dependencies of the pages: the context, a database session, the signed-in account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlmodel import Session

from store.db import session
from store.log import MAX_ROW_ID
from store.models import WebUser
from web.auth import check_csrf, require_admin, signed_in_user
from web.context import WebContext


# Row ids are 32-bit integers on PostgreSQL (and SQLite refuses ints past 64 bits): an id outside this
# range names no row, and is answered 404 before it reaches the database driver.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def context(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.ctx
    return ctx


def database(request: Request) -> Iterator[Session]:
    """The request's session; pages take it as `Database`."""
    with session(context(request).engine) as db:
        yield db


# Committed when the page's function returns, before its answer is sent (FastAPI's default scope
# ends it after the answer): a redirect after a change must find the change already committed, or
# the next click (e.g. "Xuất bản" right after "Thu hồi") could read the old state.
Database = Annotated[Session, Depends(database, scope="function")]


def viewer(request: Request, db: Database) -> WebUser:
    """Any signed-in account; the signed-out are sent to the sign-in page."""
    return signed_in_user(request, db)


async def admin_form(request: Request, user: WebUser = Depends(viewer)) -> WebUser:
    """An admin posting a form of this session: CSRF is checked first, then the role."""
    form = await request.form()
    token = form.get("csrf")
    check_csrf(request, token if isinstance(token, str) else None)
    require_admin(user)
    return user
