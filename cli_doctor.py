"""`dhtt doctor`: prints one line per check (✓, ✗ or – when skipped), with what to do under each ✗."""

from __future__ import annotations

from pathlib import Path

import typer

from cli_common import CONFIG_OPTION
from intake.doctor import Check, Status, passed, run_doctor
from settings import ConfigError, load_settings

app = typer.Typer()
MARK = {Status.ok: "✓", Status.failed: "✗", Status.skipped: "–"}


def report_lines(checks: list[Check]) -> list[str]:
    """The report as printed: a heading per group, one line per check, the advice under each failure."""
    lines: list[str] = []
    group = None
    for check in checks:
        if check.group != group:
            group = check.group
            lines += ["", group]
        lines.append(f"  {MARK[check.status]} {check.name}: {check.detail}")
        if check.advice:
            lines.append(f"      → {check.advice}")
    failed = sum(c.status is Status.failed for c in checks)
    skipped = sum(c.status is Status.skipped for c in checks)
    if failed or skipped:
        lines += ["", f"Kết quả: {len(checks) - failed - skipped} mục đạt, {failed} mục lỗi, "
                      f"{skipped} mục chưa kiểm tra. Khắc phục các mục ✗ theo hướng dẫn rồi chạy lại dhtt doctor."]
    else:
        lines += ["", f"Kết quả: cả {len(checks)} mục đều đạt."]
    return lines


@app.command()
def doctor(config: Path = CONFIG_OPTION,
           send_test: str = typer.Option(None, "--send-test", metavar="ĐỊA_CHỈ",
                                         help="Gửi một thư thử tới địa chỉ này; không có tùy chọn này thì không gửi thư nào.")) -> None:
    """Kiểm tra cấu hình, cơ sở dữ liệu, thư mục lưu trữ, hộp thư (IMAP) và máy chủ gửi thư (SMTP); nêu cách khắc phục từng lỗi."""
    if send_test is not None and "@" not in send_test:
        typer.echo(f"lỗi: “{send_test}” không phải địa chỉ thư điện tử", err=True)
        raise typer.Exit(2)
    try:
        settings = load_settings(config)
    except ConfigError as err:
        problem = str(err).removeprefix("lỗi cấu hình: ")
        typer.echo(f"Cấu hình\n  ✗ Tệp cấu hình: không đọc được: {problem}\n"
                   f"      → Sửa khóa được nêu trong dòng trên (xem config.toml mẫu đi kèm phần mềm) rồi chạy lại.")
        raise typer.Exit(2) from None
    checks = run_doctor(settings, config, send_test)
    for line in report_lines(checks):
        typer.echo(line)
    raise typer.Exit(0 if passed(checks) else 1)
