"""End-to-end run on the embedded default: a private Dovecot seeded with the sample mails, SQLite,
replies captured as .eml files by a local SMTP sink; then the intake log is printed.

Usage: .venv/bin/python scripts/demo.py [--samples DIR] [--keep]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intake.received import receipt_time  # noqa: E402
from tests.servers import Dovecot, SmtpSink  # noqa: E402

CONFIG = """\
[imap]
host = "127.0.0.1"
port = {imap_port}
security = "none"
user = "hopthu"
password_env = "DHTT_IMAP_PASSWORD"
idle = true

[smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"

[database]
url = "sqlite:///{var}/dhtt.sqlite"

[intake]
storage_dir = "{var}/storage"
poll_seconds = 5
"""


def seed(dovecot: Dovecot, password: str, samples: Path) -> int:
    files = sorted(samples.glob("*.eml"))
    for path in files:
        data = path.read_bytes()
        dovecot.append("hopthu", password, "INBOX", data, receipt_time(data, fallback=None))  # type: ignore[arg-type]
    return len(files)


def dhtt(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(ROOT / ".venv/bin/dhtt"), *args], check=True, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--var", type=Path, default=ROOT / "var" / "demo")
    args = parser.parse_args()
    var = args.var.resolve()
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    var.chmod(0o755)
    password = secrets.token_hex(8)
    with Dovecot(var / "imap") as dovecot, SmtpSink(spool_dir=var / "replies") as sink:
        dovecot.add_user("hopthu", password)
        count = seed(dovecot, password, args.samples)
        print(f"Đã đưa {count} thư mẫu vào hộp thư thử nghiệm (IMAP 127.0.0.1:{dovecot.port}).")
        config = var / "config.toml"
        config.write_text(CONFIG.format(imap_port=dovecot.port, smtp_port=sink.port, var=var), encoding="utf-8")
        env = {**os.environ, "DHTT_IMAP_PASSWORD": password}
        dhtt("run", "--once", "--config", str(config), env=env)
        dhtt("log", "--config", str(config), env=env)
        print(f"Thư trả lời đã gửi: {len(sink.messages)} tệp trong {var / 'replies'}")
        dhtt("export", "--config", str(config), "--output", str(var / "export.json"), env=env)
        print(f"Dữ liệu xuất: {var / 'export.json'}")
    print(NEXT_STEPS.format(config=_shown(config)))
    return 0


NEXT_STEPS = """
Tệp cấu hình của lần chạy thử: {config}
Hộp thư thử nghiệm đã dừng; dữ liệu vẫn còn, có thể xem tiếp bằng các lệnh:
  .venv/bin/dhtt log --config {config}                        (nhật ký tiếp nhận)
  .venv/bin/dhtt show MÃ-HỒ-SƠ --config {config}              (một hồ sơ, ví dụ mã trong cột “Mã hồ sơ”)
  .venv/bin/dhtt report --quarter 2024-Q2 --config {config}   (danh sách Word và Excel của quý)
  .venv/bin/dhtt user add canbo --role admin --config {config}
  .venv/bin/dhtt web --config {config}                        (trang nhật ký trên trình duyệt)
"""


def _shown(path: Path) -> str:
    """The path as the operator can type it from the repository folder."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
