"""Reviews on the store: opening one with its candidates, recording decisions with who and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from domain.council import ANNOUNCED, Decision, Problem, ScopeKind, Status, check, fields_kept, in_scope
from store.council import Exemplar, Review, ReviewChange, ReviewEntry
from store.errors import StoreError
from store.models import Nominee

_DECIDED_FIELDS = ("status", "reason", "award_level", "award_form", "decision_number", "decision_date")


class ReviewNotFound(StoreError):
    """No review (or no entry of it) with that id."""


class DecisionRefused(StoreError):
    """The decision breaks a council rule (domain.council.check); carries the problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(p.value for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Recorded:
    """What deciding changed: the entry, and whether it newly reached a status the unit is told of."""

    entry: ReviewEntry
    changed: bool
    announce: bool


def _now() -> datetime:
    return datetime.now(UTC)


def open_review(db: Session, title: str, scope_kind: ScopeKind, scope: str, actor: str) -> Review:
    """A new review with its candidates; in the caller's transaction."""
    review = Review(title=title.strip(), scope_kind=scope_kind.value, scope=scope.strip(), opened_at=_now(),
                    opened_by=actor)
    db.add(review)
    db.flush()
    add_candidates(db, review, actor)
    return review


def add_candidates(db: Session, review: Review, actor: str) -> int:
    """Enter every exemplar with an active nomination in the review's scope not entered yet; returns how many."""
    entered = set(db.exec(select(ReviewEntry.exemplar_id).where(ReviewEntry.review_id == review.id)).all())
    rows = db.exec(select(Nominee.exemplar_id, Nominee.quarter).where(
        col(Nominee.active).is_(True), col(Nominee.exemplar_id).is_not(None))).all()
    wanted = sorted({e for e, quarter in rows
                     if e is not None and e not in entered
                     and in_scope(ScopeKind(review.scope_kind), review.scope, quarter)})
    stamp = _now()
    for exemplar_id in wanted:
        db.add(ReviewEntry(review_id=review.id or 0, exemplar_id=exemplar_id, status=Status.candidate.value,
                           updated_at=stamp, updated_by=actor))
    db.flush()
    return len(wanted)


def get(db: Session, review_id: int) -> Review:
    review = db.get(Review, review_id)
    if review is None:
        raise ReviewNotFound(f"review {review_id}")
    return review


def all_reviews(db: Session) -> list[Review]:
    return list(db.exec(select(Review).order_by(col(Review.opened_at).desc(), col(Review.id).desc())))


def entries(db: Session, review_id: int, statuses: tuple[Status, ...] = ()) -> list[tuple[ReviewEntry, Exemplar]]:
    """The review's entries with their exemplars, by unit then name; only these statuses when given."""
    query = (select(ReviewEntry, Exemplar).join(Exemplar, col(Exemplar.id) == ReviewEntry.exemplar_id)
             .where(ReviewEntry.review_id == review_id)
             .order_by(col(Exemplar.unit_code), col(Exemplar.name_key), col(Exemplar.id)))
    if statuses:
        query = query.where(col(ReviewEntry.status).in_([s.value for s in statuses]))
    return [(entry, exemplar) for entry, exemplar in db.exec(query).all()]


def entry(db: Session, review_id: int, entry_id: int) -> ReviewEntry:
    row = db.get(ReviewEntry, entry_id)
    if row is None or row.review_id != review_id:
        raise ReviewNotFound(f"entry {entry_id} of review {review_id}")
    return row


def entries_of_exemplar(db: Session, exemplar_id: int) -> list[tuple[ReviewEntry, Review]]:
    return [(e, r) for e, r in db.exec(
        select(ReviewEntry, Review).join(Review, col(Review.id) == ReviewEntry.review_id)
        .where(ReviewEntry.exemplar_id == exemplar_id).order_by(col(Review.opened_at), col(Review.id))).all()]


def honoured(db: Session) -> list[tuple[Exemplar, list[tuple[ReviewEntry, Review]]]]:
    """Exemplars some review selected, proposed or awarded, with those entries (oldest review first),
    by unit and name: whom the publicity may present, and with which awards."""
    wanted = [s.value for s in (Status.selected, Status.proposed, Status.awarded)]
    rows = db.exec(select(ReviewEntry, Review, Exemplar)
                   .join(Review, col(Review.id) == ReviewEntry.review_id)
                   .join(Exemplar, col(Exemplar.id) == ReviewEntry.exemplar_id)
                   .where(col(ReviewEntry.status).in_(wanted))
                   .order_by(col(Exemplar.unit_code), col(Exemplar.name_key), col(Exemplar.id),
                             col(Review.opened_at), col(Review.id))).all()
    found: dict[int, tuple[Exemplar, list[tuple[ReviewEntry, Review]]]] = {}
    for entry, review, exemplar in rows:
        found.setdefault(exemplar.id or 0, (exemplar, []))[1].append((entry, review))
    return list(found.values())


def changes(db: Session, entry_ids: list[int]) -> list[ReviewChange]:
    return list(db.exec(select(ReviewChange).where(col(ReviewChange.review_entry_id).in_(entry_ids))
                        .order_by(col(ReviewChange.at), col(ReviewChange.id))))


def decide(db: Session, review_id: int, entry_id: int, decision: Decision, actor: str) -> Recorded:
    """Record a decision on an entry and the change (before → after, who, when); in the caller's transaction.

    Raises DecisionRefused when domain.council says it cannot be recorded. Recording the same
    decision again changes nothing and records nothing.
    """
    row = entry(db, review_id, entry_id)
    problems = check(Status(row.status), decision)
    if problems:
        raise DecisionRefused(problems)
    kept = fields_kept(decision).model_dump(mode="json")
    before = {f: _plain(getattr(row, f)) for f in _DECIDED_FIELDS}
    diff = {f: [before[f], kept[f]] for f in _DECIDED_FIELDS if before[f] != kept[f]}
    if not diff:
        return Recorded(entry=row, changed=False, announce=False)
    for field in _DECIDED_FIELDS:
        setattr(row, field, getattr(fields_kept(decision), field))
    row.status = decision.status.value
    row.updated_at, row.updated_by = _now(), actor
    db.add(row)
    db.flush()
    db.add(ReviewChange(review_entry_id=row.id or 0, at=row.updated_at, actor=actor,
                        detail=json.dumps(diff, ensure_ascii=False)))
    db.flush()
    announce = "status" in diff and decision.status in ANNOUNCED
    return Recorded(entry=row, changed=True, announce=announce)


def _plain(value: object) -> object:
    """A stored value as it reads in JSON (dates as ISO text, enums as their value)."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def close(db: Session, review_id: int, actor: str) -> Review:
    review = get(db, review_id)
    review.closed_at = _now()
    db.add(review)
    return review
