"""Access tokens kept in memory until shortly before expiry, and the grant kept on disk durably.

A provider that rotates refresh tokens (Microsoft does, on every use) invalidates the old one as
soon as it answers: the new grant is written (temp file, fsync, rename, fsync of the folder)
before the new access token is handed out, so a crash right after a refresh never loses it.
Tokens are never logged and never put into an exception's text.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from intake.errors import SignInFailed

log = logging.getLogger(__name__)
# Refresh this long before expiry; short-lived tokens are refreshed at half their lifetime instead.
MARGIN = timedelta(seconds=60)


class Grant(BaseModel):
    """What is kept on disk: the long-lived part of a sign-in, plus facts for `dhtt auth status`."""

    provider: str
    flow: str
    account: str | None = None
    refresh_token: str | None = None
    msal_cache: str | None = None  # Microsoft delegated: msal's serialized cache (holds the refresh token)
    last_refresh: datetime | None = None
    access_expires: datetime | None = None

    def __repr__(self) -> str:  # the refresh token and msal's cache stay out of any log or traceback
        return f"Grant(provider={self.provider!r}, flow={self.flow!r}, account={self.account!r})"

    __str__ = __repr__


class TokenResponse(BaseModel):
    """One answer of a token endpoint, provider-neutral."""

    access_token: str
    expires_in: float
    refresh_token: str | None = None
    msal_cache: str | None = None
    account: str | None = None

    def __repr__(self) -> str:  # never the token, even in a debugger or a traceback's locals
        return f"TokenResponse(expires_in={self.expires_in})"

    __str__ = __repr__


class Fetcher(Protocol):
    """A provider's way of turning the stored grant (or none, for client credentials) into a token."""

    def fetch(self, grant: Grant | None) -> TokenResponse: ...


class GrantStore:
    """The grant file: read, written atomically with mode 0600, forgotten."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Grant | None:
        try:
            return Grant.model_validate_json(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError as err:
            raise SignInFailed("not_signed_in", f"grant file {self.path} unreadable ({type(err).__name__})") from None

    def save(self, grant: Grant) -> None:
        """Replace the file in one step: a reader sees the old grant or the new one, never half."""
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = folder / f".{self.path.name}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, grant.model_dump_json(exclude_none=True).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the rename itself must survive a power cut
        finally:
            os.close(dir_fd)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """An exclusive lock beside the grant file, held across read, refresh and write."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as err:
            raise SignInFailed("config", f"token_file folder {self.path.parent} not writable: {err.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def forget(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


def _now() -> datetime:
    return datetime.now(UTC)


class TokenSource:
    """Hands out a valid access token, refreshing through the provider when needed (thread-safe)."""

    def __init__(self, provider: str, flow: str, fetcher: Fetcher, store: GrantStore, account: str | None,
                 clock: Callable[[], datetime] = _now) -> None:
        self.provider, self.flow, self.fetcher, self.store = provider, flow, fetcher, store
        self.account = account
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = datetime.min.replace(tzinfo=UTC)
        self._refresh_at = self._expires
        self.failure: SignInFailed | None = None  # the last refresh's error, cleared by a success
        self.failing_since: datetime | None = None

    def token(self, fresh: bool = False) -> str:
        """A valid access token; `fresh` forces a refresh (the server refused the cached one)."""
        with self._lock:
            now = self._clock()
            if self._token and not fresh and now < self._refresh_at:
                return self._token
            try:
                return self._refresh(now)
            except SignInFailed as err:
                self._failed(err, now)
                if self._token and not fresh and now < self._expires:
                    return self._token  # still valid: keep working while the provider recovers
                raise

    def _refresh(self, now: datetime) -> str:
        # Workers on this host share the grant file: one refresh at a time, each reading the grant
        # the previous one stored, or a rotated refresh token would be spent twice.
        with self.store.locked():
            return self._refresh_locked(now)

    def _refresh_locked(self, now: datetime) -> str:
        grant = self.store.load()
        if self.flow != "client_credentials" and grant is None:
            raise SignInFailed("not_signed_in", f"no stored grant at {self.store.path}; run `dhtt auth login`")
        answer = self.fetcher.fetch(grant)
        lifetime = timedelta(seconds=max(answer.expires_in, 1))
        expires = now + lifetime
        updated = (grant or Grant(provider=self.provider, flow=self.flow)).model_copy(update={
            "account": answer.account or (grant.account if grant else None) or self.account,
            "refresh_token": answer.refresh_token or (grant.refresh_token if grant else None),
            "msal_cache": answer.msal_cache or (grant.msal_cache if grant else None),
            "last_refresh": now, "access_expires": expires})
        try:
            self.store.save(updated)  # durably, before the new token is used
        except OSError as err:
            raise SignInFailed("config", f"token_file {self.store.path} not writable: {err.strerror}") from None
        self._token, self._expires = answer.access_token, expires
        self._refresh_at = expires - min(MARGIN, lifetime / 2)
        if self.failure is not None:
            log.info("sign-in recovered (%s) after failing since %s", self.failure.cause, self.failing_since)
        self.failure, self.failing_since = None, None
        log.info("access token refreshed (%s), valid until %s", self.provider, expires.isoformat(timespec="seconds"))
        return answer.access_token

    def _failed(self, err: SignInFailed, now: datetime) -> None:
        if self.failure is None:
            self.failing_since = now
        self.failure = err
        log.warning("token refresh failed: %s", err)

    def forget_cached(self) -> None:
        with self._lock:
            self._token = None


def parse_token_json(body: bytes) -> dict[str, object]:
    """A token endpoint's JSON body, or {} when it is not JSON (a proxy's HTML error page)."""
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
