"""The composition root: `python scheduler.py [--config config.toml]` runs the worker.

An IDLE listener keeps the answer time in seconds; APScheduler runs the safety-net poll and the
outbox retry, each with max_instances=1 and coalesce=True so runs never pile up or overlap.
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler

from intake.errors import IntakeError
from intake.runner import run_forever
from intake.worker import Worker
from reports.jobs import register_report_jobs
from reports.template_docx import template_file
from settings import ConfigError, Settings, load_settings
from store.db import open_database
from store.errors import StoreError
from store.units import load_units

log = logging.getLogger("dhtt.scheduler")


def build_worker(settings: Settings, name: str) -> Worker:
    engine = open_database(settings.database.url, settings.database.echo)
    units = load_units(settings.units_path())
    return Worker(settings, engine, units, name=name,
                  template=template_file(settings.reports, settings.smtp.sender))


def poll_mailbox(worker: Worker) -> None:
    """The safety net: IDLE connections die silently, so read the mailbox on a schedule too."""
    try:
        worker.run_once()
    except IntakeError as err:
        log.warning("scheduled poll failed: %s", err)


def build_scheduler(worker: Worker) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=worker.settings.intake.timezone)
    common = {"max_instances": 1, "coalesce": True, "replace_existing": True}
    scheduler.add_job(poll_mailbox, "interval", args=[worker], id="poll_mailbox",
                      seconds=worker.settings.intake.poll_seconds, **common)
    scheduler.add_job(worker.flush, "interval", id="flush_outbox", seconds=60, **common)
    register_report_jobs(scheduler, worker)
    return scheduler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dhtt worker")
    parser.add_argument("--config", type=Path, default=Path("config.toml"))
    parser.add_argument("--worker-name", default=socket.gethostname())
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mailparser").setLevel(logging.ERROR)
    try:
        worker = build_worker(load_settings(args.config), args.worker_name)
    except (ConfigError, StoreError) as err:
        print(str(err), file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with worker:  # closing it stops its reader processes
        serve(worker, stop)
    return 0


def serve(worker: Worker, stop: threading.Event) -> None:
    """The long-running service: the scheduled jobs (poll, outbox, digest, reminders, reports) and
    the IDLE listener, until `stop` is set. `dhtt run` and `python scheduler.py` both come here."""
    scheduler = build_scheduler(worker)
    scheduler.start()
    try:
        run_forever(worker, stop)
    finally:
        scheduler.shutdown(wait=False)


if __name__ == "__main__":
    sys.exit(main())
