"""The SMTP edge: sends each stored reply once, keyed by its Message-ID."""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from intake.config import SmtpSettings
from intake.errors import OutboxUnavailable, ReplyRefused, SignInFailed
from intake.signin import smtp_login
from store.db import session
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


def flush_outbox(engine: Engine, smtp: SmtpClient, worker: str = "worker") -> int:
    """Send every queued reply; returns how many were sent. Stops at the first relay outage."""
    with session(engine) as db:
        queue = pending_replies(db)
    if not queue:
        return 0
    sent = 0
    client = smtp.open()
    try:
        with session(engine) as db:
            for reply in queue:
                # 'sending' is committed before the SMTP transaction: a reply found in that state
                # after a crash is sent again with the same Message-ID, never under a new one.
                if not claim_reply(db, reply, worker):
                    continue  # another worker has it
                try:
                    smtp.send(client, reply.raw, reply.recipients.split(";"))
                except ReplyRefused as err:
                    mark_reply(db, reply, "failed", str(err))
                    continue
                except OutboxUnavailable as err:
                    mark_reply(db, reply, "queued", str(err))
                    raise
                # 'sent' is committed at once: left to the next claim's commit, an unexpected error
                # before it would roll it back and the reply would go out a second time.
                mark_reply(db, reply, "sent")
                sent += 1
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent
