"""Verbs on the store that are idempotent by construction: recording a mail twice records it once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, and_, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from domain.codes import ReasonCode
from domain.decision import Decision
from domain.mail import RawMessage
from parsers.vntext import fold
from store import exemplars
from store.models import (Attachment, Checkpoint, Counter, Event, Evidence, MailboxHealth, Message, Nominee, Reply,
                          Submission)


# For UPDATEs whose rows the caller reloads or never reads again: the ORM need not look for
# them among the session's objects (a cost on every statement of the intake's hot path).
_UNSYNCED = {"synchronize_session": False}


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]  # SQLModel does not declare it


_EVENTS = _table(Event)


def now() -> datetime:
    return datetime.now(UTC)


def _event(kind: str, message_pk: int | None, at: datetime | None = None, /, **detail: object) -> dict[str, object]:
    """One Event row's values, for log_event and for the batches written in one INSERT."""
    return {"at": at or now(), "message_pk": message_pk, "kind": kind,
            "detail": json.dumps(detail, ensure_ascii=False, default=str)}


def log_event(db: Session, kind: str, message_pk: int | None = None, **detail: object) -> None:
    # A plain INSERT on the table, not an ORM object: nothing reads an event back in the
    # transaction that writes it, and the intake writes five per mail.
    db.execute(insert(_EVENTS).values(**_event(kind, message_pk, **detail)))


def _find_existing(db: Session, raw: RawMessage, sha: str) -> Message | None:
    if raw.origin == "import":
        return db.exec(select(Message).where(Message.origin == "import", Message.sha256 == sha)).first()
    same_uid = db.exec(select(Message).where(
        Message.folder == raw.folder, Message.uidvalidity == raw.uidvalidity, Message.uid == raw.uid)).first()
    if same_uid is not None:
        return same_uid
    # After a UIDVALIDITY change the server renumbers what it still holds: the same bytes under an
    # old UIDVALIDITY, never moved away, are the same delivery, not a new one.
    return db.exec(select(Message).where(
        Message.folder == raw.folder, Message.sha256 == sha, Message.uidvalidity != raw.uidvalidity,
        col(Message.moved).is_(False))).first()


def record_message(db: Session, raw: RawMessage, sha: str, spool_path: str,
                   headers: tuple[str, str, str], commit: bool = True) -> tuple[Message, bool]:
    """The Message row for this delivery, created if new; returns (row, created). Commits, unless
    `commit` is False: the caller then records a batch and commits it once."""
    existing = _find_existing(db, raw, sha)
    if existing is not None:
        if raw.origin == "imap" and (existing.uidvalidity, existing.uid) != (raw.uidvalidity, raw.uid):
            log_event(db, "uid_changed", existing.id, old=[existing.uidvalidity, existing.uid],
                      new=[raw.uidvalidity, raw.uid])
            existing.uidvalidity, existing.uid = raw.uidvalidity or 0, raw.uid
            db.add(existing)
            if commit:
                db.commit()
        return existing, False
    row = _new_row(raw, sha, spool_path, headers)
    try:
        with db.begin_nested():  # undoes only this row, not the rest of a batch
            db.add(row)
            db.flush()
    except IntegrityError:  # another worker recorded the same UID first
        found = _find_existing(db, raw, sha)
        assert found is not None
        return found, False
    log_event(db, "recorded", row.id, sha256=sha, uid=raw.uid, uidvalidity=raw.uidvalidity)
    if commit:
        db.commit()
    return row, True


def record_messages(db: Session, items: Sequence[tuple[RawMessage, str, str, tuple[str, str, str]]]
                    ) -> list[tuple[Message, bool]]:
    """`record_message` for each (raw, sha, spool_path, headers) of one fetch batch, in the caller's
    transaction (not committed): the batch's earlier deliveries are found in two queries and its
    new rows inserted in one flush, instead of four statements a mail."""
    def one_at_a_time() -> list[tuple[Message, bool]]:
        return [record_message(db, *item, commit=False) for item in items]

    raws = [raw for raw, *_ in items]
    folder, uidvalidity = raws[0].folder, raws[0].uidvalidity
    if any((r.origin, r.folder, r.uidvalidity) != ("imap", folder, uidvalidity) for r in raws):
        return one_at_a_time()
    by_uid = {row.uid: row for row in db.exec(select(Message).where(
        Message.folder == folder, Message.uidvalidity == uidvalidity, col(Message.uid).in_([r.uid for r in raws])))}
    unknown = [sha for raw, sha, *_ in items if raw.uid not in by_uid]
    by_sha: dict[str, Message] = {}
    if unknown:  # the same bytes under an old UIDVALIDITY (see _find_existing)
        for row in db.exec(select(Message).where(
                Message.folder == folder, col(Message.sha256).in_(unknown), Message.uidvalidity != uidvalidity,
                col(Message.moved).is_(False)).order_by(col(Message.id))):
            by_sha.setdefault(row.sha256, row)
    if any(by_uid.get(raw.uid) or by_sha.get(sha) for raw, sha, *_ in items):
        return one_at_a_time()  # rare: record_message knows what to do with a known delivery
    rows = [_new_row(raw, sha, path, headers) for raw, sha, path, headers in items]
    try:
        with db.begin_nested():  # undoes only this batch, not what the caller did before it
            db.add_all(rows)
            db.flush()
    except IntegrityError:  # another worker recorded some of them first
        return one_at_a_time()
    db.execute(insert(_EVENTS), [  # record_message's "recorded" events, in one statement
        _event("recorded", row.id, row.recorded_at, sha256=sha, uid=raw.uid, uidvalidity=raw.uidvalidity)
        for row, (raw, sha, *_) in zip(rows, items)])
    return [(row, True) for row in rows]


def _new_row(raw: RawMessage, sha: str, spool_path: str, headers: tuple[str, str, str]) -> Message:
    rfc_message_id, sender, subject = headers
    return Message(sha256=sha, rfc_message_id=rfc_message_id, origin=raw.origin, folder=raw.folder or "",
                   uidvalidity=raw.uidvalidity or 0, uid=raw.uid, received_at=raw.received_at,
                   recorded_at=now(), spool_path=spool_path, size=len(raw.data), sender=sender,
                   subject=subject[:500])


def claim(db: Session, message_pk: int, worker: str, ttl: timedelta = timedelta(minutes=5)) -> bool:
    """Take this message for processing unless another live worker holds it.

    Not committed: the row stays locked until the decision is committed in the same transaction,
    so a second worker waits and then finds the mail decided.
    """
    stamp = now()
    result = db.execute(update(Message).where(
        col(Message.id) == message_pk, col(Message.status) == "received",
        or_(col(Message.claimed_by).is_(None), col(Message.claimed_by) == worker, col(Message.claimed_until) < stamp),
    ).values(claimed_by=worker, claimed_until=stamp + ttl), execution_options=_UNSYNCED)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def record_failure(db: Session, message: Message, error: str, max_failures: int) -> bool:
    """Count a failed attempt; returns True when the mail must now be quarantined. Commits."""
    message.failures += 1
    message.last_error = error[:2000]
    message.claimed_by = None
    db.add(message)
    log_event(db, "failed", message.id, error=error[:500], attempt=message.failures)
    db.commit()
    return message.failures >= max_failures


def health_row(db: Session) -> MailboxHealth:
    """The one row of the mailbox's health, created race-free when two workers start at once."""
    if db.get(MailboxHealth, 1) is None:
        _ensure_row(db, MailboxHealth(id=1, mode="polling"))
    row = db.get(MailboxHealth, 1)
    assert row is not None
    return row


def note_mailbox_read(db: Session) -> None:
    """The mailbox was read just now (what the health page and /healthz go by)."""
    health_row(db)
    db.execute(update(MailboxHealth).where(col(MailboxHealth.id) == 1).values(last_ok_at=now()))


def _ensure_row(db: Session, row: Counter | Checkpoint | MailboxHealth) -> None:
    """Insert a keyed row unless it exists; another worker inserting it first is no error."""
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:
        pass


def next_reference(db: Session, prefix: str, quarter: str) -> str:
    """The next reference number of the quarter, e.g. DHTT-2024Q2-0042."""
    label = quarter.replace("-", "")
    # One atomic UPDATE … RETURNING (SQLite ≥ 3.35, PostgreSQL): it locks the row as SELECT … FOR
    # UPDATE did, in one statement instead of three.
    bump = (update(Counter).where(col(Counter.name) == label).values(value=col(Counter.value) + 1)
            .returning(col(Counter.value)))
    value = db.execute(bump).scalar_one_or_none()
    if value is None:  # the quarter's first reference
        _ensure_row(db, Counter(name=label, value=0))
        value = db.execute(bump).scalar_one()
    return f"{prefix}-{label}-{value:04d}"


def _submission(db: Session, message: Message, decision: Decision, prefix: str) -> Submission | None:
    # A mail decided again (staff correction) keeps the reference it was first given.
    for known in (message.submission_id, decision.thread_of):
        sub = db.get(Submission, known) if known is not None else None
        if sub is not None:
            sub.status, sub.updated_at = decision.outcome.value, now()
            sub.unit_code = sub.unit_code or decision.unit_code
            db.add(sub)
            return sub
    if decision.has(ReasonCode.duplicate_message):
        # A second delivery of a mail already decided joins its file: a new reference would be
        # one nobody is ever told.
        earlier = db.exec(select(Message).where(
            Message.rfc_message_id == message.rfc_message_id, Message.sender == message.sender,
            Message.id != message.id, col(Message.submission_id).is_not(None)).order_by(col(Message.id))).first()
        return db.get(Submission, earlier.submission_id) if earlier and earlier.submission_id else None
    if decision.outcome.value not in ("accepted", "rejected", "needs_review") or decision.quarter is None:
        return None
    stamp = now()
    sub = Submission(reference=next_reference(db, prefix, decision.quarter), unit_code=decision.unit_code,
                     quarter=decision.quarter, status=decision.outcome.value, sender=decision.sender,
                     first_message_pk=message.id or 0, created_at=stamp, updated_at=stamp)
    db.add(sub)
    db.flush()
    return sub


def _save_nominees(db: Session, message: Message, decision: Decision, sub: Submission | None) -> None:
    active = decision.outcome.value == "accepted"
    for nomination in decision.nominations:
        data = nomination.model_dump(exclude={"evidence"}, mode="json")
        row = Nominee(**data, message_pk=message.id or 0, submission_id=sub.id if sub else None,
                      unit_code=decision.unit_code, quarter=decision.quarter,
                      name_key=fold(nomination.name), active=active)
        exemplars.attach(db, row)
        db.flush()
        if nomination.evidence:  # plain INSERTs: nothing reads these rows back in this transaction
            db.execute(insert(_table(Evidence)), [{"nominee_id": row.id, **item.model_dump()}
                                                  for item in nomination.evidence])
        if active and decision.replaces:
            db.execute(update(Nominee).where(
                col(Nominee.id).in_(decision.replaces), col(Nominee.name_key) == row.name_key,
            ).values(active=False, superseded_by=row.id))
    if active and decision.replaces:
        # Earlier rows of the same thread are corrected by this mail even when renamed.
        db.execute(update(Nominee).where(
            col(Nominee.id).in_(decision.replaces), col(Nominee.superseded_by).is_(None),
            col(Nominee.message_pk) != message.id).values(active=False))


def save_decision(db: Session, message: Message, decision: Decision, prefix: str) -> Submission | None:
    """Store the decision, its submission and nominees in the caller's transaction."""
    sub = _submission(db, message, decision, prefix)
    _save_nominees(db, message, decision, sub)
    message.status = "decided"
    message.outcome = decision.outcome.value
    message.reasons = json.dumps([r.model_dump(mode="json") for r in decision.reasons], ensure_ascii=False)
    message.unit_code, message.quarter, message.late = decision.unit_code, decision.quarter, decision.late
    message.reply_kind = decision.reply.value
    message.submission_id = sub.id if sub else None
    message.forwarded_by = decision.forwarded_by
    message.decided_at = now()
    message.claimed_by = None
    db.add(message)
    log_event(db, "decided", message.id, outcome=decision.outcome.value,
              reasons=[r.code.value for r in decision.reasons], reference=sub.reference if sub else None)
    return sub


def add_attachments(db: Session, message_pk: int, files: list[dict[str, object]]) -> None:
    """The message's attachments as stored (each a dict of Attachment's columns), in one statement."""
    if files:
        db.execute(insert(_table(Attachment)), [{"message_pk": message_pk, **item} for item in files])


def queue_reply(db: Session, message_pk: int | None, rfc_message_id: str, kind: str, recipients: list[str],
                subject: str, raw: bytes, created_at: datetime | None = None, claim_for: str | None = None,
                ttl: timedelta = timedelta(minutes=5)) -> Reply:
    """Put a reply in the outbox unless one with this Message-ID is already there.

    With `claim_for`, a new reply is stored already claimed by that worker ('sending'), as
    `claim_reply` would: the caller's commit is then the claim, and it sends the reply next."""
    existing = db.exec(select(Reply).where(Reply.rfc_message_id == rfc_message_id)).first()
    if existing is not None:
        return existing
    stamp = now()
    reply = Reply(message_pk=message_pk, rfc_message_id=rfc_message_id, kind=kind,
                  recipients=";".join(recipients), subject=subject, raw=raw, created_at=created_at or stamp)
    if claim_for is not None:
        reply.status, reply.attempts, reply.claimed_by, reply.claimed_until = "sending", 1, claim_for, stamp + ttl
    db.add(reply)
    db.flush()
    if claim_for is not None:
        log_event(db, "reply_sending", message_pk, rfc_message_id=rfc_message_id, worker=claim_for)
    return reply


def pending_replies(db: Session) -> list[Reply]:
    return list(db.exec(select(Reply).where(col(Reply.status).in_(("queued", "sending"))).order_by(col(Reply.id))))


def claim_reply(db: Session, reply: Reply, worker: str, ttl: timedelta = timedelta(minutes=5)) -> bool:
    """Mark a reply 'sending' for this worker, unless another live worker is sending it. Commits.

    A reply left 'sending' by this same worker (a crash mid-send) is taken again: it is sent once
    more under the same Message-ID rather than possibly never.
    """
    stamp = now()
    result = db.execute(update(Reply).where(
        col(Reply.id) == reply.id,
        or_(col(Reply.status) == "queued",
            and_(col(Reply.status) == "sending",
                 or_(col(Reply.claimed_by) == worker, col(Reply.claimed_until) < stamp))),
    ).values(status="sending", attempts=Reply.attempts + 1, claimed_by=worker, claimed_until=stamp + ttl))
    taken = bool(result.rowcount)  # type: ignore[attr-defined]
    if taken:
        log_event(db, "reply_sending", reply.message_pk, rfc_message_id=reply.rfc_message_id, worker=worker)
    db.commit()
    return taken


def mark_reply(db: Session, reply: Reply, status: str, error: str | None = None) -> None:
    """Move a claimed reply on to sent, failed, or back to queued. Commits.

    Written as one UPDATE: `reply` may be a stale copy from before the claim, whose attempt count
    must not be written back.
    """
    values: dict[str, object] = {"status": status, "claimed_by": None, "last_error": error}
    if status == "sent":
        values["sent_at"] = now()
    db.execute(update(Reply).where(col(Reply.id) == reply.id).values(**values), execution_options=_UNSYNCED)
    log_event(db, f"reply_{status}", reply.message_pk, rfc_message_id=reply.rfc_message_id, error=error)
    db.commit()


def mark_moved(db: Session, messages: list[Message]) -> None:
    """Note that these messages left the inbox. Commits.

    One UPDATE and one INSERT of events for the whole MOVE batch (a backlog moves thousands)."""
    ids = [m.id for m in messages]
    if not ids:
        return
    db.execute(update(Message).where(col(Message.id).in_(ids)).values(moved=True, status="done"),
               execution_options=_UNSYNCED)
    stamp = now()
    db.execute(insert(_EVENTS), [_event("moved", pk, stamp) for pk in ids])
    for message in messages:  # the caller's copies say what the store now says
        message.moved, message.status = True, "done"
    db.commit()


def checkpoint(db: Session, folder: str) -> Checkpoint | None:
    return db.get(Checkpoint, folder)


def save_checkpoint(db: Session, folder: str, uidvalidity: int, last_uid: int) -> None:
    """Move the folder's checkpoint forward (never back). Commits."""
    if db.get(Checkpoint, folder) is None:
        _ensure_row(db, Checkpoint(folder=folder, uidvalidity=uidvalidity, updated_at=now()))
    row = db.get(Checkpoint, folder, with_for_update=True, populate_existing=True)
    assert row is not None
    if row.uidvalidity != uidvalidity:
        log_event(db, "uidvalidity_changed", folder=folder, old=row.uidvalidity, new=uidvalidity)
        row.last_uid = 0
    row.uidvalidity, row.last_uid, row.updated_at = uidvalidity, max(row.last_uid, last_uid), now()
    db.add(row)
    db.commit()


def undecided(db: Session) -> list[Message]:
    """Messages recorded but not yet decided (left by a crash or a failure), oldest first."""
    return list(db.exec(select(Message).where(Message.status == "received").order_by(col(Message.id))))


def not_moved(db: Session, folder: str, uidvalidity: int) -> list[Message]:
    return list(db.exec(select(Message).where(and_(
        col(Message.folder) == folder, col(Message.uidvalidity) == uidvalidity, col(Message.status) == "decided",
        col(Message.moved).is_(False)))))
