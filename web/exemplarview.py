"""One exemplar as staff read it: who, every nomination with its evidence, changes and decisions in time order."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from domain.council import Status
from domain.wording.council import ACTION_TEXT, FIELD_TEXT, FORM_TEXT, LEVEL_TEXT, STATUS_TEXT, award_text
from store import exemplars, reviews
from store.council import Exemplar, Review, ReviewEntry
from store.models import Attachment, Evidence, Message, Nominee
from store.queries import references_of


SYSTEM = "Hệ thống tiếp nhận"  # the actor shown for what the intake did by itself


@dataclass
class NominationItem:
    nominee: Nominee
    message: Message | None
    reference: str | None
    evidence: list[Evidence]


@dataclass
class Moment:
    """One line of the history: a nomination received, a merge or split, a decision changed."""

    at: datetime
    what: str  # nomination | change | decision
    actor: str = ""
    text: str = ""
    nomination: NominationItem | None = None


@dataclass
class DecisionLine:
    review: Review
    entry: ReviewEntry
    status: str
    award: str


@dataclass
class ExemplarView:
    exemplar: Exemplar
    nominations: list[NominationItem]
    timeline: list[Moment]
    decisions: list[DecisionLine] = field(default_factory=list)
    files: dict[int, Attachment] = field(default_factory=dict)  # evidence id → its attached file

    @property
    def birth_text(self) -> str:
        """The birth date as staff write it: 02/07/1974, or the year alone."""
        value = self.exemplar.birth_date or ""
        if len(value) == 10:
            year, month, day = value.split("-")
            return f"{day}/{month}/{year}"
        return value or "—"

    @property
    def quarters(self) -> list[str]:
        return sorted({n.nominee.quarter for n in self.nominations if n.nominee.quarter})


def _value_text(key: str, value: object) -> str:
    if value in (None, ""):
        return "(trống)"
    text = str(value)
    tables: dict[str, dict[str, str]] = {
        "status": {s.value: t for s, t in STATUS_TEXT.items()},
        "award_level": {k.value: t for k, t in LEVEL_TEXT.items()},
        "award_form": {k.value: t for k, t in FORM_TEXT.items()}}
    if key == "decision_date" and len(text) == 10:
        year, month, day = text.split("-")
        return f"{day}/{month}/{year}"
    return tables.get(key, {}).get(text, text)


def change_text(detail: str) -> str:
    """'Kết quả: Chờ xem xét → Được lựa chọn biểu dương; Lý do …' from a review change's JSON."""
    diff: dict[str, list[object]] = json.loads(detail or "{}")
    return "; ".join(f"{FIELD_TEXT.get(k, k)}: {_value_text(k, before)} → {_value_text(k, after)}"
                     for k, (before, after) in diff.items())


def exemplar_change_text(action: str, detail: str) -> str:
    data = json.loads(detail or "{}")
    head = ACTION_TEXT.get(action, action)
    if action == "merge":
        return f"{head}: gộp hồ sơ số {data.get('absorbed')} ({data.get('name', '')}) vào hồ sơ này"
    if action == "split" and "to" in data:
        return f"{head}: chuyển {len(data.get('nominees', []))} đề cử sang hồ sơ số {data['to']}"
    if action == "split":
        return f"{head}: tách từ hồ sơ số {data.get('from')}"
    return f"{head}: đề cử mới được nhận là của cùng gương điển hình"


def evidence_files(db: Session, nominees: list[Nominee], evidence: list[Evidence]) -> dict[int, Attachment]:
    """Evidence id → the attached file it names (same mail, same content), for a download link."""
    mail_of = {n.id: n.message_pk for n in nominees}
    files = {(a.message_pk, a.sha256): a for a in db.exec(select(Attachment).where(
        col(Attachment.message_pk).in_(set(mail_of.values()))))} if mail_of else {}
    return {e.id or 0: found for e in evidence
            if e.sha256 and (found := files.get((mail_of.get(e.nominee_id, 0), e.sha256))) is not None}


def _nominations(db: Session, exemplar_id: int) -> list[NominationItem]:
    rows = exemplars.nominees_of(db, exemplar_id)
    messages = {m.id: m for m in db.exec(select(Message).where(col(Message.id).in_([n.message_pk for n in rows])))}
    refs = references_of(db, (n.submission_id for n in rows))
    evidence: dict[int, list[Evidence]] = {}
    for item in db.exec(select(Evidence).where(col(Evidence.nominee_id).in_([n.id for n in rows])).order_by(col(Evidence.id))):
        evidence.setdefault(item.nominee_id, []).append(item)
    return [NominationItem(nominee=n, message=messages.get(n.message_pk), reference=refs.get(n.submission_id or -1),
                           evidence=evidence.get(n.id or 0, [])) for n in rows]


def exemplar_view(db: Session, exemplar_id: int) -> ExemplarView:
    """Everything the exemplar's page shows; raises store.exemplars.ExemplarNotFound."""
    exemplar = exemplars.get(db, exemplar_id)
    nominations = _nominations(db, exemplar_id)
    timeline = [Moment(at=n.message.received_at, what="nomination", nomination=n)
                for n in nominations if n.message is not None]
    timeline += [Moment(at=c.at, what="change", actor=SYSTEM if c.actor == exemplars.INTAKE_ACTOR else c.actor,
                        text=exemplar_change_text(c.action, c.detail))
                 for c in exemplars.changes_of(db, exemplar_id)]
    pairs = reviews.entries_of_exemplar(db, exemplar_id)
    titles = {e.id: r.title for e, r in pairs}
    timeline += [Moment(at=c.at, what="decision", actor=c.actor, text=f"{titles[c.review_entry_id]}: {change_text(c.detail)}")
                 for c in reviews.changes(db, [e.id or 0 for e, _ in pairs])]
    timeline.sort(key=lambda m: m.at)
    decisions = [DecisionLine(review=r, entry=e, status=STATUS_TEXT[Status(e.status)],
                              award=award_text(e.award_form, e.award_level)) for e, r in pairs]
    files = evidence_files(db, [n.nominee for n in nominations], [e for n in nominations for e in n.evidence])
    return ExemplarView(exemplar=exemplar, nominations=nominations, timeline=timeline, decisions=decisions,
                        files=files)


