"""Backlog benchmark: 2,000 nomination mails (real .docx forms) in a private Dovecot.

Prints, in one run: a bare imapclient fetch of the mailbox (baseline), the floor (that fetch plus
parsing each mail and reading its documents' text, nothing stored), the worker's backlog time
(fetch, spool, record, decide, reply, move), and both ratios.

Usage: .venv/bin/python bench/ingest.py [--mails 2000] [--size-kb 60]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imapclient import IMAPClient  # noqa: E402

from intake.message import parse_message  # noqa: E402
from parsers.models import DocumentInput  # noqa: E402
from parsers.registry import parse_document  # noqa: E402
from scheduler import build_app  # noqa: E402
from settings import parse_settings  # noqa: E402
from store.units import load_units  # noqa: E402
from tests.mailgen import nomination_mail  # noqa: E402
from tests.servers import Dovecot  # noqa: E402

USER, PASSWORD = "bench", "bench-password"
# The SMTP sink runs until its standard input closes, keeping each mail as a file.
SINK = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.servers import SmtpSink
sink = SmtpSink(Path(sys.argv[2]))
sink.start()
print(sink.port, flush=True)
sys.stdin.read()
sink.stop()
"""


class SinkProcess:
    """The SMTP sink in a process of its own, as the relay is in life on another machine: inside
    the bench's process its work would hold the worker's interpreter lock, a load the floor has not."""

    host = "127.0.0.1"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = 0
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> SinkProcess:
        self._proc = subprocess.Popen([sys.executable, "-c", SINK, str(ROOT), str(self.folder)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        self.port = int(self._proc.stdout.readline())
        return self

    def received(self) -> int:
        return sum(1 for _ in self.folder.glob("*.eml"))

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait(timeout=30)


def seed(dovecot: Dovecot, count: int, size_kb: int) -> int:
    """Mails from every unit in turn, as a real quarter's backlog would be."""
    rng = random.Random(2024)
    units = [u for u in load_units(None).units if u.emails]
    total = 0
    with dovecot.client(USER, PASSWORD) as client:
        for i in range(count):
            unit = units[i % len(units)]
            data = nomination_mail(i, unit.emails[0], unit.name, datetime(2024, 6, 17, 1, 0, tzinfo=UTC), rng,
                                   padding=size_kb * 1024 - 40_000)
            client.append("INBOX", data)
            total += len(data)
    return total


def fetch_all(dovecot: Dovecot, handle=None) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with IMAPClient(dovecot.host, dovecot.port, ssl=False) as client:
        client.login(USER, PASSWORD)
        client.select_folder("INBOX", readonly=True)
        uids = client.search("ALL")
        for i in range(0, len(uids), 100):
            for item in client.fetch(uids[i:i + 100], ["BODY.PEEK[]"]).values():
                if handle:
                    handle(item[b"BODY[]"])
    return time.perf_counter() - started


def read_mail(data: bytes) -> None:
    """The floor's per-mail work: MIME parsing and the documents' text, nothing stored."""
    msg = parse_message(data)
    for att in msg.attachments:
        parse_document(DocumentInput(filename=att.filename, content_type=att.content_type, data=att.data))


def run_worker(dovecot: Dovecot, sink: SinkProcess, var: Path) -> float:
    settings = parse_settings({
        "imap": {"host": dovecot.host, "port": dovecot.port, "security": "none", "user": USER,
                 "password_env": "DHTT_BENCH_PASSWORD", "fetch_batch": 100},
        "smtp": {"host": sink.host, "port": sink.port, "security": "none"},
        "database": {"url": f"sqlite:///{var}/bench.sqlite"},
        "intake": {"storage_dir": str(var / "storage")},
    }, var)
    os.environ["DHTT_BENCH_PASSWORD"] = PASSWORD
    worker = build_app(settings, "bench").worker
    started = time.perf_counter()
    worker.run_once()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--size-kb", type=int, default=60)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="dhtt-bench-"))
    var.chmod(0o755)
    try:
        figures = measure(args.mails, args.size_kb, var)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    report(args.mails, *figures)
    return 0


def measure(mails: int, size_kb: int, var: Path) -> tuple[float, float, float, int]:
    with Dovecot(var / "imap") as dovecot, SinkProcess(var / "sink") as sink:
        dovecot.add_user(USER, PASSWORD)
        size = seed(dovecot, mails, size_kb)
        print(f"mailbox: {mails} mails, {size / mails / 1024:.0f} KB average")
        fetch = fetch_all(dovecot)
        floor = fetch_all(dovecot, read_mail)
        worker = run_worker(dovecot, sink, var)
        return fetch, floor, worker, sink.received()


def report(n: int, fetch: float, floor: float, worker: float, replies: int) -> None:
    print(f"bare imapclient fetch : {fetch:7.2f} s  {n / fetch:7.0f} mails/s")
    print(f"floor (fetch + parse) : {floor:7.2f} s  {n / floor:7.0f} mails/s")
    print(f"worker backlog        : {worker:7.2f} s  {n / worker:7.0f} mails/s  ({replies} replies sent)")
    print(f"ratio worker/floor    : {worker / floor:7.2f}x   (aim: within 1.5x)")
    print(f"ratio worker/fetch    : {worker / fetch:7.2f}x")


if __name__ == "__main__":
    sys.exit(main())
