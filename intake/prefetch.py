"""Reading mail ahead in a child process: MIME and document parsing is CPU-bound and pure, while
deciding and recording waits on the database, IMAP and SMTP; on two cores they overlap.

The child also runs under a memory limit, so a document that explodes when read takes down a
disposable process, never the worker.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import resource
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from pydantic import BaseModel, Field

from intake.analysis import Analysis, AnalysisLimits, analyse
from intake.message import parse_message
from intake.models import Attachment, InboundMessage
from intake.pipeline import effective_message
from intake.spool import Spool
from store.units import UnitDirectory

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
AHEAD = 8  # messages read ahead of the one being decided: bounds memory, keeps the child busy
GIVE_UP_AFTER = 3  # reader processes dying on this many mails in a row: read in the worker instead


class StoredFile(BaseModel):
    """An attachment written to the spool, by its SHA-256."""

    filename: str
    content_type: str
    size: int
    sha256: str
    path: str


class Prepared(BaseModel):
    """A message read from the spool and analysed, ready for the decision.

    Attachment bytes are already on disk (`files`) and dropped from `message`, so only what the
    decision needs travels back from the reader process.
    """

    message: InboundMessage
    analysis: Analysis
    files: list[StoredFile] = Field(default_factory=list)


def _store_files(message: InboundMessage, spool: Spool) -> tuple[InboundMessage, list[StoredFile]]:
    files: list[StoredFile] = []
    kept: list[Attachment] = []
    for part in message.attachments:
        digest, path = spool.put_file(part.data)
        files.append(StoredFile(filename=part.filename, content_type=part.content_type, size=len(part.data),
                                sha256=digest, path=str(path)))
        kept.append(part.model_copy(update={"data": b""}))
    forwarded = []
    for inner in message.forwarded:
        light, inner_files = _store_files(inner, spool)
        forwarded.append(light)
        files.extend(inner_files)
    return message.model_copy(update={"attachments": kept, "forwarded": forwarded}), files


def prepare(path: str, units: UnitDirectory, limits: AnalysisLimits, files_root: str) -> Prepared:
    """Parse the spooled mail, analyse the submission it carries (the inner mail of a forward), and
    spool its attachments."""
    message = parse_message(Path(path).read_bytes())
    inner, _ = effective_message(message, units)
    analysis = analyse(inner, limits)
    light, files = _store_files(message, Spool(Path(files_root)))
    return Prepared(message=light, analysis=analysis, files=files)


def _ready() -> bool:
    return True


def _start_reader(megabytes: int) -> None:
    """In the reader process: cap its memory, and die with the worker that started it."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        # Linux: the kernel kills this process when its parent dies, even by SIGKILL, so a
        # crashed worker never leaves readers behind.
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


class Reader:
    """Prepares messages in order, `AHEAD` at a time, in one child process (or inline when 0)."""

    def __init__(self, units: UnitDirectory, limits: AnalysisLimits, processes: int, memory_mb: int,
                 files_root: Path) -> None:
        self.units, self.limits, self.files_root = units, limits, str(files_root)
        self.processes, self.memory_mb = processes, memory_mb
        self._pool: ProcessPoolExecutor | None = None
        self._deaths = 0

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the worker has threads (scheduler, IDLE) that a fork must not copy;
            # and not forkserver, whose server outlives a worker killed with SIGKILL.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.processes, mp_context=context,
                                             initializer=_start_reader, initargs=(self.memory_mb,))
        return self._pool

    def warm_up(self) -> None:
        """Start the reader process now (it imports the parsers), not when the first mail arrives."""
        if self.processes:
            self._executor().submit(_ready)

    def _submit(self, path: str) -> Future[Prepared]:
        return self._executor().submit(prepare, path, self.units, self.limits, self.files_root)

    def read(self, paths: list[str]) -> Iterator[Prepared | Exception]:
        """Each path's Prepared, or the exception reading it raised, in the order given."""
        if self.processes == 0:
            for path in paths:
                yield self._inline(path)
            return
        queue = iter(paths)
        pending: deque[tuple[str, Future[Prepared]]] = deque()
        self._fill(pending, queue)
        while pending:
            path, future = pending.popleft()
            try:
                yield future.result()
                self._deaths = 0
            except BrokenProcessPool as err:
                # The child died on this mail (memory limit, crash): the mail gets the error, and
                # those queued behind it are read again by a fresh child.
                log.warning("reader process died on %s: %s", path, err)
                self.close()
                self._deaths += 1
                yield MemoryError(f"reading this mail stopped its reader process: {err}")
                if self._deaths >= GIVE_UP_AFTER:
                    # Children that die on every mail cannot start at all here: do not let that
                    # quarantine good mail; read in this process, without the memory limit.
                    log.error("reader processes keep dying; reading mail in the worker process")
                    self.processes = 0
                    yield from (self._inline(p) for p, _ in pending)
                    yield from (self._inline(p) for p in queue)
                    return
                pending = deque((p, self._submit(p)) for p, _ in pending)
            except Exception as err:  # noqa: BLE001 - handed to the per-message catch of the worker
                yield err
            self._fill(pending, queue)

    def _fill(self, pending: deque[tuple[str, Future[Prepared]]], queue: Iterator[str]) -> None:
        while len(pending) < AHEAD:
            path = next(queue, None)
            if path is None:
                return
            pending.append((path, self._submit(path)))

    def _inline(self, path: str) -> Prepared | Exception:
        try:
            return prepare(path, self.units, self.limits, self.files_root)
        except Exception as err:  # noqa: BLE001 - handed to the per-message catch of the worker
            return err

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
