"""Health: when the mailbox was last read, IDLE or polling, the outbox backlog, quarantined mail."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from store.db import session
from intake.signin_text import cause_text
from store.models import MailboxHealth, Message, Reply
from web.deps import context, database, viewer
from web.models import WebUser
from web.rendering import render

router = APIRouter()


@dataclass
class Health:
    last_read_at: datetime | None
    mode: str
    down_since: datetime | None
    outbox_backlog: int
    oldest_queued_at: datetime | None
    failed_replies: int
    quarantined: int
    undecided: int
    signin_down_since: datetime | None = None  # OAuth2 sign-in failing since
    signin_cause: str | None = None  # a SignInFailed cause code, never a token

    @property
    def ok(self) -> bool:
        return self.down_since is None and self.signin_down_since is None

    @property
    def signin_text(self) -> str:
        return cause_text(self.signin_cause)


def read_health(db: Session) -> Health:
    box = db.get(MailboxHealth, 1)
    waiting = col(Reply.status).in_(("queued", "sending"))
    backlog, oldest = db.exec(select(func.count(), func.min(Reply.created_at)).where(waiting)).one()
    count = lambda *where: db.exec(select(func.count()).select_from(Message).where(*where)).one()  # noqa: E731
    return Health(
        last_read_at=box.last_ok_at if box else None, mode=box.mode if box else "polling",
        down_since=box.down_since if box else None, outbox_backlog=backlog, oldest_queued_at=oldest,
        failed_replies=db.exec(select(func.count()).select_from(Reply).where(Reply.status == "failed")).one(),
        quarantined=count(Message.outcome == "quarantined"), undecided=count(Message.status == "received"),
        signin_down_since=box.signin_down_since if box else None, signin_cause=box.signin_cause if box else None)


@router.get("/tinh-trang")
def health_page(request: Request, user: WebUser = Depends(viewer), db: Session = Depends(database)) -> Response:
    return render(request, "health.html", user=user, health=read_health(db), now=datetime.now(UTC))


@router.get("/healthz")
def healthz(request: Request) -> Response:
    """For monitoring, without sign-in: counts only, 503 when the database or the mailbox is down."""
    try:
        with session(context(request).engine) as db:
            health = read_health(db)
    except SQLAlchemyError:
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    body = {key: (value.isoformat() if isinstance(value, datetime) else value)
            for key, value in asdict(health).items()}
    return JSONResponse({"status": "ok" if health.ok else "degraded", "database": "ok", **body},
                        status_code=200 if health.ok else 503)
