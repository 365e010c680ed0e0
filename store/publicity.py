"""SQLModel table of issue 10's publicity: the text and photo staff approved for the public site."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class Publication(SQLModel, table=True):
    """What the public site shows of one exemplar; published while approved and not withdrawn."""

    id: int | None = Field(default=None, primary_key=True)
    exemplar_id: int = Field(foreign_key="exemplar.id", unique=True)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    photo_attachment_id: int | None = Field(default=None, foreign_key="attachment.id")
    approved_by: str | None = None
    approved_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    updated_at: datetime
