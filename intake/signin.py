"""Signing in to IMAP and SMTP as the configuration says (stand-in: password sign-in only).

The oauth branch owns the real module; this one follows the same contract (names, causes) so that
`dhtt doctor` is written against it and the two merge by replacing this file.
"""

from __future__ import annotations

import smtplib
from typing import TYPE_CHECKING

import imapclient
from imapclient.exceptions import LoginError

from intake.errors import IntakeError

if TYPE_CHECKING:
    from settings import Settings

PASSWORD_MECHANISMS = frozenset({"PLAIN", "LOGIN"})


class SignInFailed(IntakeError):
    """The server or the identity provider refused to sign us in; `cause` says why (contract codes)."""

    def __init__(self, cause: str, message: str = "") -> None:
        super().__init__(message or cause)
        self.cause = cause


def _imap_mechanisms(client: imapclient.IMAPClient) -> set[str]:
    names = (c.decode() if isinstance(c, bytes) else str(c) for c in client.capabilities())
    return {n.split("=", 1)[1].upper() for n in names if n.upper().startswith("AUTH=")}


def imap_login(client: imapclient.IMAPClient, settings: Settings) -> None:
    """Sign the connected client in as settings.imap says (password only here); raises SignInFailed."""
    imap = settings.imap
    if imap.auth != "password":
        raise SignInFailed("config", "oauth2 sign-in is not available in this build")
    if not _imap_mechanisms(client) & PASSWORD_MECHANISMS:
        raise SignInFailed("password_not_offered", f"{imap.host} offers no PLAIN/LOGIN")
    try:
        client.login(imap.user, settings.secret(imap.password_env) or "")
    except LoginError as err:
        raise SignInFailed("password_refused", f"login refused for {imap.user}") from err


def smtp_login(client: smtplib.SMTP, settings: Settings) -> None:
    """After EHLO/STARTTLS: sign in as settings.smtp says; a no-op when no user is set; raises SignInFailed."""
    smtp = settings.smtp
    if not smtp.user:
        return
    if smtp.auth != "password":
        raise SignInFailed("config", "oauth2 sign-in is not available in this build")
    offered = set(client.esmtp_features.get("auth", "").upper().split())
    if not offered & PASSWORD_MECHANISMS:
        raise SignInFailed("password_not_offered", f"{smtp.host} offers no PLAIN/LOGIN")
    try:
        client.login(smtp.user, settings.secret(smtp.password_env) or "")
    except smtplib.SMTPAuthenticationError as err:
        raise SignInFailed("password_refused", f"login refused for {smtp.user}") from err
