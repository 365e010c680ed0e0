"""sessions: a per-account session generation, so sign-out and a password change end every session

Revision ID: 0005_sessions
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sessions"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("webuser", sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("webuser") as batch:
        batch.drop_column("session_generation")
