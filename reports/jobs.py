"""Scheduled jobs of the Sở's side: digest, reminders and the quarterly reports, in a persistent job store.

Jobs live in the database (table apscheduler_jobs), so a run missed while the worker was down is
still due when it starts again, and with coalesce=True it runs once, not once per missed day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.engine import Engine

from domain.quarters import WINDOW_LAST_DAY, deadline, quarter_of
from domain.units import UnitDirectory
from reports.context import ReportContext
from reports.digest_mail import send_digest
from reports.quarterly import report_quarter
from reports.reminders import send_reminders

log = logging.getLogger(__name__)
STORE = "reports"
TABLE = "apscheduler_jobs"
QUARTER_ENDS = "3,6,9,12"


@dataclass(frozen=True)
class ReportJobs:
    """What the report jobs act on, given by the composition root (scheduler.build_app)."""

    engine: Engine
    units: UnitDirectory
    ctx: ReportContext
    flush: Callable[[], object]  # sends what a job queued (the worker's outbox flush)


def closed_quarter(now: datetime, ctx: ReportContext) -> str:
    """The latest quarter whose window has closed at `now` (a late catch-up still reports the right one)."""
    local = now.astimezone(ctx.timezone)
    months_back = 0 if local.month % 3 == 0 and local.day > WINDOW_LAST_DAY else local.month % 3 or 3
    year, month = local.year, local.month - months_back
    if month <= 0:
        year, month = year - 1, month + 12
    return f"{year}-Q{(month - 1) // 3 + 1}"


def digest(jobs: ReportJobs) -> None:
    try:
        send_digest(jobs.engine, jobs.units, jobs.ctx, datetime.now(UTC))
        jobs.flush()
    except Exception:  # noqa: BLE001 - the one per-job catch: the next run tries again
        log.exception("send_digest failed")


def reminders(jobs: ReportJobs) -> None:
    now = datetime.now(UTC)
    try:
        if now > deadline(quarter_of(now, jobs.ctx.timezone), jobs.ctx.timezone):
            log.info("send_reminders: caught up after the 20th, no reminder is useful any more")
            return
        mails = send_reminders(jobs.engine, jobs.units, jobs.ctx, now)
        log.info("send_reminders: %d reminder(s) queued", len(mails))
        jobs.flush()
    except Exception:  # noqa: BLE001 - the one per-job catch
        log.exception("send_reminders failed")


def quarter_reports(jobs: ReportJobs) -> None:
    now = datetime.now(UTC)
    try:
        paths = report_quarter(jobs.engine, closed_quarter(now, jobs.ctx), jobs.units, jobs.ctx, now)
        log.info("write_quarter_reports: %s", ", ".join(str(p) for p in paths))
        jobs.flush()
    except Exception:  # noqa: BLE001 - the one per-job catch
        log.exception("write_quarter_reports failed")


# The references the job table stores. A job's runtime (engine, units, the outbox) cannot be
# pickled, so a stored job names one of these and ReportJobStore runs its body with the runtime of
# the process that loaded it. The names are those earlier versions stored, so their rows still load.
def run_digest() -> None:
    raise RuntimeError("send_digest runs through ReportJobStore")


def run_reminders() -> None:
    raise RuntimeError("send_reminders runs through ReportJobStore")


def run_quarter_reports() -> None:
    raise RuntimeError("write_quarter_reports runs through ReportJobStore")


BODIES: dict[str, Callable[[ReportJobs], None]] = {
    "send_digest": digest, "send_reminders": reminders, "write_quarter_reports": quarter_reports,
}


class ReportJobStore(SQLAlchemyJobStore):  # type: ignore[misc]  # APScheduler 3 is untyped
    """The job table on the worker's database, binding each job it loads to this process's runtime.

    APScheduler runs only jobs it has just loaded from its store (due jobs are read from the table
    on every wake-up), so every run goes through `_reconstitute_job`. The stored state keeps the
    plain reference, so updating a job after its run pickles no runtime.
    """

    def __init__(self, jobs: ReportJobs) -> None:
        super().__init__(engine=jobs.engine, tablename=TABLE)
        self.jobs = jobs

    def _reconstitute_job(self, job_state: bytes) -> Job:
        job: Job = super()._reconstitute_job(job_state)
        body = BODIES.get(job.id)
        if body is not None:
            job.func = partial(body, self.jobs)
        return job


def triggers(ctx: ReportContext) -> dict[str, tuple[object, BaseTrigger]]:
    """Job id → (function, trigger), from the [reports] settings."""
    s, tz = ctx.reports, ctx.timezone
    digest_trigger = OrTrigger([
        CronTrigger(month=QUARTER_ENDS, day="15-20", hour=s.digest_hour, timezone=tz),  # daily in a window
        CronTrigger(day_of_week=s.digest_weekday, hour=s.digest_hour, timezone=tz),  # weekly otherwise
    ])
    days = ",".join(str(WINDOW_LAST_DAY - d) for d in sorted(set(s.reminder_days), reverse=True))
    return {
        "send_digest": (run_digest, digest_trigger),
        "send_reminders": (run_reminders, CronTrigger(month=QUARTER_ENDS, day=days, hour=s.reminder_hour,
                                                      timezone=tz)),
        "write_quarter_reports": (run_quarter_reports, CronTrigger(month=QUARTER_ENDS, day=s.report_day,
                                                                   hour=s.report_hour, timezone=tz)),
    }


def register_report_jobs(scheduler: BaseScheduler, jobs: ReportJobs) -> None:
    """Add the three jobs to `scheduler` in a job store on the worker's database.

    A job already stored with the same trigger is kept as it is: re-adding it would compute its
    next run from now and drop the run that was missed while the worker was down.
    """
    store = ReportJobStore(jobs)
    scheduler.add_jobstore(store, STORE)
    store.start(scheduler, STORE)  # creates the table, so stored jobs can be looked at before start
    grace = jobs.ctx.reports.misfire_grace_hours * 3600
    for job_id, (func, trigger) in triggers(jobs.ctx).items():
        stored = store.lookup_job(job_id)
        if stored is not None and str(stored.trigger) == str(trigger):
            continue
        scheduler.add_job(func, trigger, id=job_id, jobstore=STORE, replace_existing=True, max_instances=1,
                          coalesce=True, misfire_grace_time=grace)
