"""the reply caps' index also holds the recipients, so counting recent mail to an address reads no row

With the index on created_at alone, each recent reply's row was read for its recipients; a row
holds the stored message (raw), so a backlog still read one page per earlier reply per decision.

Revision ID: 0014_reply_recipients
Revises: 0013_reply_recent
"""

from alembic import op

revision = "0014_reply_recipients"
down_revision = "0013_reply_recent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reply_created_at_recipients", "reply", ["created_at", "recipients"])
    op.drop_index("ix_reply_created_at", table_name="reply")


def downgrade() -> None:
    op.create_index("ix_reply_created_at", "reply", ["created_at"])
    op.drop_index("ix_reply_created_at_recipients", table_name="reply")
