"""reply claims: which worker is sending a reply, so two workers never send the same one

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reply", sa.Column("claimed_by", sa.String(), nullable=True))
    op.add_column("reply", sa.Column("claimed_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reply") as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
