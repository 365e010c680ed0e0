"""A store filled once per session by importing the shared corpus through the real worker."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import _read_files
from reports.context import ReportContext
from scheduler import build_app
from settings import Settings, parse_settings
from tests.servers import SmtpSink

STAFF = ["thidua@ninhbinh.edu.vn", "vanphong@ninhbinh.edu.vn"]


def report_settings(db_file: Path, tmp: Path, sink: SmtpSink | None = None) -> Settings:
    smtp = {"host": sink.host, "port": sink.port} if sink else {"host": "127.0.0.1", "port": 9}
    return parse_settings({
        "smtp": {**smtp, "security": "none"},
        "database": {"url": f"sqlite:///{db_file}"},
        "intake": {"storage_dir": str(tmp / "storage"), "staff": STAFF},
    }, tmp)


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """GIVEN every corpus mail imported in file-name order (acks went to a throwaway sink)."""
    tmp = tmp_path_factory.mktemp("corpus_store")
    sink = SmtpSink()
    sink.start()
    try:
        settings = report_settings(tmp / "dhtt.sqlite", tmp, sink)
        worker = build_app(settings, "worker").worker
        with worker:  # closing it stops its reader processes
            worker.import_messages(_read_files(sorted((corpus_dir / "emails").glob("*.eml"))))
        worker.engine.dispose()
    finally:
        sink.stop()
    return tmp / "dhtt.sqlite"


class Env:
    """A private copy of the corpus store with a worker and report context around it."""

    def __init__(self, db_file: Path, tmp: Path, sink: SmtpSink | None) -> None:
        self.settings = report_settings(db_file, tmp, sink)
        app = build_app(self.settings, "worker")
        self.worker = app.worker
        self.ctx: ReportContext = app.reports
        self.engine, self.units = self.worker.engine, self.worker.units


def _copy(store: Path, tmp: Path) -> Path:
    copy = tmp / "dhtt.sqlite"
    for suffix in ("", "-wal"):  # WAL mode: committed pages may still sit in the -wal file
        if Path(f"{store}{suffix}").exists():
            shutil.copy(f"{store}{suffix}", f"{copy}{suffix}")
    return copy


@pytest.fixture
def env(corpus_store: Path, tmp_path: Path) -> Iterator[Env]:
    copy = _copy(corpus_store, tmp_path)
    item = Env(copy, tmp_path, None)
    yield item
    item.engine.dispose()


@pytest.fixture
def mail_env(corpus_store: Path, tmp_path: Path, smtp_sink: SmtpSink) -> Iterator[Env]:
    copy = _copy(corpus_store, tmp_path)
    item = Env(copy, tmp_path, smtp_sink)
    yield item
    item.engine.dispose()
