"""digital signatures of PDF attachments: what checking them found, shown to staff

Revision ID: 0008_signatures
Revises: 0007_analysis
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_signatures"
down_revision = "0007_analysis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("attachment", sa.Column("signature", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attachment") as batch:
        batch.drop_column("signature")
