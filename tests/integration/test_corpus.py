"""The public corpus through the real path: Dovecot → worker → database → SMTP sink → export."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from store.db import session
from store.queries import export_messages
from tests.integration.helpers import make_settings, make_worker, seed

SCORER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "score_corpus.py"


@pytest.fixture
def corpus_run(dovecot, imap_account, smtp_sink, database_url, tmp_path, corpus_dir, monkeypatch):  # type: ignore[no-untyped-def]
    """GIVEN every corpus mail appended with its receipt time WHEN the worker reads the mailbox once."""
    monkeypatch.setenv("DHTT_TEST_IMAP_PASSWORD", imap_account.password)
    seed(dovecot, imap_account, sorted((corpus_dir / "emails").glob("*.eml")))
    settings = make_settings(imap_account, smtp_sink, database_url, tmp_path)
    worker = make_worker(settings)
    count = worker.run_once()
    return worker, count


def _export(worker) -> list[dict]:  # type: ignore[no-untyped-def]
    with session(worker.engine) as db:
        return export_messages(db, ZoneInfo("Asia/Ho_Chi_Minh"))


def _expected(corpus_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus_dir / "expected").glob("*.json"))]


def test_corpus_export_matches_expected(corpus_run, corpus_dir, tmp_path):  # type: ignore[no-untyped-def]
    """THEN the export scores every case right with the corpus's own scorer."""
    worker, count = corpus_run
    assert count == len(list((corpus_dir / "emails").glob("*.eml")))
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_export(worker), ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCORER), str(export), str(corpus_dir / "expected")],
                            capture_output=True, text=True)
    print(result.stdout)
    assert result.returncode == 0, result.stdout


def test_each_sender_answered_once_and_robots_never(corpus_run, corpus_dir, smtp_sink):  # type: ignore[no-untyped-def]
    """THEN one reply per mail that expects one, threaded on it, marked auto-replied; none to robots."""
    worker, _ = corpus_run
    expected = _expected(corpus_dir)
    wanted = {case["message_id"] for case in expected if case["reply"] != "none"}
    replies = [email.message_from_bytes(m.data, policy=email.policy.default) for m in smtp_sink.messages]
    answered = [str(r["In-Reply-To"]) for r in replies if r["Auto-Submitted"] == "auto-replied"]
    assert sorted(answered) == sorted(wanted)
    robots = {case["message_id"] for case in expected if case["outcome"] == "ignored"}
    assert not robots & set(answered)
    # Every rejection carries the nomination template, so the unit can fill it in and reply.
    rejections = [r for r in replies if str(r["Message-ID"]).startswith("<rejection.")]
    assert rejections and all(
        [a.get_filename() for a in r.iter_attachments()] == ["Mau-phieu-gioi-thieu-guong-dien-hinh-tien-tien.docx"]
        for r in rejections)
    # A second pass over the same mailbox finds nothing new and sends nothing more.
    assert worker.run_once() == 0
    assert len(smtp_sink.messages) == len(wanted)


def test_processed_mail_leaves_the_inbox(corpus_run, dovecot, imap_account):  # type: ignore[no-untyped-def]
    """THEN the inbox is empty: each mail moved to the processed or the quarantine folder."""
    _, uids = dovecot.folder_uids(imap_account.user, imap_account.password, "INBOX")
    assert uids == []
    _, quarantined = dovecot.folder_uids(imap_account.user, imap_account.password, f"DHTT{dovecot.separator}Quarantine")
    assert len(quarantined) == 1  # the archive bomb
