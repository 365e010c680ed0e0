"""What a mail contains, before any rule is applied: nominations, evidence and reading problems."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, Field

from domain.codes import ReasonCode
from domain.decision import Evidence, Reason
from domain.wording.reasons import document_memory_overrun, document_overrun, document_too_complex
from intake.budget import Overrun, time_budget
from intake.message import SMIME_ENCRYPTED, UNREADABLE_BODY, MessageLimits
from intake.models import Attachment, InboundMessage
from parsers.archives import ArchiveLimits, is_archive, list_archive
from parsers.body import parse_body
from parsers.errors import ArchiveBomb, DocumentTooComplex, ParseError
from parsers.models import DocumentInput, NominationDraft, ParsedDocument
from parsers.pdf_signature import SignatureCheck, check_signatures
from parsers.registry import parse_document
from parsers.vntext import find_links


SMIME_DETAIL = "S/MIME encrypted mail: content unreadable without the recipient's key"
MIME_DETAIL = "mail structure unreadable: MIME tree damaged or nested too deep"


class AnalysisLimits(BaseModel):
    """How much reading one mail may cost: sizes, counts, and time per document and per mail."""

    max_attachment_bytes: int = 25 * 1024 * 1024
    archive: ArchiveLimits = Field(default_factory=ArchiveLimits)
    message: MessageLimits = Field(default_factory=MessageLimits)
    document_seconds: float = 20.0  # one attachment (or the body); 0: no limit
    mail_seconds: float = 60.0  # the whole mail, enforced by the worker on its reader process
    trust_roots: list[bytes] = Field(default_factory=list)  # CA certificates for PDF signatures (DER)


T = TypeVar("T")


def _within_budget(read: Callable[[], T], seconds: float, where: str, result: Analysis) -> T | None:
    """`read()`, or None with an `unreadable_attachment` reason when it overran its time or memory."""
    try:
        with time_budget(seconds):
            return read()
    except Overrun:
        result.reasons.append(Reason(code=ReasonCode.unreadable_attachment,
                                     detail=document_overrun(seconds), where=where))
        return None
    except MemoryError:  # the reader's memory limit: this document, not the whole mail, is refused
        result.reasons.append(Reason(code=ReasonCode.unreadable_attachment,
                                     detail=document_memory_overrun(), where=where))
        return None


class Analysis(BaseModel):
    """The content of one mail as read: drafts, mail-level evidence, and problems met."""

    drafts: list[NominationDraft] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    reasons: list[Reason] = Field(default_factory=list)
    quarter: str | None = None
    roles: dict[str, str] = Field(default_factory=dict)  # attachment sha256 → document|evidence|archive|unreadable
    bomb: Reason | None = None
    scanned: list[str] = Field(default_factory=list)  # PDFs without a text layer (kept as evidence)
    signatures: dict[str, SignatureCheck] = Field(default_factory=dict)  # PDF sha256 → its signatures


def _add_links(evidence: list[Evidence], links: list[str]) -> None:
    known = {e.url for e in evidence}
    for link in links:
        if link not in known:
            evidence.append(Evidence(url=link))
            known.add(link)


def _archive(att: Attachment, limits: AnalysisLimits, result: Analysis) -> None:
    try:
        _within_budget(lambda: list_archive(att.data, att.filename, limits.archive), limits.document_seconds,
                       att.filename, result)
    except ArchiveBomb as err:
        result.bomb = Reason(code=ReasonCode.archive_bomb, detail=err.detail, where=att.filename)
    except ParseError as err:
        result.reasons.append(Reason(code=err.code, detail=err.detail, where=att.filename))
    result.roles[att.sha256] = "archive"
    result.evidence.append(Evidence(filename=att.filename, sha256=att.sha256))


def _document(att: Attachment, limits: AnalysisLimits, result: Analysis) -> ParsedDocument | None:
    before = len(result.reasons)
    try:
        doc = _within_budget(lambda: parse_document(DocumentInput(
            filename=att.filename, content_type=att.content_type, data=att.data)),
            limits.document_seconds, att.filename, result)
    except DocumentTooComplex as err:
        result.reasons.append(Reason(code=err.code, detail=document_too_complex(err.limit),
                                     where=att.filename))
        doc = None
    except ParseError as err:
        result.reasons.append(Reason(code=err.code, detail=err.detail, where=att.filename))
        doc = None
    if len(result.reasons) > before:
        result.roles[att.sha256] = "unreadable"
        return None
    if doc is None or not doc.nominations:
        return doc
    result.roles[att.sha256] = "document"
    return doc


def _take(doc: ParsedDocument, result: Analysis) -> None:
    result.drafts.extend(doc.nominations)
    result.quarter = result.quarter or doc.quarter
    _add_links(result.evidence, doc.links)
    if doc.legacy_encoding:
        result.reasons.append(Reason(code=ReasonCode.legacy_encoding_converted, where=doc.source))
    if doc.ocr:  # read from a scan or photo: the unit is asked to check the fields
        result.reasons.append(Reason(code=ReasonCode.read_by_ocr, where=doc.source))


def _attachment(att: Attachment, limits: AnalysisLimits, result: Analysis) -> None:
    if len(att.data) > limits.max_attachment_bytes:
        result.reasons.append(Reason(code=ReasonCode.attachment_too_large, detail=str(len(att.data)),
                                     where=att.filename))
        return
    if is_archive(att.data, att.filename):
        _archive(att, limits, result)
        return
    doc = _document(att, limits, result)
    if doc is not None and doc.nominations:
        _take(doc, result)
    elif result.roles.get(att.sha256) != "unreadable":
        result.roles[att.sha256] = "evidence"
        result.evidence.append(Evidence(filename=att.filename, sha256=att.sha256))
        if doc is not None:
            _add_links(result.evidence, doc.links)
            if doc.shape == "pdf" and not doc.text.strip():
                result.scanned.append(att.filename)


def _signatures(att: Attachment, limits: AnalysisLimits, result: Analysis) -> None:
    """Check a PDF's digital signatures: shown to staff only, so a failure here is no reason."""
    if not att.data.lstrip()[:5] == b"%PDF-" or len(att.data) > limits.max_attachment_bytes:
        return
    try:
        with time_budget(limits.document_seconds):
            check = check_signatures(att.data, limits.trust_roots)
    except (Overrun, MemoryError):
        return
    if check.signed:
        result.signatures[att.sha256] = check


def analyse(msg: InboundMessage, limits: AnalysisLimits | None = None) -> Analysis:
    """Read every attachment and the body of one mail (not its forwarded parts)."""
    limits = limits or AnalysisLimits()
    result = Analysis()
    if SMIME_ENCRYPTED in msg.defects:  # the mail itself is encrypted to a key we do not hold
        result.reasons.append(Reason(code=ReasonCode.encrypted_attachment, detail=SMIME_DETAIL))
    if UNREADABLE_BODY in msg.defects:  # only the header block could be read
        result.reasons.append(Reason(code=ReasonCode.unreadable_attachment, detail=MIME_DETAIL))
    for att in msg.attachments:
        _attachment(att, limits, result)
        _signatures(att, limits, result)
    body = _within_budget(lambda: parse_body(msg.text, msg.html), limits.document_seconds, "body", result)
    if body is not None:
        _take(body, result)
    else:
        _add_links(result.evidence, find_links(msg.text or msg.html or ""))
    return result


class Reading(BaseModel):
    """What the read stage made of one mail, the decision's whole input about its content: the mail,
    the submission it carries (a unit's inner mail that a Sở office forwarded, unwrapped once, when
    the mail was read) and what that submission contains."""

    message: InboundMessage
    submission: InboundMessage
    forwarded_by: str | None = None  # the Sở office whose forward carried the submission
    analysis: Analysis
