"""Read-only views for the CLI and reports: the export, one submission (the intake log: store.log)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from store.models import Evidence, Message, Nominee, Submission


def stored_reasons(raw: str | None) -> list[dict[str, Any]]:
    """A message's reasons as records.save_decision wrote them (code, detail, where); [] before a decision.

    Kept as dicts, not Reason models: a row may hold a code this version no longer knows."""
    reasons: list[dict[str, Any]] = json.loads(raw or "[]")
    return reasons


def reason_codes(raw: str | None) -> list[str]:
    """The codes of a message's stored reasons, in the decision's order."""
    return [r["code"] for r in stored_reasons(raw)]


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def _nominees_by_message(db: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = db.exec(select(Nominee).where(col(Nominee.message_pk).in_(ids)).order_by(col(Nominee.id))).all()
    evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    nominee_ids = [n.id for n in rows]
    for item in db.exec(select(Evidence).where(col(Evidence.nominee_id).in_(nominee_ids)).order_by(col(Evidence.id))):
        evidence[item.nominee_id].append(
            {"url": item.url} if item.url else {"filename": item.filename, "sha256": item.sha256})
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for n in rows:
        found[n.message_pk].append({
            "kind": n.kind, "category": n.category, "name": n.name, "position": n.position,
            "workplace": n.workplace, "school_level": n.school_level, "summary": n.summary,
            "innovations": n.innovations, "evidence": evidence[n.id or 0],
        })
    return found


def references_of(db: Session, ids: Iterable[int | None]) -> dict[int | None, str]:
    """Submission id → its reference (DHTT-2024Q2-0042), for the ids given; ids that are None are skipped."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    found = db.exec(select(col(Submission.id), col(Submission.reference)).where(col(Submission.id).in_(wanted)))
    return {pk: reference for pk, reference in found if pk is not None}


def export_messages(db: Session, tz: ZoneInfo) -> list[dict[str, Any]]:
    """One object per received message, in receipt order (the fields of the corpus README)."""
    messages = db.exec(select(Message).order_by(col(Message.received_at), col(Message.id))).all()
    nominees = _nominees_by_message(db, [m.id or 0 for m in messages])
    refs = references_of(db, [m.submission_id for m in messages])
    return [{
        "message_id": m.rfc_message_id, "received_at": _local(m.received_at, tz), "sender": m.sender,
        "reference": refs.get(m.submission_id or -1), "outcome": m.outcome or "received",
        "reasons": sorted(set(reason_codes(m.reasons))),
        "unit_code": m.unit_code, "quarter": m.quarter, "late": m.late, "reply": m.reply_kind,
        "nominees": nominees.get(m.id or 0, []) if m.outcome in ("accepted", "needs_review") else [],
    } for m in messages]


def submission_by_reference(db: Session, reference: str) -> Submission | None:
    return db.exec(select(Submission).where(Submission.reference == reference)).first()


def thread_messages(db: Session, submission_id: int) -> list[Message]:
    return list(db.exec(select(Message).where(Message.submission_id == submission_id).order_by(col(Message.id))))
