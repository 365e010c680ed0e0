"""Turns a DigestData into the staff mail and queues it once per scheduled run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from domain.units import UnitDirectory
from intake.outgoing import CHART_CID, MailFile, OutgoingMail, message_id, queue, render

from reports.chart import progress_chart
from reports.context import ReportContext
from reports.digest import DigestData, build_digest
from store.db import session


def digest_key(now: datetime, ctx: ReportContext) -> str:
    """One digest per local date and hour: a run repeated in that hour builds the same Message-ID."""
    return now.astimezone(ctx.timezone).strftime("%Y%m%d%H")


def digest_mail(data: DigestData, ctx: ReportContext, key: str, with_chart: bool = True) -> OutgoingMail:
    chart = progress_chart(data) if with_chart else None
    text, html = render("digest", d=data, office=ctx.replies.sender_name, chart=CHART_CID if chart else None)
    inline = [MailFile(filename="bieu-do.png", content_type="image/png", data=chart, cid=CHART_CID)] if chart else []
    return OutgoingMail(message_id=message_id("digest", key, ctx.replies), kind="digest", to=list(ctx.staff),
                        subject=data.subject, text=text, html=html, inline=inline)


def send_digest(engine: Engine, units: UnitDirectory, ctx: ReportContext, now: datetime) -> OutgoingMail | None:
    """Queue the digest for staff (the outbox sends it); None when no staff address is configured."""
    if not ctx.staff:
        return None
    with session(engine) as db:
        data = build_digest(db, now, units, ctx)
        mail = digest_mail(data, ctx, digest_key(now, ctx))
        queue(db, mail, ctx.replies, now)
    return mail
