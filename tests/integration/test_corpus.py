"""The public corpus through the real path: Dovecot → worker → database → SMTP sink → export."""

from __future__ import annotations

import email
import email.policy
import json
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from store.db import session
from store.queries import export_messages
from tests.conftest import ImapAccount, _started
from tests.integration.helpers import make_settings, make_worker, seed
from tests.servers import SmtpSink

SCORER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "score_corpus.py"


PARTS = ("", "next")  # emails/ then next/emails/, into one store: quotas and threads count across both


def _mails(corpus_dir: Path) -> list[Path]:
    return [p for part in PARTS for p in sorted((corpus_dir / part / "emails").glob("*.eml"))]


def _expected_files(corpus_dir: Path) -> list[Path]:
    return [p for part in PARTS for p in sorted((corpus_dir / part / "expected").glob("*.json"))]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus_run(request, dovecot, tmp_path_factory, corpus_dir) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    """GIVEN every corpus mail of both parts appended with its receipt time WHEN the worker reads the
    mailbox once. Once per database for the module: the scanned cases cost seconds of OCR each."""
    tmp = tmp_path_factory.mktemp(f"corpus-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'dhtt.sqlite'}"
    else:
        url = request.getfixturevalue("pg_cluster").create_database(f"corpus_{secrets.token_hex(4)}")
    account = ImapAccount(dovecot.host, dovecot.port, f"corpus{secrets.token_hex(4)}@test.invalid",
                          secrets.token_urlsafe(12), dovecot.ssl_port, dovecot.cert_path)
    dovecot.add_user(account.user, account.password)
    sink = SmtpSink()
    _started(sink.start)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DHTT_TEST_IMAP_PASSWORD", account.password)
        seed(dovecot, account, _mails(corpus_dir))
        worker = make_worker(make_settings(account, sink, url, tmp))
        count = worker.run_once()
        yield worker, count, sink, account, tmp
    sink.stop()


def _export(worker) -> list[dict]:  # type: ignore[no-untyped-def]
    with session(worker.engine) as db:
        return export_messages(db, ZoneInfo("Asia/Ho_Chi_Minh"))


def _expected(corpus_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in _expected_files(corpus_dir)]


def test_corpus_export_matches_expected(corpus_run, corpus_dir, tmp_path):  # type: ignore[no-untyped-def]
    """THEN the export scores every case of both parts right with the corpus's own scorer."""
    worker, count, *_ = corpus_run
    assert count == len(_mails(corpus_dir))
    expected = tmp_path / "expected"  # the scorer reads one folder: both parts' files, names unique
    expected.mkdir()
    for path in _expected_files(corpus_dir):
        shutil.copy(path, expected / path.name)
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_export(worker), ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCORER), str(export), str(expected)],
                            capture_output=True, text=True)
    print(result.stdout)
    assert result.returncode == 0, result.stdout
    assert f"corpus: {len(_mails(corpus_dir))}/{len(_mails(corpus_dir))} cases match" in result.stdout


def test_each_sender_answered_once_and_robots_never(corpus_run, corpus_dir):  # type: ignore[no-untyped-def]
    """THEN one reply per mail that expects one, threaded on it, marked auto-replied; none to robots."""
    worker, _, smtp_sink, *_ = corpus_run
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


def test_processed_mail_leaves_the_inbox(corpus_run, dovecot):  # type: ignore[no-untyped-def]
    """THEN the inbox is empty: each mail moved to the processed or the quarantine folder."""
    *_, imap_account, _tmp = corpus_run
    _, uids = dovecot.folder_uids(imap_account.user, imap_account.password, "INBOX")
    assert uids == []
    _, quarantined = dovecot.folder_uids(imap_account.user, imap_account.password, f"DHTT{dovecot.separator}Quarantine")
    assert len(quarantined) == 1  # the archive bomb


def test_each_nomination_belongs_to_one_exemplar_of_its_unit(corpus_run):  # type: ignore[no-untyped-def]
    """THEN every recorded nomination has its exemplar; the corpus's one repeated exemplar (Ngô Đức
    Sơn, 016 and its resubmission 017) is one exemplar with both nominations; none spans two units."""
    from collections import defaultdict

    from sqlmodel import select

    from store.council import Exemplar
    from store.models import Nominee

    worker, *_ = corpus_run
    with session(worker.engine) as db:
        nominees = db.exec(select(Nominee)).all()
        units = {e.id: e.unit_code for e in db.exec(select(Exemplar))}
    assert nominees and all(n.exemplar_id in units for n in nominees)
    by_exemplar: dict[int, list[Nominee]] = defaultdict(list)
    for n in nominees:
        by_exemplar[n.exemplar_id or 0].append(n)
    assert all({n.unit_code for n in ns} == {units[e]} for e, ns in by_exemplar.items())
    son = {n.exemplar_id for n in nominees if n.name == "Ngô Đức Sơn"}
    assert len(son) == 1 and len(by_exemplar[son.pop() or 0]) == 2
    repeated = {e for e, ns in by_exemplar.items() if len(ns) > 1}
    assert len(repeated) == 1  # the public corpus nominates no other exemplar twice
