"""One review as staff read it: each candidate with its active nominations, evidence, decision and changes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from domain.council import Status
from domain.wording.council import STATUS_TEXT, award_text
from store import reviews
from store.council import Exemplar, Review, ReviewChange, ReviewEntry
from store.models import Attachment, Evidence, Nominee
from web.exemplarview import evidence_files


@dataclass
class EntryView:
    entry: ReviewEntry
    exemplar: Exemplar
    nominees: list[Nominee]
    evidence: list[Evidence]
    changes: list[ReviewChange]

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[Status(self.entry.status)]

    @property
    def award(self) -> str:
        return award_text(self.entry.award_form, self.entry.award_level)

    @property
    def newest(self) -> Nominee | None:
        return self.nominees[-1] if self.nominees else None


@dataclass
class ReviewView:
    review: Review
    entries: list[EntryView]
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[int, Attachment] = field(default_factory=dict)  # evidence id → its attached file


def review_view(db: Session, review_id: int) -> ReviewView:
    """The review's page; raises store.reviews.ReviewNotFound."""
    review = reviews.get(db, review_id)
    pairs = reviews.entries(db, review_id)
    nominees: dict[int, list[Nominee]] = defaultdict(list)
    for n in db.exec(select(Nominee).where(col(Nominee.exemplar_id).in_([e.id for _, e in pairs]),
                                           col(Nominee.active).is_(True)).order_by(col(Nominee.id))):
        nominees[n.exemplar_id or 0].append(n)
    owner = {n.id: n.exemplar_id for ns in nominees.values() for n in ns}
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in db.exec(select(Evidence).where(col(Evidence.nominee_id).in_(list(owner))).order_by(col(Evidence.id))):
        evidence[owner[item.nominee_id] or 0].append(item)
    changes: dict[int, list[ReviewChange]] = defaultdict(list)
    for change in reviews.changes(db, [entry.id or 0 for entry, _ in pairs]):
        changes[change.review_entry_id].append(change)
    views = [EntryView(entry=entry, exemplar=exemplar, nominees=nominees[exemplar.id or 0],
                       evidence=evidence[exemplar.id or 0], changes=changes[entry.id or 0]) for entry, exemplar in pairs]
    counts = {s.value: sum(1 for v in views if v.entry.status == s.value) for s in Status}
    files = evidence_files(db, [n for ns in nominees.values() for n in ns], [e for es in evidence.values() for e in es])
    return ReviewView(review=review, entries=views, counts=counts, files=files)
