"""The pipeline's view of the past, answered from the store (and the spool for earlier mails)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from intake.message import parse_message
from intake.models import InboundMessage
from intake.pipeline import PriorMessage, PriorNominee, PriorSubmission, subject_references
from store.models import Message, Nominee, Reply, Submission


class StoreHistory:
    """Implements pipeline.History for one message being decided."""

    def __init__(self, db: Session, current: Message) -> None:
        self.db = db
        self.current = current

    def duplicate_of(self, msg: InboundMessage) -> PriorMessage | None:
        if not msg.message_id:
            return None
        row = self.db.exec(select(Message).where(
            Message.message_id == msg.message_id, Message.id != self.current.id,
            col(Message.outcome).is_not(None)).order_by(Message.id)).first()
        if row is None or row.outcome is None:
            return None
        return PriorMessage(id=row.id or 0, outcome=row.outcome, unit_code=row.unit_code,
                            quarter=row.quarter, late=row.late)

    def _submission_for(self, msg: InboundMessage) -> Submission | None:
        for reference in subject_references(msg.subject):
            sub = self.db.exec(select(Submission).where(Submission.reference == reference)).first()
            if sub is not None:
                return sub
        ids = msg.in_reply_to + list(reversed(msg.references))
        for mid in ids:
            reply = self.db.exec(select(Reply).where(Reply.rfc_message_id == mid)).first()
            target = self.db.get(Message, reply.message_id) if reply and reply.message_id else None
            if target is None:
                target = self.db.exec(select(Message).where(
                    Message.message_id == mid, col(Message.submission_id).is_not(None))).first()
            if target is not None and target.submission_id is not None:
                return self.db.get(Submission, target.submission_id)
        return None

    def thread_of(self, msg: InboundMessage) -> PriorSubmission | None:
        sub = self._submission_for(msg)
        if sub is None:
            return None
        rows = self.db.exec(select(Message).where(
            Message.submission_id == sub.id, Message.id != self.current.id).order_by(Message.id)).all()
        earlier = [parse_message(Path(r.spool_path).read_bytes()) for r in rows]
        return PriorSubmission(id=sub.id or 0, reference=sub.reference, unit_code=sub.unit_code,
                               quarter=sub.quarter, status=sub.status, messages=earlier)

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
        rows = self.db.exec(select(Nominee).where(
            Nominee.unit_code == unit_code, Nominee.quarter == quarter, col(Nominee.active).is_(True))).all()
        return [PriorNominee(id=r.id or 0, name_key=r.name_key, school_level=r.school_level,
                             submission_id=r.submission_id) for r in rows]
