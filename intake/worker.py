"""The imperative shell: mailbox → spool → record → decide → outbox → move, safe to kill at any point."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import chain

from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.codes import Outcome, ReasonCode
from domain.decision import Decision, Reason
from domain.mail import RawMessage
from domain.units import UnitDirectory
from intake.authentication import trusted_results
from intake.errors import OutboxUnavailable, ReadingStopped
from intake.history import StoreHistory
from intake.mailbox import Mailbox
from intake.message import parse_headers
from intake.outbox import Courier, SmtpClient, flush_outbox
from intake.outgoing import MailFile, ReplySettings, queue
from intake.pipeline import Overrides, PipelineSettings, decide
from intake.prefetch import Prepared, Reader
from intake.replies import build_reply
from intake.spool import Spool
from settings import Settings
from store import records
from store.db import session
from store.models import Message, Reply

log = logging.getLogger(__name__)


class Worker:
    """Processes mail for one Settings; every step is idempotent, so a restart just resumes."""

    def __init__(self, settings: Settings, engine: Engine, units: UnitDirectory, *, spool: Spool, reader: Reader,
                 smtp: SmtpClient, pipeline: PipelineSettings, replies: ReplySettings, template: MailFile,
                 name: str = "worker") -> None:
        """Everything it works with is built by the composition root (scheduler.build_app) and given."""
        self.settings = settings
        self.engine = engine
        self.units = units
        self.name = name
        self.spool = spool
        self.reader = reader
        self.smtp = smtp
        self.pipeline = pipeline
        self.replies = replies
        self.template = template  # the nomination template, sent with every rejection to be filled in
        self.lock = threading.Lock()

    def close(self) -> None:
        """Stop the reader processes; every normal exit calls this (a crash takes them along)."""
        self.reader.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- recording -------------------------------------------------------------------------
    def ingest(self, raw: RawMessage) -> Message:
        """Put the bytes on disk (fsynced), then record them; nothing else happens before this."""
        spooled = self._spool(raw)
        with session(self.engine) as db:
            row, created = records.record_message(db, raw, *spooled)
        if created:
            log.info("recorded message %s uid=%s from %s", row.id, raw.uid, row.sender)
        return row

    def _spool(self, raw: RawMessage) -> tuple[str, str, tuple[str, str, str]]:
        """The bytes on disk, fsynced: (sha256, path, headers) to record them by.

        Only the bounded header block is read here, so a hostile header cannot delay the record."""
        sha, path = self.spool.put_message(raw.data)
        try:
            headers = parse_headers(raw.data, self.pipeline.limits.message)
        except Exception as err:  # noqa: BLE001 - a mail whose headers cannot be read is still recorded
            log.warning("headers unreadable in %s: %s", sha, err)
            headers = ("", "", "")
        return sha, str(path), headers

    # -- deciding --------------------------------------------------------------------------
    def process(self, row: Message, prepared: Prepared | Exception | None = None,
                courier: Courier | None = None) -> None:
        """Decide one recorded message and queue its reply, in one transaction; with a courier
        (a sync), the reply is claimed in that transaction and sent right after it."""
        if prepared is None:  # decided again (staff): read in the reader, within its budget, before
            with self.lock:  # the row is claimed (locked); one reading at a time per reader
                prepared = next(iter(self.reader.read([row.spool_path])))
        with session(self.engine) as db:
            if not records.claim(db, row.id or 0, self.name):
                return
            message = db.get(Message, row.id)
            assert message is not None
            try:
                if isinstance(prepared, Exception):
                    raise prepared
                overrides = Overrides(unit_code=message.override_unit, released=message.released)
                history = StoreHistory(db, message, reread=self.reader.analyse)
                decision = decide(prepared, message.received_at, self.units, history, self.pipeline,
                                  overrides=overrides)
                claim_for = courier.worker if courier is not None and courier.down is None else None
                reply = self._save(db, message, decision, prepared, claim_for)
            except Exception as err:  # noqa: BLE001 - the one per-message catch: never a crash loop
                db.rollback()
                log.exception("processing message %s failed", row.id)
                self._failed(db, message, err)
                return
            # Outside the catch above: the decision is committed, and must not be undone or
            # counted as a failure by anything that happens while sending.
            if courier is not None and reply is not None and reply.status == "sending" \
                    and reply.claimed_by == courier.worker:
                courier.deliver(db, reply)

    def _save(self, db: Session, message: Message, decision: Decision, prepared: Prepared,
              claim_for: str | None) -> Reply | None:
        """Store the decision and queue its reply (claimed for `claim_for`), and commit."""
        sub = records.save_decision(db, message, decision, self.pipeline.reference_prefix)
        # Set after save_decision, whose queries flush: the row is then written once, not twice.
        # The header the decision rested on (our server's), not whichever came first in the mail.
        trusted = trusted_results(prepared.message.auth_results, self.pipeline.authserv_ids)
        message.auth_results = trusted.raw if trusted else None
        analysis = prepared.analysis
        message.analysis = analysis.model_dump_json()  # what threads and corrections reuse
        files: list[dict[str, object]] = []
        for item in prepared.files:
            check = analysis.signatures.get(item.sha256)  # a signed PDF's check, shown to staff
            # What reading made of the file; one it never opened (too large) stays "evidence".
            role = analysis.roles.get(item.sha256, "evidence")
            files.append({**item.model_dump(), "role": role, "signature": check.model_dump_json() if check else None})
        records.add_attachments(db, message.id or 0, files)
        reply = build_reply(decision, prepared.message, key=f"{message.id}.{message.sha256[:12]}",
                            reference=sub.reference if sub else None, unit_name=self._unit_name(decision),
                            quota=decision.quota, settings=self.replies, template=self.template)
        row = None if reply is None else \
            queue(db, reply, self.replies, datetime.now(UTC), message_pk=message.id, claim_for=claim_for)
        db.commit()
        log.info("message %s: %s %s", message.id, decision.outcome.value, [r.code.value for r in decision.reasons])
        return row

    def _unit_name(self, decision: Decision) -> str | None:
        unit = self.units.by_code(decision.unit_code)
        return unit.name if unit else None

    def _failed(self, db: Session, message: Message, err: Exception) -> None:
        # A mail that overran its reader is not tried again: it would only stop the next one too.
        stopped = err if isinstance(err, ReadingStopped) else None
        if not records.record_failure(db, message, f"{type(err).__name__}: {err}",
                                      1 if stopped else self.settings.intake.max_failures):
            return
        reasons = [Reason(code=ReasonCode.unreadable_attachment, detail=stopped.detail)] if stopped else []
        decision = Decision(outcome=Outcome.quarantined, reasons=reasons, sender=message.sender)
        records.save_decision(db, message, decision, self.pipeline.reference_prefix)
        records.log_event(db, "quarantined", message.id, error=message.last_error)
        db.commit()

    def process_pending(self) -> None:
        """Decide whatever was recorded but not decided (left by a crash or a failed attempt)."""
        with session(self.engine) as db:
            waiting = records.undecided(db)
        self._decide(waiting)

    def _decide(self, rows: Iterable[Message], courier: Courier | None = None) -> None:
        """Decide rows in their order, each read ahead in a reader. `rows` may be lazy: a backlog is
        then fetched and recorded while the reader reads the mails before it, not all up front."""
        taken: deque[Message] = deque()

        def paths() -> Iterator[str]:
            for row in rows:
                taken.append(row)
                yield row.spool_path

        for prepared in self.reader.read(paths()):
            self.process(taken.popleft(), prepared, courier)

    def flush(self) -> int:
        try:
            return flush_outbox(self.engine, self.smtp, self.name)
        except OutboxUnavailable as err:
            log.warning("outbox: relay unavailable, replies stay queued: %s", err)
            return 0

    # -- the mailbox -------------------------------------------------------------------------
    def open_mailbox(self) -> Mailbox:
        password = self.settings.secret(self.settings.imap.password_env) or ""
        return Mailbox(self.settings.imap, password, signin=self.settings)

    def sync(self, mailbox: Mailbox) -> int:
        """Fetch what is new since the checkpoint, decide it, answer it, move it. Returns new count."""
        with self.lock:
            with session(self.engine) as db:
                mark = records.checkpoint(db, self.settings.imap.inbox)
                waiting = records.undecided(db)  # left by a crash or a failed attempt: first
            last = mark.last_uid if mark and mark.uidvalidity == mailbox.uidvalidity else 0
            fetched = _Fetched()
            # Each reply is sent as soon as its mail is decided, over one connection, while the
            # reader reads the next mails; flush then sends what that left queued.
            with Courier(self.smtp, self.name) as courier:
                self._decide(chain(waiting, self._fetch_new(mailbox, last, fetched)), courier)
            if courier.down is not None:  # a flush now would only meet the same outage
                log.warning("outbox: relay unavailable, replies stay queued: %s", courier.down)
            else:
                self.flush()
            self._move_done(mailbox)
            return fetched.count

    def _fetch_new(self, mailbox: Mailbox, last: int, fetched: _Fetched) -> Iterator[Message]:
        """Record the mails above the checkpoint as they are fetched, a fetch batch at a time;
        yield those recorded just now (one another worker recorded first is that worker's)."""
        uids = mailbox.uids_after(last)
        if uids:
            self.reader.warm_up()  # the reader imports the parsers while the first batch is fetched
        batch: list[RawMessage] = []
        for raw in mailbox.fetch(uids):
            batch.append(raw)
            if len(batch) == self.settings.imap.fetch_batch:
                yield from self._record_batch(batch, mailbox.uidvalidity, fetched)
                batch = []
        if batch:
            yield from self._record_batch(batch, mailbox.uidvalidity, fetched)

    def _record_batch(self, batch: list[RawMessage], uidvalidity: int, fetched: _Fetched) -> Iterator[Message]:
        """Each mail's bytes fsynced first; then their rows and the checkpoint in one commit.

        One commit per batch instead of one per mail: until it, the mails are still in the inbox
        above the checkpoint, so a crash before it only means fetching them again. The checkpoint
        only saves a SEARCH: UIDs at or below it are found by their (folder, UIDVALIDITY, UID)
        record anyway, so it may lag behind a crash safely."""
        spooled = [self._spool(raw) for raw in batch]
        with session(self.engine) as db:
            found = records.record_messages(db, [(raw, *item) for raw, item in zip(batch, spooled)])
            records.save_checkpoint(db, self.settings.imap.inbox, uidvalidity, batch[-1].uid or 0)
        fetched.count += len(batch)
        for raw, (row, created) in zip(batch, found):
            if created:
                log.info("recorded message %s uid=%s from %s", row.id, raw.uid, row.sender)
                yield row

    def _move_done(self, mailbox: Mailbox) -> None:
        """Move decided mail out of the inbox, one MOVE per target folder and batch."""
        imap = self.settings.imap
        with session(self.engine) as db:
            decided = [r for r in records.not_moved(db, imap.inbox, mailbox.uidvalidity) if r.uid is not None]
        for target in (imap.processed_folder, imap.quarantine_folder):
            rows = [r for r in decided if (r.outcome == Outcome.quarantined) == (target == imap.quarantine_folder)]
            for start in range(0, len(rows), imap.fetch_batch):
                batch = rows[start:start + imap.fetch_batch]
                mailbox.move([r.uid for r in batch if r.uid is not None], target)
                with session(self.engine) as db:
                    records.mark_moved(db, batch)

    def run_once(self) -> int:
        """One connection, one sync; what `dhtt run --once` and the scheduled poll do."""
        with self.open_mailbox() as mailbox:
            count = self.sync(mailbox)
        # A deployment driven by cron reads the mailbox only this way: the health page must see it.
        with session(self.engine) as db:
            records.note_mailbox_read(db)
        return count

    def import_messages(self, items: Iterable[RawMessage]) -> int:
        """Record and decide messages that did not come through IMAP (files, an mbox)."""
        count = 0
        for raw in items:
            self.ingest(raw)
            count += 1
        with self.lock:
            self.process_pending()
            self.flush()
        return count


class _Fetched:
    """How many mails a sync fetched (counted while its generator runs)."""

    count = 0
