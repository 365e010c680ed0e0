"""The OAuth2 rig: the test identity provider and a token-only Dovecot (IMAP and submission).

Import the fixtures into a test module (`from tests.integration.oauth_rig import *`); they are
kept out of conftest.py so that only the OAuth2 tests start these servers.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from settings import Settings, parse_settings
from tests.idp import IdentityProvider
from tests.servers import Dovecot, ServerError, SmtpSink

_serial = itertools.count(1)
__all__ = ["idp", "idp_tls", "oauth_sink", "oauth_dovecot", "oauth_account", "OAuthAccount", "oauth_settings"]


def _started(server: Any) -> Any:
    try:
        server.start()
    except ServerError as exc:
        pytest.fail(str(exc), pytrace=False)
    return server


@pytest.fixture(scope="session")
def idp(server_root: Path) -> Iterator[IdentityProvider]:
    server = _started(IdentityProvider(server_root / "idp"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def idp_tls(idp: IdentityProvider) -> Iterator[IdentityProvider]:
    """The same provider over TLS (self-signed; trust its cert_path): msal takes only https."""
    server = _started(IdentityProvider(idp.directory.parent / "idp-tls", tls=True, twin=idp))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oauth_sink() -> Iterator[SmtpSink]:
    """The relay behind Dovecot's submission service (its port is in Dovecot's configuration)."""
    sink = _started(SmtpSink())
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def oauth_dovecot(server_root: Path, idp: IdentityProvider, oauth_sink: SmtpSink) -> Iterator[Dovecot]:
    server = _started(Dovecot(server_root / "dovecot-oauth", oauth2_keys=idp.keys_dir,
                              relay=(oauth_sink.host, oauth_sink.port)))
    yield server
    server.stop()


@dataclass(frozen=True)
class OAuthAccount:
    mailbox: str
    client_id: str
    secret: str
    idp: IdentityProvider
    dovecot: Dovecot

    def token(self) -> str:
        """A long-lived token for the test's own IMAP access (seeding, checking folders)."""
        return self.idp.mint(self.mailbox)


@pytest.fixture
def oauth_account(idp: IdentityProvider, oauth_dovecot: Dovecot, oauth_sink: SmtpSink) -> Iterator[OAuthAccount]:
    """A fresh mailbox and an application allowed to act as it; the provider's switches reset."""
    n = next(_serial)
    account = OAuthAccount(f"so{n}@moet.test", f"app-{n}", secrets.token_urlsafe(16), idp, oauth_dovecot)
    idp.add_client(account.client_id, account.secret, account.mailbox)
    idp.set(down=False, reject_clients=False, lifetime=3600, requests=0, access_tokens=0, refused=[], issued=[], forged=0,
            secrets_seen=[])
    oauth_sink.clear()
    yield account
    idp.set(down=False, reject_clients=False, lifetime=3600)


def oauth_settings(account: OAuthAccount, database_url: str, tmp: Path, *, flow: str = "client_credentials",
                   imap: dict[str, Any] | None = None, **intake: Any) -> Settings:
    """Settings for a worker signing in to both servers with OAuth2 (generic provider)."""
    dovecot = account.dovecot
    return parse_settings({
        "imap": {"host": dovecot.host, "port": dovecot.port, "security": "none", "auth": "oauth2",
                 "user": account.mailbox, "idle_renew_seconds": 30, "timeout_seconds": 60, **(imap or {})},
        "smtp": {"host": dovecot.host, "port": dovecot.submission_port, "security": "none", "auth": "oauth2",
                 "user": account.mailbox, "timeout_seconds": 60},
        "oauth2": {"provider": "generic", "flow": flow, "client_id": account.client_id,
                   "token_url": account.idp.token_url, "secret_file": str(tmp / "client-secret"),
                   "token_file": str(tmp / "oauth2" / "grant.json")},
        "database": {"url": database_url},
        "intake": {"storage_dir": str(tmp / "storage"), "poll_seconds": 30, **intake},
    }, tmp)


def write_secret(account: OAuthAccount, tmp: Path) -> None:
    path = tmp / "client-secret"
    path.write_text(account.secret + "\n")
    path.chmod(0o600)


def write_oauth_config(path: Path, account: OAuthAccount, database_url: str, tmp: Path,
                       flow: str = "refresh_token", poll_seconds: int = 5) -> Path:
    """A config.toml for a worker run as its own process, signing in with OAuth2 (generic provider)."""
    d = account.dovecot
    path.write_text(f"""
[imap]
host = "{d.host}"
port = {d.port}
security = "none"
auth = "oauth2"
user = "{account.mailbox}"
timeout_seconds = 60

[smtp]
host = "{d.host}"
port = {d.submission_port}
security = "none"
auth = "oauth2"
user = "{account.mailbox}"
timeout_seconds = 60

[oauth2]
provider = "generic"
flow = "{flow}"
client_id = "{account.client_id}"
token_url = "{account.idp.token_url}"
secret_file = "{tmp / 'client-secret'}"
token_file = "{tmp / 'oauth2' / 'grant.json'}"

[database]
url = "{database_url}"

[intake]
storage_dir = "{tmp / 'storage'}"
poll_seconds = {poll_seconds}
""", encoding="utf-8")
    return path
