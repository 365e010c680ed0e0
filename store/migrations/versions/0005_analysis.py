"""stored analysis: what reading a mail found, so threads and corrections never parse it again

Revision ID: 0005_analysis
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_analysis"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("message", sa.Column("analysis", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("analysis")
