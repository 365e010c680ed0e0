"""Migrations keep what a running office already holds: a database filled at 0008 is upgraded to the
newest schema with every row and link kept, and the migrated schema is exactly what store/models.py
declares (so a column renamed in the code but not in a migration fails here, not in production)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from store.db import MIGRATIONS, alembic_config, make_engine, migrate, session
from store.models import Attachment, Event, Evidence, Message, Nominee, Reply, Submission, WebUser
from store.types import UTCDateTime

RECEIVED = datetime(2024, 6, 17, 9, 30, tzinfo=timezone(timedelta(hours=7)))  # 02:30 UTC


def _table(name: str, *columns: str, moments: tuple[str, ...] = ()) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns), *(sa.column(c, UTCDateTime()) for c in moments))


def _fill_at_0008(engine: Engine) -> None:
    """One mail with its submission, nominee (with evidence: a migration that copies the nominee table
    must keep the rows pointing at it), attachment, reply and event, written with 0008's names."""
    with engine.begin() as conn:
        conn.execute(sa.insert(_table(
            "message", "id", "sha256", "message_id", "origin", "folder", "uidvalidity", "uid", "spool_path",
            "size", "sender", "subject", "status", "reasons", "late", "reply_kind", "failures", "moved",
            "released", "submission_id", moments=("received_at", "recorded_at"))).values(
            id=1, sha256="a" * 64, message_id="<hoso@thpt.edu.vn>", origin="imap", folder="INBOX", uidvalidity=7,
            uid=3, spool_path="/spool/1.eml", size=10, sender="thpt@edu.vn", subject="Hồ sơ", status="done",
            reasons="[]", late=False, reply_kind="ack", failures=0, moved=False, released=False, submission_id=1,
            received_at=RECEIVED, recorded_at=RECEIVED))
        conn.execute(sa.insert(_table(
            "submission", "id", "reference", "quarter", "status", "sender", "first_message_id",
            moments=("created_at", "updated_at"))).values(
            id=1, reference="DHTT-2024Q2-0001", quarter="2024-Q2", status="accepted", sender="thpt@edu.vn",
            first_message_id=1, created_at=RECEIVED, updated_at=RECEIVED))
        conn.execute(sa.insert(_table(
            "nominee", "id", "message_id", "submission_id", "kind", "category", "name", "name_key", "summary",
            "source", "active")).values(
            id=1, message_id=1, submission_id=1, kind="individual", category="nha_giao", name="Nguyễn Thị Hoa",
            name_key="nguyen thi hoa", summary="", source="", active=True))
        conn.execute(sa.insert(_table("evidence", "id", "nominee_id", "filename", "sha256")).values(
            id=1, nominee_id=1, filename="bang-khen.pdf", sha256="c" * 64))
        conn.execute(sa.insert(_table(
            "attachment", "id", "message_id", "filename", "content_type", "size", "sha256", "path", "role")).values(
            id=1, message_id=1, filename="phieu.docx", content_type="", size=1, sha256="b" * 64, path="/a",
            role="document"))
        conn.execute(sa.insert(_table(
            "reply", "id", "message_id", "rfc_message_id", "kind", "recipients", "subject", "raw", "status",
            "attempts", moments=("created_at",))).values(
            id=1, message_id=1, rfc_message_id="<ack.1@dhtt>", kind="ack", recipients="thpt@edu.vn",
            subject="Xác nhận", raw=b"raw", status="sent", attempts=1, created_at=RECEIVED))
        conn.execute(sa.insert(_table("event", "id", "message_id", "kind", "detail", moments=("at",))).values(
            id=1, message_id=1, kind="recorded", detail="{}", at=RECEIVED))
        conn.execute(sa.insert(_table("unit", "code", "name", "kind", "district", "emails")).values(
            code="THPT-A", name="Trường A", kind="truc_thuoc_so", district="", emails=""))


def _at_0008(url: str) -> Engine:
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0008_signatures")
    _fill_at_0008(engine)
    return engine


def test_upgrade_from_0008_keeps_every_row_and_link(database_url: str) -> None:
    """GIVEN a database in use at 0008 WHEN it is upgraded THEN the mail, its file, nominee, attachment,
    reply and event are all still there and still point at the mail, under the new names."""
    engine = _at_0008(database_url)
    migrate(engine)
    with session(engine) as db:
        message = db.exec(select(Message)).one()
        assert message.rfc_message_id == "<hoso@thpt.edu.vn>"
        assert message.received_at == RECEIVED and message.received_at.tzinfo == UTC
        assert db.exec(select(Submission)).one().first_message_pk == message.id
        nominee = db.exec(select(Nominee)).one()
        assert nominee.message_pk == message.id
        assert db.exec(select(Evidence)).one().nominee_id == nominee.id
        assert db.exec(select(Attachment)).one().message_pk == message.id
        assert db.exec(select(Reply)).one().message_pk == message.id
        assert db.exec(select(Event)).one().message_pk == message.id
        assert db.exec(select(Message).where(Message.rfc_message_id == "<hoso@thpt.edu.vn>")).one().id == 1
    inspector = sa.inspect(engine)
    assert not inspector.has_table("unit")
    if engine.dialect.name == "postgresql":  # SQLite's foreign keys have no names
        assert {fk["name"] for fk in inspector.get_foreign_keys("nominee")} >= {"nominee_message_pk_fkey"}
        assert {fk["name"] for fk in inspector.get_foreign_keys("submission")} == {"submission_first_message_pk_fkey"}


def test_foreign_keys_still_hold_after_the_upgrade(database_url: str) -> None:
    """A nominee pointing at a mail that does not exist is still refused by the renamed foreign key."""
    engine = _at_0008(database_url)
    migrate(engine)
    with session(engine) as db:
        db.add(Nominee(message_pk=999, kind="individual", category="nha_giao", name="Không có thư"))
        try:
            db.flush()
        except sa.exc.IntegrityError:
            db.rollback()
        else:
            raise AssertionError("a nominee of a missing mail was stored")


def test_migrated_schema_is_what_the_models_declare(database_url: str) -> None:
    """GIVEN a database built by the migrations THEN it has exactly the tables, columns and indexes the
    models declare: nothing to add, drop or rename."""
    engine = make_engine(database_url)
    migrate(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_downgrade_to_0008_restores_the_old_names_with_the_data(database_url: str) -> None:
    engine = _at_0008(database_url)
    migrate(engine)
    command.downgrade(alembic_config(engine), "0008_signatures")
    inspector = sa.inspect(engine)
    assert "message_id" in {c["name"] for c in inspector.get_columns("nominee")}
    assert "ix_message_message_id" in {i["name"] for i in inspector.get_indexes("message")}
    assert inspector.has_table("unit")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT message_id FROM message")).scalar_one() == "<hoso@thpt.edu.vn>"
        assert conn.execute(sa.text("SELECT first_message_id FROM submission")).scalar_one() == 1
    migrate(engine)  # and up again
    with session(engine) as db:
        assert db.exec(select(Reply)).one().message_pk == 1


def test_web_accounts_are_among_the_store_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    with session(engine) as db:
        db.add(WebUser(name="admin", password_hash="x", role="admin", created_at=RECEIVED))
    with session(engine) as db:
        assert db.exec(select(WebUser)).one().created_at == RECEIVED


COPYING_MIGRATION = '''
import sqlalchemy as sa
from alembic import op

revision = "9999_copy"
down_revision = "{head}"


def upgrade() -> None:
    with op.batch_alter_table("nominee") as batch:  # a new foreign key: SQLite copies the table
        batch.add_column(sa.Column("extra", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_nominee_extra", "message", ["extra"], ["id"])
'''


def test_a_migration_that_copies_a_table_others_point_to_keeps_their_rows(database_url: str,
                                                                           tmp_path: Path) -> None:
    """GIVEN evidence rows pointing at nominees WHEN a later migration rebuilds the nominee table (what
    batch_alter_table does on SQLite for a new foreign key) THEN it runs and the evidence keeps its nominee."""
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = ScriptDirectory.from_config(alembic_config(make_engine(database_url))).get_current_head()
    (scripts / "versions" / "9999_copy.py").write_text(COPYING_MIGRATION.format(head=head), encoding="utf-8")
    engine = _at_0008(database_url)
    config = alembic_config(engine)
    config.set_main_option("script_location", str(scripts))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT nominee_id FROM evidence")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM nominee")).scalar_one() == 1
