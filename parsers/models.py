"""The typed results that parsers hand to the decision stage: drafts, parsed documents, inputs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.codes import Category, Kind, SchoolLevel


class NominationDraft(BaseModel):
    """One exemplar as read from one document (or one list row), before any decision."""

    kind: Kind | None = None
    category: Category | None = None
    name: str | None = None
    position: str | None = None
    workplace: str | None = None
    school_level: SchoolLevel | None = None
    birth_date: str | None = None
    gender: str | None = None
    summary: str | None = None
    innovations: str | None = None
    awards: str | None = None
    links: list[str] = Field(default_factory=list)
    source: str = ""  # file name, or "body"
    row: int | None = None  # list row number, when read from a list


class ParsedDocument(BaseModel):
    """What one nomination document (or the mail body) yielded."""

    source: str
    shape: str  # form, report, list, body, pdf, …
    nominations: list[NominationDraft] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)  # links found outside any one nomination
    quarter: str | None = None  # "2024-Q2" when the document states it
    legacy_encoding: bool = False  # TCVN3/VNI text was converted
    ocr: bool = False  # read by OCR from a scan or photo: the unit should check the fields
    text: str = ""  # the document's plain text, for later stages and the log


class DocumentInput(BaseModel):
    """One attachment handed to the parsers: its cleaned file name, declared type and bytes."""

    filename: str
    content_type: str = "application/octet-stream"
    data: bytes
