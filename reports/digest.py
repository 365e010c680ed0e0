"""The staff digest: what came in since the last one, what waits for staff, and the quarter's quotas."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from domain import wording
from domain.codes import Outcome, ReasonCode
from domain.quarters import WINDOW_FIRST_DAY, WINDOW_LAST_DAY, quarter_of
from domain.units import UnitDirectory
from domain.wording import reports as words
from domain.wording.reasons import NAMED_DETAIL, REASON_TITLE
from reports.context import ReportContext
from reports.data import quarter_data
from store.models import Message, Nominee, Reply, Submission
from store.queries import references_of, stored_reasons

MAX_LISTED = 50  # mails per section; the intake log (`dhtt log`) has the rest


class MailLine(BaseModel):
    """One mail as staff see it in the digest."""

    received: str
    sender: str
    unit: str
    reference: str | None = None
    subject: str = ""
    reasons: list[str] = Field(default_factory=list)
    exemplars: list[str] = Field(default_factory=list)
    late: bool = False


class QuotaRow(BaseModel):
    unit: str
    kind: str
    heard: bool
    complete: bool
    sent: int
    required: int
    progress: str
    missing: str

    @property
    def state(self) -> str:
        if self.complete:
            return "Đã hoàn thành"
        return "Đã gửi, chưa đủ" if self.heard else "Chưa gửi hồ sơ"


class DigestData(BaseModel):
    """Everything one digest says, already in the words staff read."""

    generated: str
    quarter: str
    quarter_text: str
    in_window: bool
    since: str
    since_at: datetime
    accepted: list[MailLine] = Field(default_factory=list)
    pending: list[MailLine] = Field(default_factory=list)
    rejected: list[MailLine] = Field(default_factory=list)
    quarantined: list[MailLine] = Field(default_factory=list)
    quota: list[QuotaRow] = Field(default_factory=list)
    exemplars_total: int = 0
    units_with_rule: int = 0
    units_complete: int = 0
    units_silent: int = 0
    web_url: str = ""  # where staff read each mail; empty: the footer names the commands instead

    @property
    def subject(self) -> str:
        cadence = "hằng ngày" if self.in_window else "hằng tuần"
        return f"[DHTT] Báo cáo {cadence} tiếp nhận hồ sơ gương điển hình tiên tiến - {self.generated[-10:]}"


def in_window(now: datetime, ctx: ReportContext) -> bool:
    """True from the 15th to the 20th of a quarter's last month, Vietnam time."""
    local = now.astimezone(ctx.timezone)
    return local.month % 3 == 0 and WINDOW_FIRST_DAY <= local.day <= WINDOW_LAST_DAY


def digest_since(db: Session, now: datetime, ctx: ReportContext) -> datetime:
    """Since the last digest queued (so a missed one leaves no gap), else one day or one week back."""
    last = db.exec(select(Reply.created_at).where(Reply.kind == "digest", Reply.created_at < now)
                   .order_by(col(Reply.created_at).desc())).first()
    if last is not None:
        return last
    return now - (timedelta(days=1) if in_window(now, ctx) else timedelta(days=7))


def _reason_titles(raw: str) -> list[str]:
    titles = []
    for item in stored_reasons(raw):
        try:
            title = REASON_TITLE[ReasonCode(item["code"])]
        except ValueError:
            title = item["code"]
        detail = f" ({item['detail']})" if item.get("detail") and item["code"] in NAMED_DETAIL else ""
        if title + detail not in titles:
            titles.append(title + detail)
    return titles


def _lines(db: Session, messages: list[Message], units: UnitDirectory) -> list[MailLine]:
    ids = [m.id for m in messages]
    names: dict[int, list[str]] = {}
    for n in db.exec(select(Nominee).where(col(Nominee.message_pk).in_(ids)).order_by(col(Nominee.id))):
        names.setdefault(n.message_pk, []).append(f"{n.name} ({words.category_text(n.category)}, "
                                                  f"{wording.level_text(n.school_level)})")
    refs = references_of(db, (m.submission_id for m in messages))
    out = []
    for m in messages:
        unit = units.by_code(m.unit_code)
        out.append(MailLine(
            received=wording.moment_text(m.received_at),
            sender=m.sender, unit=unit.name if unit else (m.unit_code or "Chưa xác định đơn vị"),
            reference=refs.get(m.submission_id), subject=wording.excerpt(m.subject, 100),
            reasons=_reason_titles(m.reasons), exemplars=names.get(m.id or 0, []), late=m.late))
    return out


def _messages(db: Session, outcome: Outcome, since: datetime, now: datetime) -> list[Message]:
    """Mails of this outcome received in [since, now); a second delivery of one mail is left out."""
    query = select(Message).where(Message.outcome == outcome.value, Message.received_at >= since,
                                  Message.received_at < now)
    found = db.exec(query.order_by(col(Message.received_at), col(Message.id)).limit(MAX_LISTED))
    return [m for m in found if ReasonCode.duplicate_message.value not in m.reasons]


def _awaiting_review(db: Session) -> list[Message]:
    """Mails held for staff: still needs_review, and no later mail of their thread was accepted."""
    open_subs = select(Submission.id).where(Submission.status == Outcome.needs_review.value)
    return list(db.exec(select(Message).where(
        Message.outcome == Outcome.needs_review.value, col(Message.submission_id).in_(open_subs))
        .order_by(col(Message.received_at), col(Message.id)).limit(MAX_LISTED)))


def _quota_rows(db: Session, quarter: str, units: UnitDirectory, ctx: ReportContext) -> tuple[list[QuotaRow], int]:
    data = quarter_data(db, quarter, units, ctx.rules)
    rows = [QuotaRow(unit=q.unit.name, kind=words.UNIT_KIND_TEXT.get(q.unit.kind, q.unit.kind), heard=q.heard,
                     complete=q.status.complete, sent=sum(min(line.sent, line.required) for line in q.status.lines),
                     required=sum(line.required for line in q.status.lines),
                     progress=words.progress_text(q.status), missing=words.missing_short(q.status))
            for q in data.with_rule]
    # Silent units first, then those still short, then the complete ones: who needs a call comes first.
    rows.sort(key=lambda r: (r.heard, r.complete))
    return rows, len(data.exemplars)


def build_digest(db: Session, now: datetime, units: UnitDirectory, ctx: ReportContext) -> DigestData:
    """The digest at `now`: a pure read of the store, no mail is built or sent."""
    since = digest_since(db, now, ctx)
    quarter = quarter_of(now, ctx.timezone)
    quota, total = _quota_rows(db, quarter, units, ctx)
    return DigestData(
        generated=now.astimezone(ctx.timezone).strftime("%H:%M ngày %d/%m/%Y"), quarter=quarter,
        quarter_text=wording.quarter_text(quarter), in_window=in_window(now, ctx),
        since=wording.moment_text(since), since_at=since,
        accepted=_lines(db, _messages(db, Outcome.accepted, since, now), units),
        pending=_lines(db, _awaiting_review(db), units),
        rejected=_lines(db, _messages(db, Outcome.rejected, since, now), units),
        quarantined=_lines(db, _messages(db, Outcome.quarantined, since, now), units),
        quota=quota, exemplars_total=total, units_with_rule=len(quota),
        units_complete=sum(1 for r in quota if r.complete), units_silent=sum(1 for r in quota if not r.heard),
        web_url=ctx.reports.web_url.rstrip("/"))
