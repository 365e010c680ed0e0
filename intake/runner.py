"""The long-running loop: IDLE on the inbox, poll as a safety net, reconnect with backoff, alert."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from intake.errors import MailboxLoginFailed, MailboxUnavailable, SignInFailed
from intake.outgoing import queue
from intake.replies import AlertKind, build_alert
from intake.signin import token_source
from intake.signin_text import cause_text
from intake.worker import Worker
from store import records
from store.db import session
from store.models import MailboxHealth

log = logging.getLogger(__name__)
MAX_BACKOFF = 300.0
STOP_CHECK_SECONDS = 5
SECRET_WARNING_DAYS = 14
# Causes a person must fix: alerted at once. A provider that is down may come back by itself, so
# it is alerted after alert_after_minutes like an unreachable mailbox.
_TRANSIENT = ("provider_unreachable",)


class HealthTracker:
    """Remembers when the mailbox was last reachable; sends one alert when down, one when back."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.connected = False  # signed in since the last failure: the next drop retries at once

    def _row(self, db: Session) -> MailboxHealth:
        return records.health_row(db)

    def ok(self, mode: str) -> None:
        self.connected = True
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
            if not row.down_alerted and now - row.down_since >= limit:
                self._alert(db, "alert_down", row.down_since, error)
                row.down_alerted = True
            db.add(row)
        self.worker.flush()

    # -- OAuth2 sign-in: separate from the mailbox's reachability, one alert each way ---------
    def check_signin(self) -> None:
        """Keep the access token fresh; record and announce when refreshing starts or stops failing."""
        settings = self.worker.settings
        if not settings.uses_oauth2:
            return
        try:
            source = token_source(settings)
            source.token()
            failure = source.failure
        except SignInFailed as err:
            failure = err
        if failure is not None:
            self.signin_down(failure)
        else:
            self.signin_ok()
        self._warn_secret(settings.oauth2.secret_expires)

    def signin_down(self, err: SignInFailed) -> None:
        limit = timedelta(minutes=self.worker.settings.intake.alert_after_minutes)
        with session(self.worker.engine) as db:
            row = self._row(db)
            now = datetime.now(UTC)
            since = row.signin_down_since or now
            row.signin_down_since, row.signin_cause = since, err.cause
            due = err.cause not in _TRANSIENT or now - since >= limit
            if not row.signin_alerted and due:
                self._alert(db, "signin_down", since, cause_text(err.cause))
                row.signin_alerted = True
            db.add(row)
        self.worker.flush()

    def signin_ok(self) -> None:
        with session(self.worker.engine) as db:
            row = self._row(db)
            if row.signin_down_since is None:
                return
            if row.signin_alerted:
                self._alert(db, "signin_up", row.signin_down_since, "")
            row.signin_down_since, row.signin_cause, row.signin_alerted = None, None, False
            db.add(row)
        self.worker.flush()

    def _warn_secret(self, expires: date | None) -> None:
        if expires is None or date.today() < expires - timedelta(days=SECRET_WARNING_DAYS):
            return
        with session(self.worker.engine) as db:
            row = self._row(db)
            if row.secret_warned == expires.isoformat():
                return
            moment = datetime(expires.year, expires.month, expires.day, tzinfo=UTC)
            self._alert(db, "secret_expiring", moment, expires.strftime("%d/%m/%Y"))
            row.secret_warned = expires.isoformat()
            db.add(row)

    def _alert(self, db: Session, kind: AlertKind, since: datetime, detail: str) -> None:
        admins = self.worker.settings.intake.admins
        if not admins:
            log.warning("mailbox %s since %s, but no administrators are configured", kind, since)
            return
        key = f"{int(since.timestamp())}"
        alert = build_alert(kind, key=key, to=admins, since=since, detail=detail, settings=self.worker.replies)
        queue(db, alert, self.worker.replies, datetime.now(UTC))


def _listen(worker: Worker, stop: threading.Event, health: HealthTracker) -> None:
    imap = worker.settings.imap
    poll = worker.settings.intake.poll_seconds
    worker.reader.warm_up()
    with worker.open_mailbox() as mailbox:
        idle = imap.idle and mailbox.supports_idle()
        mode = "idle" if idle else "polling"
        health.ok(mode)
        health.check_signin()
        worker.sync(mailbox)
        last_sync = time.monotonic()
        # Short IDLE slices keep a stop request prompt; IDLE connections can also die silently, so
        # the mailbox is read at least every poll interval even if no notification ever arrives.
        slice_seconds = min(imap.idle_renew_seconds, poll, STOP_CHECK_SECONDS)
        while not stop.is_set():
            announced = mailbox.idle_wait(slice_seconds) if idle else stop.wait(slice_seconds) and False
            if stop.is_set():
                break
            health.check_signin()  # a token that expires while we idle is refreshed here, ahead of need
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
            continue
        except SignInFailed as err:
            log.warning("mailbox sign-in failed (%s); retrying in %.0f s", err, backoff)
            if worker.settings.imap.auth == "oauth2":
                health.signin_down(err)
            else:
                health.down(str(err))  # a refused password: as before, the mailbox is down
        except (MailboxUnavailable, MailboxLoginFailed) as err:
            log.warning("mailbox unavailable (%s); retrying in %.0f s", err, backoff)
            health.down(str(err))
        if health.connected:
            # A connection that worked and then dropped (e.g. Exchange ends sessions when their
            # token expires) is reconnected at once, not after the backoff of earlier outages.
            backoff, health.connected = 1.0, False
        stop.wait(backoff)
        backoff = min(backoff * 2, MAX_BACKOFF)
