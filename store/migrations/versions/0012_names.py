"""names: the RFC header is rfc_message_id, a key to message.id is message_pk; the unused unit table goes

Revision ID: 0012_names
Revises: 0011_publicity

Columns are renamed in place (ALTER TABLE ... RENAME COLUMN, SQLite 3.25 and later, and PostgreSQL):
the batches never recreate a table, because copying `message` would drop and re-create the rows every
other table points to. Indexes are re-created under the new column names; on PostgreSQL the foreign
keys' constraints are renamed to what PostgreSQL would name them today (<table>_<column>_fkey).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_names"
down_revision = "0011_publicity"
branch_labels = None
depends_on = None

# (table, old column, new column, indexed, foreign key to message.id)
RENAMES = [
    ("message", "message_id", "rfc_message_id", True, False),
    ("nominee", "message_id", "message_pk", True, True),
    ("attachment", "message_id", "message_pk", True, True),
    ("reply", "message_id", "message_pk", True, True),
    ("event", "message_id", "message_pk", True, True),
    ("submission", "first_message_id", "first_message_pk", False, True),
]


def _rename(table: str, old: str, new: str, indexed: bool, foreign: bool) -> None:
    with op.batch_alter_table(table, recreate="never") as batch:
        if indexed:
            batch.drop_index(f"ix_{table}_{old}")
        batch.alter_column(old, new_column_name=new)
        if indexed:
            batch.create_index(f"ix_{table}_{new}", [new], unique=False)
    if foreign and op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {table}_{old}_fkey TO {table}_{new}_fkey")


def upgrade() -> None:
    for table, old, new, indexed, foreign in RENAMES:
        _rename(table, old, new, indexed, foreign)
    # The units directory is read from its CSV file (store.units); nothing ever wrote this table.
    op.drop_table("unit")


def downgrade() -> None:
    op.create_table(
        "unit",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("district", sa.String(), nullable=False),
        sa.Column("emails", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    for table, old, new, indexed, foreign in reversed(RENAMES):
        _rename(table, new, old, indexed, foreign)
