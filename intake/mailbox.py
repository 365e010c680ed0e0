"""The IMAP edge: the only module that imports imapclient. Reads by UID, never by the unread flag."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from domain.mail import RawMessage
from intake.config import ImapSettings
from intake.errors import MailboxLoginFailed, MailboxUnavailable
from intake.signin import imap_login

_T = TypeVar("_T")

if TYPE_CHECKING:
    from settings import Settings

_NETWORK_ERRORS = (OSError, socket.timeout, ssl.SSLError, IMAPClientError, EOFError)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Mailbox:
    """One connection to the Sở mailbox, selected on the inbox folder."""

    def __init__(self, settings: ImapSettings, password: str = "", signin: Settings | None = None) -> None:
        self.settings = settings
        self._password = password
        self._signin = signin  # the whole configuration: sign in as it says (password or OAuth2)
        self._client: imapclient.IMAPClient | None = None
        self.uidvalidity = 0
        self._sep = "/"

    def __enter__(self) -> Mailbox:
        self.connect()
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.close()

    @property
    def client(self) -> imapclient.IMAPClient:
        if self._client is None:
            raise MailboxUnavailable("not connected")
        return self._client

    def _open(self) -> imapclient.IMAPClient:
        s = self.settings
        context = ssl.create_default_context()
        if not s.verify_certificate:
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        client = imapclient.IMAPClient(s.host, port=s.port, ssl=s.security == "tls", ssl_context=context,
                                       timeout=s.timeout_seconds)
        if s.security == "starttls":
            client.starttls(context)
        # Keep INTERNALDATE with its own offset: the window rules are read in Vietnam time.
        client.normalise_times = False
        return client

    def connect(self) -> None:
        """Log in, create our folders if missing, and select the inbox read-write."""
        try:
            client = self._open()
        except _NETWORK_ERRORS as err:
            raise MailboxUnavailable(f"{self.settings.host}:{self.settings.port}: {err}") from err
        self._client = client
        try:
            if self._signin is not None:
                imap_login(client, self._signin)  # raises SignInFailed, a MailboxLoginFailed
            else:
                client.login(self.settings.user, self._password)
        except MailboxLoginFailed:
            self._drop()
            raise
        except LoginError as err:
            self._drop()
            raise MailboxLoginFailed(f"login refused for {self.settings.user}: {err}") from err
        except _NETWORK_ERRORS as err:
            self._drop()
            raise MailboxUnavailable(f"{self.settings.host}:{self.settings.port}: {err}") from err
        self._guard(self._prepare)

    def _delimiter(self) -> str:
        personal = self.client.namespace().personal
        delimiter = personal[0][1] if personal else None
        return delimiter.decode() if isinstance(delimiter, bytes) else (delimiter or "/")

    def folder(self, name: str) -> str:
        """A configured folder path ('/'-separated) in the server's own hierarchy delimiter."""
        return name.replace("/", self._sep) if name != self.settings.inbox else name

    def _prepare(self) -> None:
        self._sep = self._delimiter()
        for name in (self.settings.processed_folder, self.settings.quarantine_folder):
            folder = self.folder(name)
            if not self.client.folder_exists(folder):
                try:
                    self.client.create_folder(folder)
                except IMAPClientError:
                    # Another worker starting at the same moment created it between our check and
                    # our CREATE ([ALREADYEXISTS]); any other refusal stands.
                    if not self.client.folder_exists(folder):
                        raise
                self.client.subscribe_folder(folder)
        info = self.client.select_folder(self.settings.inbox)
        self.uidvalidity = int(info[b"UIDVALIDITY"])

    def _guard(self, func: Callable[..., _T], *args: Any) -> _T:
        try:
            return func(*args)
        except _NETWORK_ERRORS as err:
            self._drop()
            raise MailboxUnavailable(str(err) or type(err).__name__) from err

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.shutdown()
            except _NETWORK_ERRORS:
                pass

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.logout()
            except _NETWORK_ERRORS:
                pass
            self._drop()

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above the checkpoint, ascending (UID SEARCH, not the \\Seen flag)."""
        found = self._guard(self.client.search, ["UID", f"{last_uid + 1}:*"])
        return sorted(uid for uid in found if uid > last_uid)

    def fetch(self, uids: list[int]) -> Iterator[RawMessage]:
        """The messages' bytes and INTERNALDATE, in batches, without setting \\Seen."""
        step = self.settings.fetch_batch
        for start in range(0, len(uids), step):
            batch = uids[start:start + step]
            data = self._guard(self.client.fetch, batch, ["BODY.PEEK[]", "INTERNALDATE"])
            for uid in batch:
                item = data.get(uid)
                if item is None or b"BODY[]" not in item:
                    continue  # expunged meanwhile by someone else: nothing to record
                yield RawMessage(data=item[b"BODY[]"], received_at=_aware(item[b"INTERNALDATE"]), uid=uid,
                                 uidvalidity=self.uidvalidity, folder=self.settings.inbox)

    def move(self, uids: list[int], folder: str) -> None:
        """Move messages out of the inbox (MOVE, or COPY + expunge where MOVE is missing)."""
        folder = self.folder(folder)
        if not uids:
            return
        if self._guard(self.client.has_capability, "MOVE"):
            try:
                self.client.move(uids, folder)
            except IMAPClientError as err:
                # Another worker moved some of them first: move what is still here, once.
                if "EXPUNGEISSUED" not in str(err) and "no longer exist" not in str(err):
                    self._drop()
                    raise MailboxUnavailable(str(err)) from err
                still = self._guard(self.client.search, ["UID", ",".join(map(str, uids))])
                if still:
                    self._guard(self.client.move, sorted(still), folder)
            except _NETWORK_ERRORS as err:
                self._drop()
                raise MailboxUnavailable(str(err) or type(err).__name__) from err
            return
        self._guard(self.client.copy, uids, folder)
        self._guard(self.client.delete_messages, uids)
        self._guard(self.client.uid_expunge, uids)

    def supports_idle(self) -> bool:
        return bool(self._guard(self.client.has_capability, "IDLE"))

    def idle_wait(self, seconds: float) -> bool:
        """Wait in IDLE up to `seconds`; True when the server announced new mail."""
        self._guard(self.client.idle)
        try:
            responses = self._guard(self.client.idle_check, seconds)
        finally:
            if self._client is not None:
                self._guard(self.client.idle_done)
        return any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses)

    def noop(self) -> None:
        self._guard(self.client.noop)

    def read_folder(self, folder: str) -> Iterator[RawMessage]:
        """Every message of another folder, read-only; the inbox is selected again afterwards."""
        folder = self.folder(folder)
        if not self._guard(self.client.folder_exists, folder):
            return
        info = self._guard(self.client.select_folder, folder, True)
        validity = int(info[b"UIDVALIDITY"])
        uids = sorted(self._guard(self.client.search, ["ALL"]))
        try:
            for raw in self.fetch(uids):
                yield raw.model_copy(update={"folder": folder, "uidvalidity": validity})
        finally:
            self._guard(self.client.select_folder, self.settings.inbox)
