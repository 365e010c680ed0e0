"""A worker killed right after its refresh token rotated: the next start uses the new one."""

from __future__ import annotations

import email
import email.policy
import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tests.integration.oauth_rig import *  # noqa: F403 - the rig's fixtures
from tests.integration.oauth_rig import OAuthAccount, write_oauth_config, write_secret
from tests.mailgen import nomination_mail
from intake.tokens import Grant, GrantStore

DHTT = str(Path(sys.executable).with_name("dhtt"))
SCHOOL, NAME = "c3chuyenlvt@ninhbinh.edu.vn", "Trường THPT chuyên Lương Văn Tụy"


def _mails(account: OAuthAccount, numbers: range) -> set[str]:
    ids = set()
    with account.dovecot.client(account.mailbox, account.token()) as client:
        for n in numbers:
            data = nomination_mail(n, SCHOOL, NAME, datetime(2024, 6, 17, 2, 0, tzinfo=UTC), random.Random(n))
            client.append("INBOX", data)
            ids.add(str(email.message_from_bytes(data)["Message-ID"]))
    return ids


def _stored_refresh_token(path: Path) -> str | None:
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    return json.loads(text)["refresh_token"]  # never half-written: a parse error fails the test


def test_sigkill_right_after_rotation_keeps_the_grant(oauth_account, oauth_sink, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN a worker whose 4 s tokens are refreshed with a rotating refresh token WHEN it is killed
    (SIGKILL) just after a rotation THEN the next start signs in with the new refresh token (the old
    one is refused by the provider) and answers the mail that came meanwhile, each mail once."""
    idp = oauth_account.idp
    write_secret(oauth_account, tmp_path)
    grant_file = tmp_path / "oauth2" / "grant.json"
    GrantStore(grant_file).save(Grant(provider="generic", flow="refresh_token",
                                      refresh_token=idp.consent(oauth_account.client_id)))
    idp.set(lifetime=4)
    config = write_oauth_config(tmp_path / "config.toml", oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}",
                                tmp_path)
    ids = _mails(oauth_account, range(10))
    proc = subprocess.Popen([DHTT, "run", "--config", str(config), "--worker-name", "w1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    try:
        # Kill as soon as the third refresh token (two rotations) is on disk.
        while not (len(idp.state.issued) >= 3 and _stored_refresh_token(grant_file) == idp.state.issued[-1]):
            assert proc.poll() is None, "worker exited on its own"
            assert time.monotonic() < deadline, "no rotation seen"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    rotated = _stored_refresh_token(grant_file)
    ids |= _mails(oauth_account, range(10, 15))
    result = subprocess.run([DHTT, "run", "--once", "--config", str(config), "--worker-name", "w1"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert idp.state.refused == []  # the refresh token in use was never an old one
    assert _stored_refresh_token(grant_file) not in (None, rotated)  # the new start rotated it again
    replies = [email.message_from_bytes(m.data, policy=email.policy.default) for m in oauth_sink.messages]
    per_mail = Counter(str(r["In-Reply-To"]) for r in replies)
    assert set(per_mail) == ids
    assert len({(str(r["In-Reply-To"]), str(r["Message-ID"])) for r in replies}) == len(ids)
    assert rotated not in result.stdout + result.stderr  # nor in what the worker printed
