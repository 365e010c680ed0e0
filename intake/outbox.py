"""The SMTP edge: sends each stored reply once, keyed by its Message-ID."""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import Session

from intake.config import SmtpSettings
from intake.errors import OutboxUnavailable, ReplyRefused, SignInFailed
from intake.signin import smtp_login
from store.db import session
from store.models import Reply
from store.records import claim_reply, mark_reply, pending_replies

if TYPE_CHECKING:
    from settings import Settings

log = logging.getLogger(__name__)


class SmtpClient:
    """Opens one SMTP connection per flush and translates smtplib errors into ours."""

    def __init__(self, settings: SmtpSettings, password: str | None, signin: Settings | None = None) -> None:
        self.settings = settings
        self._password = password
        self._signin = signin  # the whole configuration: sign in as it says (password or OAuth2)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.security == "tls":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=context)
        client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        if s.security == "starttls":
            client.starttls(context=context)
        return client

    def open(self) -> smtplib.SMTP:
        try:
            client = self._connect()
            if self._signin is not None:
                smtp_login(client, self._signin)
            elif self.settings.user and self._password:
                client.login(self.settings.user, self._password)
        except SignInFailed as err:
            # Replies stay queued and are sent once sign-in works again; the runner alerts.
            _quit(client)
            raise OutboxUnavailable(f"{self.settings.host}:{self.settings.port}: {err}") from err
        except (OSError, socket.timeout, smtplib.SMTPException) as err:
            raise OutboxUnavailable(f"{self.settings.host}:{self.settings.port}: {err}") from err
        return client

    def send(self, client: smtplib.SMTP, raw: bytes, recipients: list[str]) -> None:
        try:
            refused = client.sendmail(self.settings.sender, recipients, raw)
        except smtplib.SMTPRecipientsRefused as err:
            raise ReplyRefused(f"recipients refused: {err.recipients}") from err
        except smtplib.SMTPResponseException as err:
            if 500 <= err.smtp_code < 600:
                raise ReplyRefused(f"{err.smtp_code} {err.smtp_error!r}") from err
            raise OutboxUnavailable(f"{err.smtp_code} {err.smtp_error!r}") from err
        except (OSError, smtplib.SMTPException) as err:
            raise OutboxUnavailable(str(err)) from err
        if refused:
            log.warning("some recipients refused: %s", refused)


def _quit(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


class Courier:
    """Sends claimed replies over one SMTP connection, opened at the first send and kept until closed.

    A reply is claimed ('sending', by this worker) and that claim committed before its SMTP
    transaction; 'sent', 'failed' or 'queued' again is committed right after it. A reply found
    'sending' after a crash is sent again under the same Message-ID, never under a new one.
    After a relay outage the courier is `down`: it sends nothing more, and what it was given
    stays queued for the next flush.
    """

    def __init__(self, smtp: SmtpClient, worker: str) -> None:
        self.smtp = smtp
        self.worker = worker
        self.down: OutboxUnavailable | None = None
        self._client: smtplib.SMTP | None = None

    def __enter__(self) -> Courier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Connect now (flush_outbox does, so an outage is raised before any claim)."""
        if self._client is None:
            self._client = self.smtp.open()

    def deliver(self, db: Session, reply: Reply) -> bool:
        """Send a reply whose claim is committed, and commit what became of it; True when sent."""
        try:
            if self.down is not None:
                raise self.down
            self.open()
            assert self._client is not None
            self.smtp.send(self._client, reply.raw, reply.recipients.split(";"))
        except ReplyRefused as err:
            mark_reply(db, reply, "failed", str(err))
            return False
        except OutboxUnavailable as err:
            mark_reply(db, reply, "queued", str(err))
            if self.down is None:
                self.down = err
                self.close()
            return False
        # 'sent' is committed at once: left to a later commit, an unexpected error before it
        # would roll it back and the reply would go out a second time.
        mark_reply(db, reply, "sent")
        return True

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()


def flush_outbox(engine: Engine, smtp: SmtpClient, worker: str = "worker") -> int:
    """Send every queued reply; returns how many were sent. Stops at the first relay outage."""
    with session(engine) as db:
        queue = pending_replies(db)
    if not queue:
        return 0
    sent = 0
    with Courier(smtp, worker) as courier, session(engine) as db:
        courier.open()
        for reply in queue:
            if not claim_reply(db, reply, worker):  # commits
                continue  # another worker has it
            sent += courier.deliver(db, reply)
            if courier.down is not None:
                raise courier.down
    return sent
