"""Two workers on one mailbox and one PostgreSQL database: each mail recorded, decided and answered
once, whichever worker gets it."""

from __future__ import annotations

import email
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlmodel import select

from store.db import open_database, session
from store.models import Message
from tests.integration.helpers import seed_nominations, write_config

DHTT = str(Path(sys.executable).with_name("dhtt"))
MAILS = 120


def test_two_workers_share_the_mailbox_without_doing_anything_twice(dovecot, imap_account, smtp_sink,  # type: ignore[no-untyped-def]
                                                                    pg_cluster, tmp_path):
    ids = seed_nominations(dovecot, imap_account, MAILS, seed=11)
    url = pg_cluster.create_database("two_workers")
    config = write_config(tmp_path / "config.toml", imap_account, smtp_sink, url, tmp_path / "storage")
    open_database(url)  # migrate once, before the race
    env = {**os.environ, "DHTT_TEST_IMAP_PASSWORD": imap_account.password}
    workers = [subprocess.Popen([DHTT, "run", "--once", "--config", str(config), "--worker-name", name], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for name in ("w1", "w2")]
    for proc in workers:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()[-2000:]

    with session(open_database(url)) as db:
        rows = db.exec(select(Message)).all()
    assert sorted(r.rfc_message_id for r in rows) == sorted(ids)
    assert {r.outcome for r in rows} == {"accepted"}
    answered = Counter(str(email.message_from_bytes(m.data)["In-Reply-To"]) for m in smtp_sink.messages)
    assert set(answered) == ids and set(answered.values()) == {1}
    _, inbox = dovecot.folder_uids(imap_account.user, imap_account.password, "INBOX")
    assert inbox == []
