"""Exemplars and reviews on a real database: attaching on save, backfill, merge/split, decisions."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import Session, select

from domain.council import AwardForm, AwardLevel, Decision, ScopeKind, Status
from parsers.vntext import fold
from store import exemplars, reviews
from store.council import Exemplar, ExemplarChange, ReviewChange
from store.db import alembic_config, make_engine, open_database, session
from store.models import Message, Nominee

WHEN = datetime(2024, 6, 17, 2, 0, tzinfo=UTC)


def _message(db: Session, n: int) -> int:
    row = Message(sha256=f"{n:064d}", rfc_message_id=f"<m{n}@x>", received_at=WHEN, recorded_at=WHEN,
                  spool_path="/x", uid=n)
    db.add(row)
    db.flush()
    return row.id or 0


def _nominee(db: Session, name: str, unit: str | None, quarter: str, birth: str | None = None,
             active: bool = True) -> Nominee:
    row = Nominee(message_pk=_message(db, db.exec(select(sa.func.count()).select_from(Message)).one() + 1),
                  unit_code=unit, quarter=quarter, kind="individual", category="nha_giao", name=name,
                  name_key=fold(name), birth_date=birth, summary="Tóm tắt", active=active)
    db.add(row)
    db.flush()
    exemplars.attach(db, row)
    return row


def test_two_quarters_of_one_teacher_are_one_exemplar(database_url: str) -> None:
    engine = open_database(database_url)
    with session(engine) as db:
        first = _nominee(db, "Nguyễn Văn An", "THPT-LVT", "2024-Q2", "12/03/1985")
        second = _nominee(db, "NGUYỄN VĂN  AN", "THPT-LVT", "2024-Q3", "1985-03-12")
        other_unit = _nominee(db, "Nguyễn Văn An", "THPT-KSA", "2024-Q3")
        other_birth = _nominee(db, "Nguyễn Văn An", "THPT-LVT", "2024-Q4", "01/01/1990")
    assert first.exemplar_id == second.exemplar_id
    assert len({first.exemplar_id, other_unit.exemplar_id, other_birth.exemplar_id}) == 3
    with session(engine) as db:
        changes = db.exec(select(ExemplarChange).where(ExemplarChange.exemplar_id == first.exemplar_id)).all()
    assert [(c.action, c.actor) for c in changes] == [("attach", "dhtt")]


def test_merge_and_split_move_nominations_and_are_recorded(database_url: str) -> None:
    engine = open_database(database_url)
    with session(engine) as db:
        a = _nominee(db, "Trần Thị Bình", "PGD-HL", "2024-Q2")
        b = _nominee(db, "Trần Bình", "PGD-HL", "2024-Q3")  # the middle name left out
    with session(engine) as db:
        kept = exemplars.merge(db, a.exemplar_id or 0, b.exemplar_id or 0, "admin@so")
    with session(engine) as db:
        assert [n.id for n in exemplars.nominees_of(db, kept.id or 0)] == [a.id, b.id]
        assert db.get(Exemplar, b.exemplar_id) is None
        new = exemplars.split(db, kept.id or 0, [b.id or 0], "admin@so")
    with session(engine) as db:
        assert [n.id for n in exemplars.nominees_of(db, new.id or 0)] == [b.id]
        actions = [(c.action, c.actor) for c in exemplars.changes_of(db, kept.id or 0)]
        assert actions == [("merge", "admin@so"), ("split", "admin@so")]
        assert json.loads(exemplars.changes_of(db, new.id or 0)[0].detail)["from"] == kept.id
        with pytest.raises(exemplars.ExemplarNotFound):
            exemplars.split(db, new.id or 0, [b.id or 0], "admin@so")  # not all of them


def test_review_takes_active_nominations_of_its_scope_and_records_each_change(database_url: str) -> None:
    engine = open_database(database_url)
    with session(engine) as db:
        q2 = _nominee(db, "Lê Văn Cường", "THPT-LVT", "2024-Q2")
        _nominee(db, "Phạm Thị Dung", "THPT-LVT", "2024-Q2", active=False)
        _nominee(db, "Hoàng Văn Em", "THPT-LVT", "2024-Q3")
        review = reviews.open_review(db, "Quý II", ScopeKind.quarter, "2024-Q2", "admin@so")
    with session(engine) as db:
        rows = reviews.entries(db, review.id or 0)
        assert [e.id for _, e in rows] == [q2.exemplar_id]
        entry = rows[0][0]
        with pytest.raises(reviews.DecisionRefused) as refused:
            reviews.decide(db, review.id or 0, entry.id or 0, Decision(status=Status.not_selected), "admin@so")
        assert [p.value for p in refused.value.problems] == ["reason_missing"]
        done = reviews.decide(db, review.id or 0, entry.id or 0, Decision(status=Status.selected), "admin@so")
        assert done.announce
        proposed = Decision(status=Status.proposed, award_level=AwardLevel.so, award_form=AwardForm.giay_khen)
        assert not reviews.decide(db, review.id or 0, entry.id or 0, proposed, "chair@so").announce
        awarded = proposed.model_copy(update={"status": Status.awarded, "decision_number": "123/QĐ-SGDĐT",
                                              "decision_date": date(2024, 9, 5)})
        assert reviews.decide(db, review.id or 0, entry.id or 0, awarded, "chair@so").announce
        assert not reviews.decide(db, review.id or 0, entry.id or 0, awarded, "chair@so").changed
    with session(engine) as db:
        log = db.exec(select(ReviewChange).order_by(ReviewChange.id)).all()
        assert [(c.actor, json.loads(c.detail)["status"]) for c in log] == [
            ("admin@so", ["candidate", "selected"]), ("chair@so", ["selected", "proposed"]),
            ("chair@so", ["proposed", "awarded"])]
        assert json.loads(log[2].detail)["decision_date"] == [None, "2024-09-05"]
        school_year = reviews.open_review(db, "Năm học", ScopeKind.school_year, "2024-2025", "admin@so")
        assert len(reviews.entries(db, school_year.id or 0)) == 1  # only the 2024-Q3 one
        honoured = reviews.honoured(db)
        assert [(e.name, [entry.status for entry, _ in entries]) for e, entries in honoured] == [
            ("Lê Văn Cường", ["awarded"])]


def test_migration_backfills_exemplars_of_stored_nominees(database_url: str) -> None:
    engine = make_engine(database_url)
    config = alembic_config(engine)
    command.upgrade(config, "0008_signatures")
    with engine.begin() as conn:
        for n, (name, unit, quarter, birth) in enumerate([("Đỗ Văn Giang", "PGD-YM", "2024-Q2", None),
                                                          ("Đỗ  văn Giang", "PGD-YM", "2024-Q3", "3/4/1980"),
                                                          ("Đỗ Văn Giang", None, "2024-Q3", None),
                                                          ("Đỗ Văn Giang", "PGD-YM", "2024-Q4", "1/1/1990")],
                                                         start=1):
            conn.execute(sa.text(
                "INSERT INTO message (id, sha256, message_id, origin, folder, uidvalidity, received_at, "
                "recorded_at, spool_path, size, sender, subject, status, reasons, late, reply_kind, failures, "
                "moved, released) VALUES (:n, :sha, '', 'imap', '', 0, :t, :t, '/x', 0, '', '', 'decided', "
                "'[]', false, 'none', 0, false, false)"), {"n": n, "sha": f"{n:064d}", "t": WHEN})
            conn.execute(sa.text(
                "INSERT INTO nominee (id, message_id, unit_code, quarter, kind, category, name, name_key, "
                "birth_date, summary, source, active) VALUES (:n, :n, :u, :q, 'individual', 'nha_giao', :name, "
                ":key, :b, '', '', true)"), {"n": n, "u": unit, "q": quarter, "name": name, "key": fold(name), "b": birth})
    command.upgrade(config, "head")
    with Session(engine) as db:
        linked = [n.exemplar_id for n in db.exec(select(Nominee).order_by(Nominee.id))]
        first = db.get(Exemplar, linked[0])
    assert linked[0] == linked[1] and linked[2] not in (None, linked[0])
    # The first exemplar learnt its birth date from the second nomination: a third born in 1990 is someone else.
    assert first is not None and first.birth_date == "1980-04-03" and linked[3] not in linked[:3]


def test_merging_two_exemplars_decided_in_one_review_is_refused(database_url: str) -> None:
    engine = open_database(database_url)
    with session(engine) as db:
        a = _nominee(db, "Vũ Thị Hoa", "THPT-YKA", "2024-Q2")
        b = _nominee(db, "Vũ Hoa", "THPT-YKA", "2024-Q2")
        review = reviews.open_review(db, "Quý II", ScopeKind.quarter, "2024-Q2", "admin@so")
        entries = {e.id: entry.id or 0 for entry, e in reviews.entries(db, review.id or 0)}
        for exemplar in (a.exemplar_id, b.exemplar_id):
            reviews.decide(db, review.id or 0, entries[exemplar], Decision(status=Status.selected), "admin@so")
    with pytest.raises(exemplars.MergeConflict), session(engine) as db:
        exemplars.merge(db, a.exemplar_id or 0, b.exemplar_id or 0, "admin@so")
    with session(engine) as db:  # refused whole: nothing moved
        assert [n.id for n in exemplars.nominees_of(db, b.exemplar_id or 0)] == [b.id]
        reviews.decide(db, review.id or 0, entries[b.exemplar_id], Decision(status=Status.candidate), "admin@so")
    with session(engine) as db:
        exemplars.merge(db, a.exemplar_id or 0, b.exemplar_id or 0, "admin@so")
    with session(engine) as db:  # the plain candidate gave way to the decided entry
        assert [(e.id, entry.status) for entry, e in reviews.entries(db, review.id or 0)] == [
            (a.exemplar_id, "selected")]
        kept = reviews.entries(db, review.id or 0)[0][0]
        assert len(reviews.changes(db, [kept.id or 0])) == 3  # its own, and both of the entry that gave way


def test_an_exemplar_another_table_refers_to_is_not_merged_away(database_url: str) -> None:
    """GIVEN a row of another table (as the publicity's) pointing at an exemplar WHEN it is merged into
    another THEN the merge is refused whole, as ExemplarInUse."""
    engine = open_database(database_url)
    with session(engine) as db:
        a = _nominee(db, "Bùi Văn Khánh", "THPT-NBBL", "2024-Q2")
        b = _nominee(db, "Bùi Khánh", "THPT-NBBL", "2024-Q3")
        db.execute(sa.text("CREATE TABLE referrer (id INTEGER PRIMARY KEY, exemplar_id INTEGER NOT NULL "
                           "REFERENCES exemplar(id))"))
        db.execute(sa.text("INSERT INTO referrer (id, exemplar_id) VALUES (1, :e)"), {"e": b.exemplar_id})
    with pytest.raises(exemplars.ExemplarInUse), session(engine) as db:
        exemplars.merge(db, a.exemplar_id or 0, b.exemplar_id or 0, "admin@so")
    with session(engine) as db:
        assert [n.id for n in exemplars.nominees_of(db, b.exemplar_id or 0)] == [b.id]
        assert not exemplars.changes_of(db, a.exemplar_id or 0)
