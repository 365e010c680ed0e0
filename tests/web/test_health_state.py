"""The health state is never "ok" on faith: with no recent read by a worker it is unknown or stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from settings import parse_settings
from store.db import open_database, session
from store.models import MailboxHealth
from store.units import load_units
from web.app import create_app
from web.context import WebContext, web_settings


def _read_at(engine, moment: datetime | None) -> None:  # type: ignore[no-untyped-def]
    with session(engine) as db:
        row = db.get(MailboxHealth, 1) or MailboxHealth(id=1, mode="idle")
        row.last_ok_at = moment
        db.add(row)


def test_healthz_is_not_ok_without_a_recent_read(tmp_path: Path) -> None:
    settings = parse_settings({"database": {"url": f"sqlite:///{tmp_path / 'd.sqlite'}"},
                               "intake": {"storage_dir": str(tmp_path / "st"), "poll_seconds": 60}}, tmp_path)
    engine = open_database(settings.database.url)
    web = TestClient(create_app(WebContext(settings=settings, web=web_settings(settings), engine=engine,
                                           units=load_units(None), secret="x" * 32, make_worker=lambda: None)))
    never = web.get("/healthz")
    assert (never.status_code, never.json()["status"]) == (503, "unknown")
    _read_at(engine, datetime.now(UTC) - timedelta(hours=1))
    old = web.get("/healthz")
    assert (old.status_code, old.json()["status"]) == (503, "stale")
    _read_at(engine, datetime.now(UTC) - timedelta(minutes=2))
    fresh = web.get("/healthz")
    assert (fresh.status_code, fresh.json()["status"]) == (200, "ok")
