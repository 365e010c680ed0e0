"""`dhtt`: the operators' console command. Help texts are Vietnamese; logs stay English."""

from __future__ import annotations

import cli_text  # first: Vietnamese for click's and typer's own words
import json
import logging
import os
import mailbox as mboxlib
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

import cli_views as views
from cli_common import CONFIG_OPTION, engine_or_exit, settings_or_exit, units_or_exit
from domain.mail import RawMessage
from domain.codes import Outcome
from domain.wording import OUTCOME_TEXT
from intake.errors import IntakeError, MailboxLoginFailed, MailboxUnavailable, SignInFailed
from intake.received import receipt_time
from intake.signin_text import cause_text
from store import queries
from store.db import session
from store.log import LogFilter, LogRow, log_page

if TYPE_CHECKING:
    from scheduler import App

app = typer.Typer(help="dhtt — tiếp nhận hồ sơ gương điển hình tiên tiến qua thư điện tử (Sở GDĐT Ninh Bình).",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)
# Piped output (a file, `less`) gets the wide table rather than rich's 80-column default, unless
# COLUMNS says how wide the reader is.
console = Console() if sys.stdout.isatty() else Console(width=int(os.environ.get("COLUMNS") or 160))


def _app(config: Path, name: str | None = None) -> App:
    """The service wired for this configuration (scheduler.build_app), or a one-line reason why not."""
    from scheduler import build_app  # the composition root; imported when a command needs the worker

    settings = settings_or_exit(config)
    return build_app(settings, name or socket.gethostname(), engine=engine_or_exit(settings),
                     units=units_or_exit(settings))


def _logging(verbose: bool, service: bool = False) -> None:
    """The log on stderr: the service logs each step (its journal is read by the IT staff); a one-off
    command an operator types shows only warnings, unless -v asks for every step."""
    level = logging.DEBUG if verbose else logging.INFO if service else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mailparser").setLevel(logging.ERROR)


@app.command()
def run(config: Path = CONFIG_OPTION,
        once: bool = typer.Option(False, "--once", help="Đọc hộp thư một lần rồi dừng."),
        name: str = typer.Option(None, "--worker-name", help="Tên của tiến trình xử lý; mỗi tiến trình cần một tên riêng khi chạy song song."),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="Ghi nhật ký chi tiết.")) -> None:
    """Chạy dịch vụ tiếp nhận hồ sơ: đọc hộp thư, ghi nhận, phân loại và trả lời từng thư."""
    _logging(verbose, service=not once)
    with _app(config, name) as service:  # closing it stops its reader processes
        if once:
            try:
                count = service.worker.run_once()
            except SignInFailed as err:
                typer.echo(f"lỗi: không đăng nhập được vào hộp thư: {cause_text(err.cause)}", err=True)
                raise typer.Exit(1) from None
            except (MailboxUnavailable, MailboxLoginFailed) as err:
                typer.echo(f"lỗi: không kết nối được hộp thư: {err}", err=True)
                raise typer.Exit(1) from None
            typer.echo(f"Đã đọc {count} thư mới.")
            return
        # The same service as `python scheduler.py`, with the same jobs: the poll, the outbox, the
        # digest, the reminders and the quarterly reports.
        from scheduler import serve_until_signalled

        serve_until_signalled(service)


@app.command()
def web(config: Path = CONFIG_OPTION) -> None:
    """Chạy trang web nhật ký tiếp nhận (địa chỉ và cổng trong mục “web” của tệp cấu hình)."""
    import uvicorn

    from web.app import create_app
    from web.context import WebContext, load_secret, web_settings

    settings = settings_or_exit(config)
    web_conf = web_settings(settings)
    from scheduler import build_app

    engine, units = engine_or_exit(settings), units_or_exit(settings)
    # Staff actions (decide again, release) run through a worker wired like the service's, built on
    # first use; the web package itself never builds one.
    ctx = WebContext(settings=settings, web=web_conf, engine=engine, units=units,
                     secret=load_secret(settings, web_conf),
                     make_worker=lambda: build_app(settings, f"{socket.gethostname()}-web", engine=engine,
                                                   units=units).worker)
    typer.echo(f"Trang web: http://{web_conf.host}:{web_conf.port}/")
    uvicorn.run(create_app(ctx), host=web_conf.host, port=web_conf.port, proxy_headers=False,
                log_level="info", server_header=False)


def _mbox_items(path: Path) -> list[bytes]:
    box = mboxlib.mbox(str(path), create=False)
    try:
        return [box.get_bytes(key) for key in box.keys()]
    finally:
        box.close()


def _read_files(files: list[Path]) -> list[RawMessage]:
    items: list[RawMessage] = []
    for path in files:
        try:
            data = path.read_bytes()
            chunks = _mbox_items(path) if data.startswith(b"From ") else [data]
        except OSError as err:
            raise IntakeError(f"{path}: {err.strerror}") from None
        for chunk in chunks:
            moment = receipt_time(chunk, datetime.fromtimestamp(path.stat().st_mtime, UTC))
            items.append(RawMessage(data=chunk, received_at=moment, origin="import"))
    return items


@app.command(name="import")
def import_(files: list[Path] = typer.Argument(..., help="Tệp .eml hoặc hộp thư mbox."),
            config: Path = CONFIG_OPTION) -> None:
    """Nhập thư từ tệp .eml hoặc tệp mbox và xử lý theo đúng quy trình như thư nhận qua hộp thư."""
    _logging(False)
    worker = _app(config).worker
    try:
        count = worker.import_messages(_read_files(files))
    except IntakeError as err:
        typer.echo(f"lỗi: {err}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Đã nhập {count} thư.")


@app.command()
def log(config: Path = CONFIG_OPTION,
        outcome: str = typer.Option(None, help="Lọc theo kết quả: accepted, rejected, needs_review, ignored, quarantined."),
        unit: str = typer.Option(None, help="Lọc theo mã đơn vị, ví dụ THPT-LVT."),
        quarter: str = typer.Option(None, help="Lọc theo quý, ví dụ 2024-Q2."),
        limit: int = typer.Option(200, min=1, help="Số dòng tối đa."),
        as_json: bool = typer.Option(False, "--json", help="In kết quả dưới dạng JSON.")) -> None:
    """Nhật ký tiếp nhận: thời gian, người gửi, đơn vị, kết quả, lý do, thư trả lời, số hiệu."""
    settings = settings_or_exit(config)
    problem = views.filter_problem(outcome, unit, quarter, units_or_exit(settings))
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    tz = ZoneInfo(settings.intake.timezone)
    engine = engine_or_exit(settings, read_only_from=config)
    with session(engine) as db:
        rows = log_page(db, LogFilter(outcome=outcome or "", unit=unit or "", quarter=quarter or ""), limit).rows
    entries = [_log_dict(row, tz) for row in rows]
    if as_json:
        typer.echo(views.as_json(entries))
        return
    title = "Nhật ký tiếp nhận hồ sơ gương điển hình tiên tiến"
    if console.width < views.WIDE_TABLE_COLUMNS:
        console.print(f"[bold]{title}[/bold]\n")
        for line in views.log_blocks(entries):
            console.print(line, overflow="fold")
        return
    table = Table(title=title, show_lines=False)
    for column in ("Mã thư", "Thời gian nhận", "Người gửi", "Đơn vị", "Kết quả", "Lý do", "Trả lời", "Mã hồ sơ"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        table.add_row(*views.log_cells(entry))
    console.print(table)


def _log_dict(row: LogRow, tz: ZoneInfo) -> dict[str, Any]:
    m, reply = row.message, row.reply
    status = {"kind": reply.kind, "status": reply.status} if reply else None
    return {"id": m.id, "received_at": m.received_at.astimezone(tz).isoformat(),
            "sender": m.sender, "unit_code": m.unit_code, "outcome": m.outcome or "received",
            "reasons": row.reasons, "reply": status, "reference": row.reference, "subject": m.subject}


@app.command()
def show(reference: str = typer.Argument(..., help="Mã hồ sơ, ví dụ DHTT-2024Q2-0042."),
         config: Path = CONFIG_OPTION,
         as_json: bool = typer.Option(False, "--json", help="In kết quả dưới dạng JSON (dùng cho máy).")) -> None:
    """Xem một hồ sơ: các thư, gương điển hình và minh chứng đã ghi nhận."""
    settings = settings_or_exit(config)
    tz = ZoneInfo(settings.intake.timezone)
    engine = engine_or_exit(settings, read_only_from=config)
    with session(engine) as db:
        sub = queries.submission_by_reference(db, reference)
        if sub is None:
            typer.echo(f"Không tìm thấy hồ sơ {reference}.", err=True)
            raise typer.Exit(1)
        ids = {m.rfc_message_id for m in queries.thread_messages(db, sub.id or 0)}
        items = [e for e in queries.export_messages(db, tz) if e["reference"] == reference or e["message_id"] in ids]
    if as_json:
        typer.echo(views.as_json(items))
        return
    for line in views.show_lines(reference, sub.status, sub.unit_code or "chưa xác định", sub.quarter, items):
        console.print(line, overflow="fold")


@app.command()
def export(config: Path = CONFIG_OPTION,
           fmt: str = typer.Option("json", "--format", help="Định dạng xuất (json)."),
           output: Path = typer.Option(None, "--output", "-o", help="Ghi ra tệp thay vì in ra màn hình.")) -> None:
    """Xuất toàn bộ thư đã nhận, theo thứ tự thời gian nhận, dưới dạng JSON."""
    if fmt != "json":
        typer.echo("lỗi: hiện chỉ hỗ trợ --format json", err=True)
        raise typer.Exit(2)
    settings = settings_or_exit(config)
    engine = engine_or_exit(settings, read_only_from=config)
    with session(engine) as db:
        data = queries.export_messages(db, ZoneInfo(settings.intake.timezone))
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


@app.command()
def reconcile(config: Path = CONFIG_OPTION) -> None:
    """Đối chiếu hộp thư với dữ liệu đã ghi nhận; liệt kê mọi thư chưa được ghi nhận."""
    from intake.reconcile import reconcile_mailbox

    worker = _app(config).worker
    try:
        report = reconcile_mailbox(worker)
    except (MailboxUnavailable, MailboxLoginFailed) as err:
        typer.echo(f"lỗi: không kết nối được hộp thư: {err}", err=True)
        raise typer.Exit(1) from None
    for line in report.lines(ZoneInfo(worker.settings.intake.timezone)):
        typer.echo(line)
    raise typer.Exit(0 if report.complete else 1)


quarantine_app = typer.Typer(help="Thư bị cách ly: xem, bỏ cách ly, xử lý lại.", no_args_is_help=True)
review_app = typer.Typer(help="Thư chờ xác minh (địa chỉ chưa đăng ký): xem, gắn với đơn vị.",
                         no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(review_app, name="review")
from cli_auth import app as auth_app  # noqa: E402 - dhtt auth login|status|logout (issue 13)
app.add_typer(auth_app, name="auth")


def _list_outcome(config: Path, outcome: str) -> None:
    settings = settings_or_exit(config)
    tz = ZoneInfo(settings.intake.timezone)
    engine = engine_or_exit(settings, read_only_from=config)
    with session(engine) as db:
        rows = log_page(db, LogFilter(outcome=outcome), 1000).rows
    table = Table(title=OUTCOME_TEXT.get(Outcome(outcome), outcome))
    for column in ("Mã thư", "Thời gian nhận", "Người gửi", "Tiêu đề", "Lý do"):
        table.add_column(column, overflow="fold")
    for row in rows:
        m, moment = row.message, row.message.received_at.astimezone(tz)
        table.add_row(str(m.id), f"{moment:%d/%m/%Y %H:%M}", m.sender, m.subject,
                      views.reasons_text(row.reasons) or (m.last_error or "—"))
    console.print(table)


def _admin(action, config: Path, *args: object) -> None:  # type: ignore[no-untyped-def]
    import getpass

    from intake.admin import NotAllowed, UnknownMessage

    worker = _app(config).worker
    try:
        decision = action(worker, *args, actor=getpass.getuser())
    except (NotAllowed, UnknownMessage) as err:
        typer.echo(f"lỗi: {err}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Kết quả mới: {OUTCOME_TEXT.get(decision.outcome, decision.outcome)}"
               f" — đơn vị {decision.unit_code or 'chưa xác định'}.")


@quarantine_app.command("list")
def quarantine_list(config: Path = CONFIG_OPTION) -> None:
    """Liệt kê các thư bị cách ly."""
    _list_outcome(config, "quarantined")


@quarantine_app.command("release")
def quarantine_release(message: int = typer.Argument(..., help="Mã thư (cột “Mã thư” trong dhtt log)."),
                       config: Path = CONFIG_OPTION) -> None:
    """Bỏ cách ly một thư: xét lại thư mà không giải nén tệp nén (tệp nén được giữ nguyên làm minh chứng)."""
    from intake.admin import release

    _admin(release, config, message)


@quarantine_app.command("reprocess")
def quarantine_reprocess(message: int = typer.Argument(..., help="Mã thư (cột “Mã thư” trong dhtt log)."),
                         config: Path = CONFIG_OPTION) -> None:
    """Xử lý lại một thư bất kỳ từ bản gốc đã lưu (sau khi đã khắc phục nguyên nhân lỗi)."""
    from intake.admin import reprocess

    _admin(reprocess, config, message)


@review_app.command("list")
def review_list(config: Path = CONFIG_OPTION) -> None:
    """Liệt kê các thư chờ xác minh."""
    _list_outcome(config, "needs_review")


@review_app.command("attach")
def review_attach(message: int = typer.Argument(..., help="Mã thư (cột “Mã thư” trong dhtt log)."),
                  unit: str = typer.Argument(..., help="Mã đơn vị trong danh mục, ví dụ THPT-LVT."),
                  config: Path = CONFIG_OPTION) -> None:
    """Gắn thư của một địa chỉ chưa đăng ký với một đơn vị; thư được xét lại và trả lời một lần."""
    from intake.admin import attach_unit

    _admin(attach_unit, config, message, unit)


def _mount_reports() -> None:
    import reports.cli

    for command in reports.cli.app.registered_commands:
        app.registered_commands.append(command)


_mount_reports()


def _mount_web() -> None:
    import web.cli

    app.registered_groups.extend(web.cli.app.registered_groups)  # dhtt user add|list|disable|enable


_mount_web()


def _mount_doctor() -> None:
    import cli_doctor

    app.registered_commands.extend(cli_doctor.app.registered_commands)  # dhtt doctor


_mount_doctor()


def main() -> None:
    cli_text.localise(typer.main.get_command(app))()


if __name__ == "__main__":
    main()
