"""an index for the reply caps' count of recent mail to one address (intake.history._replies_since)

Without it every decision scanned the whole reply table; on SQLite each row's created_at lies
behind the stored message (raw), so the scan read every reply ever sent, and a backlog of N mails
cost N² reads. On SQLite the index also holds recipients, so the count never touches the table; on
PostgreSQL the message is stored out of line anyway, and a long recipient list must not be able to
exceed its index row size.

Revision ID: 0012_reply_recent
Revises: 0011_publicity
"""

from alembic import op

revision = "0012_reply_recent"
down_revision = "0011_publicity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = ["created_at", "recipients"] if op.get_bind().dialect.name == "sqlite" else ["created_at"]
    op.create_index("ix_reply_created_at", "reply", columns)


def downgrade() -> None:
    op.drop_index("ix_reply_created_at", table_name="reply")
