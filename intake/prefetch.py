"""Reading mail ahead in a child process: MIME and document parsing is CPU-bound and pure, while
deciding and recording waits on the database, IMAP and SMTP; on two cores they overlap.

The child also runs under a memory limit, and each mail under a wall-time limit, so a document that
explodes or spins when read takes down a disposable process, never the worker.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import multiprocessing
import os
import queue
import resource
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from pydantic import BaseModel, Field

from domain.units import UnitDirectory
from domain.wording.reasons import mail_memory_overrun, mail_overrun
from intake.analysis import Analysis, AnalysisLimits, Reading, analyse
from intake.errors import ReadingStopped
from intake.message import parse_message
from intake.models import Attachment, InboundMessage
from intake.pipeline import effective_message, sender_authentication
from intake.spool import Spool

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
# Messages read ahead of the one being decided: bounds memory (each a few KB of text and findings),
# and keeps the reader busy while the worker fetches, spools and records the next fetch batch.
AHEAD = 32
GIVE_UP_AFTER = 3  # reader processes dying on this many mails in a row: read in the worker instead
STARTUP_SECONDS = 300  # a new reader imports the parsers: not counted in any mail's budget


class StoredFile(BaseModel):
    """An attachment written to the spool, by its SHA-256."""

    filename: str
    content_type: str
    size: int
    sha256: str
    path: str


class Prepared(Reading):
    """A message read from the spool and analysed, ready for the decision.

    Attachment bytes are already on disk (`files`) and dropped from the mails, so only what the
    decision needs travels back from the reader process.
    """

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


def read_mail(message: InboundMessage, units: UnitDirectory, limits: AnalysisLimits,
              authserv_ids: list[str]) -> Reading:
    """The read stage: unwrap a Sở office's forward (by our own server's verdict, as the decision
    will judge the sender) and analyse the submission it carries."""
    inner, forwarded_by = effective_message(message, units, sender_authentication(message, authserv_ids))
    return Reading(message=message, submission=inner, forwarded_by=forwarded_by, analysis=analyse(inner, limits))


def _read(path: str, units: UnitDirectory, limits: AnalysisLimits, authserv_ids: list[str]) -> Reading:
    return read_mail(parse_message(Path(path).read_bytes(), limits.message), units, limits, authserv_ids)


def prepare(path: str, units: UnitDirectory, limits: AnalysisLimits, files_root: str,
            authserv_ids: list[str]) -> Prepared:
    """Read the spooled mail (`read_mail`) and spool its attachments."""
    reading = _read(path, units, limits, authserv_ids)
    message = reading.message
    light, files = _store_files(message, Spool(Path(files_root)))
    inner = next((i for i, part in enumerate(message.forwarded) if part is reading.submission), None)
    submission = light if inner is None else light.forwarded[inner]
    return Prepared(message=light, submission=submission, forwarded_by=reading.forwarded_by,
                    analysis=reading.analysis, files=files)


def analyse_spooled(path: str, units: UnitDirectory, limits: AnalysisLimits, authserv_ids: list[str]) -> Analysis:
    """The analysis of a mail read again (one recorded before analyses were stored)."""
    return _read(path, units, limits, authserv_ids).analysis


def _ready() -> bool:
    return True


def _start_reader(megabytes: int, parent: int) -> None:
    """In the reader process: die with the worker that started it, then cap its memory."""
    try:
        # Linux: the kernel kills this process when its parent (the thread that spawned it, see
        # _build_pool) dies, even by SIGKILL, so a crashed worker never leaves readers behind.
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass
    # spawn imported the main module before this runs: a worker killed meanwhile left us with
    # another parent, and the signal above will never come.
    if os.getppid() != parent:
        os._exit(0)
    # Its own process group, so that killing the reader also kills what it started (antiword,
    # LibreOffice) instead of leaving them to run on.
    os.setpgid(0, 0)
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class Reader:
    """Prepares messages in order, `AHEAD` at a time, in child processes (or inline when 0), each
    mail within `limits.mail_seconds` of wall time: a reader that overruns is killed and replaced."""

    def __init__(self, units: UnitDirectory, limits: AnalysisLimits, processes: int, memory_mb: int,
                 files_root: Path, authserv_ids: list[str] | None = None) -> None:
        self.units, self.limits, self.files_root = units, limits, str(files_root)
        self.authserv_ids = list(authserv_ids or [])  # our receiving server's, as the pipeline's
        self.processes, self.memory_mb = processes, memory_mb
        self._pool: ProcessPoolExecutor | None = None
        self._keeper: threading.Event | None = None
        self._started: Future[bool] | None = None  # the new reader's first task: it has started
        self._worked = False  # a reader returned a result: its deaths are the mail's doing
        self._deaths = 0
        atexit.register(self.close)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool, self._keeper = _build_pool(self.processes, self.memory_mb)
            self._started = self._pool.submit(_ready)
        return self._pool

    def warm_up(self) -> None:
        """Start the reader process now (it imports the parsers), not when the first mail arrives."""
        if self.processes:
            self._executor()

    def _submit(self, path: str) -> Future[Prepared]:
        return self._executor().submit(prepare, path, self.units, self.limits, self.files_root, self.authserv_ids)

    def read(self, paths: Iterable[str]) -> Iterator[Prepared | Exception]:
        """Each path's Prepared, or the exception reading it raised, in the order given; `paths` is
        drawn lazily, at most AHEAD ahead of the result being waited for."""
        if self.processes == 0:
            for path in paths:
                yield self._inline(path)
            return
        queue = iter(paths)
        pending: deque[tuple[str, Future[Prepared]]] = deque()
        self._fill(pending, queue)
        while pending:
            path, future = pending.popleft()
            outcome = self._result(path, future)
            if isinstance(outcome, _Replace):
                yield outcome.error
                if self.processes == 0:
                    yield from (self._inline(p) for p, _ in pending)
                    yield from (self._inline(p) for p in queue)
                    return
                pending = deque((p, self._submit(p)) for p, _ in pending)
            else:
                yield outcome
            self._fill(pending, queue)

    def _result(self, path: str, future: Future[Prepared]) -> Prepared | Exception | _Replace:
        """The mail's result; a _Replace when its reader had to go (the pool is then closed).

        The budget runs from now: the reader has been free for this mail since the previous result
        (or since it started).
        """
        try:
            if self._started is not None:
                self._started.result(timeout=STARTUP_SECONDS)
                self._started = None
            result = future.result(timeout=self.limits.mail_seconds or None)
        except FutureTimeout:
            log.warning("reading %s overran %s s: its reader is killed and replaced", path, self.limits.mail_seconds)
            self.close()
            return _Replace(ReadingStopped(mail_overrun(self.limits.mail_seconds)))
        except BrokenProcessPool as err:
            return self._died(path, err)
        except MemoryError:  # outside any document (the MIME tree itself): reading it again won't fit
            log.warning("reading %s exhausted its reader's memory: the reader is replaced", path)
            self.close()
            return _Replace(ReadingStopped(mail_memory_overrun(self.memory_mb)))
        except Exception as err:  # noqa: BLE001 - handed to the per-message catch of the worker
            return err
        self._deaths, self._worked = 0, True
        return result

    def _died(self, path: str, err: BrokenProcessPool) -> _Replace:
        """The child died on this mail (memory limit, crash): the mail gets the error, and those
        queued behind it are read again by a fresh child."""
        log.warning("reader process died on %s: %s", path, err)
        self.close()
        self._deaths += 1
        if self._deaths >= GIVE_UP_AFTER and not self._worked:
            # Children that die on every mail cannot start at all here: do not let that
            # quarantine good mail; read in this process, without the memory limit.
            log.error("reader processes keep dying; reading mail in the worker process")
            self.processes = 0
        if self._worked:  # readers work here: this mail is what killed this one
            return _Replace(ReadingStopped(mail_memory_overrun(self.memory_mb)))
        return _Replace(MemoryError(f"reading this mail stopped its reader process: {err}"))

    def _fill(self, pending: deque[tuple[str, Future[Prepared]]], queue: Iterator[str]) -> None:
        while len(pending) < AHEAD:
            path = next(queue, None)
            if path is None:
                return
            pending.append((path, self._submit(path)))

    def _inline(self, path: str) -> Prepared | Exception:
        try:
            return prepare(path, self.units, self.limits, self.files_root, self.authserv_ids)
        except Exception as err:  # noqa: BLE001 - handed to the per-message catch of the worker
            return err

    def analyse(self, path: str) -> Analysis | None:
        """An earlier mail's analysis, read again in a reader (never here unless readers are off);
        None when it cannot be read within its budget."""
        try:
            if self.processes == 0:
                return analyse_spooled(path, self.units, self.limits, self.authserv_ids)
            future = self._executor().submit(analyse_spooled, path, self.units, self.limits, self.authserv_ids)
            # Mails read ahead are queued before this one in the same reader.
            return future.result(timeout=(self.limits.mail_seconds or 60) * (AHEAD + 1))
        except Exception as err:  # noqa: BLE001 - the earlier mail then adds nothing to the thread
            log.warning("earlier mail %s could not be read again: %s", path, err)
            return None

    def close(self) -> None:
        """Stop the reader processes now, busy or not (what they were reading is read again)."""
        pool, keeper = self._pool, self._keeper
        self._pool, self._keeper, self._started = None, None, None
        if pool is None:
            return
        # The executor cannot cancel a running task: its processes are killed (a private
        # attribute, stable since Python 3.8), then the executor reaps them.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            _kill(process.pid)
        pool.shutdown(wait=True, cancel_futures=True)
        for process in processes:
            process.join(timeout=5)
        if keeper is not None:
            keeper.set()


def _kill(pid: int | None) -> None:
    """Kill a reader and its process group (what it started); just the reader when it has not
    made its group yet."""
    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
        return
    except (ProcessLookupError, PermissionError):
        pass
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class _Replace:
    """The reader had to be replaced while reading one mail; `error` is that mail's result."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _build_pool(processes: int, memory_mb: int) -> tuple[ProcessPoolExecutor, threading.Event]:
    """A pool whose processes are all started by one thread that lives as long as the pool.

    The parent-death signal fires when the *thread* that spawned a process ends; submit() spawns
    from whichever thread calls it (a scheduler job, a web request), so that thread could end and
    take a healthy reader with it. The keeper thread spawns them all and waits for close().
    """
    built: queue.Queue[ProcessPoolExecutor | BaseException] = queue.Queue()
    stop = threading.Event()

    def keep() -> None:
        try:
            # spawn, not fork: the worker has threads (scheduler, IDLE) that a fork must not copy;
            # and not forkserver, whose server outlives a worker killed with SIGKILL.
            pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_start_reader, initargs=(memory_mb, os.getpid()))
            pool._launch_processes()  # type: ignore[attr-defined]  # private: spawn them here, now
            built.put(pool)
        except BaseException as err:  # noqa: BLE001 - raised again in the caller's thread
            built.put(err)
            return
        stop.wait()

    threading.Thread(target=keep, name="dhtt-reader-keeper", daemon=True).start()
    pool = built.get()
    if isinstance(pool, BaseException):
        raise pool
    return pool, stop
