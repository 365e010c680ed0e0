"""the council's work (issue 10): exemplars with a history, reviews, decisions and their changes

Revision ID: 0010_council
Revises: 0008_signatures
"""

from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

from domain.exemplars import Identity, best_match, identity

revision = "0010_council"
down_revision = "0008_signatures"
branch_labels = None
depends_on = None

_UTC = sqlmodel.sql.sqltypes.UTCDateTime
_STR = sqlmodel.sql.sqltypes.AutoString


def _tables() -> None:
    op.create_table(
        "exemplar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _STR(length=16), nullable=False),
        sa.Column("category", _STR(length=16), nullable=False),
        sa.Column("name", _STR(), nullable=False),
        sa.Column("name_key", _STR(), nullable=False),
        sa.Column("unit_code", _STR(), nullable=True),
        sa.Column("birth_date", _STR(), nullable=True),
        sa.Column("created_at", _UTC(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_exemplar_name_key", "exemplar", ["name_key"])
    op.create_index("ix_exemplar_unit_code", "exemplar", ["unit_code"])
    op.create_table(
        "exemplar_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exemplar_id", sa.Integer(), sa.ForeignKey("exemplar.id"), nullable=False),
        sa.Column("at", _UTC(), nullable=False),
        sa.Column("actor", _STR(), nullable=False),
        sa.Column("action", _STR(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_exemplar_change_exemplar_id", "exemplar_change", ["exemplar_id"])
    op.create_index("ix_exemplar_change_at", "exemplar_change", ["at"])
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", _STR(), nullable=False),
        sa.Column("scope_kind", _STR(length=16), nullable=False),
        sa.Column("scope", _STR(length=16), nullable=False),
        sa.Column("opened_at", _UTC(), nullable=False),
        sa.Column("opened_by", _STR(), nullable=False),
        sa.Column("closed_at", _UTC(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "review_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("exemplar_id", sa.Integer(), sa.ForeignKey("exemplar.id"), nullable=False),
        sa.Column("status", _STR(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("award_level", _STR(length=16), nullable=True),
        sa.Column("award_form", _STR(length=32), nullable=True),
        sa.Column("decision_number", _STR(), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("updated_at", _UTC(), nullable=False),
        sa.Column("updated_by", _STR(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("review_id", "exemplar_id", name="uq_review_entry_exemplar"),
    )
    op.create_index("ix_review_entry_review_id", "review_entry", ["review_id"])
    op.create_index("ix_review_entry_exemplar_id", "review_entry", ["exemplar_id"])
    op.create_table(
        "review_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_entry_id", sa.Integer(), sa.ForeignKey("review_entry.id"), nullable=False),
        sa.Column("at", _UTC(), nullable=False),
        sa.Column("actor", _STR(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_change_review_entry_id", "review_change", ["review_entry_id"])
    op.create_index("ix_review_change_at", "review_change", ["at"])
    with op.batch_alter_table("nominee") as batch:
        batch.add_column(sa.Column("exemplar_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_nominee_exemplar_id", "exemplar", ["exemplar_id"], ["id"])
        batch.create_index("ix_nominee_exemplar_id", ["exemplar_id"])


def _backfill() -> None:
    """Every nominee already stored joins an exemplar, by the same rule the save path uses."""
    bind = op.get_bind()
    nominees = bind.execute(sa.text(
        "SELECT id, kind, category, name, name_key, unit_code, birth_date FROM nominee ORDER BY id")).all()
    known: list[tuple[int, Identity]] = []
    stamp = datetime.now(UTC)
    exemplar = sa.table("exemplar", *(sa.column(c) for c in (
        "id", "kind", "category", "name", "name_key", "unit_code", "birth_date", "created_at")))
    for row in nominees:
        wanted = identity(row.name_key, row.unit_code, row.birth_date)
        found = best_match(wanted, known)
        if found is None:
            found = bind.execute(exemplar.insert().values(
                kind=row.kind, category=row.category, name=row.name, name_key=wanted.name_key,
                unit_code=row.unit_code, birth_date=wanted.birth_date, created_at=stamp,
            ).returning(exemplar.c.id)).scalar_one()
            known.append((found, wanted))
        else:  # as store.exemplars.attach: the newest wording, and a birth date once one is given
            index, (_, had) = next((i, k) for i, k in enumerate(known) if k[0] == found)
            birth = had.birth_date or wanted.birth_date
            known[index] = (found, Identity(had.name_key, had.unit_code, birth))
            bind.execute(exemplar.update().where(exemplar.c.id == found).values(
                name=row.name, category=row.category, birth_date=birth))
        bind.execute(sa.text("UPDATE nominee SET exemplar_id = :e WHERE id = :n"), {"e": found, "n": row.id})


def upgrade() -> None:
    _tables()
    _backfill()


def downgrade() -> None:
    with op.batch_alter_table("nominee") as batch:
        batch.drop_index("ix_nominee_exemplar_id")
        batch.drop_constraint("fk_nominee_exemplar_id", type_="foreignkey")
        batch.drop_column("exemplar_id")
    for table in ("review_change", "review_entry", "review", "exemplar_change", "exemplar"):
        op.drop_table(table)
