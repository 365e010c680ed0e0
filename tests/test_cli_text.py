"""The operator's screen is Vietnamese throughout: click's and typer's own words too, not only our help."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DHTT = str(Path(sys.executable).with_name("dhtt"))
ENGLISH = re.compile(r"Usage|Options|Arguments|Commands|Show this message|Missing|Did you mean|Error|Invalid|"
                     r"\[OPTIONS\]|COMMAND|ARGS|TEXT|INTEGER|<bool>|required|default")


@pytest.mark.parametrize("args", [
    ["--help"], ["log", "--help"], ["quarantine", "--help"], ["quarantine", "release", "--help"],
    ["review", "attach"], ["lgo"], ["log", "--limit", "không"], ["log", "--quarter"], ["user", "add", "--help"],
    ["publish", "--help"],
])
def test_cli_speaks_vietnamese(args: list[str], tmp_path: Path) -> None:
    out = subprocess.run([DHTT, *args], capture_output=True, text=True, cwd=tmp_path, timeout=60,
                         env={**os.environ, "COLUMNS": "100"})
    screen = out.stdout + out.stderr
    assert screen.strip()
    assert not ENGLISH.findall(screen), screen
    assert "Cách dùng: dhtt" in screen or "Lỗi" in screen
