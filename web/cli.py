"""`dhtt user add|list|passwd|disable|enable` manages who may sign in.

`dhtt web` itself is in cli.py: it wires the pages to a worker built by the composition root
(scheduler.build_app), which the web package does not import."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from cli_common import CONFIG_OPTION, engine_or_exit, settings_or_exit
from store.db import session
from web.users import UserError, add_user, list_users, set_active, set_password

app = typer.Typer(help="Trang web theo dõi tiếp nhận hồ sơ và tài khoản đăng nhập.", no_args_is_help=True,
                  add_completion=False)
user_app = typer.Typer(help="Quản lý tài khoản đăng nhập trang web.", no_args_is_help=True, add_completion=False)
app.add_typer(user_app, name="user")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Mật khẩu", hide_input=True)
    if typer.prompt("Nhập lại mật khẩu", hide_input=True) != first:
        typer.echo("Hai lần nhập mật khẩu không khớp nhau.", err=True)
        raise typer.Exit(1)
    return str(first)


@user_app.command("add")
def user_add(name: str = typer.Argument(..., help="Tên đăng nhập."),
             role: str = typer.Option("viewer", "--role", help="Vai trò: admin (quản trị) hoặc viewer (chỉ xem)."),
             password_stdin: bool = typer.Option(False, "--password-stdin", help="Đọc mật khẩu từ dòng đầu của stdin."),
             config: Path = CONFIG_OPTION) -> None:
    """Thêm tài khoản đăng nhập trang web (mật khẩu được hỏi hai lần, hoặc đọc từ stdin)."""
    settings = settings_or_exit(config)
    password = _read_password(password_stdin)
    engine = engine_or_exit(settings)
    try:
        with session(engine) as db:
            add_user(db, name, password, role)
    except UserError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Đã thêm tài khoản {name} ({'quản trị viên' if role == 'admin' else 'người xem'}).")


@user_app.command("list")
def user_list(config: Path = CONFIG_OPTION) -> None:
    """Liệt kê các tài khoản đăng nhập."""
    with session(engine_or_exit(settings_or_exit(config))) as db:
        for user in list_users(db):
            state = "" if user.active else " — đã khoá"
            typer.echo(f"{user.name}\t{user.role}{state}")


@user_app.command("passwd")
def user_passwd(name: str = typer.Argument(..., help="Tên đăng nhập."),
                password_stdin: bool = typer.Option(False, "--password-stdin", help="Đọc mật khẩu từ dòng đầu của stdin."),
                config: Path = CONFIG_OPTION) -> None:
    """Đặt mật khẩu mới: mọi phiên đăng nhập đang mở của tài khoản hết hiệu lực ngay."""
    settings = settings_or_exit(config)
    password = _read_password(password_stdin)
    try:
        with session(engine_or_exit(settings)) as db:
            set_password(db, name, password)
    except UserError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Đã đặt mật khẩu mới cho tài khoản {name}; các phiên đăng nhập cũ đã hết hiệu lực.")


def _set_active(name: str, active: bool, config: Path) -> None:
    try:
        with session(engine_or_exit(settings_or_exit(config))) as db:
            set_active(db, name, active)
    except UserError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None


@user_app.command("disable")
def user_disable(name: str = typer.Argument(..., help="Tên đăng nhập."), config: Path = CONFIG_OPTION) -> None:
    """Khoá tài khoản: phiên đăng nhập đang mở cũng hết hiệu lực ngay."""
    _set_active(name, False, config)
    typer.echo(f"Đã khoá tài khoản {name}.")


@user_app.command("enable")
def user_enable(name: str = typer.Argument(..., help="Tên đăng nhập."), config: Path = CONFIG_OPTION) -> None:
    """Mở lại tài khoản đã khoá."""
    _set_active(name, True, config)
    typer.echo(f"Đã mở lại tài khoản {name}.")
