"""A test identity provider on loopback: the one stand-in, since Entra and Google cannot be reached.

A real HTTP server (optionally TLS) with an OAuth2 token endpoint (client_credentials and
refresh_token grants, rotating refresh tokens), issuing RS256 JWTs that Dovecot validates itself
with the public key written under `keys_dir`; it also serves the OpenID discovery document msal
reads at an authority. Switches make it go down, reject the client, or revoke a grant.
"""

from __future__ import annotations

import base64
import json
import secrets
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.servers import LOOPBACK, _Server, free_port

KID = "k1"


@dataclass
class Client:
    secret: str | None
    mailbox: str
    certificate: Any = None  # a public key: the client proves itself with a signed assertion instead


@dataclass
class IdpState:
    clients: dict[str, Client] = field(default_factory=dict)
    refresh_tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # token -> (client_id, grant id)
    revoked: set[str] = field(default_factory=set)  # grant ids
    grants: dict[str, str] = field(default_factory=dict)  # grant id -> mailbox
    issued: list[str] = field(default_factory=list)  # every refresh token handed out, in order
    lifetime: float = 3600
    down: bool = False
    reject_clients: bool = False
    requests: int = 0
    access_tokens: int = 0
    refused: list[str] = field(default_factory=list)  # the error of each refused request
    device_codes: dict[str, dict[str, Any]] = field(default_factory=dict)  # device code -> request
    codes: dict[str, str] = field(default_factory=dict)  # authorization code -> client id
    forged: int = 0  # the next this many access tokens are signed with a key Dovecot does not know
    secrets_seen: list[str] = field(default_factory=list)  # every access token issued, to look for leaks


class IdentityProvider(_Server):
    """Token endpoint at `token_url`; msal authority at `authority_url` (tenant "test")."""

    host = LOOPBACK

    def __init__(self, directory: Path, tls: bool = False, twin: IdentityProvider | None = None) -> None:
        """With `twin`, the same provider (key, clients, grants, switches) on another address,
        e.g. over TLS for msal, which accepts only https authorities."""
        self.directory = Path(directory)
        self.keys_dir = twin.keys_dir if twin else self.directory / "keys"
        self.tls = tls
        self.port = free_port()
        self.state = twin.state if twin else IdpState()
        self.lock = twin.lock if twin else threading.Lock()
        self._key = twin._key if twin else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._rogue = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._server: ThreadingHTTPServer | None = None
        self.cert_path = self.directory / "idp-cert.pem"

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    @property
    def authority_url(self) -> str:
        return self.base_url

    # -- switches and set-up ---------------------------------------------------------------
    def add_client(self, client_id: str, secret: str | None, mailbox: str, certificate: Any = None) -> None:
        with self.lock:
            self.state.clients[client_id] = Client(secret, mailbox, certificate)

    def consent(self, client_id: str) -> str:
        """A person's consent for `client_id`: a new grant; returns its first refresh token."""
        with self.lock:
            grant = secrets.token_hex(8)
            self.state.grants[grant] = self.state.clients[client_id].mailbox
            return self._new_refresh(client_id, grant)

    def authorize(self, client_id: str) -> str:
        """A person consented on the provider's page: the authorization code sent to the redirect."""
        with self.lock:
            code = secrets.token_urlsafe(12)
            self.state.codes[code] = client_id
            return code

    def approve(self, user_code: str) -> None:
        """The person typed `user_code` at the verification address and signed in."""
        with self.lock:
            for request in self.state.device_codes.values():
                if request["user_code"] == user_code:
                    request["approved"] = True
                    return
        raise KeyError(user_code)

    def revoke_all(self) -> None:
        with self.lock:
            self.state.revoked.update(self.state.grants)

    def set(self, **switches: Any) -> None:
        """Flip switches: down=True, reject_clients=True, lifetime=20."""
        with self.lock:
            for name, value in switches.items():
                setattr(self.state, name, value)

    def mint(self, mailbox: str, lifetime: float = 3600, forged: bool = False) -> str:
        """An access token for `mailbox`, as the provider would issue it (tests seed mail with it)."""
        now = int(time.time())
        claims = {"sub": mailbox, "email": mailbox, "iat": now - 1, "exp": now + int(lifetime),
                  "jti": secrets.token_hex(8)}
        key = self._rogue if forged else self._key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID, "typ": "JWT"})

    # -- serving ---------------------------------------------------------------------------
    def start(self) -> None:
        if self._server is not None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self._write_key()
        server = ThreadingHTTPServer((self.host, self.port), _handler(self))
        server.daemon_threads = True
        if self.tls:
            server.socket = self._tls_context().wrap_socket(server.socket, server_side=True)
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _write_key(self) -> None:
        # Dovecot's local validation looks keys up as <prefix>/<azp or default>/<alg>/<kid>.
        folder = self.keys_dir / "default" / "RS256"
        folder.mkdir(parents=True, exist_ok=True)
        pem = self._key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
        (folder / KID).write_bytes(pem)
        for path in (self.keys_dir, self.keys_dir / "default", folder):
            path.chmod(0o755)
        (folder / KID).chmod(0o644)

    def _tls_context(self) -> ssl.SSLContext:
        import subprocess

        key = self.directory / "idp-key.pem"
        if not self.cert_path.exists():
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                            "-keyout", str(key), "-out", str(self.cert_path)], check=True, capture_output=True)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, key)
        return context

    # -- the token endpoint (called under the handler) -------------------------------------
    def _new_refresh(self, client_id: str, grant: str) -> str:
        token = "rt-" + secrets.token_urlsafe(24)
        self.state.refresh_tokens[token] = (client_id, grant)
        self.state.issued.append(token)
        return token

    def token_answer(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            state = self.state
            state.requests += 1
            if state.down:
                return 503, {"error": "temporarily_unavailable"}
            client = state.clients.get(form.get("client_id", ""))
            if client is None or state.reject_clients or not _authenticated(client, form):
                return self._refuse(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
            grant_type = form.get("grant_type")
            if grant_type == "client_credentials":
                return 200, self._tokens(client.mailbox, None)
            if grant_type == "urn:ietf:params:oauth:grant-type:device_code":
                return self._device_grant(form)
            if grant_type == "authorization_code":
                if state.codes.pop(form.get("code", ""), None) != form["client_id"]:
                    return self._refuse(400, "invalid_grant", "unknown authorization code")
                grant = secrets.token_hex(8)
                state.grants[grant] = client.mailbox
                return 200, self._delegated(form["client_id"], grant)
            if grant_type != "refresh_token":
                return self._refuse(400, "unsupported_grant_type", grant_type or "")
            held = state.refresh_tokens.pop(form.get("refresh_token", ""), None)  # rotation: used once
            if held is None or held[0] != form["client_id"] or held[1] in state.revoked:
                return self._refuse(400, "invalid_grant", "AADSTS70008: The refresh token has expired or been revoked.")
            return 200, self._delegated(held[0], held[1])

    def _device_grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        request = self.state.device_codes.get(form.get("device_code", ""))
        if request is None:
            return self._refuse(400, "expired_token", "unknown device code")
        if not request["approved"]:
            return 400, {"error": "authorization_pending", "error_description": "waiting for the person"}
        del self.state.device_codes[form["device_code"]]
        grant = secrets.token_hex(8)
        self.state.grants[grant] = self.state.clients[form["client_id"]].mailbox
        return 200, self._delegated(form["client_id"], grant)

    def _delegated(self, client_id: str, grant: str) -> dict[str, Any]:
        """Tokens for a person's grant, with what msal needs to file it under an account."""
        mailbox = self.state.grants[grant]
        body = self._tokens(mailbox, self._new_refresh(client_id, grant))
        info = json.dumps({"uid": grant, "utid": "test"}).encode()
        body["client_info"] = base64.urlsafe_b64encode(info).decode().rstrip("=")
        now = int(time.time())
        body["id_token"] = jwt.encode({"sub": grant, "oid": grant, "tid": "test", "preferred_username": mailbox,
                                       "aud": client_id, "iss": f"{self.base_url}/test/v2.0", "iat": now,
                                       "exp": now + 3600}, self._key, algorithm="RS256")
        return body

    def device_code(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            if form.get("client_id") not in self.state.clients:
                return self._refuse(400, "unauthorized_client", "AADSTS700016: Application not found")
            code, user_code = secrets.token_urlsafe(16), secrets.token_hex(4).upper()
            self.state.device_codes[code] = {"user_code": user_code, "approved": False}
        return 200, {"device_code": code, "user_code": user_code, "verification_uri": f"{self.base_url}/device",
                     "expires_in": 900, "interval": 1, "message": "To sign in, use a web browser."}

    def _refuse(self, status: int, error: str, description: str) -> tuple[int, dict[str, Any]]:
        self.state.refused.append(error)
        return status, {"error": error, "error_description": description}

    def _tokens(self, mailbox: str, refresh: str | None) -> dict[str, Any]:
        self.state.access_tokens += 1
        forged = self.state.forged > 0
        self.state.forged -= forged
        token = self.mint(mailbox, self.state.lifetime, forged=forged)
        self.state.secrets_seen.append(token)
        body: dict[str, Any] = {"token_type": "Bearer", "expires_in": int(self.state.lifetime),
                                "access_token": token}
        if refresh:
            body["refresh_token"] = refresh
        return body

    def discovery(self, tenant: str) -> dict[str, Any]:
        base = f"{self.base_url}/{tenant}"
        return {"issuer": f"{base}/v2.0", "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode"}


def _authenticated(client: Client, form: dict[str, str]) -> bool:
    """A secret that matches, or an assertion signed by the client's certificate key (RFC 7523)."""
    if client.certificate is not None:
        try:
            claims = jwt.decode(form.get("client_assertion", ""), client.certificate, algorithms=["RS256", "PS256"],
                                options={"verify_aud": False})
        except jwt.PyJWTError:
            return False
        return claims.get("iss") == claims.get("sub") == form.get("client_id")
    return not client.secret or form.get("client_secret") == client.secret


def _handler(idp: IdentityProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            parts = self.path.split("?")[0].strip("/").split("/")
            if parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
                self._send(200, idp.discovery(parts[0]))
            else:
                self._send(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            basic = self.headers.get("Authorization", "")
            if basic.startswith("Basic "):  # RFC 6749 §2.3.1: client credentials in the header
                name, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                form.update(client_id=urllib.parse.unquote_plus(name), client_secret=urllib.parse.unquote_plus(secret))
            if self.path.split("?")[0].endswith("/token"):
                self._send(*idp.token_answer(form))
            elif self.path.split("?")[0].endswith("/devicecode"):
                self._send(*idp.device_code(form))
            else:
                self._send(404, {"error": "not_found"})

    return Handler
