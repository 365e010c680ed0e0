"""A Dovecot that accepts OAuth2 tokens only (XOAUTH2, OAUTHBEARER), like Exchange Online and Gmail
for a client that tries a password: what `dhtt doctor` must recognise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.servers import Dovecot, SmtpSink

_OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {args}
}}
"""

# Dovecot checks the JWTs itself against the keys in this folder (none are needed to refuse a password).
_OAUTH2_ARGS = """\
introspection_mode = local
local_validation_key_dict = fs:posix:prefix={keys}/
username_attribute = email
"""


class OAuthOnlyDovecot(Dovecot):
    """tests.servers.Dovecot with its password mechanisms swapped for the OAuth2 ones.

    The base class writes its whole config from one template; this subclass edits the written file
    rather than copying the template, so that fixes to the base server reach this one too.
    """

    def _prepare(self) -> None:
        super()._prepare()
        keys = self.directory / "keys"
        keys.mkdir(parents=True, exist_ok=True)
        args = self.directory / "oauth2.conf.ext"
        args.write_text(_OAUTH2_ARGS.format(keys=keys))
        args.chmod(0o644)
        conf = self._conf.read_text()
        start = conf.index("passdb {")
        end = conf.index("}\n", start) + 2
        conf = conf[:start] + _OAUTH2_PASSDB.format(args=args) + conf[end:]
        conf = conf.replace("auth_mechanisms = plain login", "auth_mechanisms = xoauth2 oauthbearer")
        Path(self._conf).write_text(conf)


class AuthSmtpSink(SmtpSink):
    """An aiosmtpd sink that asks for sign-in: by password (PLAIN, LOGIN) for one user, or, with
    `oauth_only`, offering XOAUTH2 alone (and refusing every token), as Exchange Online can."""

    def __init__(self, user: str, password: str, *, oauth_only: bool = False) -> None:
        super().__init__()
        self.user, self.password, self.oauth_only = user, password, oauth_only

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> Any:
        from aiosmtpd.smtp import AuthResult

        return AuthResult(success=False, handled=False)  # handled=False: aiosmtpd answers 535

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        ok = data.login == self.user.encode() and data.password == self.password.encode()
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        if self._controller is not None:
            return
        from aiosmtpd.controller import Controller

        excluded = ["PLAIN", "LOGIN"] if self.oauth_only else ["XOAUTH2"]
        # Sign-in over plain TCP is allowed: loopback, and the doctor's TLS checks are tested on IMAP.
        self._controller = Controller(self, hostname=self.host, port=self.port, enable_SMTPUTF8=True,
                                      auth_require_tls=False, authenticator=self._authenticate,
                                      auth_exclude_mechanism=excluded)
        self._controller.start()
