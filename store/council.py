"""SQLModel tables of issue 10's council work: exemplars with their history, reviews and decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Exemplar(SQLModel, table=True):
    """One teacher, student or collective, however many quarters nominated them."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    category: str = Field(max_length=16)
    name: str
    name_key: str = Field(index=True)
    unit_code: str | None = Field(default=None, index=True)
    birth_date: str | None = None  # normalised by domain.exemplars: "YYYY-MM-DD" or "YYYY"
    created_at: datetime


class ExemplarChange(SQLModel, table=True):
    """A merge, a split or an attachment of a nomination, with who and when."""

    __tablename__ = "exemplar_change"

    id: int | None = Field(default=None, primary_key=True)
    exemplar_id: int = Field(foreign_key="exemplar.id", index=True)
    at: datetime = Field(index=True)
    actor: str
    action: str = Field(max_length=16)  # merge | split | attach
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class Review(SQLModel, table=True):
    """A council's review of a quarter, a school year or the whole plan."""

    id: int | None = Field(default=None, primary_key=True)
    title: str
    scope_kind: str = Field(max_length=16)  # quarter | school_year | plan
    scope: str = Field(max_length=16)  # "2024-Q2", "2024-2025", "plan"
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None = None


class ReviewEntry(SQLModel, table=True):
    """One exemplar before one review, and what the council decided."""

    __tablename__ = "review_entry"
    __table_args__ = (UniqueConstraint("review_id", "exemplar_id", name="uq_review_entry_exemplar"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    exemplar_id: int = Field(foreign_key="exemplar.id", index=True)
    status: str = Field(default="candidate", max_length=16)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    award_level: str | None = Field(default=None, max_length=16)
    award_form: str | None = Field(default=None, max_length=32)
    decision_number: str | None = None
    decision_date: date | None = None
    updated_at: datetime
    updated_by: str


class ReviewChange(SQLModel, table=True):
    """Every change of a review entry: before and after, who and when."""

    __tablename__ = "review_change"

    id: int | None = Field(default=None, primary_key=True)
    review_entry_id: int = Field(foreign_key="review_entry.id", index=True)
    at: datetime = Field(index=True)
    actor: str
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))  # {field: [before, after]}
