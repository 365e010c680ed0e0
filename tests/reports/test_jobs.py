"""The scheduled jobs in a persistent store: a digest missed while the worker was down runs once on restart."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session, select

from reports.context import report_context
from reports.jobs import TABLE, register_report_jobs
from scheduler import App, build_app
from store.models import Reply
from tests.reports.conftest import report_settings

JOBS = {"send_digest", "send_reminders", "write_quarter_reports"}


def _worker(database_url: str, tmp: Path, sink) -> App:  # type: ignore[no-untyped-def]
    settings = report_settings(tmp / "unused.sqlite", tmp, sink)
    settings = settings.model_copy(update={"database": settings.database.model_copy(update={"url": database_url})})
    return build_app(settings, "worker")


def _scheduler(worker: App) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=worker.settings.intake.timezone)
    register_report_jobs(scheduler, worker.jobs)
    return scheduler


def _store(worker: App) -> SQLAlchemyJobStore:
    """The job table read as the scheduler reads it (jobs need a scheduler for their time zone)."""
    store = SQLAlchemyJobStore(engine=worker.engine, tablename=TABLE)
    store.start(BackgroundScheduler(timezone=worker.settings.intake.timezone), "reports")
    return store


def _stored_next_run(worker: App, job_id: str) -> datetime:
    job = _store(worker).lookup_job(job_id)
    assert job is not None
    return job.next_run_time


def test_missed_digest_runs_once_after_restart(database_url: str, tmp_path: Path, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    """GIVEN jobs stored by a first run WHEN the worker was down for three digest times and starts again
    THEN the digest runs once, staff get one mail, and the next run is in the future."""
    worker = _worker(database_url, tmp_path, smtp_sink)
    first = _scheduler(worker)
    first.start(paused=True)
    first.shutdown()
    store = _store(worker)
    assert {job.id for job in store.get_all_jobs()} == JOBS
    assert all(job.max_instances == 1 and job.coalesce for job in store.get_all_jobs())
    # The worker was down: the stored digest fell due three days ago and has not run since.
    missed = datetime.now(UTC) - timedelta(days=3)
    job = store.lookup_job("send_digest")
    job._modify(next_run_time=missed)  # what the table holds after a shutdown before that time
    store.update_job(job)

    second = _scheduler(worker)
    assert _stored_next_run(worker, "send_digest") == missed  # registering again kept the missed run
    ran = threading.Event()
    second.add_listener(lambda event: ran.set() if event.job_id == "send_digest" else None,
                        EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    second.start()
    try:
        assert ran.wait(10), "the missed digest did not run"
    finally:
        second.shutdown(wait=True)
    with Session(worker.engine) as db:
        digests = list(db.exec(select(Reply).where(Reply.kind == "digest")))
    assert len(digests) == 1 and digests[0].status == "sent"
    (sent,) = smtp_sink.wait_for(1)
    assert sorted(sent.rcpt_tos) == sorted(worker.settings.intake.staff)
    assert _stored_next_run(worker, "send_digest") > datetime.now(UTC)
    worker.engine.dispose()


def test_changed_schedule_replaces_the_stored_job(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.sqlite'}"
    worker = _worker(url, tmp_path, None)
    first = _scheduler(worker)
    first.start(paused=True)
    first.shutdown()
    before = _stored_next_run(worker, "send_digest")
    ctx = report_context(worker.settings)
    later = ctx.reports.model_copy(update={"digest_hour": (ctx.reports.digest_hour + 1) % 24})
    scheduler = BackgroundScheduler(timezone=worker.settings.intake.timezone)
    register_report_jobs(scheduler, replace(worker.jobs, ctx=report_context(worker.settings, later)))
    scheduler.start(paused=True)
    scheduler.shutdown()
    assert _stored_next_run(worker, "send_digest") != before
    worker.engine.dispose()
