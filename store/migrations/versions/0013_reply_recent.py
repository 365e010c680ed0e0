"""an index on reply.created_at for the reply caps' count of recent mail to one address

Without it every decision scanned the whole reply table (intake.history._replies_since); on SQLite
each row's created_at lies behind the stored message (raw) and its overflow pages, so a backlog of
N mails read N² stored messages.

Revision ID: 0013_reply_recent
Revises: 0012_names
"""

from alembic import op

revision = "0013_reply_recent"
down_revision = "0012_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reply_created_at", "reply", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_reply_created_at", table_name="reply")
