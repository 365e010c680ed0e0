"""stored analysis: what reading a mail found, so threads and corrections never parse it again

Revision ID: 0007_analysis
Revises: 0006_signin
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_analysis"
down_revision = "0006_signin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("message", sa.Column("analysis", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("analysis")
