"""Shared fixtures: real Dovecot, SMTP sink and PostgreSQL on loopback, and the shared corpus.

A server that cannot start fails the tests that need it, with its log tail; nothing is skipped.
"""

from __future__ import annotations

import itertools
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.servers import Dovecot, PostgresCluster, ServerError, SmtpSink

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus"

_serial = itertools.count(1)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module, defined once for all. Playwright's sync API keeps an event loop
    running in the thread while it is open: two at once fail, and so would the asyncio.run() of the
    tests that come after (pyHanko's), so it must close when its module ends."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _started(make: Callable[[], T]) -> T:
    """Run `make` and turn a server that failed to start into a clear test failure."""
    try:
        return make()
    except ServerError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def server_root() -> Iterator[Path]:
    """A short, world-traversable folder for the servers' files.

    pytest's own temp folders are 0700, which Dovecot's and PostgreSQL's service users
    cannot enter when we run as root; Unix socket paths must also stay under 108 bytes.
    """
    root = Path(tempfile.mkdtemp(prefix="dhtt-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot(server_root: Path) -> Iterator[Dovecot]:
    """One Dovecot per session (stopping takes about a second); tests isolate by user."""
    server = Dovecot(server_root / "dovecot", ssl=True)
    _started(server.start)
    yield server
    server.stop()


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    user: str
    password: str
    ssl_port: int | None = None
    cafile: Path | None = None


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    """A fresh user with an empty mailbox on the session's Dovecot."""
    user = f"user{next(_serial)}@test.invalid"
    password = secrets.token_urlsafe(12)
    dovecot.add_user(user, password)
    return ImapAccount(dovecot.host, dovecot.port, user, password, dovecot.ssl_port, dovecot.cert_path)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """An SMTP server on loopback that keeps what it receives; it starts in milliseconds."""
    sink = SmtpSink()
    _started(sink.start)
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def pg_cluster(server_root: Path) -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster, started only when a test asks for it."""
    cluster = _started(lambda: PostgresCluster(server_root / "pg"))
    _started(cluster.start)
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLAlchemy URL of an empty database: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'dhtt.sqlite'}"
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database(f"test_{next(_serial)}")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared corpus of real nomination mails, kept beside the repository."""
    if not (CORPUS_DIR / "emails").is_dir():
        message = f"shared corpus not found at {CORPUS_DIR}: keep shared/ beside the repository"
        pytest.fail(message, pytrace=False)
    return CORPUS_DIR
