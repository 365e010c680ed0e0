"""The web's own table: the accounts allowed to sign in, and the index the log pages by."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.models import Message

ROLES = ("viewer", "admin")

# The intake log is read newest first, page after page: one index serves the sort and the cursor.
LOG_ORDER_INDEX = Index("ix_message_received_at_id", Message.received_at, Message.id)


class WebUser(SQLModel, table=True):
    """A person who may sign in; the password is kept only as an Argon2id hash."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    password_hash: str
    role: str = Field(default="viewer", max_length=16)  # viewer | admin
    active: bool = True
    created_at: datetime
    last_sign_in_at: datetime | None = None
    # Sessions carry the generation they were opened under; sign-out and a new password raise it, so
    # every cookie issued before stops working at once (the signed cookie itself cannot be recalled).
    session_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
