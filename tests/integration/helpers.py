"""Building a worker against the test servers, and seeding a mailbox from .eml files."""

from __future__ import annotations

import email.utils
import re
from datetime import datetime
from pathlib import Path

from intake.worker import Worker
from scheduler import build_app
from settings import Settings, parse_settings
from tests.servers import SmtpSink

_TEST_RECEIVED = re.compile(rb"^X-Test-Received:\s*(.+?)\r?$", re.M | re.I)


def test_received(data: bytes) -> datetime | None:
    """The corpus's server receipt time (X-Test-Received), used as INTERNALDATE on APPEND."""
    match = _TEST_RECEIVED.search(data)
    return email.utils.parsedate_to_datetime(match.group(1).decode()) if match else None


def make_settings(account, sink: SmtpSink, database_url: str, tmp: Path, **intake: object) -> Settings:  # type: ignore[no-untyped-def]
    return parse_settings({
        "imap": {"host": account.host, "port": account.port, "security": "none", "user": account.user,
                 "password_env": "DHTT_TEST_IMAP_PASSWORD", "idle_renew_seconds": 30},
        "smtp": {"host": sink.host, "port": sink.port, "security": "none"},
        "database": {"url": database_url},
        "intake": {"storage_dir": str(tmp / "storage"), "poll_seconds": 30, **intake},
    }, tmp)


def make_worker(settings: Settings, name: str = "test-worker") -> Worker:
    return build_app(settings, name).worker


def seed(dovecot, account, files: list[Path]) -> None:  # type: ignore[no-untyped-def]
    for path in files:
        data = path.read_bytes()
        dovecot.append(account.user, account.password, "INBOX", data, test_received(data))


def write_config(path: Path, account, sink: SmtpSink, database_url: str, storage: Path,  # type: ignore[no-untyped-def]
                 poll_seconds: int = 30) -> Path:
    """A config.toml for a worker run as a separate process (the CLI), against the test servers."""
    path.write_text(f"""
[imap]
host = "{account.host}"
port = {account.port}
security = "none"
user = "{account.user}"
password_env = "DHTT_TEST_IMAP_PASSWORD"
idle_renew_seconds = 30

[smtp]
host = "{sink.host}"
port = {sink.port}
security = "none"

[database]
url = "{database_url}"

[intake]
storage_dir = "{storage}"
poll_seconds = {poll_seconds}
""", encoding="utf-8")
    return path


def seed_nominations(dovecot, account, count: int, seed: int) -> set[str]:  # type: ignore[no-untyped-def]
    """Append `count` generated nomination mails from one school; their Message-IDs."""
    import email
    import random
    from datetime import UTC

    from tests.mailgen import nomination_mail

    rng = random.Random(seed)
    ids = set()
    with dovecot.client(account.user, account.password) as client:
        for i in range(count):
            data = nomination_mail(i, "c3chuyenlvt@ninhbinh.edu.vn", "Trường THPT chuyên Lương Văn Tụy",
                                   datetime(2024, 6, 17, 8, 0, tzinfo=UTC), rng)
            client.append("INBOX", data)
            ids.add(str(email.message_from_bytes(data)["Message-ID"]))
    return ids


def wait_until(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    """Poll `predicate` every 50 ms until it holds or `timeout` seconds pass."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
