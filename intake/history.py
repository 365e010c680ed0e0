"""The pipeline's view of the past, answered from the store (earlier mails as they were read)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from intake.analysis import Analysis
from intake.models import InboundMessage
from intake.pipeline import PriorMessage, PriorNominee, PriorSubmission, subject_references
from store.models import Message, Nominee, Reply, Submission
from store.queries import submission_by_reference


class StoreHistory:
    """Implements pipeline.History for one message being decided."""

    def __init__(self, db: Session, current: Message,
                 reread: Callable[[str], Analysis | None] | None = None) -> None:
        self.db = db
        self.current = current
        self.reread = reread  # reads a spooled mail in a reader process: for mails stored without analysis

    def duplicate_of(self, msg: InboundMessage) -> PriorMessage | None:
        """The earlier delivery of this mail: the same Message-ID from the same sender (a Message-ID
        reused by another sender, by a careless client or a forger, is another mail)."""
        if not msg.rfc_message_id:
            return None
        row = self.db.exec(select(Message).where(
            Message.rfc_message_id == msg.rfc_message_id, Message.sender == msg.sender, Message.id != self.current.id,
            col(Message.outcome).is_not(None)).order_by(col(Message.id))).first()
        if row is None or row.outcome is None:
            return None
        return PriorMessage(id=row.id or 0, outcome=row.outcome, unit_code=row.unit_code,
                            quarter=row.quarter, late=row.late)

    def _submission_for(self, msg: InboundMessage) -> Submission | None:
        for reference in subject_references(msg.subject):
            sub = submission_by_reference(self.db, reference)
            if sub is not None:
                return sub
        ids = msg.in_reply_to + list(reversed(msg.references))
        for mid in ids:
            reply = self.db.exec(select(Reply).where(Reply.rfc_message_id == mid)).first()
            target = self.db.get(Message, reply.message_pk) if reply and reply.message_pk else None
            if target is None:
                target = self.db.exec(select(Message).where(
                    Message.rfc_message_id == mid, col(Message.submission_id).is_not(None))).first()
            if target is not None and target.submission_id is not None:
                return self.db.get(Submission, target.submission_id)
        return None

    def thread_of(self, msg: InboundMessage) -> PriorSubmission | None:
        sub = self._submission_for(msg)
        if sub is None:
            return None
        rows = self.db.exec(select(Message).where(
            Message.submission_id == sub.id, Message.id != self.current.id).order_by(col(Message.id))).all()
        earlier = [found for found in map(self._analysis_of, rows) if found is not None]
        return PriorSubmission(id=sub.id or 0, reference=sub.reference, unit_code=sub.unit_code,
                               quarter=sub.quarter, status=sub.status, analyses=earlier)

    def _analysis_of(self, row: Message) -> Analysis | None:
        """The stored analysis; a mail recorded before analyses were stored is read again once, in a
        reader, and its analysis kept with the decision."""
        if row.analysis:
            return Analysis.model_validate_json(row.analysis)
        found = self.reread(row.spool_path) if self.reread else None
        if found is not None:
            row.analysis = found.model_dump_json()
            self.db.add(row)
        return found

    def replies_last_hour(self, address: str) -> int:
        return self._replies_since(address, timedelta(hours=1))

    def replies_last_day(self, address: str) -> int:
        return self._replies_since(address, timedelta(days=1))

    def _replies_since(self, address: str, span: timedelta) -> int:
        """Every mail we queued to `address` (replies, reminders, anything) in the last `span`."""
        wanted = address.strip().lower()
        if not wanted:
            return 0
        since = datetime.now(UTC) - span
        rows = self.db.exec(select(Reply.recipients).where(
            Reply.created_at >= since, col(Reply.recipients).icontains(wanted, autoescape=True))).all()
        return sum(1 for recipients in rows if wanted in recipients.lower().split(";"))

    def active_nominees(self, unit_code: str, quarter: str) -> list[PriorNominee]:
        rows = self.db.exec(select(Nominee.id, Nominee.name_key, Nominee.school_level, Nominee.submission_id).where(
            Nominee.unit_code == unit_code, Nominee.quarter == quarter, col(Nominee.active).is_(True))).all()
        return [PriorNominee(id=pk or 0, name_key=name_key, school_level=level, submission_id=submission)
                for pk, name_key, level, submission in rows]
