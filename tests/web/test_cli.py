"""`dhtt user add|list|disable` against a real database file, as an operator types them."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from store.db import open_database, session
from store.models import WebUser
from web.cli import app
from web.users import authenticate

runner = CliRunner()


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "dhtt.sqlite"}"\n', encoding="utf-8")
    return path


def test_user_add_from_stdin_then_sign_in(tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = runner.invoke(app, ["user", "add", "vanthu", "--role", "admin", "--password-stdin", "--config",
                                 str(config)], input="mot-mat-khau-dai\n")
    assert result.exit_code == 0, result.output
    assert "Đã thêm tài khoản vanthu (quản trị viên)" in result.output
    engine = open_database(f"sqlite:///{tmp_path / 'dhtt.sqlite'}")
    with session(engine) as db:
        row = db.exec(select(WebUser)).one()
        assert row.role == "admin" and row.password_hash.startswith("$argon2id$")
        assert authenticate(db, "vanthu", "mot-mat-khau-dai") is not None
        assert authenticate(db, "vanthu", "sai") is None
    listed = runner.invoke(app, ["user", "list", "--config", str(config)])
    assert "vanthu\tadmin" in listed.output


def test_user_add_prompts_twice_and_refuses_a_mismatch(tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = runner.invoke(app, ["user", "add", "canbo", "--config", str(config)],
                           input="mat-khau-thu-nhat\nmat-khau-thu-hai\n")
    assert result.exit_code == 1 and "không khớp" in result.output


def test_user_add_refuses_bad_role_short_password_and_duplicates(tmp_path: Path) -> None:
    config = _config(tmp_path)
    args = ["user", "add", "canbo", "--password-stdin", "--config", str(config)]
    assert "Vai trò" in runner.invoke(app, [*args, "--role", "sep"], input="mat-khau-du-dai\n").output
    assert "ít nhất" in runner.invoke(app, args, input="ngan\n").output
    assert runner.invoke(app, args, input="mat-khau-du-dai\n").exit_code == 0
    again = runner.invoke(app, args, input="mat-khau-du-dai\n")
    assert again.exit_code == 1 and "đã có" in again.output


def test_disabled_user_cannot_sign_in(tmp_path: Path) -> None:
    config = _config(tmp_path)
    runner.invoke(app, ["user", "add", "canbo", "--password-stdin", "--config", str(config)], input="mat-khau-du-dai\n")
    assert runner.invoke(app, ["user", "disable", "canbo", "--config", str(config)]).exit_code == 0
    engine = open_database(f"sqlite:///{tmp_path / 'dhtt.sqlite'}")
    with session(engine) as db:
        assert authenticate(db, "canbo", "mat-khau-du-dai") is None


def test_user_passwd_sets_a_new_password_and_ends_sessions(tmp_path: Path) -> None:
    """`dhtt user passwd` takes the new password and raises the session generation (old cookies die)."""
    config = _config(tmp_path)
    runner.invoke(app, ["user", "add", "canbo", "--password-stdin", "--config", str(config)], input="mat-khau-du-dai\n")
    engine = open_database(f"sqlite:///{tmp_path / 'dhtt.sqlite'}")
    with session(engine) as db:
        before = db.exec(select(WebUser)).one().session_generation
    result = runner.invoke(app, ["user", "passwd", "canbo", "--password-stdin", "--config", str(config)],
                           input="mat-khau-moi-dai\n")
    assert result.exit_code == 0 and "phiên đăng nhập cũ đã hết hiệu lực" in result.output
    with session(engine) as db:
        assert db.exec(select(WebUser)).one().session_generation == before + 1
        assert authenticate(db, "canbo", "mat-khau-du-dai") is None
        assert authenticate(db, "canbo", "mat-khau-moi-dai") is not None
    missing = runner.invoke(app, ["user", "passwd", "khongco", "--password-stdin", "--config", str(config)],
                            input="mat-khau-moi-dai\n")
    assert missing.exit_code == 1 and "Không có tài khoản khongco" in missing.output
