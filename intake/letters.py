"""Letters to units about the council's decisions: one per (review entry, status), through the outbox.

Web pages and the CLI call `announce` in the transaction that records the decision, so the letter
is stored with it or not at all; its Message-ID is keyed on the entry and the status, so it is
queued once and the worker's outbox flush sends it once, across restarts too.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from domain.council import ANNOUNCED, Status
from domain.wording.council import award_text, scope_text
from domain import wording
from intake.outgoing import OutgoingMail, ReplySettings, already_queued, message_id, queue, render
from store.council import Exemplar, Review, ReviewEntry
from store.models import Message, Nominee, Submission
from domain.units import UnitDirectory, UnitInfo

KIND = "council"  # Reply.kind of these letters


class CouncilNews(BaseModel):
    """What a letter about one decision says, and to whom."""

    entry_id: int
    status: Status
    to: list[str]
    unit_name: str
    exemplar_name: str
    category: str
    review_title: str
    scope: str
    award: str = ""
    decision_number: str | None = None
    decision_date: date | None = None
    reference: str | None = None
    in_reply_to: str | None = None


def letter_id(entry_id: int, status: Status, settings: ReplySettings) -> str:
    """The letter's Message-ID: the same entry reaching the same status is the same letter."""
    return message_id(KIND, f"{entry_id}.{status.value}", settings)


def build_letter(news: CouncilNews, settings: ReplySettings) -> OutgoingMail:
    """The letter telling the unit that its exemplar was selected, or awarded."""
    context = {
        "office": settings.sender_name, "contact": settings.contact, "addressee": news.unit_name,
        "name": news.exemplar_name, "category": news.category, "review": news.review_title,
        "scope": news.scope, "awarded": news.status is Status.awarded, "award": news.award,
        "decision_number": news.decision_number,
        "decision_date": news.decision_date.strftime("%d/%m/%Y") if news.decision_date else None,
        "reference": news.reference,
    }
    text, html = render("council", **context)
    label = "Thông báo khen thưởng" if news.status is Status.awarded else "Thông báo kết quả xét chọn"
    prefix = f"[{news.reference}] " if news.reference else ""
    return OutgoingMail(message_id=letter_id(news.entry_id, news.status, settings), kind=KIND, to=news.to,
                        subject=f"{prefix}{label} gương điển hình tiên tiến: {news.exemplar_name}",
                        text=text, html=html, in_reply_to=news.in_reply_to,
                        references=[news.in_reply_to] if news.in_reply_to else [])


def _proposing(db: Session, entry: ReviewEntry) -> tuple[Nominee | None, Message | None]:
    """The exemplar's newest active nomination and its mail: the unit that proposed it, and how."""
    nominee = db.exec(select(Nominee).where(
        Nominee.exemplar_id == entry.exemplar_id, col(Nominee.active).is_(True))
        .order_by(col(Nominee.id).desc())).first()
    return nominee, db.get(Message, nominee.message_pk) if nominee else None


def recipients(unit: UnitInfo | None, sender: str) -> list[str]:
    """The unit's address the nomination came from; else its first registered one; else the sender."""
    registered = unit.emails if unit else []
    if sender and (not registered or sender.lower() in registered):
        return [sender]
    return registered[:1]


def news_of(db: Session, entry: ReviewEntry, units: UnitDirectory) -> CouncilNews | None:
    """What to tell about this entry's present status; None when there is nobody to tell."""
    exemplar, review = db.get(Exemplar, entry.exemplar_id), db.get(Review, entry.review_id)
    nominee, message = _proposing(db, entry)
    if exemplar is None or review is None or message is None:
        return None
    unit = units.by_code(exemplar.unit_code)
    to = recipients(unit, message.sender)
    if not to:
        return None
    submission = db.get(Submission, nominee.submission_id) if nominee and nominee.submission_id else None
    own_id = message.rfc_message_id if message.rfc_message_id.startswith("<") else None
    return CouncilNews(
        entry_id=entry.id or 0, status=Status(entry.status), to=to,
        unit_name=unit.name if unit else "Quý đơn vị", exemplar_name=exemplar.name,
        category=wording.CATEGORY_TEXT.get(exemplar.category, exemplar.category),  # type: ignore[call-overload]
        review_title=review.title, scope=scope_text(review.scope_kind, review.scope),
        award=award_text(entry.award_form, entry.award_level), decision_number=entry.decision_number,
        decision_date=entry.decision_date, reference=submission.reference if submission else None,
        in_reply_to=own_id,
    )


def announce(db: Session, entry: ReviewEntry, units: UnitDirectory, settings: ReplySettings, when: datetime) -> bool:
    """Queue the letter for the entry's status if it is one units hear of; True when one was queued now.

    In the caller's transaction: the letter is committed with the decision or not at all.
    """
    if Status(entry.status) not in ANNOUNCED:
        return False
    wanted = letter_id(entry.id or 0, Status(entry.status), settings)
    if already_queued(db, wanted):
        return False
    news = news_of(db, entry, units)
    if news is None:
        return False
    queue(db, build_letter(news, settings), settings, when)
    return True
