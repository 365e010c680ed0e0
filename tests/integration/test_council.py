"""The council's letters through the real path: corpus mails read by `dhtt run`, decisions recorded,
the worker killed while sending and restarted; each unit's letter reaches the SMTP sink once.

The public corpus holds no exemplar nominated in two quarters (its only repeated exemplar, Ngô Đức
Sơn, is a resubmission within 2024-Q4), so the second quarter comes from a mail made here: the
school of corpus case 001 nominating the same teacher again in 2024-Q3.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlmodel import select

from domain.council import AwardForm, AwardLevel, Decision, ScopeKind, Status
from intake.letters import announce
from intake.outgoing import ReplySettings
from settings import load_settings
from store import reviews
from store.db import open_database, session
from store.models import Nominee, Reply
from store.units import load_units
from tests.integration.helpers import seed, write_config
from tests.mailgen import SUMMARY, form_docx

DHTT = str(Path(sys.executable).with_name("dhtt"))
THIRD_QUARTER = datetime(2024, 9, 16, 2, 0, tzinfo=UTC)


def _second_quarter_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Trường THPT chuyên Lương Văn Tụy <c3chuyenlvt@ninhbinh.edu.vn>"
    msg["To"] = "phongcntt.soninhbinh@moet.edu.vn"
    msg["Subject"] = "Phiếu đăng ký gương điển hình tiên tiến quý III/2024 - Phan Thanh Dung"
    msg["Date"] = format_datetime(THIRD_QUARTER)
    msg["Message-ID"] = "<quy3-phan-thanh-dung@ninhbinh.edu.vn>"
    msg["X-Test-Received"] = format_datetime(THIRD_QUARTER)
    msg.set_content("Kính gửi Sở GDĐT Ninh Bình,\nNhà trường gửi phiếu đăng ký kèm theo.\nTrân trọng.")
    msg.add_attachment(form_docx("Phan Thanh Dung", "Trường THPT chuyên Lương Văn Tụy", SUMMARY, "QUÝ III NĂM 2024"),
                       maintype="application", filename="Phiếu đăng ký - Phan Thanh Dung.docx",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document")
    return msg.as_bytes()


def _council_letters(sink) -> list[email.message.EmailMessage]:  # type: ignore[no-untyped-def]
    return [email.message_from_bytes(m.data, policy=email.policy.default) for m in sink.messages
            if b"Message-ID: <council." in m.data]


def _decide(engine, config: Path, review: int, entry: int, decision: Decision) -> None:  # type: ignore[no-untyped-def]
    """What the review page does: the decision and its letter in one transaction, nothing sent."""
    settings = load_settings(config)
    with session(engine) as db:
        done = reviews.decide(db, review, entry, decision, "quantri")
        if done.announce:
            announce(db, done.entry, load_units(None), ReplySettings.of(settings), datetime.now(UTC))


def test_letters_reach_each_unit_once_across_a_worker_restart(dovecot, imap_account, smtp_sink, database_url,  # type: ignore[no-untyped-def]
                                                             corpus_dir, tmp_path):
    extra = tmp_path / "quy3.eml"
    extra.write_bytes(_second_quarter_mail())
    seed(dovecot, imap_account, sorted((corpus_dir / "emails").glob("00[12]-*.eml")) + [extra])
    config = write_config(tmp_path / "config.toml", imap_account, smtp_sink, database_url, tmp_path / "storage")
    env = {**os.environ, "DHTT_TEST_IMAP_PASSWORD": imap_account.password}
    once = [DHTT, "run", "--once", "--config", str(config), "--worker-name", "w1"]
    subprocess.run(once, env=env, check=True, capture_output=True)
    engine = open_database(database_url)

    with session(engine) as db:
        dung = db.exec(select(Nominee).where(Nominee.name == "Phan Thanh Dung").order_by(Nominee.id)).all()
        assert [(n.quarter, n.active) for n in dung] == [("2024-Q2", True), ("2024-Q3", True)]
        assert len({n.exemplar_id for n in dung}) == 1  # one exemplar, two quarters
        review = reviews.open_review(db, "Xét chọn năm học 2023-2024 và quý III", ScopeKind.plan, "plan", "quantri")
        entries = {e.name: entry.id or 0 for entry, e in reviews.entries(db, review.id or 0)}
    assert set(entries) == {"Phan Thanh Dung", "Quách Phương Thảo", "Tống Thu Huyền", "Đinh Xuân Tuấn"}
    award = {"award_level": AwardLevel.so, "award_form": AwardForm.giay_khen}
    steps = [("Phan Thanh Dung", Decision(status=Status.selected)),
             ("Đinh Xuân Tuấn", Decision(status=Status.selected)),
             ("Đinh Xuân Tuấn", Decision(status=Status.proposed, **award)),
             ("Đinh Xuân Tuấn", Decision(status=Status.awarded, decision_number="88/QĐ-SGDĐT",
                                         decision_date=date(2024, 10, 2), **award)),
             ("Tống Thu Huyền", Decision(status=Status.not_selected, reason="Chưa đủ minh chứng"))]
    for name, decision in steps:
        _decide(engine, config, review.id or 0, entries[name], decision)
    before = len(smtp_sink.messages)

    worker = subprocess.Popen([DHTT, "run", "--config", str(config), "--worker-name", "w1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not _council_letters(smtp_sink):
        assert worker.poll() is None and time.monotonic() < deadline, "the worker sent no letter"
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    subprocess.run(once, env=env, check=True, capture_output=True)
    # Deciding again what was already announced queues nothing more.
    _decide(engine, config, review.id or 0, entries["Phan Thanh Dung"], Decision(status=Status.candidate))
    _decide(engine, config, review.id or 0, entries["Phan Thanh Dung"], Decision(status=Status.selected))
    subprocess.run(once, env=env, check=True, capture_output=True)

    letters = _council_letters(smtp_sink)
    ids = sorted(str(m["Message-ID"]) for m in letters)
    assert len(set(ids)) == 3, ids  # Dung selected; Tuấn selected and awarded; Huyền not selected: none
    with session(engine) as db:
        rows = db.exec(select(Reply).where(Reply.kind == "council")).all()
    assert {r.status for r in rows} == {"sent"} and len(rows) == 3
    # Only a letter whose SMTP transaction the kill cut off may reach the relay twice, same Message-ID.
    assert len(letters) - 3 <= sum(1 for r in rows if r.attempts > 1) <= 1
    assert len(smtp_sink.messages) - before == len(letters)
    to = {str(m["To"]) for m in letters}
    assert to == {"c3chuyenlvt@ninhbinh.edu.vn", "tdkt.pgdhoalu@ninhbinh.edu.vn"}, to
