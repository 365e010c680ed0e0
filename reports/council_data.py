"""What the council's documents read from the store: one review's entries with each exemplar's file."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from domain.council import Status
from domain.wording.council import award_text, scope_text
from store import reviews
from store.models import Evidence, Nominee
from store.queries import references_of
from domain.units import UnitDirectory


class CouncilRow(BaseModel):
    """One exemplar before the council: its newest active nomination, quarters, evidence and decision."""

    entry_id: int
    exemplar_id: int
    unit_code: str
    unit_name: str
    kind: str
    category: str
    name: str
    position: str | None = None
    workplace: str | None = None
    school_level: str | None = None
    quarters: list[str] = Field(default_factory=list)
    summary: str = ""
    innovations: str | None = None
    awards: str | None = None
    evidence_count: int = 0
    references: list[str] = Field(default_factory=list)
    status: str = Status.candidate.value
    award: str = ""
    decision_number: str | None = None
    decision_date: str | None = None  # dd/mm/yyyy


class CouncilData(BaseModel):
    review_id: int
    title: str
    scope: str  # "Quý II năm 2024", "Năm học 2024-2025", …
    rows: list[CouncilRow] = Field(default_factory=list)

    def by_unit(self) -> list[tuple[str, list[CouncilRow]]]:
        """Rows grouped under their unit's name, units in the order they first appear."""
        groups: dict[str, list[CouncilRow]] = defaultdict(list)
        for row in self.rows:
            groups[row.unit_name].append(row)
        return list(groups.items())


def _files(db: Session, exemplar_ids: list[int]) -> dict[int, list[Nominee]]:
    found: dict[int, list[Nominee]] = defaultdict(list)
    for n in db.exec(select(Nominee).where(col(Nominee.exemplar_id).in_(exemplar_ids), col(Nominee.active).is_(True))
                     .order_by(col(Nominee.id))):
        found[n.exemplar_id or 0].append(n)
    return found


def council_data(db: Session, review_id: int, units: UnitDirectory, statuses: tuple[Status, ...] = ()) -> CouncilData:
    """The review's entries (only these statuses when given), by unit in the directory's order, then name."""
    review = reviews.get(db, review_id)
    pairs = reviews.entries(db, review_id, statuses)
    files = _files(db, [e.id or 0 for _, e in pairs])
    nominee_ids = [n.id for ns in files.values() for n in ns]
    counts = dict(db.exec(select(Evidence.nominee_id, func.count()).where(
        col(Evidence.nominee_id).in_(nominee_ids)).group_by(col(Evidence.nominee_id))).all()) if nominee_ids else {}
    refs = references_of(db, (n.submission_id for ns in files.values() for n in ns))
    order = {u.code: i for i, u in enumerate(units.units)}
    rows = []
    for entry, exemplar in pairs:
        own = files.get(exemplar.id or 0, [])
        newest = own[-1] if own else None
        unit = units.by_code(exemplar.unit_code)
        rows.append(CouncilRow(
            entry_id=entry.id or 0, exemplar_id=exemplar.id or 0, unit_code=exemplar.unit_code or "",
            unit_name=unit.name if unit else (exemplar.unit_code or "Chưa xác định đơn vị"),
            kind=exemplar.kind, category=exemplar.category, name=exemplar.name,
            position=newest.position if newest else None, workplace=newest.workplace if newest else None,
            school_level=newest.school_level if newest else None,
            quarters=sorted({n.quarter for n in own if n.quarter}),
            summary=newest.summary if newest else "", innovations=newest.innovations if newest else None,
            awards=newest.awards if newest else None, evidence_count=sum(int(counts.get(n.id or 0, 0)) for n in own),
            references=sorted({r for n in own if (r := refs.get(n.submission_id or -1))}),
            status=entry.status, award=award_text(entry.award_form, entry.award_level),
            decision_number=entry.decision_number,
            decision_date=entry.decision_date.strftime("%d/%m/%Y") if entry.decision_date else None))
    rows.sort(key=lambda r: (order.get(r.unit_code, len(order)), r.unit_code))  # stable: names stay sorted
    return CouncilData(review_id=review.id or 0, title=review.title,
                       scope=scope_text(review.scope_kind, review.scope), rows=rows)
