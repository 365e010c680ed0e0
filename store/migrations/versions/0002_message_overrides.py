"""message overrides: staff decisions (unit attached, released) and the authentication results

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite does it in place, so rows that other tables point
    # to are never dropped and re-created.
    op.add_column("message", sa.Column("override_unit", sa.String(), nullable=True))
    op.add_column("message", sa.Column("released", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("message", sa.Column("auth_results", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("auth_results")
        batch.drop_column("released")
        batch.drop_column("override_unit")
