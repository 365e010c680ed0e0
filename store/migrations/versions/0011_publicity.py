"""publicity: per exemplar, the text and photo staff approved for the public site, and its withdrawal

Revision ID: 0011_publicity
Revises: 0010_council
"""

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0011_publicity"
down_revision = "0010_council"
branch_labels = None
depends_on = None

_UTC = sqlmodel.sql.sqltypes.UTCDateTime
_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("exemplar_id", sa.Integer(), sa.ForeignKey("exemplar.id"), nullable=False, unique=True),
        sa.Column("text", sa.Text(), nullable=False, server_default=""),
        sa.Column("photo_attachment_id", sa.Integer(), sa.ForeignKey("attachment.id"), nullable=True),
        sa.Column("approved_by", _STR(), nullable=True),
        sa.Column("approved_at", _UTC(), nullable=True),
        sa.Column("withdrawn_at", _UTC(), nullable=True),
        sa.Column("withdrawn_by", _STR(), nullable=True),
        sa.Column("updated_at", _UTC(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("publication")
