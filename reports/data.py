"""What the reports of one quarter read from the store: active exemplars by unit and the quota of each unit."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from domain.quota import QuotaRules, QuotaStatus, quota_status
from domain.units import UnitDirectory, UnitInfo, UnitKind
from parsers.pdf_signature import SignatureCheck
from store.models import Attachment, Evidence, Message, Nominee
from store.queries import references_of

# Outcomes that mean the unit wrote to us about the quarter, even if nothing was recorded.
HEARD_OUTCOMES = ("accepted", "rejected", "needs_review")


class ExemplarRow(BaseModel):
    """One active exemplar, as the report tables show it."""

    id: int
    unit_code: str
    unit_name: str
    quarter: str
    kind: str
    category: str
    name: str
    position: str | None = None
    workplace: str | None = None
    school_level: str | None = None
    summary: str = ""
    innovations: str | None = None
    awards: str | None = None
    evidence_count: int = 0
    reference: str | None = None
    late: bool = False
    received_at: datetime | None = None
    signed: bool = False  # its mail carries a PDF with a valid, intact digital signature (not untrusted)


class UnitQuota(BaseModel):
    unit: UnitInfo
    status: QuotaStatus
    heard: bool = False
    exemplars: int = 0

    @property
    def has_rule(self) -> bool:
        return bool(self.status.lines)


class QuarterData(BaseModel):
    quarter: str
    exemplars: list[ExemplarRow] = Field(default_factory=list)
    quotas: list[UnitQuota] = Field(default_factory=list)

    def by_unit(self) -> list[tuple[UnitInfo, list[ExemplarRow]]]:
        """Exemplars grouped by unit, in the directory's order (units with none left out)."""
        groups: dict[str, list[ExemplarRow]] = defaultdict(list)
        for row in self.exemplars:
            groups[row.unit_code].append(row)
        return [(q.unit, groups[q.unit.code]) for q in self.quotas if groups.get(q.unit.code)]

    @property
    def with_rule(self) -> list[UnitQuota]:
        return [q for q in self.quotas if q.has_rule]

    @property
    def complete_units(self) -> list[UnitQuota]:
        return [q for q in self.with_rule if q.status.complete]


def _unknown_unit(code: str) -> UnitInfo:
    # A unit removed from the directory after it nominated still appears in the report.
    return UnitInfo(code=code, name=code, kind=UnitKind.phong_thuoc_so)


def _signed(attachment: Attachment) -> bool:
    try:
        check = SignatureCheck.model_validate_json(attachment.signature or "")
    except ValueError:
        return False
    # With root certificates installed, a chain they do not reach is no signature to vouch for.
    return check.sound and all(s.trusted is not False for s in check.signatures)


def signed_messages(db: Session, message_pks: set[int]) -> set[int]:
    """Which of these mails carry a PDF whose digital signature is valid, intact and not untrusted."""
    if not message_pks:
        return set()
    found = db.exec(select(Attachment).where(col(Attachment.message_pk).in_(message_pks),
                                             col(Attachment.signature).is_not(None)))
    return {a.message_pk for a in found if _signed(a)}


def active_exemplars(db: Session, quarters: list[str], units: UnitDirectory) -> list[ExemplarRow]:
    """Active exemplars of these quarters with their evidence count, reference and receipt data."""
    nominees = db.exec(select(Nominee).where(
        col(Nominee.quarter).in_(quarters), col(Nominee.active).is_(True),
        col(Nominee.unit_code).is_not(None)).order_by(col(Nominee.id))).all()
    ids = [n.id for n in nominees]
    counts = dict(db.exec(select(Evidence.nominee_id, func.count()).where(
        col(Evidence.nominee_id).in_(ids)).group_by(col(Evidence.nominee_id))).all()) if ids else {}
    messages = {m.id: m for m in db.exec(select(Message).where(
        col(Message.id).in_({n.message_pk for n in nominees})))} if ids else {}
    refs = references_of(db, (n.submission_id for n in nominees))
    signed = signed_messages(db, {n.message_pk for n in nominees})
    rows = []
    for n in nominees:
        unit = units.by_code(n.unit_code) or _unknown_unit(n.unit_code or "")
        message = messages.get(n.message_pk)
        rows.append(ExemplarRow(
            id=n.id or 0, unit_code=unit.code, unit_name=unit.name, quarter=n.quarter or "", kind=n.kind,
            category=n.category, name=n.name, position=n.position, workplace=n.workplace,
            school_level=n.school_level, summary=n.summary, innovations=n.innovations, awards=n.awards,
            evidence_count=counts.get(n.id or 0, 0), reference=refs.get(n.submission_id),
            late=bool(message and message.late), received_at=message.received_at if message else None,
            signed=n.message_pk in signed))
    return rows


def heard_units(db: Session, quarter: str) -> set[str]:
    """Codes of the units that wrote to us about this quarter (accepted, rejected or pending)."""
    found = db.exec(select(Message.unit_code).where(
        Message.quarter == quarter, col(Message.outcome).in_(HEARD_OUTCOMES),
        col(Message.unit_code).is_not(None)).distinct())
    return {code for code in found if code}


def quarter_data(db: Session, quarter: str, units: UnitDirectory, rules: QuotaRules | None = None) -> QuarterData:
    """Everything a quarterly report, digest or reminder needs about one quarter."""
    exemplars = active_exemplars(db, [quarter], units)
    heard = heard_units(db, quarter)
    levels: dict[str, list[str | None]] = defaultdict(list)
    for row in exemplars:
        levels[row.unit_code].append(row.school_level)
    counts = Counter(row.unit_code for row in exemplars)
    known = {u.code for u in units.units}
    directory = units.units + [_unknown_unit(code) for code in sorted(set(levels) - known)]
    quotas = [UnitQuota(unit=unit, status=quota_status(unit.code, unit.kind, quarter, levels[unit.code], rules),
                        heard=unit.code in heard or unit.code in counts, exemplars=counts[unit.code])
              for unit in directory]
    quotas = [q for q in quotas if q.has_rule or q.exemplars]
    return QuarterData(quarter=quarter, exemplars=exemplars, quotas=quotas)
