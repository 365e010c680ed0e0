"""Writes the quarterly Word and Excel reports, and mails them to staff once per quarter."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from domain import wording
from domain.units import UnitDirectory
from intake.outgoing import DOCX, XLSX, MailFile, OutgoingMail, message_id, queue, render
from reports.context import ReportContext
from reports.data import QuarterData, quarter_data
from reports.quarterly_docx import summary_line, write_quarterly_docx
from reports.quarterly_xlsx import write_quarterly_xlsx
from store.db import session


def report_stem(quarter: str) -> str:
    return f"danh-sach-guong-dien-hinh-tien-tien-{quarter}"


def load_quarter(engine: Engine, quarter: str, units: UnitDirectory, ctx: ReportContext) -> QuarterData:
    with session(engine) as db:
        return quarter_data(db, quarter, units, ctx.rules)


def write_quarter_reports(data: QuarterData, ctx: ReportContext, out_dir: Path, day: date) -> tuple[Path, Path]:
    """Both files of the quarter, named after it; returns (docx, xlsx)."""
    stem = report_stem(data.quarter)
    return (write_quarterly_docx(data, ctx.reports, day, out_dir / f"{stem}.docx"),
            write_quarterly_xlsx(data, ctx.reports, out_dir / f"{stem}.xlsx"))


def report_mail(data: QuarterData, ctx: ReportContext, paths: tuple[Path, Path]) -> OutgoingMail:
    quarter = wording.quarter_text(data.quarter)
    text, html = render("report", office=ctx.replies.sender_name, quarter=quarter, summary=summary_line(data),
                        files=[p.name for p in paths], unsigned=not ctx.reports.signer_name.strip())
    files = [MailFile(filename=path.name, data=path.read_bytes(), content_type=kind)
             for path, kind in zip(paths, (DOCX, XLSX), strict=True)]
    return OutgoingMail(message_id=message_id("report", data.quarter, ctx.replies), kind="report",
                        to=list(ctx.staff), subject=f"[DHTT] Danh sách gương điển hình tiên tiến {quarter}",
                        text=text, html=html, attachments=files)


def report_quarter(engine: Engine, quarter: str, units: UnitDirectory, ctx: ReportContext, now: datetime,
                   mail: bool = True) -> tuple[Path, Path]:
    """Write the quarter's reports into the report folder and, once per quarter, queue them to staff."""
    data = load_quarter(engine, quarter, units, ctx)
    paths = write_quarter_reports(data, ctx, ctx.report_dir, now.astimezone(ctx.timezone).date())
    if mail and ctx.staff:
        with session(engine) as db:
            queue(db, report_mail(data, ctx, paths), ctx.replies, now)
    return paths
