"""The three token providers: any OAuth2 token endpoint, Microsoft Entra (msal), Google (google-auth).

Each turns the stored grant into a TokenResponse and every failure into SignInFailed with a cause
an administrator can act on. Interactive sign-in (device code, consent page) lives in cli_auth.py.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from intake.config import OAuth2Settings
from intake.errors import SignInFailed
from intake.tokens import Grant, TokenResponse, parse_token_json

MICROSOFT_AUTHORITY = "https://login.microsoftonline.com"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_AUTH_URL = "https://accounts.google.com/o/oauth2/auth"
DEFAULT_SCOPES: dict[tuple[str, str], list[str]] = {
    ("microsoft", "client_credentials"): ["https://outlook.office365.com/.default"],
    # msal adds offline_access, openid and profile itself (and refuses them when given).
    ("microsoft", "device_code"): ["https://outlook.office.com/IMAP.AccessAsUser.All",
                                   "https://outlook.office.com/SMTP.Send"],
    ("google", "authorization_code"): ["https://mail.google.com/"],
}
# Entra's AADSTS codes that name a cause more precisely than the OAuth2 error word.
_AADSTS = {
    7000222: "secret_expired", 7000215: "invalid_client", 700016: "invalid_client", 700027: "invalid_client",
    90002: "tenant_not_found", 900023: "tenant_not_found", 90072: "tenant_not_found",
    65001: "consent_required", 65004: "consent_required", 50105: "consent_required",
    50173: "invalid_grant", 70008: "invalid_grant", 700082: "invalid_grant", 50076: "consent_required",
}
_OAUTH_ERRORS = {
    "invalid_client": "invalid_client", "unauthorized_client": "invalid_client", "invalid_grant": "invalid_grant",
    "consent_required": "consent_required", "interaction_required": "consent_required",
    "invalid_scope": "consent_required", "temporarily_unavailable": "provider_unreachable",
    "server_error": "provider_unreachable",
}


def scopes(settings: OAuth2Settings) -> list[str]:
    return settings.scopes or DEFAULT_SCOPES.get((settings.provider, settings.flow), [])


def classify(error: str, description: str = "", codes: list[int] | None = None) -> str:
    """The SignInFailed cause for an OAuth2 error answer (RFC 6749 §5.2, plus Entra's codes)."""
    found = [int(c) for c in re.findall(r"AADSTS(\d+)", description)] + list(codes or [])
    for code in found:
        if code in _AADSTS:
            return _AADSTS[code]
    return _OAUTH_ERRORS.get(error, "invalid_grant" if error.startswith("invalid") else "provider_unreachable")


def error_answer(body: dict[str, Any], status: int | None = None) -> SignInFailed:
    error = str(body.get("error") or "")
    description = str(body.get("error_description") or "").splitlines()[0][:300] if body else ""
    if not error:
        return SignInFailed("provider_unreachable", f"token endpoint answered HTTP {status}")
    codes = body.get("error_codes") if isinstance(body.get("error_codes"), list) else []
    return SignInFailed(classify(error, description, codes), f"{error}: {description}".rstrip(": "))


def read_secret(settings: OAuth2Settings, base: Any = None) -> str | None:
    """The client secret from its file or environment variable (never from config.toml)."""
    import os

    if settings.secret_file:
        path = settings.secret_file if base is None else base(settings.secret_file)
        try:
            return path.read_text(encoding="utf-8").strip() or None
        except OSError as err:
            raise SignInFailed("config", f"secret_file unreadable: {err.strerror}") from None
    return os.environ.get(settings.secret_env) or None


class GenericProvider:
    """Any OAuth2 token endpoint, client_credentials or refresh_token grant.

    A token request is one form POST and one JSON answer (RFC 6749 §4.4, §6): urllib does it in a
    few lines, where a client library would add a dependency without removing any of the error
    mapping below.
    """

    def __init__(self, settings: OAuth2Settings, secret: Callable[[], str | None]) -> None:
        self.settings, self._secret = settings, secret

    def fetch(self, grant: Grant | None) -> TokenResponse:
        s = self.settings
        secret = self._secret()  # read each time: a renewed secret works without a restart
        form = {"client_id": s.client_id}
        if s.flow == "client_credentials":
            form["grant_type"] = "client_credentials"
        else:
            if grant is None or not grant.refresh_token:
                raise SignInFailed("not_signed_in", "no refresh token stored; run `dhtt auth login`")
            form.update(grant_type="refresh_token", refresh_token=grant.refresh_token)
        if secret:
            form["client_secret"] = secret
        if scopes(s):
            form["scope"] = " ".join(scopes(s))
        body = post_form(s.token_url, form, s.timeout_seconds)
        return TokenResponse(access_token=str(body["access_token"]), expires_in=float(body.get("expires_in", 3600)),
                             refresh_token=body.get("refresh_token"))


def post_form(url: str, form: dict[str, str], timeout: float) -> dict[str, Any]:
    """POST a token request; the JSON answer, or SignInFailed with the endpoint's own cause."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST",
                                     headers={"Accept": "application/json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=ssl.create_default_context()) as answer:
            body = parse_token_json(answer.read())
    except urllib.error.HTTPError as err:
        status, body = err.code, parse_token_json(err.read())
        raise (error_answer(body, status) if status < 500 else error_answer({}, status)) from None
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        reason = getattr(err, "reason", err)
        raise SignInFailed("provider_unreachable", f"{urllib.parse.urlsplit(url).netloc}: {reason}") from None
    if not body.get("access_token"):
        raise error_answer(body, 200)
    return body


class MicrosoftProvider:
    """Microsoft Entra through msal: app-only (secret or certificate) or delegated (device code)."""

    def __init__(self, settings: OAuth2Settings, secret: Callable[[], str | None],
                 certificate: Callable[[], bytes | None]) -> None:
        self.settings, self._secret, self._certificate = settings, secret, certificate
        self._app: Any = None
        self._app_credential: object = None

    @property
    def authority(self) -> str:
        base = (self.settings.authority_url or MICROSOFT_AUTHORITY).rstrip("/")
        return f"{base}/{self.settings.tenant}" if self.settings.tenant else base

    def app(self, cache: Any = None) -> Any:
        """The msal application; built lazily because msal fetches the tenant's metadata on creation."""
        import msal
        import requests

        s = self.settings
        # A custom authority (tests, sovereign clouds) is not in Microsoft's instance list.
        options: dict[str, Any] = {"authority": self.authority, "timeout": s.timeout_seconds,
                                   "instance_discovery": not s.authority_url}
        try:
            if s.flow == "device_code":
                return msal.PublicClientApplication(s.client_id, token_cache=cache, **options)
            credential = self._credential()
            if self._app is None or credential != self._app_credential:  # renewed: a new app
                self._app = msal.ConfidentialClientApplication(s.client_id, client_credential=credential, **options)
                self._app_credential = credential
            return self._app
        except ValueError as err:
            raise SignInFailed("tenant_not_found", str(err).split(". ")[0]) from None
        except requests.RequestException as err:
            raise SignInFailed("provider_unreachable", type(err).__name__) from None

    def _credential(self) -> str | dict[str, str]:
        """Read each time, so a renewed secret or certificate is taken up without a restart."""
        certificate = self._certificate()
        if certificate:
            return certificate_credential(certificate)
        secret = self._secret()
        if not secret:
            raise SignInFailed("config", f"no client secret: set {self.settings.secret_env} or oauth2.secret_file")
        return secret

    def fetch(self, grant: Grant | None) -> TokenResponse:
        import msal
        import requests

        try:
            if self.settings.flow == "device_code":
                return self._silent(grant)
            app = self.app()
            # msal would answer from its own cache; we only ask when we want a new token (ours is
            # due, or the server refused it), so its cache is emptied first.
            app.token_cache = msal.TokenCache()
            result = app.acquire_token_for_client(scopes=scopes(self.settings))
        except requests.RequestException as err:
            raise SignInFailed("provider_unreachable", type(err).__name__) from None
        return _msal_answer(result)

    def _silent(self, grant: Grant | None) -> TokenResponse:
        import msal

        cache = msal.SerializableTokenCache()
        if grant is None or not grant.msal_cache:
            raise SignInFailed("not_signed_in", "no delegated sign-in stored; run `dhtt auth login`")
        cache.deserialize(grant.msal_cache)
        app = self.app(cache)
        accounts = app.get_accounts()
        if not accounts:
            raise SignInFailed("not_signed_in", "the stored sign-in holds no account; run `dhtt auth login`")
        # force_refresh: we only come here when our own cached access token is due.
        result = app.acquire_token_silent_with_error(scopes(self.settings), account=accounts[0], force_refresh=True)
        if result is None:
            raise SignInFailed("invalid_grant", "no refresh token left in the stored sign-in")
        answer = _msal_answer(result)
        return answer.model_copy(update={"msal_cache": cache.serialize(), "account": accounts[0].get("username")})


def _msal_answer(result: dict[str, Any]) -> TokenResponse:
    if "access_token" not in result:
        raise error_answer(result)
    return TokenResponse(access_token=result["access_token"], expires_in=float(result.get("expires_in", 3600)))


def certificate_credential(pem: bytes) -> dict[str, str]:
    """msal's certificate credential from one PEM holding the private key and the certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise SignInFailed("config", "certificate_file holds no PEM certificate") from None
    key_start = pem.find(b"-----BEGIN")
    keys = [block for block in re.findall(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----.+?-----END [A-Z ]*PRIVATE KEY-----",
                                          pem[key_start:], re.S)]
    if not keys:
        raise SignInFailed("config", "certificate_file holds no private key")
    return {"private_key": keys[0].decode(), "thumbprint": cert.fingerprint(hashes.SHA1()).hex()}  # noqa: S303 - Entra's thumbprint is SHA-1


class GoogleProvider:
    """Google Workspace through google-auth: the stored refresh token of an installed app's consent."""

    def __init__(self, settings: OAuth2Settings, secret: Callable[[], str | None]) -> None:
        self.settings, self._secret = settings, secret

    def fetch(self, grant: Grant | None) -> TokenResponse:
        import google.auth.exceptions
        import google.auth.transport.requests
        from google.oauth2.credentials import Credentials

        if grant is None or not grant.refresh_token:
            raise SignInFailed("not_signed_in", "no refresh token stored; run `dhtt auth login`")
        credentials = Credentials(None, refresh_token=grant.refresh_token, client_id=self.settings.client_id,  # type: ignore[no-untyped-call]
                                  client_secret=self._secret(), scopes=scopes(self.settings),
                                  token_uri=self.settings.token_url or GOOGLE_TOKEN_URL)
        try:
            credentials.refresh(google.auth.transport.requests.Request())  # type: ignore[no-untyped-call]
        except google.auth.exceptions.RefreshError as err:
            body = err.args[1] if len(err.args) > 1 and isinstance(err.args[1], dict) else {}
            raise error_answer(body, None) if body.get("error") else SignInFailed("provider_unreachable", "refresh failed") from None
        except google.auth.exceptions.TransportError as err:
            raise SignInFailed("provider_unreachable", type(err).__name__) from None
        lifetime = (credentials.expiry.timestamp() - _utcnow_naive_ts()) if credentials.expiry else 3600.0
        return TokenResponse(access_token=str(credentials.token), expires_in=lifetime,
                             refresh_token=credentials.refresh_token)


def _utcnow_naive_ts() -> float:
    # google-auth keeps `expiry` as a naive UTC datetime.
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None).timestamp()
