"""`dhtt log` and `dhtt show` as an operator reads them: checked filters, 80 columns, Vietnamese words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.servers import free_port

DHTT = str(Path(sys.executable).with_name("dhtt"))
CODES = ("nha_giao", "nguoi_lao_dong", "can_bo_quan_ly", "tap_the", "hoc_sinh", "individual", "collective",
         "accepted", "rejected", "needs_review", "missing_evidence", "quota_short", '"kind"')


def _dhtt(*args: str, columns: int = 160) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([DHTT, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def config(tmp_path_factory, corpus_dir) -> Path:  # type: ignore[no-untyped-def]
    """A store holding the first ten corpus mails, imported through the CLI (replies stay queued)."""
    tmp = tmp_path_factory.mktemp("cli")
    path = tmp / "config.toml"
    path.write_text(f"""
[smtp]
host = "127.0.0.1"
port = {free_port()}
security = "none"

[database]
url = "sqlite:///{tmp / 'dhtt.sqlite'}"

[intake]
storage_dir = "{tmp / 'storage'}"
""", encoding="utf-8")
    mails = sorted((corpus_dir / "emails").glob("*.eml"))[:10]
    done = _dhtt("import", *map(str, mails), "--config", str(path))
    assert done.returncode == 0, done.stderr
    return path


def test_log_fits_an_80_column_terminal(config: Path) -> None:
    """GIVEN a terminal 80 columns wide THEN every line of the log fits, and each mail is still shown."""
    out = _dhtt("log", "--config", str(config), columns=80)
    assert out.returncode == 0, out.stderr
    assert all(cell_len(line) <= 80 for line in out.stdout.splitlines())
    assert out.stdout.count("Người gửi:") == 10
    assert "DHTT-20" in out.stdout and "Đã tiếp nhận" in out.stdout


def test_wide_terminal_keeps_the_table(config: Path) -> None:
    out = _dhtt("log", "--config", str(config), columns=160)
    assert "Mã hồ sơ" in out.stdout.splitlines()[2] or "Mã hồ sơ" in out.stdout
    assert "Người gửi:" not in out.stdout


@pytest.mark.parametrize(("flag", "value", "hint"), [
    ("--quarter", "2024Q3", "2024-Q2"),
    ("--quarter", "2024-Q5", "2024-Q2"),
    ("--outcome", "foo", "needs_review"),
    ("--unit", "KHONG-CO", "THPT-LVT"),
])
def test_bad_filter_is_refused_with_the_valid_forms(config: Path, flag: str, value: str, hint: str) -> None:
    out = _dhtt("log", "--config", str(config), flag, value)
    assert out.returncode == 2
    assert value in out.stderr and hint in out.stderr
    assert out.stdout == ""


def test_show_speaks_vietnamese_and_json_keeps_codes(config: Path) -> None:
    """GIVEN an accepted submission WHEN shown THEN categories, outcomes and reasons are words, not codes."""
    entries = json.loads(_dhtt("log", "--config", str(config), "--json").stdout)
    reference = next(e["reference"] for e in entries if e["outcome"] == "accepted")
    out = _dhtt("show", reference, "--config", str(config))
    assert out.returncode == 0, out.stderr
    assert not [code for code in CODES if code in out.stdout]
    assert "Tóm tắt thành tích:" in out.stdout and "Minh chứng:" in out.stdout
    raw = json.loads(_dhtt("show", reference, "--config", str(config), "--json").stdout)
    assert raw[0]["outcome"] == "accepted" and raw[0]["nominees"][0]["category"]


def test_reading_commands_never_create_an_empty_store(tmp_path: Path) -> None:
    """GIVEN a config whose database does not exist WHEN the log is asked for THEN it is refused with the
    config named (exit 2), and no empty database is left behind."""
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "var" / "dhtt.sqlite"}"\n', encoding="utf-8")
    for args in (["log"], ["show", "DHTT-2024Q2-0001"], ["export"], ["review", "list"]):
        out = _dhtt(*args, "--config", str(config))
        assert out.returncode == 2 and str(config) in out.stderr, (args, out.stderr)
    assert not (tmp_path / "var" / "dhtt.sqlite").exists()


@pytest.mark.parametrize(("text", "says"), [
    ("[intake]\npoll_seconds = 1\n", "intake.poll_seconds: phải lớn hơn hoặc bằng 5"),
    ("[intake]\npoll_secnds = 10\n", "intake.poll_secnds: khóa này không có"),
    ("[imap]\nsecurity = \"ssl\"\n", "imap.security: chỉ nhận một trong các giá trị"),
    ("[intake\n", "sai cú pháp TOML ở dòng 1"),
])
def test_config_mistakes_are_told_in_one_vietnamese_line(tmp_path: Path, text: str, says: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    out = _dhtt("log", "--config", str(config))
    assert out.returncode == 2 and says in out.stderr and len(out.stderr.strip().splitlines()) == 1
