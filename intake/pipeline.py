"""The decision on one mail: the stages in the order they apply, like a chain of rules.

Everything here is pure: what the store knows comes in through the `History` port.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from domain.authentication import Authentication, Verdict
from domain.codes import Outcome, ReasonCode, ReplyKind
from domain.decision import Decision, Evidence, Nomination, Reason
from domain.quarters import is_late, quarter_of
from domain.quota import QuotaRules, QuotaStatus, quota_status
from domain.units import UnitDirectory, UnitInfo, UnitKind
from domain.wording.reasons import MALFORMED_FROM, authentication_text, reply_cap_text, too_many_files
from intake.analysis import Analysis, AnalysisLimits, analyse
from intake.authentication import authenticate, trusted_results
from intake.models import InboundMessage
from intake.nominations import check_drafts, merge_drafts
from intake.screening import ScreenSettings, screen
from parsers.models import NominationDraft
from parsers.vntext import fold


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
    def replies_last_day(self, address: str) -> int: ...


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
    max_replies_per_day: int = 300  # to one address, whatever the mail: the last stop of any loop
    authserv_ids: list[str] = Field(default_factory=list)  # our receiving server's; empty: the topmost header

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# What lets a registered address speak as its unit: a pass, or no verdict at all from our server
# (a server that adds no Authentication-Results, or a mail imported from a file).
VOUCHED = frozenset({Verdict.passed, Verdict.absent})


def sender_authentication(msg: InboundMessage, authserv_ids: list[str]) -> Authentication:
    """Our receiving server's verdict on the From domain; a header lower down, which may have come
    with the mail itself, never counts."""
    return authenticate(msg.sender, trusted_results(msg.auth_results, authserv_ids))


def effective_message(msg: InboundMessage, units: UnitDirectory,
                      auth: Authentication | None = None) -> tuple[InboundMessage, str | None]:
    """A Sở office forwarding a unit's mail: the unit's inner mail is the submission, provided the
    office's own mail is vouched for (`auth`, else the topmost Authentication-Results)."""
    outer = units.by_address(msg.sender)
    if outer is None or outer.kind != UnitKind.phong_thuoc_so:
        return msg, None
    if (auth or sender_authentication(msg, [])).verdict not in VOUCHED:
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


def sender_unit(msg: InboundMessage, units: UnitDirectory, overrides: Overrides,
                auth: Authentication) -> tuple[UnitInfo | None, list[Reason]]:
    """The unit a mail speaks for: staff's choice, else the registered address when our server
    vouches for it (`auth`); otherwise none, with the reason staff read."""
    if overrides.unit_code:
        return units.by_code(overrides.unit_code), []
    if not msg.sender:
        return None, [Reason(code=ReasonCode.unknown_sender, detail=MALFORMED_FROM)]
    if auth.verdict not in VOUCHED:
        # A forged From looks exactly like this: whoever it names, the mail is an unknown sender's.
        return None, [Reason(code=ReasonCode.unknown_sender, detail=authentication_text(auth))]
    return units.by_address(msg.sender), []


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
    auth = sender_authentication(msg, settings.authserv_ids)
    inner, forwarded_by = effective_message(msg, units, auth)
    unit, doubts = sender_unit(inner, units, overrides, auth)
    if analysis is not None and settings.authserv_ids and effective_message(msg, units)[0] is not inner:
        analysis = None  # read ahead for the other mail of the forward (the reader knows no authserv-id)
    oversized = _over_limits(msg, settings)
    if oversized is not None:
        return _answer_policy(Decision(
            outcome=Outcome.rejected if unit else Outcome.needs_review, reasons=doubts + [oversized],
            unit_code=unit.code if unit else None, quarter=quarter_of(received_at, settings.tz),
            reply=ReplyKind.rejection if unit else ReplyKind.none, sender=inner.sender,
            forwarded_by=forwarded_by), msg, auth, history, settings)
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
    decision = decision.model_copy(update={
        "late": late, "sender": inner.sender, "forwarded_by": forwarded_by,
        "thread_of": thread.id if thread else None,
    })
    return _answer_policy(decision, msg, auth, history, settings)


def _over_limits(msg: InboundMessage, settings: PipelineSettings) -> Reason | None:
    """A mail too big, or with too many files, to be read: the unit is asked to split it."""
    # `parts` counts the files past the reading limit too, which were never kept.
    count = max(msg.parts, len(msg.attachments)) + sum(max(f.parts, len(f.attachments)) for f in msg.forwarded)
    if msg.size > settings.max_message_bytes:
        return Reason(code=ReasonCode.attachment_too_large, detail=str(msg.size))  # shown as "52,1 MB"
    if count > settings.max_attachments:
        return Reason(code=ReasonCode.attachment_too_large,
                      detail=too_many_files(count, settings.max_attachments))
    return None


def _answers_us(msg: InboundMessage, settings: PipelineSettings) -> bool:
    """A mail answering ours: threaded on one of our Message-IDs, or quoting our reference in its
    subject (a robot may drop the threading headers but keeps "Re: [DHTT-2024Q2-0001] …")."""
    suffix = f"@{settings.message_id_domain}>".lower()
    if any(mid.lower().endswith(suffix) for mid in msg.in_reply_to + msg.references):
        return True
    ours = re.compile(rf"\[{re.escape(settings.reference_prefix)}-\d{{4}}Q[1-4]-\d{{4,}}\]", re.IGNORECASE)
    return ours.search(msg.subject) is not None


def _answer_policy(decision: Decision, msg: InboundMessage, auth: Authentication, history: History,
                   settings: PipelineSettings) -> Decision:
    """No reply to a sender that failed authentication at our server (it is most likely forged:
    answering would mail a stranger: backscatter), nor to a From we could not read; then the caps."""
    if decision.reply == ReplyKind.none:
        return decision
    if auth.verdict == Verdict.failed or not decision.sender:
        return decision.model_copy(update={"reply": ReplyKind.none})
    return _limit_replies(decision, msg, history, settings)


def _limit_replies(decision: Decision, msg: InboundMessage, history: History,
                   settings: PipelineSettings) -> Decision:
    """No answer beyond the caps, counted over every reply sent to the address, whatever the
    threading headers say: per day for any mail; per hour for mail that answers ours (two robots
    answering each other), so a unit sending several separate nominations in an hour is still
    acknowledged each time."""
    sent_today = history.replies_last_day(decision.sender)
    if sent_today >= settings.max_replies_per_day:
        detail = reply_cap_text(sent_today, settings.max_replies_per_day, per_day=True)
    elif _answers_us(msg, settings) and (
            sent_hour := history.replies_last_hour(decision.sender)) >= settings.max_replies_per_hour:
        detail = reply_cap_text(sent_hour, settings.max_replies_per_hour, per_day=False)
    else:
        return decision
    reason = Reason(code=ReasonCode.auto_reply, detail=detail)
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
