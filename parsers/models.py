"""The domain vocabulary shared by every stage: kinds, categories, levels, reason codes, and the
typed results that parsers hand to the decision stage."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Kind(StrEnum):
    individual = "individual"
    collective = "collective"


class Category(StrEnum):
    can_bo_quan_ly = "can_bo_quan_ly"
    nha_giao = "nha_giao"
    nguoi_lao_dong = "nguoi_lao_dong"
    hoc_sinh = "hoc_sinh"
    tap_the = "tap_the"


class SchoolLevel(StrEnum):
    mam_non = "mam_non"
    tieu_hoc = "tieu_hoc"
    thcs = "thcs"
    thpt = "thpt"
    gdtx = "gdtx"


class ReasonCode(StrEnum):
    """The reason codes of SPEC.md, verbatim."""

    unknown_sender = "unknown_sender"
    no_nomination = "no_nomination"
    missing_name = "missing_name"
    missing_category = "missing_category"
    missing_summary = "missing_summary"
    missing_evidence = "missing_evidence"
    missing_school_level = "missing_school_level"
    unreadable_attachment = "unreadable_attachment"
    encrypted_attachment = "encrypted_attachment"
    attachment_too_large = "attachment_too_large"
    unsupported_attachment = "unsupported_attachment"
    legacy_encoding_converted = "legacy_encoding_converted"
    late = "late"
    duplicate_message = "duplicate_message"
    resubmission = "resubmission"
    auto_reply = "auto_reply"
    bounce = "bounce"
    own_address = "own_address"
    mailing_list = "mailing_list"
    archive_bomb = "archive_bomb"
    quota_short = "quota_short"
    read_by_ocr = "read_by_ocr"


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
