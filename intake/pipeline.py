"""The decision on one mail: the stages in the order they apply, like a chain of rules.

Everything here is pure: what the store knows comes in through the `History` port.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from intake import wording
from intake.analysis import Analysis, AnalysisLimits, analyse
from intake.nominations import check_drafts, merge_drafts
from intake.models import Decision, Evidence, InboundMessage, Nomination, Outcome, Reason, ReplyKind
from intake.quarters import is_late, quarter_of
from intake.quota import QuotaRules, QuotaStatus, quota_status
from intake.screening import ScreenSettings, screen
from parsers.models import NominationDraft, ReasonCode
from parsers.vntext import fold
from store.units import UnitDirectory, UnitInfo, UnitKind


class PriorMessage(BaseModel):
    """An earlier delivery of the same mail."""

    id: int
    outcome: str
    unit_code: str | None = None
    quarter: str | None = None
    late: bool = False


class PriorSubmission(BaseModel):
    """The submission a reply continues, with what reading its earlier mails found (stored then)."""

    id: int
    reference: str
    unit_code: str | None = None
    quarter: str
    status: str
    analyses: list[Analysis] = Field(default_factory=list)


class PriorNominee(BaseModel):
    id: int
    name_key: str
    school_level: str | None = None
    submission_id: int | None = None


class History(Protocol):
    def duplicate_of(self, msg: InboundMessage) -> PriorMessage | None: ...
    def thread_of(self, msg: InboundMessage) -> PriorSubmission | None: ...
    def active_nominees(self, unit_code: str, quarter: str) -> list[PriorNominee]: ...
    def replies_last_hour(self, address: str) -> int: ...


class Overrides(BaseModel):
    """What staff decided about one mail: the unit it belongs to, a release from quarantine."""

    unit_code: str | None = None
    released: bool = False


class PipelineSettings(BaseModel):
    screen: ScreenSettings = Field(default_factory=ScreenSettings)
    limits: AnalysisLimits = Field(default_factory=AnalysisLimits)
    quota: QuotaRules = Field(default_factory=QuotaRules)
    timezone: str = "Asia/Ho_Chi_Minh"
    reference_prefix: str = "DHTT"
    max_replies_per_hour: int = 5  # to one address: beyond it a robot is answering our answers
    message_id_domain: str = "dhtt.soninhbinh.local"  # the domain of our own replies' Message-IDs
    max_message_bytes: int = 50 * 1024 * 1024
    max_attachments: int = 50

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def effective_message(msg: InboundMessage, units: UnitDirectory) -> tuple[InboundMessage, str | None]:
    """A Sở office forwarding a unit's mail: the unit's inner mail is the submission."""
    outer = units.by_address(msg.sender)
    if outer is None or outer.kind != UnitKind.phong_thuoc_so:
        return msg, None
    for inner in msg.forwarded:
        if units.by_address(inner.sender) is not None:
            return inner, msg.sender
    return msg, None


def _with_thread(analysis: Analysis, thread: PriorSubmission | None) -> Analysis:
    """This mail's content completed by the earlier mails of its thread, as they were read then."""
    if thread is None:
        return analysis
    drafts: list[NominationDraft] = []
    evidence: list[Evidence] = []
    for prior in thread.analyses:
        drafts = merge_drafts(drafts, prior.drafts)
        evidence.extend(prior.evidence)
    return analysis.model_copy(update={
        "drafts": merge_drafts(drafts, analysis.drafts),
        "evidence": evidence + analysis.evidence,
        "quarter": thread.quarter,
    })


def _ignored(reasons: list[Reason], unit: UnitInfo | None, sender: str) -> Decision:
    return Decision(outcome=Outcome.ignored, reasons=reasons, unit_code=unit.code if unit else None,
                    sender=sender)


def _duplicate(prior: PriorMessage, sender: str) -> Decision:
    return Decision(outcome=Outcome(prior.outcome), reasons=[Reason(code=ReasonCode.duplicate_message)],
                    unit_code=prior.unit_code, quarter=prior.quarter, late=prior.late, sender=sender)


def _resubmissions(nominations: list[Nomination], earlier: list[PriorNominee],
                   thread: PriorSubmission | None) -> tuple[list[int], list[Reason]]:
    keys = {fold(n.name) for n in nominations}
    replaced = [p for p in earlier if p.name_key in keys and (thread is None or p.submission_id != thread.id)]
    same_thread = [p.id for p in earlier if thread is not None and p.submission_id == thread.id]
    reasons = [Reason(code=ReasonCode.resubmission, detail=p.name_key) for p in replaced]
    return [p.id for p in replaced] + same_thread, reasons


def _quota_reason(status: QuotaStatus) -> Reason | None:
    if status.complete:
        return None
    return Reason(code=ReasonCode.quota_short, detail=", ".join(status.missing_levels))


def _accept(nominations: list[Nomination], reasons: list[Reason], unit: UnitInfo, quarter: str,
            history: History, thread: PriorSubmission | None, settings: PipelineSettings) -> Decision:
    earlier = history.active_nominees(unit.code, quarter)
    replaces, resub = _resubmissions(nominations, earlier, thread)
    kept = [p.school_level for p in earlier if p.id not in replaces]
    status = quota_status(unit.code, unit.kind, quarter, kept + [n.school_level for n in nominations],
                          settings.quota)
    quota = _quota_reason(status)
    extra = resub + ([quota] if quota else [])
    return Decision(outcome=Outcome.accepted, reasons=reasons + extra, nominations=nominations,
                    unit_code=unit.code, quarter=quarter, reply=ReplyKind.ack, replaces=replaces, quota=status)


def sender_unit(msg: InboundMessage, units: UnitDirectory, overrides: Overrides) -> tuple[UnitInfo | None, list[Reason]]:
    """The unit a mail speaks for: staff's choice, else the registered address, unless DMARC failed."""
    if overrides.unit_code:
        return units.by_code(overrides.unit_code), []
    unit = units.by_address(msg.sender)
    verdict = _DMARC.search(msg.headers.get("authentication-results", ""))
    if unit is not None and verdict and verdict.group(1).lower() in ("fail", "reject", "quarantine"):
        # A registered address that fails DMARC may be forged: treat it like an unknown sender.
        return None, [Reason(code=ReasonCode.unknown_sender, detail=f"dmarc={verdict.group(1)}")]
    return unit, []


_DMARC = re.compile(r"\bdmarc=(\w+)", re.I)


def decide(msg: InboundMessage, received_at: datetime, units: UnitDirectory, history: History,
           settings: PipelineSettings, analysis: Analysis | None = None,
           overrides: Overrides | None = None) -> Decision:
    """The outcome of one mail: screening, duplicates, content, sender, quarter, quota.

    `analysis` is the content of the (inner) mail when it was read ahead of time.
    """
    overrides = overrides or Overrides()
    robots = screen(msg, settings.screen)
    if robots:
        return _ignored(robots, units.by_address(msg.sender), msg.sender)
    prior = history.duplicate_of(msg)
    if prior is not None:
        return _duplicate(prior, msg.sender)
    inner, forwarded_by = effective_message(msg, units)
    unit, doubts = sender_unit(inner, units, overrides)
    oversized = _over_limits(msg, settings)
    if oversized is not None:
        return Decision(outcome=Outcome.rejected if unit else Outcome.needs_review, reasons=doubts + [oversized],
                        unit_code=unit.code if unit else None, quarter=quarter_of(received_at, settings.tz),
                        reply=ReplyKind.rejection if unit else ReplyKind.none, sender=inner.sender,
                        forwarded_by=forwarded_by)
    analysis = analysis or analyse(inner, settings.limits)
    if analysis.bomb is not None and not overrides.released:
        return Decision(outcome=Outcome.quarantined, reasons=[analysis.bomb], sender=inner.sender,
                        unit_code=unit.code if unit else None, forwarded_by=forwarded_by)
    thread = history.thread_of(inner)
    analysis = _with_thread(analysis, thread)
    quarter = analysis.quarter or quarter_of(received_at, settings.tz)
    late = is_late(received_at, quarter, settings.tz)
    nominations, problems = check_drafts(analysis)
    reasons = analysis.reasons + problems + ([Reason(code=ReasonCode.late)] if late else [])
    decision = _route(nominations, doubts + reasons, unit, quarter, history, thread, settings, analysis)
    decision = _limit_replies(decision, inner, history, settings)
    return decision.model_copy(update={
        "late": late, "sender": inner.sender, "forwarded_by": forwarded_by,
        "thread_of": thread.id if thread else None,
    })


def _over_limits(msg: InboundMessage, settings: PipelineSettings) -> Reason | None:
    """A mail too big, or with too many files, to be read: the unit is asked to split it."""
    # `parts` counts the files past the reading limit too, which were never kept.
    count = max(msg.parts, len(msg.attachments)) + sum(max(f.parts, len(f.attachments)) for f in msg.forwarded)
    if msg.size > settings.max_message_bytes:
        return Reason(code=ReasonCode.attachment_too_large, detail=str(msg.size))  # shown as "52,1 MB"
    if count > settings.max_attachments:
        return Reason(code=ReasonCode.attachment_too_large,
                      detail=wording.too_many_files(count, settings.max_attachments))
    return None


def _answers_us(msg: InboundMessage, settings: PipelineSettings) -> bool:
    suffix = f"@{settings.message_id_domain}>"
    return any(mid.endswith(suffix) for mid in msg.in_reply_to + msg.references)


def _limit_replies(decision: Decision, msg: InboundMessage, history: History,
                   settings: PipelineSettings) -> Decision:
    """No answer to an address already answered too often this hour: two robots must not loop.

    Only mail that answers one of our own messages counts towards a loop, so a unit sending many
    nominations in one hour is still acknowledged each time.
    """
    if decision.reply == ReplyKind.none or not _answers_us(msg, settings):
        return decision
    if history.replies_last_hour(msg.sender) < settings.max_replies_per_hour:
        return decision
    reason = Reason(code=ReasonCode.auto_reply, detail="reply limit per hour reached; not answered")
    return decision.model_copy(update={"reply": ReplyKind.none, "reasons": decision.reasons + [reason]})


def _route(nominations: list[Nomination], reasons: list[Reason], unit: UnitInfo | None, quarter: str,
           history: History, thread: PriorSubmission | None, settings: PipelineSettings,
           analysis: Analysis) -> Decision:
    if unit is None:
        if not nominations and not analysis.drafts:
            reasons = reasons + [Reason(code=ReasonCode.no_nomination)]
        reply = ReplyKind.pending if analysis.drafts else ReplyKind.none
        if not any(r.code == ReasonCode.unknown_sender for r in reasons):
            reasons = [Reason(code=ReasonCode.unknown_sender)] + reasons
        return Decision(outcome=Outcome.needs_review, nominations=nominations, quarter=quarter, reply=reply,
                        reasons=reasons)
    if nominations:
        return _accept(nominations, reasons, unit, quarter, history, thread, settings)
    if not analysis.drafts and analysis.scanned:
        # A scanned PDF may well be the nomination itself: a person reads it rather than a refusal.
        scans = [Reason(code=ReasonCode.unreadable_attachment, detail="scanned PDF without a text layer",
                        where=name) for name in analysis.scanned]
        return Decision(outcome=Outcome.needs_review, reasons=reasons + scans, unit_code=unit.code,
                        quarter=quarter, reply=ReplyKind.pending)
    if not analysis.drafts and not any(r.code in _READING_PROBLEMS for r in reasons):
        reasons = reasons + [Reason(code=ReasonCode.no_nomination)]
    return Decision(outcome=Outcome.rejected, reasons=reasons, unit_code=unit.code, quarter=quarter,
                    reply=ReplyKind.rejection)


_READING_PROBLEMS = {
    ReasonCode.unreadable_attachment, ReasonCode.encrypted_attachment,
    ReasonCode.unsupported_attachment, ReasonCode.attachment_too_large,
}

SUBJECT_REFERENCE = re.compile(r"\[([A-Z]+-\d{4}Q[1-4]-\d{4,})\]")


def subject_references(subject: str) -> list[str]:
    """Our reference numbers quoted in a subject, e.g. '[DHTT-2024Q2-0042]'."""
    return SUBJECT_REFERENCE.findall(subject)
