"""Report benchmark: `dhtt report` for one quarter holding 1,000 exemplars must finish in under 5 s.

The exemplars are inserted straight into a temporary SQLite store (the intake is not under test),
spread over every unit with a quota, with realistic summaries and evidence rows.

Usage: .venv/bin/python bench/report.py [--exemplars 1000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from typer.testing import CliRunner  # noqa: E402

from reports.cli import app  # noqa: E402
from store.db import open_database, session  # noqa: E402
from store.models import Evidence, Message, Nominee, Submission  # noqa: E402
from store.units import load_units  # noqa: E402

QUARTER = "2024-Q2"
LIMIT_SECONDS = 5.0
LEVELS = {"phong_gddt": ["mam_non", "tieu_hoc", "thcs"], "truc_thuoc_so": ["thpt"], "gdnn_gdtx": ["gdtx"],
          "phong_thuoc_so": ["thpt"], "cong_doan": ["mam_non"]}
CATEGORIES = ["can_bo_quan_ly", "nha_giao", "nguoi_lao_dong", "hoc_sinh", "tap_the"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đinh", "Đặng", "Bùi", "Ngô"]
GIVEN = ["Thị Hồng Nhung", "Văn Minh", "Thu Hà", "Đức Thắng", "Phương Mai", "Quang Huy", "Bích Ngọc"]
SUMMARY = ("- Đạt giải Nhất Hội thi giáo viên dạy giỏi cấp tỉnh năm học 2023-2024.\n"
           "- Sáng kiến kinh nghiệm được Hội đồng khoa học ngành công nhận cấp tỉnh.\n"
           "- Hướng dẫn học sinh đạt giải cao trong kỳ thi chọn học sinh giỏi cấp tỉnh; tích cực ứng dụng "
           "công nghệ thông tin, chuyển đổi số trong dạy học và quản lý.")


def fill(url: str, count: int) -> None:
    """Insert `count` accepted exemplars of the quarter, one message and submission per ten."""
    rng = random.Random(2024)
    units = [u for u in load_units(None).units]
    engine = open_database(url)
    now = datetime(2024, 6, 18, 3, 0, tzinfo=UTC)
    with session(engine) as db:
        for start in range(0, count, 10):
            unit = units[(start // 10) % len(units)]
            msg = Message(sha256=f"{start:064d}", rfc_message_id=f"<bench.{start}@test>", origin="import",
                          received_at=now, recorded_at=now, spool_path="-", sender=unit.emails[0],
                          subject="Danh sách gương điển hình tiên tiến", status="done", outcome="accepted",
                          unit_code=unit.code, quarter=QUARTER)
            db.add(msg)
            db.flush()
            sub = Submission(reference=f"DHTT-2024Q2-{start // 10 + 1:04d}", unit_code=unit.code, quarter=QUARTER,
                             status="accepted", sender=msg.sender, first_message_pk=msg.id or 0,
                             created_at=now, updated_at=now)
            db.add(sub)
            db.flush()
            msg.submission_id = sub.id
            for i in range(start, min(start + 10, count)):
                name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)} {i}"
                nominee = Nominee(message_pk=msg.id or 0, submission_id=sub.id, unit_code=unit.code,
                                  quarter=QUARTER, kind="individual", category=rng.choice(CATEGORIES[:4]),
                                  name=name, position="Giáo viên", workplace=unit.name,
                                  school_level=rng.choice(LEVELS[unit.kind]), summary=SUMMARY,
                                  innovations="Sáng kiến cấp tỉnh", awards="Chiến sĩ thi đua cơ sở")
                db.add(nominee)
                db.flush()
                db.add(Evidence(nominee_id=nominee.id or 0, filename="giay-khen.jpg", sha256="0" * 64))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exemplars", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dhtt-bench-") as tmp:
        url = f"sqlite:///{tmp}/dhtt.sqlite"
        fill(url, args.exemplars)
        config = Path(tmp) / "config.toml"
        config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
        started = time.perf_counter()
        result = CliRunner().invoke(app, ["report", "--quarter", QUARTER, "--out", f"{tmp}/out",
                                          "--config", str(config)])
        elapsed = time.perf_counter() - started
        if result.exit_code != 0:
            print(result.output, file=sys.stderr)
            return 1
        sizes = {p.suffix: p.stat().st_size for p in Path(tmp, "out").iterdir()}
    verdict = "OK" if elapsed < LIMIT_SECONDS else "TOO SLOW"
    print(f"dhtt report --quarter {QUARTER}: {args.exemplars} exemplars in {elapsed:.2f} s "
          f"(limit {LIMIT_SECONDS:.0f} s) {verdict}; .docx {sizes.get('.docx', 0) // 1024} KB, "
          f".xlsx {sizes.get('.xlsx', 0) // 1024} KB")
    return 0 if elapsed < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
