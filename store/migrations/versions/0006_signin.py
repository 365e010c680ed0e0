"""sign-in health: when OAuth2 sign-in started failing, why, and which secret expiry was announced

Revision ID: 0006_signin
Revises: 0005_sessions
"""

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0006_signin"
down_revision = "0005_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("mailboxhealth", sa.Column("signin_down_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column("mailboxhealth", sa.Column("signin_cause", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column("mailboxhealth", sa.Column("signin_alerted", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("mailboxhealth", sa.Column("secret_warned", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mailboxhealth") as batch:
        batch.drop_column("secret_warned")
        batch.drop_column("signin_alerted")
        batch.drop_column("signin_cause")
        batch.drop_column("signin_down_since")
