"""The decision on one mail, read top to bottom: the steps in the order they apply, like a mail
system's rule chain (`CHAIN`, just above `decide`).

Everything here is pure: the mail's content comes in already read (`Reading`, from the read stage),
and what the store knows comes in through the `History` port. Each step is a function of the case so
far and the context; it returns either the final Decision or the case for the next step; the reply
policy then applies to whatever was decided.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
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
from intake.analysis import Analysis, AnalysisLimits, Reading
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

_READING_PROBLEMS = frozenset({
    ReasonCode.unreadable_attachment, ReasonCode.encrypted_attachment,
    ReasonCode.unsupported_attachment, ReasonCode.attachment_too_large,
})


@dataclass(frozen=True)
class Context:
    """What every step may consult: the mail's arrival, the directory, the past, the rules, staff's word."""

    received_at: datetime
    units: UnitDirectory
    history: History
    settings: PipelineSettings
    overrides: Overrides


@dataclass(frozen=True)
class Case:
    """One mail on its way down the chain: what the steps so far have established."""

    reading: Reading
    auth: Authentication  # our server's verdict on the From domain
    inner: InboundMessage  # the submission: the mail itself, or the unit's mail a Sở office forwarded
    analysis: Analysis  # the submission's content; the thread step adds its earlier mails' content
    forwarded_by: str | None = None
    unit: UnitInfo | None = None
    reasons: tuple[Reason, ...] = ()
    thread: PriorSubmission | None = None
    quarter: str = ""
    late: bool = False
    nominations: tuple[Nomination, ...] = ()

    def decided(self, outcome: Outcome, reply: ReplyKind, reasons: list[Reason], *,
                nominations: list[Nomination] | None = None, replaces: list[int] | None = None,
                quota: QuotaStatus | None = None) -> Decision:
        """The decision on a mail read through to its content: its sender, quarter and thread."""
        return Decision(outcome=outcome, reply=reply, reasons=reasons, unit_code=self.unit.code if self.unit else None,
                        quarter=self.quarter, late=self.late, sender=self.inner.sender,
                        forwarded_by=self.forwarded_by, thread_of=self.thread.id if self.thread else None,
                        nominations=nominations or [], replaces=replaces or [], quota=quota)


Step = Callable[[Case, Context], "Case | Decision"]


# -- the steps, in the order they apply --------------------------------------------------------

def screen_robots(case: Case, ctx: Context) -> Case | Decision:
    """Auto-replies, bounces, lists and our own mail: recorded, never answered."""
    robots = screen(case.reading.message, ctx.settings.screen)
    if not robots:
        return case
    unit = ctx.units.by_address(case.reading.message.sender)
    return Decision(outcome=Outcome.ignored, reasons=robots, unit_code=unit.code if unit else None,
                    sender=case.reading.message.sender)


def duplicate(case: Case, ctx: Context) -> Case | Decision:
    """A second delivery of a mail already decided gets the first one's outcome, and no reply."""
    msg = case.reading.message
    prior = ctx.history.duplicate_of(msg)
    if prior is None:
        return case
    return Decision(outcome=Outcome(prior.outcome), reasons=[Reason(code=ReasonCode.duplicate_message)],
                    unit_code=prior.unit_code, quarter=prior.quarter, late=prior.late, sender=msg.sender)


def unwrap(case: Case, ctx: Context) -> Case | Decision:
    """A Sở office's forward of a unit's mail speaks for the unit: the reader unwrapped it once
    (`effective_message`, by the same verdict) and read the unit's mail."""
    return replace(case, inner=case.reading.submission, forwarded_by=case.reading.forwarded_by)


def sender(case: Case, ctx: Context) -> Case | Decision:
    unit, doubts = sender_unit(case.inner, ctx.units, ctx.overrides, case.auth)
    return replace(case, unit=unit, reasons=case.reasons + tuple(doubts))


def limits(case: Case, ctx: Context) -> Case | Decision:
    """Too big or too many files to be read: the unit is asked to split it; an archive bomb waits
    in quarantine until staff release it."""
    oversized = _over_limits(case.reading.message, ctx.settings)
    unit = case.unit
    if oversized is not None:
        return Decision(outcome=Outcome.rejected if unit else Outcome.needs_review,
                        reasons=list(case.reasons) + [oversized], unit_code=unit.code if unit else None,
                        quarter=quarter_of(ctx.received_at, ctx.settings.tz),
                        reply=ReplyKind.rejection if unit else ReplyKind.none, sender=case.inner.sender,
                        forwarded_by=case.forwarded_by)
    bomb = case.analysis.bomb
    if bomb is not None and not ctx.overrides.released:
        return Decision(outcome=Outcome.quarantined, reasons=[bomb], sender=case.inner.sender,
                        unit_code=unit.code if unit else None, forwarded_by=case.forwarded_by)
    return case


def thread(case: Case, ctx: Context) -> Case | Decision:
    """A reply continuing a submission adds to what its earlier mails held (as read then, stored)."""
    prior = ctx.history.thread_of(case.inner)
    return replace(case, thread=prior, analysis=_with_thread(case.analysis, prior))


def check(case: Case, ctx: Context) -> Case | Decision:
    """The drafts checked into nominations; the quarter they are for, and whether they came late."""
    content = case.analysis
    quarter = content.quarter or quarter_of(ctx.received_at, ctx.settings.tz)
    late = is_late(ctx.received_at, quarter, ctx.settings.tz)
    nominations, problems = check_drafts(content)
    reasons = list(case.reasons) + content.reasons + problems + ([Reason(code=ReasonCode.late)] if late else [])
    return replace(case, quarter=quarter, late=late, nominations=tuple(nominations), reasons=tuple(reasons))


def route(case: Case, ctx: Context) -> Case | Decision:
    """Unknown sender: a person decides. Nominations: on to the quota. A scan: a person reads it.
    Nothing usable: rejected, with what to fix."""
    content, reasons, nominations = case.analysis, list(case.reasons), list(case.nominations)
    if case.unit is None:
        if not nominations and not content.drafts:
            reasons = reasons + [Reason(code=ReasonCode.no_nomination)]
        if not any(r.code == ReasonCode.unknown_sender for r in reasons):
            reasons = [Reason(code=ReasonCode.unknown_sender)] + reasons
        return case.decided(Outcome.needs_review, ReplyKind.pending if content.drafts else ReplyKind.none,
                            reasons, nominations=nominations)
    if nominations:
        return case
    if not content.drafts and content.scanned:
        # A scanned PDF may well be the nomination itself: a person reads it rather than a refusal.
        scans = [Reason(code=ReasonCode.unreadable_attachment, detail="scanned PDF without a text layer",
                        where=name) for name in content.scanned]
        return case.decided(Outcome.needs_review, ReplyKind.pending, reasons + scans)
    if not content.drafts and not any(r.code in _READING_PROBLEMS for r in reasons):
        reasons = reasons + [Reason(code=ReasonCode.no_nomination)]
    return case.decided(Outcome.rejected, ReplyKind.rejection, reasons)


def quota(case: Case, ctx: Context) -> Decision:
    """Accepted: which earlier nominees these replace, and how the unit stands against its quota."""
    assert case.unit is not None  # route sends only a known unit's nominations here
    unit, nominations = case.unit, list(case.nominations)
    earlier = ctx.history.active_nominees(unit.code, case.quarter)
    replaces, resubmitted = _resubmissions(nominations, earlier, case.thread)
    kept = [p.school_level for p in earlier if p.id not in replaces]
    status = quota_status(unit.code, unit.kind, case.quarter, kept + [n.school_level for n in nominations],
                          ctx.settings.quota)
    short = [] if status.complete else [Reason(code=ReasonCode.quota_short, detail=", ".join(status.missing_levels))]
    return case.decided(Outcome.accepted, ReplyKind.ack, list(case.reasons) + resubmitted + short,
                        nominations=nominations, replaces=replaces, quota=status)


def reply_policy(decision: Decision, case: Case, ctx: Context) -> Decision:
    """Whatever the outcome: no reply to a sender that failed authentication at our server (it is
    most likely forged: answering would mail a stranger: backscatter), nor to a From we could not
    read; then the caps on replies to one address."""
    if decision.reply == ReplyKind.none:
        return decision
    if case.auth.verdict == Verdict.failed or not decision.sender:
        return decision.model_copy(update={"reply": ReplyKind.none})
    return _limit_replies(decision, case.reading.message, ctx.history, ctx.settings)


# The chain: each step settles the mail (a Decision) or hands on what it established.
CHAIN: tuple[tuple[str, Step], ...] = (
    ("screen", screen_robots),
    ("duplicate", duplicate),
    ("unwrap", unwrap),
    ("sender", sender),
    ("limits", limits),
    ("thread", thread),
    ("check", check),
    ("route", route),
    ("quota", quota),
)


def decide(reading: Reading, received_at: datetime, units: UnitDirectory, history: History,
           settings: PipelineSettings, overrides: Overrides | None = None) -> Decision:
    """The outcome of one mail, read by the read stage (`prefetch.read_mail`): the CHAIN's steps in
    order until one settles it, then the reply policy."""
    ctx = Context(received_at=received_at, units=units, history=history, settings=settings,
                  overrides=overrides or Overrides())
    case = Case(reading=reading, auth=sender_authentication(reading.message, settings.authserv_ids),
                inner=reading.message, analysis=reading.analysis)
    for _name, step in CHAIN:
        outcome = step(case, ctx)
        if isinstance(outcome, Decision):
            return reply_policy(outcome, case, ctx)
        case = outcome
    raise AssertionError("the chain ends with a step that always decides")


# -- the rules the steps use ---------------------------------------------------------------------

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


def _with_thread(analysis: Analysis, prior: PriorSubmission | None) -> Analysis:
    """This mail's content completed by the earlier mails of its thread, as they were read then."""
    if prior is None:
        return analysis
    drafts: list[NominationDraft] = []
    evidence: list[Evidence] = []
    for earlier in prior.analyses:
        drafts = merge_drafts(drafts, earlier.drafts)
        evidence.extend(earlier.evidence)
    return analysis.model_copy(update={
        "drafts": merge_drafts(drafts, analysis.drafts),
        "evidence": evidence + analysis.evidence,
        "quarter": prior.quarter,
    })


def _resubmissions(nominations: list[Nomination], earlier: list[PriorNominee],
                   prior: PriorSubmission | None) -> tuple[list[int], list[Reason]]:
    keys = {fold(n.name) for n in nominations}
    replaced = [p for p in earlier if p.name_key in keys and (prior is None or p.submission_id != prior.id)]
    same_thread = [p.id for p in earlier if prior is not None and p.submission_id == prior.id]
    reasons = [Reason(code=ReasonCode.resubmission, detail=p.name_key) for p in replaced]
    return [p.id for p in replaced] + same_thread, reasons


def _answers_us(msg: InboundMessage, settings: PipelineSettings) -> bool:
    """A mail answering ours: threaded on one of our Message-IDs, or quoting our reference in its
    subject (a robot may drop the threading headers but keeps "Re: [DHTT-2024Q2-0001] …")."""
    suffix = f"@{settings.message_id_domain}>".lower()
    if any(mid.lower().endswith(suffix) for mid in msg.in_reply_to + msg.references):
        return True
    ours = re.compile(rf"\[{re.escape(settings.reference_prefix)}-\d{{4}}Q[1-4]-\d{{4,}}\]", re.IGNORECASE)
    return ours.search(msg.subject) is not None


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


SUBJECT_REFERENCE = re.compile(r"\[([A-Z]+-\d{4}Q[1-4]-\d{4,})\]")


def subject_references(subject: str) -> list[str]:
    """Our reference numbers quoted in a subject, e.g. '[DHTT-2024Q2-0042]'."""
    return SUBJECT_REFERENCE.findall(subject)
