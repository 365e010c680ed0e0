"""The long-running loop: IDLE on the inbox, poll as a safety net, reconnect with backoff, alert."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlmodel import Session

from intake.errors import MailboxLoginFailed, MailboxUnavailable
from intake.replies import build_alert
from intake.worker import Worker
from store import records
from store.db import session
from store.models import MailboxHealth

log = logging.getLogger(__name__)
MAX_BACKOFF = 300.0
STOP_CHECK_SECONDS = 5


class HealthTracker:
    """Remembers when the mailbox was last reachable; sends one alert when down, one when back."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    def _row(self, db: Session) -> MailboxHealth:
        return db.get(MailboxHealth, 1) or MailboxHealth(id=1)

    def ok(self, mode: str) -> None:
        with session(self.worker.engine) as db:
            row = self._row(db)
            if row.down_alerted and row.down_since is not None:
                self._alert(db, "alert_up", row.down_since, "")
            row.last_ok_at, row.down_since, row.down_alerted, row.mode = datetime.now(UTC), None, False, mode
            db.add(row)

    def down(self, error: str) -> None:
        limit = timedelta(minutes=self.worker.settings.intake.alert_after_minutes)
        with session(self.worker.engine) as db:
            row = self._row(db)
            now = datetime.now(UTC)
            row.down_since = row.down_since or now
            since = row.down_since if row.down_since.tzinfo else row.down_since.replace(tzinfo=UTC)
            if not row.down_alerted and now - since >= limit:
                self._alert(db, "alert_down", since, error)
                row.down_alerted = True
            db.add(row)
        self.worker.flush()

    def _alert(self, db: Session, kind: Literal["alert_down", "alert_up"], since: datetime, detail: str) -> None:
        admins = self.worker.settings.intake.admins
        if not admins:
            log.warning("mailbox %s since %s, but no administrators are configured", kind, since)
            return
        key = f"{int(since.timestamp())}"
        alert = build_alert(kind, key=key, to=admins, since=since, detail=detail, settings=self.worker.replies)
        records.queue_reply(db, None, alert.message_id, alert.kind, alert.to, alert.subject,
                            alert.to_bytes(self.worker.replies, datetime.now(UTC)))


def _listen(worker: Worker, stop: threading.Event, health: HealthTracker) -> None:
    imap = worker.settings.imap
    poll = worker.settings.intake.poll_seconds
    worker.reader.warm_up()
    with worker.open_mailbox() as mailbox:
        idle = imap.idle and mailbox.supports_idle()
        mode = "idle" if idle else "polling"
        health.ok(mode)
        worker.sync(mailbox)
        last_sync = time.monotonic()
        # Short IDLE slices keep a stop request prompt; IDLE connections can also die silently, so
        # the mailbox is read at least every poll interval even if no notification ever arrives.
        slice_seconds = min(imap.idle_renew_seconds, poll, STOP_CHECK_SECONDS)
        while not stop.is_set():
            announced = mailbox.idle_wait(slice_seconds) if idle else stop.wait(slice_seconds) and False
            if stop.is_set():
                break
            if announced or time.monotonic() - last_sync >= poll:
                worker.sync(mailbox)
                last_sync = time.monotonic()
                health.ok(mode)


def run_forever(worker: Worker, stop: threading.Event) -> None:
    """Serve the mailbox until `stop` is set; a lost server is retried with exponential backoff."""
    health = HealthTracker(worker)
    backoff = 1.0
    while not stop.is_set():
        try:
            _listen(worker, stop, health)
            backoff = 1.0
        except (MailboxUnavailable, MailboxLoginFailed) as err:
            log.warning("mailbox unavailable (%s); retrying in %.0f s", err, backoff)
            health.down(str(err))
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
