"""Digest and reminders through the outbox to the real SMTP sink: recipients, subjects, counts, once only."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

from reports.digest_mail import send_digest
from reports.reminders import send_reminders
from tests.reports.conftest import Env

IN_WINDOW = datetime(2024, 6, 17, 1, 0, tzinfo=UTC)  # 08:00 on 17 June, Vietnam time
COMPLETE_IN_Q2 = {"PGD-HL", "THPT-LVT", "THPT-KSB"}  # the corpus's accepted Q2 exemplars


def _parsed(sink) -> list[email.message.EmailMessage]:  # type: ignore[no-untyped-def]
    return [email.message_from_bytes(m.data, policy=email.policy.default) for m in sink.messages]


def _text(msg: email.message.EmailMessage) -> str:
    return msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_digest_reaches_staff_once_with_counts_and_chart(mail_env: Env, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the corpus WHEN the digest runs twice in the same hour THEN staff get one mail."""
    now = datetime(2024, 6, 21, 0, 0, tzinfo=UTC)
    send_digest(mail_env.engine, mail_env.units, mail_env.ctx, now)
    send_digest(mail_env.engine, mail_env.units, mail_env.ctx, now)
    assert mail_env.worker.flush() == 1
    (msg,) = _parsed(smtp_sink)
    assert sorted(smtp_sink.messages[0].rcpt_tos) == sorted(mail_env.ctx.staff)
    assert msg["Subject"].startswith("[DHTT] Báo cáo hằng tuần tiếp nhận hồ sơ gương điển hình tiên tiến")
    assert msg["Auto-Submitted"] == "auto-generated"
    text = _text(msg)
    assert "- Hồ sơ mới được tiếp nhận: 3" in text  # LVT on the 17th, Hoa Lư on the 19th, Kim Sơn B on the 20th
    assert "- Thư chờ cán bộ xác minh: 1" in text
    assert "- Gương điển hình đã ghi nhận trong Quý II năm 2024: 5" in text
    assert "Phòng GDĐT huyện Hoa Lư: ĐÃ HOÀN THÀNH" in text
    quota = text.split("V. TÌNH HÌNH THỰC HIỆN CHỈ TIÊU")[1]
    assert quota.index("CHƯA GỬI HỒ SƠ") < quota.index("ĐÃ HOÀN THÀNH")  # silent units on top
    html = msg.get_body(("html",))
    assert html is not None and "Phòng GDĐT huyện Hoa Lư" in html.get_content()
    images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(images) <= 1  # inline chart when matplotlib is installed


def test_next_digest_counts_from_the_last_one(mail_env: Env) -> None:
    from sqlmodel import Session

    from reports.digest import build_digest

    send_digest(mail_env.engine, mail_env.units, mail_env.ctx, datetime(2024, 6, 19, 0, 0, tzinfo=UTC))
    with Session(mail_env.engine) as db:
        later = build_digest(db, datetime(2024, 6, 21, 0, 0, tzinfo=UTC), mail_env.units, mail_env.ctx)
    # Since 07:00 on the 19th: Hoa Lư (15:40 on the 19th) and Kim Sơn B (the 20th), not LVT (the 17th).
    assert [line.unit for line in later.accepted] == ["Phòng GDĐT huyện Hoa Lư", "Trường THPT Kim Sơn B"]


def test_reminders_go_once_to_each_short_unit_and_never_to_complete_ones(mail_env: Env, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    queued = send_reminders(mail_env.engine, mail_env.units, mail_env.ctx, IN_WINDOW)
    short = [u for u in mail_env.units.units if u.kind in ("truc_thuoc_so", "phong_gddt", "gdnn_gdtx")
             and u.code not in COMPLETE_IN_Q2 and u.emails]
    assert len(queued) == len(short)
    assert mail_env.worker.flush() == len(short)
    again = send_reminders(mail_env.engine, mail_env.units, mail_env.ctx, IN_WINDOW.replace(day=18))
    assert again == [] and mail_env.worker.flush() == 0
    sent = smtp_sink.messages
    assert len(sent) == len(short)
    complete_addresses = {a for u in mail_env.units.units if u.code in COMPLETE_IN_Q2 for a in u.emails}
    assert not complete_addresses & {r for m in sent for r in m.rcpt_tos}
    by_unit = {m["Subject"].rsplit(" - ", 1)[1]: m for m in _parsed(smtp_sink)}
    yen_mo = by_unit["Phòng GDĐT huyện Yên Mô"]
    assert yen_mo["Message-ID"] == f"<remind.PGD-YM.2024-Q2@{mail_env.ctx.replies.message_id_domain}>"
    text = _text(yen_mo)
    assert "01 gương điển hình cấp học Mầm non; 01 gương điển hình cấp học Tiểu học" in text
    assert "trước 24 giờ ngày 20/06/2024" in text
    (template,) = list(yen_mo.iter_attachments())
    assert template.get_filename() == "Mau-phieu-gioi-thieu-guong-dien-hinh-tien-tien.docx"


def test_dry_run_builds_reminders_without_queueing(env: Env) -> None:
    first = send_reminders(env.engine, env.units, env.ctx, IN_WINDOW, dry_run=True)
    second = send_reminders(env.engine, env.units, env.ctx, IN_WINDOW, dry_run=True)
    assert len(first) == len(second) > 0


def test_digest_of_an_earlier_quarter_links_to_the_web_log(env: Env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN staff asking for Q2's digest WHEN printed with --quarter THEN it covers Q2's quota, and with
    web_url set its footer sends staff to the web log rather than to a command."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    config = tmp_path / "config.toml"
    config.write_text(f"""
[smtp]
host = "127.0.0.1"
port = 9
security = "none"
[database]
url = "{env.settings.database.url}"
[intake]
storage_dir = "{tmp_path / 'storage'}"
[reports]
web_url = "https://dhtt.soninhbinh.edu.vn/"
""", encoding="utf-8")
    dhtt = str(Path(sys.executable).with_name("dhtt"))
    out = subprocess.run([dhtt, "digest", "--now", "--quarter", "2024-Q2", "--config", str(config)],
                         capture_output=True, text=True, env=os.environ, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "CHỈ TIÊU QUÝ II NĂM 2024" in out.stdout
    assert "trang nhật ký tiếp nhận: https://dhtt.soninhbinh.edu.vn/" in out.stdout and "dhtt log" not in out.stdout
    bad = subprocess.run([dhtt, "digest", "--now", "--quarter", "2024Q2", "--config", str(config)],
                         capture_output=True, text=True, env=os.environ, timeout=60)
    assert bad.returncode == 2 and "2024-Q2" in bad.stderr
