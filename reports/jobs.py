"""Scheduled jobs of the Sở's side: digest, reminders and the quarterly reports, in a persistent job store.

Jobs live in the database (table apscheduler_jobs), so a run missed while the worker was down is
still due when it starts again, and with coalesce=True it runs once, not once per missed day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from domain.quarters import WINDOW_LAST_DAY, deadline, quarter_of
from intake.worker import Worker
from reports.context import ReportContext, report_context
from reports.digest_mail import send_digest
from reports.quarterly import report_quarter
from reports.reminders import send_reminders

log = logging.getLogger(__name__)
STORE = "reports"
TABLE = "apscheduler_jobs"
QUARTER_ENDS = "3,6,9,12"


@dataclass
class _Runtime:
    worker: Worker
    ctx: ReportContext


# Stored jobs name a function, not a worker (a worker cannot be pickled): the process that
# registers the jobs says which worker they act on.
_runtime: _Runtime | None = None


def _current() -> _Runtime:
    if _runtime is None:
        raise RuntimeError("report jobs run before register_report_jobs()")
    return _runtime


def closed_quarter(now: datetime, ctx: ReportContext) -> str:
    """The latest quarter whose window has closed at `now` (a late catch-up still reports the right one)."""
    local = now.astimezone(ctx.timezone)
    months_back = 0 if local.month % 3 == 0 and local.day > WINDOW_LAST_DAY else local.month % 3 or 3
    year, month = local.year, local.month - months_back
    if month <= 0:
        year, month = year - 1, month + 12
    return f"{year}-Q{(month - 1) // 3 + 1}"


def run_digest() -> None:
    rt = _current()
    try:
        send_digest(rt.worker.engine, rt.worker.units, rt.ctx, datetime.now(UTC))
        rt.worker.flush()
    except Exception:  # noqa: BLE001 - the one per-job catch: the next run tries again
        log.exception("send_digest failed")


def run_reminders() -> None:
    rt = _current()
    now = datetime.now(UTC)
    try:
        if now > deadline(quarter_of(now, rt.ctx.timezone), rt.ctx.timezone):
            log.info("send_reminders: caught up after the 20th, no reminder is useful any more")
            return
        mails = send_reminders(rt.worker.engine, rt.worker.units, rt.ctx, now)
        log.info("send_reminders: %d reminder(s) queued", len(mails))
        rt.worker.flush()
    except Exception:  # noqa: BLE001 - the one per-job catch
        log.exception("send_reminders failed")


def run_quarter_reports() -> None:
    rt = _current()
    now = datetime.now(UTC)
    try:
        paths = report_quarter(rt.worker.engine, closed_quarter(now, rt.ctx), rt.worker.units, rt.ctx, now)
        log.info("write_quarter_reports: %s", ", ".join(str(p) for p in paths))
        rt.worker.flush()
    except Exception:  # noqa: BLE001 - the one per-job catch
        log.exception("write_quarter_reports failed")


def triggers(ctx: ReportContext) -> dict[str, tuple[object, BaseTrigger]]:
    """Job id → (function, trigger), from the [reports] settings."""
    s, tz = ctx.reports, ctx.timezone
    digest = OrTrigger([
        CronTrigger(month=QUARTER_ENDS, day="15-20", hour=s.digest_hour, timezone=tz),  # daily in a window
        CronTrigger(day_of_week=s.digest_weekday, hour=s.digest_hour, timezone=tz),  # weekly otherwise
    ])
    days = ",".join(str(WINDOW_LAST_DAY - d) for d in sorted(set(s.reminder_days), reverse=True))
    return {
        "send_digest": (run_digest, digest),
        "send_reminders": (run_reminders, CronTrigger(month=QUARTER_ENDS, day=days, hour=s.reminder_hour,
                                                      timezone=tz)),
        "write_quarter_reports": (run_quarter_reports, CronTrigger(month=QUARTER_ENDS, day=s.report_day,
                                                                   hour=s.report_hour, timezone=tz)),
    }


def register_report_jobs(scheduler: BaseScheduler, worker: Worker, ctx: ReportContext | None = None) -> None:
    """Add the three jobs to `scheduler` in a job store on the worker's database.

    A job already stored with the same trigger is kept as it is: re-adding it would compute its
    next run from now and drop the run that was missed while the worker was down.
    """
    global _runtime
    _runtime = _Runtime(worker, ctx or report_context(worker.settings))
    store = SQLAlchemyJobStore(engine=worker.engine, tablename=TABLE)
    scheduler.add_jobstore(store, STORE)
    store.start(scheduler, STORE)  # creates the table, so stored jobs can be looked at before start
    grace = _runtime.ctx.reports.misfire_grace_hours * 3600
    for job_id, (func, trigger) in triggers(_runtime.ctx).items():
        stored = store.lookup_job(job_id)
        if stored is not None and str(stored.trigger) == str(trigger):
            continue
        scheduler.add_job(func, trigger, id=job_id, jobstore=STORE, replace_existing=True, max_instances=1,
                          coalesce=True, misfire_grace_time=grace)
