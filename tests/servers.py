"""Real servers on loopback for tests, demos and benchmarks: Dovecot, an SMTP sink, PostgreSQL.

Kept free of pytest so that `scripts/` and `bench/` can start the same servers.
"""

from __future__ import annotations

import glob
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import threading
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Self

import psycopg
from imapclient import IMAPClient
from psycopg import sql

LOOPBACK = "127.0.0.1"


class ServerError(RuntimeError):
    """A test server could not start or stop; the message carries its log tail."""


def free_port() -> int:
    """Return a TCP port on loopback that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _is_root() -> bool:
    return os.geteuid() == 0


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def _check_traversable(directory: Path, user: str) -> None:
    """Fail early when a service user could not reach `directory`.

    Daemons that drop root privileges need +x on every parent; without it they fail later
    with vague errors ("Temporary authentication failure", "could not open file").
    """
    if not _is_root():
        return
    for parent in directory.resolve().parents:
        if not parent.stat().st_mode & 0o001:
            raise ServerError(f"{parent} is not traversable by {user!r}: chmod o+x it or use another folder")


def _alive(pid: int) -> bool:
    """True while `pid` runs; a zombie counts as gone.

    A daemon's master is reparented to PID 1, which in containers may reap it seconds later.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: fall back to signal 0
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_until_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class _Server:
    """Start/stop bookkeeping shared by the servers: context manager and restart."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


_DOVECOT_CONF = """\
base_dir = {base_dir}
state_dir = {state_dir}
log_path = {log}
info_log_path = {log}
listen = {host}
protocols = imap{submission_protocol}
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
first_valid_uid = {uid}
mail_location = maildir:~/Maildir{layout}
namespace inbox {{
  inbox = yes
  separator = {separator}
}}
{identity}
{passdb}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {ssl_port}
    ssl = yes
  }}
{login_chroot}
}}
{submission}
{ssl}
"""

_PASSWORD_PASSDB = """\
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}/%u
}}"""

# Token-only sign-in: Dovecot checks the JWT's signature (keys under keys/), expiry and email itself.
_OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {args}
}}"""

_OAUTH2_ARGS = """\
introspection_mode = local
local_validation_key_dict = fs:posix:prefix={keys}/
username_attribute = email
"""

# The SMTP submission service (dovecot-submissiond), relaying what it accepts to an SMTP sink.
_SUBMISSION = """\
submission_relay_host = {relay_host}
submission_relay_port = {relay_port}
submission_relay_ssl = no
submission_relay_trusted = yes
service submission-login {{
  inet_listener submission {{
    port = {port}
  }}
{login_chroot}
}}"""

# Without root, the internal users must be ourselves and nothing can chroot.
_DOVECOT_UNPRIVILEGED = """\
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
service anvil {{
  chroot =
}}
"""


class Dovecot(_Server):
    """A private Dovecot IMAP server in `directory`; users have plain passwords in passwd-files."""

    host = LOOPBACK

    def __init__(self, directory: Path, *, ssl: bool = False, separator: str = ".",
                 oauth2_keys: Path | None = None, relay: tuple[str, int] | None = None) -> None:
        """With `oauth2_keys` (Dovecot's key folder: default/RS256/<kid> PEM files) users sign in
        by token only (XOAUTH2, OAUTHBEARER); with `relay` a submission service (SMTP, same sign-in)
        listens on `submission_port` and relays to that host and port."""
        self.directory = Path(directory)
        self.oauth2_keys = Path(oauth2_keys) if oauth2_keys else None
        self.relay = relay
        self.submission_port: int | None = free_port() if relay else None
        self.ssl = ssl
        # Dovecot's own "." by default, unlike the "/" of Gmail and of config.toml's folder paths,
        # so that tests catch code that assumes one hierarchy separator.
        self.separator = separator
        self.port = free_port()
        # Port 0 would make Dovecot pick one we cannot learn; without SSL the listener is disabled.
        self.ssl_port: int | None = free_port() if ssl else None
        self.log_path = self.directory / "dovecot.log"
        self.cert_path = self.directory / "cert.pem"
        self._conf = self.directory / "dovecot.conf"
        self._users_dir = self.directory / "users"

    @property
    def _pid_file(self) -> Path:
        return self.directory / "run" / "master.pid"

    def log_tail(self, lines: int = 40) -> str:
        return _log_tail(self.log_path, lines)

    def add_user(self, name: str, password: str) -> None:
        """Add a user or change its password; works while the server runs.

        Dovecot re-reads a passwd-file at most once a second, so a single file would hide a user
        added just after a login: one file per user makes a new user visible at once.
        """
        if any(c in name for c in ":/\n") or any(c in password for c in ":\n") or name in ("", ".", ".."):
            raise ValueError(f"unusable IMAP user name or password for {name!r}")
        self._users_dir.mkdir(parents=True, exist_ok=True)
        tmp = self._users_dir / f".{name}.tmp"
        tmp.write_text(f"{name}:{{PLAIN}}{password}::::::\n")
        tmp.chmod(0o644)  # read by Dovecot's auth user
        os.replace(tmp, self._users_dir / name)

    def start(self) -> None:
        if self.running:  # left over by an earlier run, listening on another port
            self.stop()
        self._prepare()
        with open(self.log_path, "ab") as log:
            # Dovecot daemonizes and its children keep our stdout: a pipe would never close.
            result = subprocess.run(
                [_dovecot_binary(), "-c", str(self._conf)], stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        if result.returncode != 0 or not self._wait_listening(5.0):
            raise ServerError(f"Dovecot did not start (exit {result.returncode}); log:\n{self.log_tail()}")

    def stop(self) -> None:
        pid = self._pid()
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        if not _wait_until_gone(pid, 15.0):
            raise ServerError(f"Dovecot (pid {pid}) did not stop; log:\n{self.log_tail()}")

    @property
    def running(self) -> bool:
        pid = self._pid()
        return pid is not None and _alive(pid)

    @property
    def pid(self) -> int | None:
        """The master process's id (its sessions are its children), or None when not started."""
        return self._pid()

    def _pid(self) -> int | None:
        try:
            return int(self._pid_file.read_text().split()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return None

    def _wait_listening(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1.0):
                    return True
            except OSError:
                time.sleep(0.02)
        return False

    def _prepare(self) -> None:
        for sub in ("run", "state", "home", "users"):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)
        _check_traversable(self.directory, "dovecot")
        # Dovecot's own users read the config, passwd-file and cert from here.
        self.directory.chmod(0o755)
        if _is_root():
            mail = pwd.getpwnam("mail")
            uid, gid = mail.pw_uid, mail.pw_gid
            os.chown(self.directory / "home", uid, gid)
            identity, login_chroot = "", ""
        else:
            me = pwd.getpwuid(os.getuid())
            uid, gid = me.pw_uid, me.pw_gid
            identity = _DOVECOT_UNPRIVILEGED.format(user=me.pw_name, group=grp.getgrgid(gid).gr_name)
            login_chroot = "  chroot ="
        if self.ssl and not self.cert_path.exists():
            self._make_cert()
        key = self.directory / "key.pem"
        ssl_settings = "ssl = no"
        if self.ssl:
            ssl_settings = f"ssl = yes\nssl_cert = <{self.cert_path}\nssl_key = <{key}"
        self._conf.write_text(
            _DOVECOT_CONF.format(
                base_dir=self.directory / "run",
                state_dir=self.directory / "state",
                log=self.log_path,
                host=self.host,
                uid=uid,
                gid=gid,
                identity=identity,
                users=self._users_dir,
                home=self.directory / "home",
                separator=self.separator,
                # Maildir++ on disk joins levels with "." and so refuses "." in names under "/".
                layout=":LAYOUT=fs" if self.separator != "." else "",
                port=self.port,
                ssl_port=self.ssl_port or 0,
                login_chroot=login_chroot,
                ssl=ssl_settings,
                **self._auth_settings(login_chroot),
            )
        )

    def _auth_settings(self, login_chroot: str) -> dict[str, str]:
        """The sign-in and submission parts of the configuration (password-only by default)."""
        values = {"mechanisms": "plain login", "passdb": _PASSWORD_PASSDB.format(users=self._users_dir),
                  "submission_protocol": "", "submission": ""}
        if self.oauth2_keys is not None:
            args = self.directory / "oauth2.conf.ext"
            args.write_text(_OAUTH2_ARGS.format(keys=self.oauth2_keys))
            args.chmod(0o644)
            values.update(mechanisms="xoauth2 oauthbearer", passdb=_OAUTH2_PASSDB.format(args=args))
        if self.relay is not None:
            values.update(submission_protocol=" submission", submission=_SUBMISSION.format(
                relay_host=self.relay[0], relay_port=self.relay[1], port=self.submission_port,
                login_chroot=login_chroot))
        return values

    def _make_cert(self) -> None:
        key = self.directory / "key.pem"
        cmd = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(self.cert_path),
        ]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise ServerError(f"openssl could not make a certificate:\n{result.stderr}")
        # Dovecot reads the key as root before dropping privileges; others need not.
        key.chmod(0o600)

    # --- IMAP helpers for setting up cases -------------------------------------------------

    def client(self, user: str, password: str) -> IMAPClient:
        """Return a logged-in client on the plain port; on a token-only server `password` is a token."""
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        if self.oauth2_keys is not None:
            client.oauth2_login(user, password)
        else:
            client.login(user, password)
        return client

    def append(
        self, user: str, password: str, folder: str, data: bytes, internaldate: datetime | None = None
    ) -> int:
        """APPEND `data` to `folder` (created if missing); return the new message's UID."""
        with self.client(user, password) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            response = client.append(folder, data, msg_time=internaldate)
        # UIDPLUS answers "[APPENDUID <uidvalidity> <uid>] ..."
        code = response.decode() if isinstance(response, bytes) else str(response)
        return int(code.split("APPENDUID", 1)[1].split()[1].rstrip("]"))

    def kick(self, user: str) -> None:
        """Drop every session of `user`, as a server does when it restarts or expires a session."""
        doveadm = shutil.which("doveadm", path="/usr/bin:/usr/sbin:/bin:/sbin") or "doveadm"
        subprocess.run([doveadm, "-c", str(self._conf), "kick", user], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    def delete_folder(self, user: str, password: str, folder: str) -> None:
        with self.client(user, password) as client:
            if client.folder_exists(folder):
                client.delete_folder(folder)

    def folder_uids(self, user: str, password: str, folder: str) -> tuple[int, list[int]]:
        """Return (UIDVALIDITY, sorted UIDs) of `folder`."""
        with self.client(user, password) as client:
            info = client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
        return int(info[b"UIDVALIDITY"]), sorted(int(uid) for uid in uids)


def _dovecot_binary() -> str:
    # Debian installs it in /usr/sbin, which is not on an ordinary user's PATH.
    found = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")
    if not found:
        raise ServerError("dovecot not found: apt-get install dovecot-imapd dovecot-core")
    return found


class SinkMessage(NamedTuple):
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


class SmtpSink(_Server):
    """An aiosmtpd server on loopback that keeps every message it receives (and can spool them)."""

    host = LOOPBACK

    def __init__(self, spool_dir: Path | None = None) -> None:
        self.port = free_port()
        self.spool_dir = Path(spool_dir) if spool_dir else None
        self._messages: list[SinkMessage] = []
        self._changed = threading.Condition()
        self._controller: Any = None

    @property
    def messages(self) -> list[SinkMessage]:
        with self._changed:
            return list(self._messages)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content
        message = SinkMessage(envelope.mail_from, list(envelope.rcpt_tos), bytes(data))
        with self._changed:
            self._messages.append(message)
            if self.spool_dir:
                name = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}.eml"
                (self.spool_dir / name).write_bytes(message.data)
            self._changed.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[SinkMessage]:
        """Return the messages once at least `count` arrived; raise TimeoutError otherwise."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._messages) >= count, timeout):
                raise TimeoutError(f"SMTP sink got {len(self._messages)} of {count} messages in {timeout} s")
            return list(self._messages)

    def clear(self) -> None:
        with self._changed:
            self._messages.clear()

    def start(self) -> None:
        if self._controller is not None:
            return
        # Imported here: aiosmtpd is a test extra, and the IMAP helpers are useful without it.
        from aiosmtpd.controller import Controller

        if self.spool_dir:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
        self._controller = Controller(self, hostname=self.host, port=self.port, enable_SMTPUTF8=True)
        try:
            self._controller.start()
        except Exception as exc:  # aiosmtpd raises bare errors from its thread
            self._controller = None
            raise ServerError(f"SMTP sink did not start on {self.host}:{self.port}: {exc!r}") from exc

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class PostgresCluster(_Server):
    """A throwaway PostgreSQL cluster in `directory`, trust auth on loopback, fsync off."""

    host = LOOPBACK

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.port = free_port()
        self.bin_dir = _postgres_bin_dir()
        self.log_path = self.directory / "postgres.log"

    def log_tail(self, lines: int = 40) -> str:
        return _log_tail(self.log_path, lines)

    def _run(self, program: str, *args: str, check: str | None = None) -> int:
        """Run a PostgreSQL program on this cluster; with `check`, raise if it fails."""
        # initdb and postgres refuse to run as root.
        prefix = ["runuser", "-u", "postgres", "--"] if _is_root() else []
        command = [*prefix, str(self.bin_dir / program), "-D", str(self.directory), *args]
        result = subprocess.run(
            command, cwd=self.directory, stdin=subprocess.DEVNULL, capture_output=True, text=True
        )
        if check and result.returncode != 0:
            raise ServerError(
                f"PostgreSQL {check} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}\n"
                f"log:\n{self.log_tail()}"
            )
        return result.returncode

    def start(self) -> None:
        self.stop()  # a cluster left running by an earlier run listens on another port
        self.directory.mkdir(parents=True, exist_ok=True)
        _check_traversable(self.directory, "postgres")
        if _is_root():
            shutil.chown(self.directory, "postgres", "postgres")
        if not (self.directory / "PG_VERSION").exists():
            self._run("initdb", "--auth=trust", "-E", "UTF8", "--no-sync", "-U", "postgres", check="initdb")
        options = f"-p {self.port} -k {self.directory} -c listen_addresses={self.host} -c fsync=off"
        self._run("pg_ctl", "-l", str(self.log_path), "-w", "-o", options, "start", check="start")

    def stop(self) -> None:
        if self.running:
            self._run("pg_ctl", "-m", "fast", "-w", "stop", check="stop")

    @property
    def running(self) -> bool:
        # `pg_ctl status` also sees through a stale postmaster.pid left by a crash.
        return (self.directory / "postmaster.pid").exists() and self._run("pg_ctl", "status") == 0

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create database `name` and return its SQLAlchemy URL."""
        admin = f"host={self.host} port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8'").format(sql.Identifier(name)))
        return self.url(name)


def _postgres_bin_dir() -> Path:
    """Find the newest PostgreSQL server binaries (Debian keeps them off PATH)."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")

    def version(path: str) -> tuple[int, ...]:
        part = Path(path).parent.parent.name
        return tuple(int(x) for x in part.split(".") if x.isdigit())

    if found:
        return Path(max(found, key=version)).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServerError("PostgreSQL server binaries not found: apt-get install postgresql")
