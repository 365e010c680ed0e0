"""Staff corrections: decide a mail again, release it from quarantine, attach it to a unit, fix a
field. Each is recorded as an event with who and when; a unit is answered once per outcome."""

from __future__ import annotations

from sqlmodel import col, delete, select

from domain.codes import Category, Kind, Outcome, SchoolLevel
from domain.decision import Decision
from intake.errors import IntakeError
from intake.worker import Worker
from store import records
from store.db import session
from store.models import Evidence, Message, Nominee


class UnknownMessage(IntakeError):
    """No recorded mail has this number. The message is shown to staff, so it is Vietnamese."""


class NotAllowed(IntakeError):
    """The change does not apply to this mail or field. The message is shown to staff (Vietnamese)."""


EDITABLE = {"name", "position", "workplace", "school_level", "category", "kind", "summary", "innovations",
            "awards", "birth_date", "gender"}
_ENUMS = {"school_level": SchoolLevel, "category": Category, "kind": Kind}


def _undo(worker: Worker, message_pk: int, actor: str, kind: str, **change: object) -> None:
    """Forget the mail's earlier decision (kept in the event log) so it is decided afresh."""
    with session(worker.engine) as db:
        message = db.get(Message, message_pk)
        if message is None:
            raise UnknownMessage(f"không có thư mã {message_pk}")
        records.log_event(db, kind, message.id, actor=actor, previous=message.outcome,
                          reasons=message.reasons, **change)
        nominees = [n.id for n in db.exec(select(Nominee).where(Nominee.message_pk == message.id))]
        db.exec(delete(Evidence).where(col(Evidence.nominee_id).in_(nominees)))
        db.exec(delete(Nominee).where(col(Nominee.id).in_(nominees)))
        for key, value in change.items():
            setattr(message, key, value)
        message.status, message.outcome, message.failures, message.claimed_by = "received", None, 0, None
        db.add(message)


def _decide_again(worker: Worker, message_pk: int) -> Decision:
    with session(worker.engine) as db:
        message = db.get(Message, message_pk)
    assert message is not None
    worker.process(message)
    with session(worker.engine) as db:
        done = db.get(Message, message_pk)
    assert done is not None and done.outcome is not None
    worker.flush()
    return Decision(outcome=Outcome(done.outcome), unit_code=done.unit_code, quarter=done.quarter, late=done.late)


def reprocess(worker: Worker, message_pk: int, actor: str) -> Decision:
    """Decide a mail again from its raw bytes (after a fix, or a failure that is now resolved)."""
    _undo(worker, message_pk, actor, "reprocessed")
    return _decide_again(worker, message_pk)


def _require_outcome(worker: Worker, message_pk: int, outcome: Outcome, state: str) -> None:
    """Refuse the change unless the mail exists and currently has `outcome` (named `state` to staff)."""
    with session(worker.engine) as db:
        message = db.get(Message, message_pk)
        if message is None:
            raise UnknownMessage(f"không có thư mã {message_pk}")
        if message.outcome != outcome:
            raise NotAllowed(f"thư mã {message_pk} không ở trạng thái {state}")


def release(worker: Worker, message_pk: int, actor: str) -> Decision:
    """A quarantined mail, decided without the check that quarantined it (nothing is unpacked)."""
    _require_outcome(worker, message_pk, Outcome.quarantined, "cách ly")
    _undo(worker, message_pk, actor, "released", released=True)
    return _decide_again(worker, message_pk)


def attach_unit(worker: Worker, message_pk: int, unit_code: str, actor: str) -> Decision:
    """A mail from an unregistered address, decided as the given unit's own."""
    if worker.units.by_code(unit_code) is None:
        raise NotAllowed(f"không có đơn vị mã {unit_code} trong danh mục đơn vị")
    _require_outcome(worker, message_pk, Outcome.needs_review, "chờ xác minh")
    _undo(worker, message_pk, actor, "unit_attached", override_unit=unit_code)
    return _decide_again(worker, message_pk)


def correct_field(worker: Worker, nominee_pk: int, field: str, value: str, actor: str) -> None:
    """Correct one parsed field of an exemplar; the old value stays in the event log."""
    if field not in EDITABLE:
        raise NotAllowed(f"không được sửa trường {field}")
    if field in _ENUMS:
        try:
            value = _ENUMS[field](value).value
        except ValueError:
            raise NotAllowed(f"giá trị “{value}” không hợp lệ cho trường {field}") from None
    with session(worker.engine) as db:
        nominee = db.get(Nominee, nominee_pk)
        if nominee is None:
            raise UnknownMessage(f"không có gương điển hình mã {nominee_pk}")
        records.log_event(db, "field_corrected", nominee.message_pk, actor=actor, nominee=nominee_pk,
                          field=field, old=getattr(nominee, field), new=value)
        setattr(nominee, field, value)
        db.add(nominee)
