"""`dhtt run` is the whole service: it answers mail and schedules the Sở's digest, reminders and reports,
exactly as `python scheduler.py` does."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from reports.jobs import STORE, register_report_jobs
from scheduler import build_app
from settings import load_settings
from store.db import open_database
from store.models import Reply
from tests.integration.helpers import write_config

DHTT = str(Path(sys.executable).with_name("dhtt"))
SCHEDULER = str(Path(__file__).resolve().parents[2] / "scheduler.py")
STAFF = ["thidua@ninhbinh.edu.vn", "vanphong@ninhbinh.edu.vn"]
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


def _digest_due_at(config: Path, moment: datetime) -> None:
    """The job table as a service left it whose next digest falls at `moment` (the other jobs as
    the schedule says): what a worker finds when a digest time comes while it runs."""
    app = build_app(load_settings(config), "test-setup")
    try:
        scheduler = BackgroundScheduler(timezone=app.settings.intake.timezone)
        register_report_jobs(scheduler, app.jobs)
        scheduler.start(paused=True)
        scheduler.modify_job("send_digest", jobstore=STORE, next_run_time=moment)
        scheduler.shutdown()
    finally:
        app.close()
        app.engine.dispose()


@pytest.mark.parametrize("command", [[DHTT, "run"], [sys.executable, SCHEDULER]], ids=["dhtt-run", "scheduler"])
def test_the_service_sends_the_staff_digest_when_it_falls_due(command, dovecot, imap_account, smtp_sink,  # type: ignore[no-untyped-def]
                                                               database_url, tmp_path):
    """GIVEN staff addresses in the configuration and a digest due in a few seconds WHEN the service
    runs (`dhtt run`, as the README says, or `python scheduler.py`) THEN staff receive the digest
    once, it is recorded as sent, and SIGTERM stops the service cleanly."""
    config = write_config(tmp_path / "config.toml", imap_account, smtp_sink, database_url, tmp_path / "storage")
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f"staff = {STAFF!r}\n".replace("'", '"'))
    _digest_due_at(config, datetime.now(UTC) + timedelta(seconds=3))
    env = {**os.environ, "DHTT_TEST_IMAP_PASSWORD": imap_account.password}
    proc = subprocess.Popen([*command, "--config", str(config)], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        try:
            (sent,) = smtp_sink.wait_for(1, timeout=60)
        except TimeoutError:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "exited"
            raise
        time.sleep(1)  # a second digest, if the job ran twice, would have arrived by now
        assert len(smtp_sink.messages) == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    assert code == 0
    assert sorted(sent.rcpt_tos) == sorted(STAFF)
    subject = str(make_header(decode_header(email.message_from_bytes(sent.data)["Subject"])))
    assert subject.startswith("[DHTT] Báo cáo h") and "tiếp nhận hồ sơ" in subject, subject
    engine = open_database(database_url)
    with Session(engine) as db:
        digests = list(db.exec(select(Reply).where(Reply.kind == "digest")))
    engine.dispose()
    assert len(digests) == 1 and digests[0].status == "sent"
