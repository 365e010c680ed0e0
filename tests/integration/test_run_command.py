"""`dhtt run` is the whole service: it answers mail and schedules the Sở's digest, reminders and reports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import inspect, text

from store.db import open_database
from tests.integration.helpers import write_config

DHTT = str(Path(sys.executable).with_name("dhtt"))
REPORT_JOBS = {"send_digest", "send_reminders", "write_quarter_reports"}


def _stored_jobs(engine) -> set[str]:  # type: ignore[no-untyped-def]
    if not inspect(engine).has_table("apscheduler_jobs"):
        return set()
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT id FROM apscheduler_jobs"))}


def test_dhtt_run_schedules_the_report_jobs(dovecot, imap_account, smtp_sink, database_url, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN the README's `dhtt run` WHEN it has started THEN the digest, reminder and report jobs are
    scheduled in the database, and SIGTERM stops it cleanly."""
    config = write_config(tmp_path / "config.toml", imap_account, smtp_sink, database_url, tmp_path / "storage")
    env = {**os.environ, "DHTT_TEST_IMAP_PASSWORD": imap_account.password}
    engine = open_database(database_url)
    proc = subprocess.Popen([DHTT, "run", "--config", str(config)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while _stored_jobs(engine) < REPORT_JOBS:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "exited"
            assert time.monotonic() < deadline, "the report jobs were never scheduled"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    assert code == 0
