"""Reminders to units below quota a few days before the 20th: once per unit and quarter, never to complete units."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain import wording
from domain.quarters import deadline, quarter_of
from domain.quota import QuotaStatus
from domain.units import UnitDirectory, UnitInfo
from domain.wording import reports as words
from intake.outgoing import DOCX, MailFile, OutgoingMail, already_queued, message_id, queue, render
from reports.context import ReportContext
from reports.data import quarter_data
from reports.template_docx import FILENAME, template_bytes
from store.db import session

KIND = "remind"


class Reminder(BaseModel):
    """One unit still short of its quota in one quarter."""

    unit: UnitInfo
    quarter: str
    status: QuotaStatus
    heard: bool

    @property
    def key(self) -> str:
        return f"{self.unit.code}.{self.quarter}"


def due_reminders(db: Session, now: datetime, units: UnitDirectory, ctx: ReportContext) -> list[Reminder]:
    """Units with a quota, short of it, with an address, not yet reminded this quarter."""
    quarter = quarter_of(now, ctx.timezone)
    data = quarter_data(db, quarter, units, ctx.rules)
    return [Reminder(unit=q.unit, quarter=quarter, status=q.status, heard=q.heard)
            for q in data.with_rule
            if not q.status.complete and q.unit.emails
            and not already_queued(db, message_id(KIND, f"{q.unit.code}.{quarter}", ctx.replies))]


def reminder_mail(reminder: Reminder, ctx: ReportContext, template: bytes) -> OutgoingMail:
    """The letter to one unit, with what is missing and the nomination template attached."""
    closing = deadline(reminder.quarter, ctx.timezone)
    lines = [{"level": words.quota_line_label(line.level), "required": line.required, "sent": line.sent,
              "missing": line.missing} for line in reminder.status.lines]
    text, html = render(
        "reminder", office=ctx.replies.sender_name, mailbox=ctx.replies.sender, contact=ctx.replies.contact,
        addressee=reminder.unit.name, quarter=wording.quarter_text(reminder.quarter),
        deadline=closing.strftime("%d/%m/%Y"), heard=reminder.heard, lines=lines,
        missing=words.missing_text(reminder.status), template=FILENAME)
    subject = (f"[DHTT] Đề nghị gửi bổ sung gương điển hình tiên tiến {wording.quarter_text(reminder.quarter)}"
               f" - {reminder.unit.name}")
    return OutgoingMail(message_id=message_id(KIND, reminder.key, ctx.replies), kind=KIND,
                        to=list(reminder.unit.emails), subject=subject, text=text, html=html,
                        attachments=[MailFile(filename=FILENAME, data=template, content_type=DOCX)])


def send_reminders(engine: Engine, units: UnitDirectory, ctx: ReportContext, now: datetime,
                   dry_run: bool = False) -> list[OutgoingMail]:
    """Queue a reminder for each unit due one (the outbox sends them); with dry_run, only build them."""
    template = template_bytes(ctx.reports, ctx.replies.sender)
    with session(engine) as db:
        mails = [reminder_mail(r, ctx, template) for r in due_reminders(db, now, units, ctx)]
        if not dry_run:
            for mail in mails:
                queue(db, mail, ctx.replies, now)
    return mails
