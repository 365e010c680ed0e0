"""Health: when the mailbox was last read, IDLE or polling, the outbox backlog, quarantined mail."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import ColumnElement, func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from intake.signin_text import cause_text
from store.db import session
from store.models import MailboxHealth, Message, Reply, WebUser
from web.deps import Database, context, viewer
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
    stale_minutes: int = 15  # with no read for this long, nothing is known to be reading the mailbox
    checked_at: datetime | None = None

    @property
    def state(self) -> str:
        """down, signin, unknown (never read), stale (no read lately) or ok."""
        if self.down_since is not None:
            return "down"
        if self.signin_down_since is not None:
            return "signin"
        if self.last_read_at is None:
            return "unknown"
        now = self.checked_at or datetime.now(UTC)
        return "stale" if now - self.last_read_at > timedelta(minutes=self.stale_minutes) else "ok"

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    @property
    def signin_text(self) -> str:
        return cause_text(self.signin_cause)


def stale_minutes(poll_seconds: int) -> int:
    """How long without a read before the state is no longer known: three polls, at least 15 minutes."""
    return max(15, -(-3 * poll_seconds // 60))


def read_health(db: Session, stale: int = 15) -> Health:
    box = db.get(MailboxHealth, 1)
    waiting = col(Reply.status).in_(("queued", "sending"))
    backlog, oldest = db.exec(select(func.count(), func.min(Reply.created_at)).where(waiting)).one()

    def count(*where: ColumnElement[bool] | bool) -> int:
        return db.exec(select(func.count()).select_from(Message).where(*where)).one()

    return Health(
        last_read_at=box.last_ok_at if box else None, mode=box.mode if box else "polling",
        down_since=box.down_since if box else None, outbox_backlog=backlog, oldest_queued_at=oldest,
        failed_replies=db.exec(select(func.count()).select_from(Reply).where(Reply.status == "failed")).one(),
        quarantined=count(Message.outcome == "quarantined"), undecided=count(Message.status == "received"),
        signin_down_since=box.signin_down_since if box else None, signin_cause=box.signin_cause if box else None,
        stale_minutes=stale, checked_at=datetime.now(UTC))


@router.get("/tinh-trang")
def health_page(request: Request, db: Database, user: WebUser = Depends(viewer)) -> Response:
    stale = stale_minutes(context(request).settings.intake.poll_seconds)
    return render(request, "health.html", user=user, health=read_health(db, stale), now=datetime.now(UTC))


@router.get("/healthz")
def healthz(request: Request) -> Response:
    """For monitoring, without sign-in: counts only, 503 when the database or the mailbox is down."""
    try:
        ctx = context(request)
        with session(ctx.engine) as db:
            health = read_health(db, stale_minutes(ctx.settings.intake.poll_seconds))
    except SQLAlchemyError:
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    body = {key: (value.isoformat() if isinstance(value, datetime) else value)
            for key, value in asdict(health).items()}
    # Never "ok" on faith: with no recent read by a worker the state is unknown or stale.
    status = {"ok": "ok", "unknown": "unknown", "stale": "stale"}.get(health.state, "degraded")
    return JSONResponse({"status": status, "database": "ok", **body},
                        status_code=200 if health.ok else 503)
