"""The codes of the domain: kinds, categories, school levels, reason codes, outcomes, reply kinds."""

from __future__ import annotations

from enum import StrEnum


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


class Outcome(StrEnum):
    accepted = "accepted"
    rejected = "rejected"
    needs_review = "needs_review"
    ignored = "ignored"
    quarantined = "quarantined"


class ReplyKind(StrEnum):
    ack = "ack"
    rejection = "rejection"
    pending = "pending"
    none = "none"
