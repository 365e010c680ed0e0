"""`dhtt report|period|digest|remind|template`: the Sở's side from the console. Help texts in Vietnamese."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import typer
from sqlalchemy.engine import Engine

from cli_common import CONFIG_OPTION, engine_or_exit, settings_or_exit, units_or_exit
from domain.quarters import deadline, quarter_of, split_quarter
from domain.units import UnitDirectory
from reports.context import ReportContext, report_context
from reports.digest import build_digest
from reports.digest_mail import digest_key, digest_mail, send_digest
from reports.period import period_data, plan_quarters, school_year_quarters
from reports.period_report import write_period_reports
from reports.quarterly import load_quarter, write_quarter_reports
from reports.reminders import send_reminders
from reports.template_docx import FILENAME, template_bytes
from settings import Settings, load_settings
from store.db import session

app = typer.Typer(help="Báo cáo, thư tổng hợp, thư nhắc và mẫu phiếu gương điển hình tiên tiến.",
                  no_args_is_help=True, add_completion=False)


def _open(config: Path) -> tuple[Settings, Engine, UnitDirectory, ReportContext]:
    settings = settings_or_exit(config)
    return settings, engine_or_exit(settings), units_or_exit(settings), report_context(settings)


def _today(ctx: ReportContext) -> datetime:
    return datetime.now(UTC).astimezone(ctx.timezone)


@app.command()
def report(quarter: str = typer.Option(..., "--quarter", "-q", help="Quý cần lập danh sách, ví dụ 2024-Q2."),
           out: Path = typer.Option(None, "--out", "-o", help="Thư mục ghi tệp (mặc định: report_dir trong cấu hình)."),
           config: Path = CONFIG_OPTION) -> None:
    """Lập danh sách gương điển hình tiên tiến của một quý (Word và Excel)."""
    try:
        split_quarter(quarter)
    except ValueError:
        typer.echo("lỗi: quý phải ghi theo dạng năm-Q số quý, ví dụ 2024-Q2", err=True)
        raise typer.Exit(2) from None
    _, engine, units, ctx = _open(config)
    data = load_quarter(engine, quarter, units, ctx)
    for path in write_quarter_reports(data, ctx, out or ctx.report_dir, _today(ctx).date()):
        typer.echo(f"Đã ghi {path}")
    _warn_unsigned(ctx)


@app.command()
def council(review: int = typer.Option(..., "--review", "-r",
                                       help="Số đợt xem xét (trong địa chỉ trang Xét chọn, khen thưởng)."),
            out: Path = typer.Option(None, "--out", "-o", help="Thư mục ghi tệp (mặc định: report_dir trong cấu hình)."),
            config: Path = CONFIG_OPTION) -> None:
    """Lập danh sách trình Hội đồng Thi đua, Khen thưởng và danh sách đề nghị khen thưởng của một đợt xem xét."""
    from reports.council import write_council_lists
    from store.reviews import ReviewNotFound

    _, engine, units, ctx = _open(config)
    try:
        paths = write_council_lists(engine, review, units, ctx.reports, out or ctx.report_dir, _today(ctx).date())
    except ReviewNotFound:
        typer.echo(f"lỗi: không có đợt xem xét số {review}", err=True)
        raise typer.Exit(2) from None
    for path in paths:
        typer.echo(f"Đã ghi {path}")
    _warn_unsigned(ctx)


@app.command()
def period(year: str = typer.Option(None, "--year", help="Năm học, ví dụ 2024-2025."),
           plan: bool = typer.Option(False, "--plan", help="Cả giai đoạn 2023-2025 của Kế hoạch."),
           out: Path = typer.Option(None, "--out", "-o", help="Thư mục ghi tệp."),
           config: Path = CONFIG_OPTION) -> None:
    """Báo cáo chung toàn ngành theo năm học hoặc cả giai đoạn (Word và Excel)."""
    if bool(year) == plan:
        typer.echo("lỗi: cần chọn đúng một trong hai tùy chọn --year (ví dụ 2024-2025) hoặc --plan", err=True)
        raise typer.Exit(2)
    try:
        quarters = plan_quarters() if plan else school_year_quarters(year)
    except ValueError as err:
        typer.echo(f"lỗi: {err}", err=True)
        raise typer.Exit(2) from None
    title, stem = ("GIAI ĐOẠN 2023-2025", "bao-cao-giai-doan-2023-2025") if plan else (
        f"NĂM HỌC {year}", f"bao-cao-nam-hoc-{year}")
    _, engine, units, ctx = _open(config)
    with session(engine) as db:
        data = period_data(db, title, quarters, units, ctx.rules)
    for path in write_period_reports(data, ctx.reports, _today(ctx).date(), out or ctx.report_dir, stem):
        typer.echo(f"Đã ghi {path}")
    _warn_unsigned(ctx)


def _warn_unsigned(ctx: ReportContext) -> None:
    if not ctx.reports.signer_name.strip():
        typer.echo("Lưu ý: chưa khai báo họ tên người ký (khóa signer_name trong mục [reports] của tệp cấu hình); "
                   "dòng họ tên dưới chữ ký trong văn bản đang để trống.", err=True)


@app.command()
def digest(now: bool = typer.Option(False, "--now", help="Lập ngay thư tổng hợp và in ra (không gửi)."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Chỉ in nội dung, không gửi."),
           quarter: str = typer.Option(None, "--quarter", "-q",
                                       help="Lập cho một quý đã qua, ví dụ 2024-Q2 (tính đến hết ngày 20 tháng cuối quý)."),
           day: str = typer.Option(None, "--date", help="Lập tính đến hết một ngày, ví dụ 2024-06-18."),
           config: Path = CONFIG_OPTION) -> None:
    """Thư tổng hợp gửi cán bộ phụ trách: hồ sơ mới, chờ xác minh, bị trả lại, chỉ tiêu của quý."""
    _, engine, units, ctx = _open(config)
    moment = _digest_moment(quarter, day, ctx)
    if now or dry_run:
        with session(engine) as db:
            data = build_digest(db, moment, units, ctx)
        mail = digest_mail(data, ctx, digest_key(moment, ctx), with_chart=False)
        typer.echo(f"Gửi tới: {', '.join(mail.to) or '(chưa cấu hình intake.staff)'}\nTiêu đề: {mail.subject}\n")
        typer.echo(mail.text)
        return
    if not ctx.staff:
        typer.echo("lỗi: chưa cấu hình địa chỉ cán bộ nhận thư (intake.staff)", err=True)
        raise typer.Exit(2)
    send_digest(engine, units, ctx, moment)
    typer.echo(f"Đã đưa thư tổng hợp vào hàng đợi gửi tới {', '.join(ctx.staff)}.")


def _digest_moment(quarter: str | None, day: str | None, ctx: ReportContext) -> datetime:
    """The moment a digest is drawn up at: now, the end of `day`, or the close of `quarter`'s window."""
    now = datetime.now(UTC)
    try:
        if day:
            moment = datetime.combine(date.fromisoformat(day), time.max, tzinfo=ctx.timezone)
        elif quarter:
            moment = min(deadline(quarter, ctx.timezone), now)
        else:
            return now
    except ValueError:
        typer.echo("lỗi: --quarter ghi theo dạng NĂM-QSỐ (ví dụ 2024-Q2), --date theo dạng NĂM-THÁNG-NGÀY "
                   "(ví dụ 2024-06-18)", err=True)
        raise typer.Exit(2) from None
    if quarter and day and quarter_of(moment, ctx.timezone) != quarter:
        typer.echo(f"lỗi: ngày {day} không thuộc quý {quarter}", err=True)
        raise typer.Exit(2)
    return moment


@app.command()
def remind(dry_run: bool = typer.Option(False, "--dry-run", help="Chỉ liệt kê thư nhắc sẽ gửi, không gửi."),
           config: Path = CONFIG_OPTION) -> None:
    """Thư nhắc các đơn vị chưa đủ chỉ tiêu của quý (mỗi đơn vị một lần trong quý)."""
    _, engine, units, ctx = _open(config)
    mails = send_reminders(engine, units, ctx, datetime.now(UTC), dry_run=dry_run)
    verb = "Sẽ gửi" if dry_run else "Đã đưa vào hàng đợi"
    typer.echo(f"{verb} {len(mails)} thư nhắc.")
    for mail in mails:
        typer.echo(f"- {', '.join(mail.to)}: {mail.subject}")


@app.command()
def template(out: Path = typer.Option(None, "--out", "-o",
                                      help="Tệp .docx cần ghi (mặc định: trong thư mục report_dir của cấu hình)."),
             config: Path = CONFIG_OPTION) -> None:
    """Ghi mẫu phiếu giới thiệu gương điển hình tiên tiến (.docx)."""
    # The template needs no database: without a config file the shipped defaults are used.
    settings = load_settings(config) if config.exists() else Settings()
    ctx = report_context(settings)
    data = template_bytes(ctx.reports, ctx.replies.sender)
    # Into the reports folder, not the current one (often the repository, where git would see it).
    out = out or ctx.report_dir / FILENAME
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    typer.echo(f"Đã ghi {out}")


@app.command()
def publish(out: Path = typer.Option(None, "--out", "-o",
                                     help="Thư mục ghi trang công bố (mặc định: site_dir trong cấu hình)."),
            config: Path = CONFIG_OPTION) -> None:
    """Xuất bản chuyên mục gương điển hình tiên tiến: trang web tĩnh và bản tin Atom."""
    from domain.wording import publicity as wording
    from reports.publish import publish as write, publish_problem
    from reports.site import SiteFolderError

    settings, engine, units, ctx = _open(config)
    folder = out or settings.path(ctx.reports.site_dir)
    try:
        done = write(engine, units, folder, ctx.reports.site_url)
    except (SiteFolderError, OSError) as err:
        typer.echo("lỗi: " + wording.NOT_PUBLISHED.format(folder=folder, problem=publish_problem(err)), err=True)
        raise typer.Exit(1) from None
    typer.echo(wording.PUBLISHED.format(count=done.count, folder=done.folder))

