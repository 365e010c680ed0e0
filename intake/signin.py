"""Signing in to IMAP and SMTP as config.toml says: a password, or an OAuth2 access token.

The worker (Mailbox, SmtpClient) and `dhtt doctor` share these two functions. Over OAuth2 a
refused token is refreshed once and tried once more, since servers do not say why they refused it.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from typing import TYPE_CHECKING

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from intake.errors import SignInFailed
from intake.oauth_providers import GenericProvider, GoogleProvider, MicrosoftProvider, read_secret
from intake.tokens import Fetcher, GrantStore, TokenSource

if TYPE_CHECKING:
    from settings import Settings

log = logging.getLogger(__name__)
_SOURCES: dict[tuple[str, ...], TokenSource] = {}
_SOURCES_LOCK = threading.Lock()


def token_source(settings: Settings) -> TokenSource:
    """The process's one token source for this [oauth2] configuration (its cache lives in memory)."""
    o = settings.oauth2
    missing = o.check_complete()
    if missing:
        raise SignInFailed("config", f"oauth2.{missing}")
    path = settings.path(o.token_file).resolve()
    key = (o.provider, o.flow, o.client_id, o.tenant, o.token_url, o.authority_url, str(path))
    with _SOURCES_LOCK:
        if key not in _SOURCES:
            account = settings.imap.user if settings.imap.auth == "oauth2" else settings.smtp.user
            _SOURCES[key] = TokenSource(o.provider, o.flow, build_fetcher(settings), GrantStore(path), account)
        return _SOURCES[key]


def build_fetcher(settings: Settings) -> Fetcher:
    o = settings.oauth2

    def secret() -> str | None:
        return read_secret(o, settings.path)

    if o.provider == "generic":
        return GenericProvider(o, secret)
    if o.provider == "google":
        return GoogleProvider(o, secret)

    def certificate() -> bytes | None:
        if not o.certificate_file:
            return None
        try:
            return settings.path(o.certificate_file).read_bytes()
        except OSError as err:
            raise SignInFailed("config", f"certificate_file unreadable: {err.strerror}") from None

    return MicrosoftProvider(o, secret, certificate)


# -- IMAP ------------------------------------------------------------------------------------

class _SaslResponse:
    """XOAUTH2/OAUTHBEARER client response. A refused token gets an error challenge, which must be
    answered with an empty response before the server says NO; imapclient's oauth2_login and
    oauthbearer_login would send the token again instead, so we drive sasl_login ourselves."""

    def __init__(self, payload: str) -> None:
        self._payload: str | None = payload

    def __call__(self, challenge: bytes | None = None) -> str:
        payload, self._payload = self._payload, None
        return payload if payload is not None else ""


def sasl_payload(mechanism: str, user: str, token: str) -> str:
    if mechanism == "oauthbearer":  # RFC 7628; the GS2 header must name the user (a=)
        safe = user.replace("=", "=3D").replace(",", "=2C")
        return f"n,a={safe},\x01auth=Bearer {token}\x01\x01"
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def imap_login(client: imapclient.IMAPClient, settings: Settings) -> None:
    """Sign the connected client in as settings.imap says (password or oauth2); raises SignInFailed."""
    imap = settings.imap
    if imap.auth == "password":
        _imap_password(client, imap.user, settings.secret(imap.password_env) or "")
        return
    source = token_source(settings)
    mechanism = imap.sasl_mechanism
    for attempt in (1, 2):
        token = source.token(fresh=attempt == 2)
        try:
            client.sasl_login(mechanism.upper(), _SaslResponse(sasl_payload(mechanism, imap.user, token)))
            return
        except LoginError as err:
            log.warning("IMAP refused the access token for %s (attempt %d): %s", imap.user, attempt, err)
    raise SignInFailed("token_refused", f"IMAP server refused the access token for {imap.user}")


def _imap_password(client: imapclient.IMAPClient, user: str, password: str) -> None:
    try:
        client.login(user, password)
    except LoginError as err:
        try:
            capabilities = {c.decode().upper() for c in client.capabilities()}
        except (IMAPClientError, OSError):
            capabilities = set()
        mechanisms = {c.split("=", 1)[1] for c in capabilities if c.startswith("AUTH=")}
        # Judged only after a refusal: IMAP LOGIN works on servers that list no AUTH=PLAIN at all.
        if "LOGINDISABLED" in capabilities or (mechanisms and not mechanisms & {"PLAIN", "LOGIN"}):
            raise SignInFailed("password_not_offered", f"IMAP server does not accept password sign-in for {user}") from err
        raise SignInFailed("password_refused", f"login refused for {user}: {err}") from err


# -- SMTP ------------------------------------------------------------------------------------

def smtp_login(client: smtplib.SMTP, settings: Settings) -> None:
    """After EHLO/STARTTLS: sign in as settings.smtp says; a no-op when no user is set; raises SignInFailed."""
    smtp = settings.smtp
    if not smtp.user:
        return
    if smtp.auth == "password":
        password = settings.secret(smtp.password_env)
        if not password:
            return  # as before: a user without a password means an open relay on the network
        try:
            client.login(smtp.user, password)
        except smtplib.SMTPNotSupportedError as err:
            raise SignInFailed("password_not_offered", f"SMTP server offers no AUTH: {err}") from err
        except smtplib.SMTPAuthenticationError as err:
            raise SignInFailed(_smtp_cause(err, "password_refused"), _smtp_text(err)) from err
        except smtplib.SMTPException as err:  # "No suitable authentication method found"
            offered = client.esmtp_features.get("auth", "").strip() or "none"
            raise SignInFailed("password_not_offered", f"SMTP server offers AUTH {offered} only") from err
        return
    _smtp_oauth(client, settings)


def _smtp_oauth(client: smtplib.SMTP, settings: Settings) -> None:
    user = settings.smtp.user or ""
    client.ehlo_or_helo_if_needed()
    offered = client.esmtp_features.get("auth", "").upper().split()
    if "XOAUTH2" not in offered:
        raise SignInFailed("smtp_auth_disabled", f"SMTP server offers no XOAUTH2 (AUTH {' '.join(offered) or 'none'})")
    source = token_source(settings)
    last: smtplib.SMTPAuthenticationError | None = None
    for attempt in (1, 2):
        payload = sasl_payload("xoauth2", user, source.token(fresh=attempt == 2))
        try:
            # No initial response: a real token makes the AUTH line too long for some servers
            # (Dovecot answers "500 Line too long"); the token goes after the server's 334.
            client.auth("XOAUTH2", _SaslResponse(payload), initial_response_ok=False)
            return
        except smtplib.SMTPAuthenticationError as err:
            last = err
            log.warning("SMTP refused the access token for %s (attempt %d): %s", user, attempt, _smtp_text(err))
            if _smtp_cause(err, "token_refused") != "token_refused":
                break
    assert last is not None
    raise SignInFailed(_smtp_cause(last, "token_refused"), _smtp_text(last))


def _smtp_text(err: smtplib.SMTPResponseException) -> str:
    text = err.smtp_error.decode(errors="replace") if isinstance(err.smtp_error, bytes) else str(err.smtp_error)
    return f"{err.smtp_code} {text.splitlines()[0] if text else ''}".strip()


def _smtp_cause(err: smtplib.SMTPResponseException, default: str) -> str:
    # Exchange Online: "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled".
    text = _smtp_text(err)
    return "smtp_auth_disabled" if "5.7.139" in text or "SmtpClientAuthentication" in text else default
