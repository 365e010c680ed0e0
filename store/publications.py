"""Publications on the store: staff approve the text and photo of a selected exemplar, or withdraw it,
and `published` reads exactly what the public site may show (nothing private is selected here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import PurePosixPath

from sqlmodel import Session, col, select

from domain.council import Status
from domain.publicity import Trace, private_traces
from store.council import Exemplar, ReviewEntry
from store.errors import StoreError
from store.models import Attachment, Nominee
from store.publicity import Publication

# An exemplar may be published once the council selected it, proposed it or awarded it.
PUBLISHABLE = (Status.selected.value, Status.proposed.value, Status.awarded.value)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}
MAX_TEXT = 20_000


class PublicationRefused(StoreError):
    """The exemplar cannot be published (not selected), or the photo is not one of its images."""


class EmptyText(PublicationRefused):
    """The text to publish is empty."""


class PrivateDataInText(PublicationRefused):
    """The text still holds an e-mail address, a phone number or a date of birth."""

    def __init__(self, traces: list[Trace]) -> None:
        super().__init__(", ".join(t.value for t in traces))
        self.traces = traces


@dataclass(frozen=True)
class Award:
    form: str | None
    level: str | None
    decision_number: str | None
    decision_date: date | None


@dataclass(frozen=True)
class PublishedRow:
    """One exemplar as the site shows it: only fields fit to publish."""

    exemplar_id: int
    name: str
    position: str
    workplace: str
    unit_code: str | None
    category: str
    quarters: list[str]
    text: str
    photo_path: str | None
    approved_at: datetime
    awards: list[Award] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


def publishable_ids(db: Session) -> set[int]:
    """Exemplars the council selected, proposed or awarded in some review."""
    rows = db.exec(select(ReviewEntry.exemplar_id).where(col(ReviewEntry.status).in_(PUBLISHABLE))).all()
    return set(rows)


def publishable(db: Session) -> list[tuple[Exemplar, Publication | None]]:
    """Every exemplar that may be published, by name, with its publication if staff made one."""
    ids = publishable_ids(db)
    if not ids:
        return []
    rows = db.exec(select(Exemplar, Publication).join(Publication, col(Publication.exemplar_id) == Exemplar.id,
                                                      isouter=True)
                   .where(col(Exemplar.id).in_(ids)).order_by(col(Exemplar.name_key), col(Exemplar.id))).all()
    return [(exemplar, publication) for exemplar, publication in rows]


def get(db: Session, exemplar_id: int) -> Publication | None:
    return db.exec(select(Publication).where(Publication.exemplar_id == exemplar_id)).first()


def nominations(db: Session, exemplar_id: int) -> list[Nominee]:
    """The exemplar's active nominations, newest first."""
    return list(db.exec(select(Nominee).where(Nominee.exemplar_id == exemplar_id, col(Nominee.active).is_(True))
                        .order_by(col(Nominee.id).desc())))


def prefilled_text(db: Session, exemplar_id: int) -> str:
    """The text staff start from: the newest nomination's summary."""
    newest = nominations(db, exemplar_id)
    return newest[0].summary if newest else ""


def photo_choices(db: Session, exemplar_id: int) -> list[Attachment]:
    """The images attached to the mails that nominated this exemplar, in the order they came."""
    message_pks = {n.message_pk for n in nominations(db, exemplar_id)}
    if not message_pks:
        return []
    files = db.exec(select(Attachment).where(col(Attachment.message_pk).in_(message_pks))
                    .order_by(col(Attachment.message_pk), col(Attachment.id))).all()
    return [a for a in files if _is_image(a)]


def _is_image(item: Attachment) -> bool:
    if item.role in ("archive", "unreadable"):
        return False
    suffix = PurePosixPath(item.filename.lower()).suffix
    return item.content_type.lower().startswith("image/") or suffix in IMAGE_SUFFIXES


def approve(db: Session, exemplar_id: int, text: str, photo_attachment_id: int | None, actor: str) -> Publication:
    """Approve (or re-approve) the text and photo; a withdrawn publication is published again."""
    if exemplar_id not in publishable_ids(db):
        raise PublicationRefused(f"exemplar {exemplar_id} is not selected by the council")
    text = text.strip()
    if not text:
        raise EmptyText("empty text")
    if len(text) > MAX_TEXT:
        raise PublicationRefused("text too long")
    exemplar = db.get(Exemplar, exemplar_id)
    births = {exemplar.birth_date if exemplar else None} | {n.birth_date for n in nominations(db, exemplar_id)}
    traces = sorted({t for birth in births for t in private_traces(text, birth)}, key=list(Trace).index)
    if traces:
        raise PrivateDataInText(traces)
    if photo_attachment_id is not None and photo_attachment_id not in {a.id for a in photo_choices(db, exemplar_id)}:
        raise PublicationRefused(f"attachment {photo_attachment_id} is not an image of exemplar {exemplar_id}")
    row = get(db, exemplar_id) or Publication(exemplar_id=exemplar_id, updated_at=_now())
    row.text, row.photo_attachment_id = text, photo_attachment_id
    row.approved_by, row.approved_at = actor, _now()
    row.withdrawn_at = row.withdrawn_by = None
    row.updated_at = row.approved_at
    db.add(row)
    db.flush()
    return row


def withdraw(db: Session, exemplar_id: int, actor: str) -> Publication:
    """Take the exemplar off the site at the next publish; the approved text is kept."""
    row = get(db, exemplar_id)
    if row is None or row.approved_at is None:
        raise PublicationRefused(f"exemplar {exemplar_id} has no approved publication")
    if row.withdrawn_at is None:
        row.withdrawn_at, row.withdrawn_by = _now(), actor
        row.updated_at = row.withdrawn_at
        db.add(row)
        db.flush()
    return row


def published(db: Session) -> list[PublishedRow]:
    """What `dhtt publish` writes: approved, not withdrawn publications of exemplars still publishable."""
    ids = publishable_ids(db)
    rows = db.exec(select(Publication, Exemplar).join(Exemplar, col(Exemplar.id) == Publication.exemplar_id)
                   .where(col(Publication.approved_at).is_not(None), col(Publication.withdrawn_at).is_(None))
                   .order_by(col(Exemplar.id))).all()
    return [_row(db, publication, exemplar) for publication, exemplar in rows if exemplar.id in ids]


def _row(db: Session, publication: Publication, exemplar: Exemplar) -> PublishedRow:
    exemplar_id = exemplar.id or 0
    nominated = nominations(db, exemplar_id)
    newest = nominated[0] if nominated else None
    photo = db.get(Attachment, publication.photo_attachment_id) if publication.photo_attachment_id else None
    return PublishedRow(
        exemplar_id=exemplar_id, name=exemplar.name, position=(newest.position if newest else None) or "",
        workplace=(newest.workplace if newest else None) or "", unit_code=exemplar.unit_code,
        category=exemplar.category, quarters=sorted({n.quarter for n in nominated if n.quarter}),
        text=publication.text, photo_path=photo.path if photo else None,
        approved_at=publication.approved_at or publication.updated_at, awards=_awards(db, exemplar_id))


def _awards(db: Session, exemplar_id: int) -> list[Award]:
    entries = db.exec(select(ReviewEntry).where(ReviewEntry.exemplar_id == exemplar_id,
                                                ReviewEntry.status == Status.awarded.value)
                      .order_by(col(ReviewEntry.decision_date), col(ReviewEntry.id))).all()
    return [Award(e.award_form, e.award_level, e.decision_number, e.decision_date) for e in entries]

