"""The composition root: builds the App a process runs on, and runs the service.

`python scheduler.py [--config config.toml]` and `dhtt run` both call `main`'s `serve`: the same
worker, the same jobs. Everything a process needs (database, units directory, spool, reader
processes, SMTP client, the pipeline's and the replies' settings, the nomination template, the
report jobs) is built here once, in `build_app`, and handed to whoever uses it; no other module
builds its own collaborators or keeps runtime state at module level.

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
from dataclasses import dataclass
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from domain.units import UnitDirectory
from intake.analysis import AnalysisLimits
from intake.errors import IntakeError
from intake.message import MessageLimits
from intake.outbox import SmtpClient
from intake.outgoing import MailFile, ReplySettings
from intake.pipeline import PipelineSettings
from intake.prefetch import Reader
from intake.runner import run_forever
from intake.screening import ScreenSettings
from intake.spool import Spool
from intake.worker import Worker
from parsers.pdf_signature import load_trust_roots
from reports.context import ReportContext, report_context
from reports.jobs import ReportJobs, register_report_jobs
from reports.template_docx import template_file
from settings import ConfigError, Settings, load_settings
from store.db import open_database
from store.errors import StoreError
from store.units import load_units

log = logging.getLogger("dhtt.scheduler")


@dataclass(frozen=True)
class App:
    """One process of the service, wired: what the worker, the CLI, the web and the jobs use."""

    settings: Settings
    engine: Engine
    units: UnitDirectory
    spool: Spool
    reader: Reader  # the reader processes (started on first use)
    smtp: SmtpClient  # the outbox's relay
    pipeline: PipelineSettings
    replies: ReplySettings
    template: MailFile  # the nomination template, sent with every rejection
    worker: Worker
    reports: ReportContext
    jobs: ReportJobs  # what the digest, reminder and report jobs act on

    def close(self) -> None:
        """Stop the reader processes; every normal exit calls this (a crash takes them along)."""
        self.worker.close()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def analysis_limits(settings: Settings) -> AnalysisLimits:
    intake = settings.intake
    return AnalysisLimits(
        message=MessageLimits(max_header_bytes=intake.max_header_bytes, max_parts=intake.max_attachments,
                              max_depth=intake.max_nesting_depth, max_message_bytes=intake.max_message_bytes),
        document_seconds=intake.document_seconds, mail_seconds=intake.mail_seconds,
        trust_roots=load_trust_roots(settings.path(intake.trust_roots_dir)) if intake.trust_roots_dir else [])


def pipeline_settings(settings: Settings) -> PipelineSettings:
    intake = settings.intake
    return PipelineSettings(
        screen=ScreenSettings(own_addresses=intake.own_addresses + [settings.smtp.sender.lower()]),
        timezone=intake.timezone, reference_prefix=intake.reference_prefix,
        message_id_domain=intake.message_id_domain, quota=settings.quota,
        max_replies_per_hour=intake.max_replies_per_hour, max_message_bytes=intake.max_message_bytes,
        max_attachments=intake.max_attachments, max_replies_per_day=intake.max_replies_per_day,
        authserv_ids=intake.authserv_id, limits=analysis_limits(settings))


def build_app(settings: Settings, name: str, engine: Engine | None = None,
              units: UnitDirectory | None = None) -> App:
    """Wire one process; `engine` and `units` when the caller has opened them already (the CLI)."""
    engine = engine or open_database(settings.database.url, settings.database.echo)
    units = units or load_units(settings.units_path())
    intake = settings.intake
    pipeline = pipeline_settings(settings)
    replies = ReplySettings.of(settings)
    template = template_file(settings.reports, settings.smtp.sender)
    spool = Spool(settings.path(intake.storage_dir))
    reader = Reader(units, pipeline.limits, intake.reader_processes, intake.reader_memory_mb, spool.root,
                    authserv_ids=pipeline.authserv_ids)
    smtp = SmtpClient(settings.smtp, settings.secret(settings.smtp.password_env), signin=settings)
    worker = Worker(settings, engine, units, spool=spool, reader=reader, smtp=smtp, pipeline=pipeline,
                    replies=replies, template=template, name=name)
    reports = report_context(settings, replies=replies)
    jobs = ReportJobs(engine=engine, units=units, ctx=reports, flush=worker.flush)
    return App(settings=settings, engine=engine, units=units, spool=spool, reader=reader, smtp=smtp,
               pipeline=pipeline, replies=replies, template=template, worker=worker, reports=reports, jobs=jobs)


def poll_mailbox(worker: Worker) -> None:
    """The safety net: IDLE connections die silently, so read the mailbox on a schedule too."""
    try:
        worker.run_once()
    except IntakeError as err:
        log.warning("scheduled poll failed: %s", err)


def build_scheduler(app: App) -> BackgroundScheduler:
    """Every scheduled job of the service: the poll and the outbox (in memory: they need no
    catching up), and the report jobs (stored in the database: a missed digest still runs)."""
    worker = app.worker
    scheduler = BackgroundScheduler(timezone=app.settings.intake.timezone)
    common = {"max_instances": 1, "coalesce": True, "replace_existing": True}
    scheduler.add_job(poll_mailbox, "interval", args=[worker], id="poll_mailbox",
                      seconds=app.settings.intake.poll_seconds, **common)
    scheduler.add_job(worker.flush, "interval", id="flush_outbox", seconds=60, **common)
    register_report_jobs(scheduler, app.jobs)
    return scheduler


def serve(app: App, stop: threading.Event) -> None:
    """The long-running service: the scheduled jobs (poll, outbox, digest, reminders, reports) and
    the IDLE listener, until `stop` is set. `dhtt run` and `python scheduler.py` both come here."""
    scheduler = build_scheduler(app)
    scheduler.start()
    try:
        run_forever(app.worker, stop)
    finally:
        scheduler.shutdown(wait=False)


def serve_until_signalled(app: App) -> None:
    """`serve` until SIGTERM or SIGINT (systemd's stop, Ctrl-C)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    serve(app, stop)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dhtt worker")
    parser.add_argument("--config", type=Path, default=Path("config.toml"))
    parser.add_argument("--worker-name", default=socket.gethostname())
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mailparser").setLevel(logging.ERROR)
    try:
        app = build_app(load_settings(args.config), args.worker_name)
    except (ConfigError, StoreError) as err:
        print(str(err), file=sys.stderr)
        return 2
    with app:  # closing it stops its reader processes
        serve_until_signalled(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
