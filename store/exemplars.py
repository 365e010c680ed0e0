"""Exemplars on the store: attaching a saved nominee, merging and splitting (recorded), reading a history."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from domain.exemplars import Identity, best_match, identity
from store.council import Exemplar, ExemplarChange, ReviewChange, ReviewEntry
from store.errors import StoreError
from store.models import Nominee

INTAKE_ACTOR = "dhtt"  # who attached a nominee when the intake saved it


class ExemplarNotFound(StoreError):
    """No exemplar with that id (or a nomination that is not the exemplar's)."""


class MergeConflict(StoreError):
    """Both exemplars have a decision in the same review: staff settle one before merging."""


class ExemplarInUse(StoreError):
    """Another record (an approved publication, say) still refers to the exemplar to be merged away."""


def _now() -> datetime:
    return datetime.now(UTC)


def _record(db: Session, exemplar_id: int, actor: str, action: str, **detail: object) -> None:
    db.add(ExemplarChange(exemplar_id=exemplar_id, at=_now(), actor=actor, action=action,
                          detail=json.dumps(detail, ensure_ascii=False, default=str)))


def _identity_of(row: Exemplar) -> Identity:
    return Identity(name_key=row.name_key, unit_code=row.unit_code, birth_date=row.birth_date)


def _new_exemplar(db: Session, nominee: Nominee, wanted: Identity) -> Exemplar:
    row = Exemplar(kind=nominee.kind, category=nominee.category, name=nominee.name, name_key=wanted.name_key,
                   unit_code=nominee.unit_code, birth_date=wanted.birth_date, created_at=_now())
    db.add(row)
    db.flush()
    return row


def attach(db: Session, nominee: Nominee) -> Exemplar:
    """Link a nominee being saved to its exemplar (found by domain.exemplars' rule, else created).

    A match with an earlier exemplar is recorded as an 'attach' change, so staff can see what the
    intake joined and split it if it was wrong. In the caller's transaction; the nominee may not
    be flushed yet, and is then inserted with its exemplar (one statement, not an insert and an update).
    """
    wanted = identity(nominee.name_key, nominee.unit_code, nominee.birth_date)
    known = db.exec(select(Exemplar).where(
        Exemplar.name_key == wanted.name_key, Exemplar.unit_code == nominee.unit_code)).all() \
        if nominee.unit_code is not None else []
    found_id = best_match(wanted, [(row.id or 0, _identity_of(row)) for row in known])
    found = next((row for row in known if row.id == found_id), None)
    if found is None:
        found = _new_exemplar(db, nominee, wanted)
    else:
        if found.birth_date is None and wanted.birth_date is not None:
            found.birth_date = wanted.birth_date
        found.name, found.category = nominee.name, nominee.category  # the newest nomination's wording
        db.add(found)
    nominee.exemplar_id = found.id
    db.add(nominee)
    if found_id is not None:
        db.flush()  # the change names the nominee by its id
        _record(db, found.id or 0, INTAKE_ACTOR, "attach", nominee=nominee.id, quarter=nominee.quarter)
    return found


def get(db: Session, exemplar_id: int) -> Exemplar:
    row = db.get(Exemplar, exemplar_id)
    if row is None:
        raise ExemplarNotFound(f"exemplar {exemplar_id}")
    return row


def nominees_of(db: Session, exemplar_id: int) -> list[Nominee]:
    return list(db.exec(select(Nominee).where(Nominee.exemplar_id == exemplar_id).order_by(col(Nominee.id))))


def _move_entries(db: Session, keep: int, absorb: int) -> None:
    """The absorbed exemplar's review entries go to the kept one; where both are in one review, a
    plain candidate gives way to the other entry, and its change history goes with it."""
    for entry in db.exec(select(ReviewEntry).where(ReviewEntry.exemplar_id == absorb)).all():
        twin = db.exec(select(ReviewEntry).where(
            ReviewEntry.review_id == entry.review_id, ReviewEntry.exemplar_id == keep)).first()
        if twin is None:
            entry.exemplar_id = keep
            db.add(entry)
        elif entry.status == "candidate":
            _fold_entry(db, entry, into=twin)
        elif twin.status == "candidate":
            _fold_entry(db, twin, into=entry)
            entry.exemplar_id = keep
            db.add(entry)
        else:
            raise MergeConflict(f"review {entry.review_id}: both exemplars have a decision")


def _fold_entry(db: Session, entry: ReviewEntry, into: ReviewEntry) -> None:
    """Drop `entry`, keeping its recorded changes on the entry that stays."""
    db.execute(update(ReviewChange).where(col(ReviewChange.review_entry_id) == entry.id)
               .values(review_entry_id=into.id))
    db.delete(entry)
    db.flush()


def merge(db: Session, keep_id: int, absorb_id: int, actor: str) -> Exemplar:
    """Fold exemplar `absorb_id` into `keep_id`: its nominations, decisions and history move; recorded.

    In the caller's transaction; raises MergeConflict when both were decided in one review.
    """
    if keep_id == absorb_id:
        raise ExemplarNotFound("an exemplar cannot be merged into itself")
    keep, absorb = get(db, keep_id), get(db, absorb_id)
    moved = [n.id for n in nominees_of(db, absorb_id)]
    _move_entries(db, keep_id, absorb_id)
    db.execute(update(Nominee).where(col(Nominee.exemplar_id) == absorb_id).values(exemplar_id=keep_id))
    db.execute(update(ExemplarChange).where(col(ExemplarChange.exemplar_id) == absorb_id)
               .values(exemplar_id=keep_id))
    if keep.birth_date is None:
        keep.birth_date = absorb.birth_date
    _record(db, keep_id, actor, "merge", absorbed=absorb_id, name=absorb.name, unit_code=absorb.unit_code,
            nominees=moved)
    db.add(keep)
    db.flush()
    db.delete(absorb)
    try:
        db.flush()
    except IntegrityError as err:  # a table this module does not know refers to it: nothing is merged
        raise ExemplarInUse(f"exemplar {absorb_id} is still referred to: {err.orig}") from err
    return keep


def split(db: Session, exemplar_id: int, nominee_ids: list[int], actor: str) -> Exemplar:
    """Move these nominations of an exemplar to a new exemplar of their own; recorded on both.

    The decisions already taken stay with the original exemplar. In the caller's transaction.
    """
    source = get(db, exemplar_id)
    own = {n.id: n for n in nominees_of(db, exemplar_id)}
    chosen = sorted(set(nominee_ids))
    if not chosen or any(i not in own for i in chosen) or len(chosen) == len(own):
        raise ExemplarNotFound("choose some, not all, of the exemplar's nominations")
    first = own[chosen[0]]
    wanted = identity(first.name_key, first.unit_code, first.birth_date)
    new = _new_exemplar(db, first, wanted)
    db.execute(update(Nominee).where(col(Nominee.id).in_(chosen)).values(exemplar_id=new.id))
    _record(db, source.id or 0, actor, "split", to=new.id, nominees=chosen)
    _record(db, new.id or 0, actor, "split", **{"from": source.id, "nominees": chosen})
    db.flush()
    return new


def changes_of(db: Session, exemplar_id: int) -> list[ExemplarChange]:
    return list(db.exec(select(ExemplarChange).where(ExemplarChange.exemplar_id == exemplar_id)
                        .order_by(col(ExemplarChange.at), col(ExemplarChange.id))))


def listing(db: Session, unit: str | None = None, name: str | None = None,
            limit: int = 500) -> list[tuple[Exemplar, int]]:
    """Exemplars with how many nominations each has, by unit then name; filtered by unit and folded name."""
    query = select(Exemplar).order_by(col(Exemplar.unit_code), col(Exemplar.name_key), col(Exemplar.id)).limit(limit)
    if unit:
        query = query.where(Exemplar.unit_code == unit)
    if name:
        query = query.where(col(Exemplar.name_key).contains(name))
    rows = db.exec(query).all()
    counts: dict[int, int] = {}
    for exemplar_id in db.exec(select(Nominee.exemplar_id).where(
            col(Nominee.exemplar_id).in_([r.id for r in rows]))).all():
        if exemplar_id is not None:
            counts[exemplar_id] = counts.get(exemplar_id, 0) + 1
    return [(row, counts.get(row.id or 0, 0)) for row in rows]
