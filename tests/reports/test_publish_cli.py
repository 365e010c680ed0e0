"""`dhtt publish`: the site written to the configured folder or to --out, and a folder that dhtt did
not make refused in words the operator reads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DHTT = str(Path(sys.executable).with_name("dhtt"))


def _dhtt(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    config = tmp / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp / "dhtt.sqlite"}"\n\n'
                      f'[intake]\nstorage_dir = "{tmp / "storage"}"\n\n[reports]\nsite_dir = "cong-bo"\n')
    return subprocess.run([DHTT, "publish", "--config", str(config), *args], capture_output=True, text=True,
                          cwd=tmp, timeout=120, env={**os.environ, "COLUMNS": "200"})


def test_publish_writes_the_configured_folder_then_out(tmp_path: Path) -> None:
    done = _dhtt(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Đã xuất bản 0 gương điển hình tiên tiến vào thư mục {(tmp_path / 'cong-bo').resolve()}"
    assert "Chưa có gương điển hình tiên tiến nào được công bố." in (tmp_path / "cong-bo/index.html").read_text()
    other = tmp_path / "khac"
    assert _dhtt(tmp_path, "--out", str(other)).returncode == 0 and (other / "atom.xml").is_file()


def test_publish_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    mine = tmp_path / "tai-lieu"
    mine.mkdir()
    (mine / "bao-cao.docx").write_bytes(b"keep me")
    done = _dhtt(tmp_path, "--out", str(mine))
    assert done.returncode == 1
    assert "không trống và không phải do dhtt xuất bản" in done.stderr
    assert (mine / "bao-cao.docx").read_bytes() == b"keep me"
