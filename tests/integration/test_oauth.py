"""OAuth2 sign-in end to end: a token-only Dovecot (IMAP and submission) and the loopback provider."""

from __future__ import annotations

import email
import email.policy
import random
import smtplib
import threading
import time
from datetime import UTC, datetime

import imapclient
import pytest

from intake.errors import SignInFailed
from intake.runner import run_forever
from intake.signin import imap_login, smtp_login, token_source
from intake.tokens import Grant, GrantStore
from tests.integration.helpers import make_worker, wait_until
from tests.integration.oauth_rig import *  # noqa: F403 - the rig's fixtures
from tests.integration.oauth_rig import OAuthAccount, oauth_settings, write_secret
from tests.mailgen import nomination_mail

SCHOOL, NAME = "c3chuyenlvt@ninhbinh.edu.vn", "Trường THPT chuyên Lương Văn Tụy"
ADMIN = "quantri@ninhbinh.edu.vn"


def _mails(account: OAuthAccount, count: int, start: int = 0) -> set[str]:
    """Append `count` nominations to the account's inbox; their Message-IDs."""
    ids = set()
    with account.dovecot.client(account.mailbox, account.token()) as client:
        for n in range(start, start + count):
            data = nomination_mail(n, SCHOOL, NAME, datetime(2024, 6, 17, 2, 0, tzinfo=UTC), random.Random(n))
            client.append("INBOX", data)
            ids.add(str(email.message_from_bytes(data)["Message-ID"]))
    return ids


def _answers(sink) -> list[str]:  # type: ignore[no-untyped-def]
    """The In-Reply-To of every answer to a unit (alerts to the admins left out)."""
    return sorted(str(email.message_from_bytes(m.data, policy=email.policy.default)["In-Reply-To"])
                  for m in sink.messages if ADMIN not in m.rcpt_tos)


def _alerts(sink, kind: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [m for m in sink.messages if f"<{kind}.".encode() in m.data]


def _inbox(account: OAuthAccount) -> list[int]:
    return account.dovecot.folder_uids(account.mailbox, account.token(), "INBOX")[1]


@pytest.mark.parametrize("mechanism", ["xoauth2", "oauthbearer"])
def test_worker_reads_and_answers_over_oauth2(mechanism, oauth_account, oauth_sink, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN a server that accepts tokens only, and an app-only (client credentials) configuration
    WHEN the worker reads the mailbox THEN every mail is answered once through submission."""
    write_secret(oauth_account, tmp_path)
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path,
                              imap={"sasl_mechanism": mechanism})
    ids = _mails(oauth_account, 3)
    worker = make_worker(settings)
    assert worker.run_once() == 3
    assert _answers(oauth_sink) == sorted(ids)
    assert _inbox(oauth_account) == []
    assert oauth_account.idp.state.access_tokens == 1  # one token served both servers


def test_refresh_token_grant_is_rotated_and_stored_before_use(oauth_account, oauth_sink, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN a delegated grant (refresh token) WHEN tokens are refreshed THEN each new refresh token
    is on disk, mode 0600, and the old one is no longer accepted by the provider."""
    write_secret(oauth_account, tmp_path)
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, flow="refresh_token")
    store = GrantStore(tmp_path / "oauth2" / "grant.json")
    first = oauth_account.idp.consent(oauth_account.client_id)
    store.save(Grant(provider="generic", flow="refresh_token", refresh_token=first))
    _mails(oauth_account, 2)
    assert make_worker(settings).run_once() == 2
    stored = store.load()
    assert stored is not None and stored.refresh_token == oauth_account.idp.state.issued[-1] != first
    assert (tmp_path / "oauth2" / "grant.json").stat().st_mode & 0o777 == 0o600
    assert first not in (tmp_path / "oauth2" / "grant.json").read_text()
    assert len(_answers(oauth_sink)) == 2


def test_revoked_grant_is_named_invalid_grant(oauth_account, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN a stored grant the provider has revoked WHEN signing in THEN SignInFailed says invalid_grant,
    and its text carries neither the refresh token nor the client secret."""
    write_secret(oauth_account, tmp_path)
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, flow="refresh_token")
    token = oauth_account.idp.consent(oauth_account.client_id)
    GrantStore(tmp_path / "oauth2" / "grant.json").save(Grant(provider="generic", flow="refresh_token",
                                                                refresh_token=token))
    oauth_account.idp.revoke_all()
    client = imapclient.IMAPClient(oauth_account.dovecot.host, oauth_account.dovecot.port, ssl=False, timeout=60)
    with pytest.raises(SignInFailed) as caught:
        imap_login(client, settings)
    client.shutdown()
    assert caught.value.cause == "invalid_grant"
    assert token not in str(caught.value) and oauth_account.secret not in str(caught.value)


def test_wrong_client_secret_is_named_invalid_client(oauth_account, tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "client-secret").write_text("not-the-secret")
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    client = imapclient.IMAPClient(oauth_account.dovecot.host, oauth_account.dovecot.port, ssl=False, timeout=60)
    with pytest.raises(SignInFailed) as caught:
        imap_login(client, settings)
    client.shutdown()
    assert caught.value.cause == "invalid_client"
    assert "not-the-secret" not in str(caught.value)


def _serve(worker):  # type: ignore[no-untyped-def]
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(worker, stop), daemon=True)
    thread.start()
    return stop, thread


def test_short_lived_tokens_are_refreshed_on_the_fly(oauth_account, oauth_sink, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN access tokens living 20 s and a rotating refresh token WHEN 200 mails arrive in waves while
    the server drops the worker's sessions THEN tokens are refreshed as they run out, no grant is
    lost and every mail is answered exactly once."""
    write_secret(oauth_account, tmp_path)
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, flow="refresh_token",
                              poll_seconds=5)
    GrantStore(tmp_path / "oauth2" / "grant.json").save(
        Grant(provider="generic", flow="refresh_token", refresh_token=oauth_account.idp.consent(oauth_account.client_id)))
    oauth_account.idp.set(lifetime=20)
    stop, thread = _serve(make_worker(settings))
    ids: set[str] = set()
    try:
        for wave in range(5):
            ids |= _mails(oauth_account, 40, start=wave * 40)
            time.sleep(8)
            oauth_account.dovecot.kick(oauth_account.mailbox)  # the next read needs a new sign-in
        assert wait_until(lambda: len(oauth_sink.messages) >= len(ids), 120), "not every mail answered"
    finally:
        stop.set()
        thread.join(timeout=60)
    answers = _answers(oauth_sink)
    assert answers == sorted(ids)  # each mail once: no duplicates, none missing
    state = oauth_account.idp.state
    assert state.access_tokens >= 3  # the 40 s run outlived two 20 s tokens
    assert state.refused == []


def _health(worker):  # type: ignore[no-untyped-def]
    from store.db import session
    from store.models import MailboxHealth

    with session(worker.engine) as db:
        row = db.get(MailboxHealth, 1)
        return (row.signin_down_since, row.signin_cause, row.signin_alerted) if row else (None, None, False)


def test_provider_outage_alerts_once_each_way_then_backlog_is_answered(oauth_account, oauth_sink, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN the worker serving the mailbox with 4 s tokens WHEN the token endpoint goes down while mail
    keeps arriving THEN the sign-in failure is recorded, and when it comes back the admins get one
    failure alert and one recovery alert and every mail is answered."""
    write_secret(oauth_account, tmp_path)
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, poll_seconds=5,
                              admins=[ADMIN], alert_after_minutes=0.02)
    oauth_account.idp.set(lifetime=4)
    worker = make_worker(settings)
    stop, thread = _serve(worker)
    try:
        ids = _mails(oauth_account, 2)
        assert wait_until(lambda: _answers(oauth_sink) == sorted(ids), 30)
        oauth_account.idp.set(down=True)
        assert wait_until(lambda: _health(worker)[1:] == ("provider_unreachable", True), 30), _health(worker)
        time.sleep(4)  # the last token has run out by now
        ids |= _mails(oauth_account, 3, start=10)
        time.sleep(6)
        assert len(_answers(oauth_sink)) == 2  # recorded and decided, but nothing sent without a token
        oauth_account.idp.set(down=False)
        assert wait_until(lambda: len(_alerts(oauth_sink, "signin_up")) == 1, 30), "no recovery alert"
        assert wait_until(lambda: _answers(oauth_sink) == sorted(ids), 30), "backlog not answered"
        time.sleep(6)  # a further check round: still one alert each way
    finally:
        stop.set()
        thread.join(timeout=60)
    assert len(_alerts(oauth_sink, "signin_down")) == 1 and len(_alerts(oauth_sink, "signin_up")) == 1
    down = email.message_from_bytes(_alerts(oauth_sink, "signin_down")[0].data, policy=email.policy.default)
    assert down["To"] == ADMIN and "nhà cung cấp đăng nhập" in down.get_body(("plain",)).get_content()
    assert _health(worker) == (None, None, False)


def test_refused_token_is_refreshed_once_and_retried(oauth_account, oauth_sink, tmp_path, caplog):  # type: ignore[no-untyped-def]
    """GIVEN the provider hands out a token the servers refuse (a revoked signing key) WHEN the worker
    signs in to IMAP and to SMTP THEN each server's error challenge is answered, a new token is
    fetched and the sign-in retried on the same connection; no token appears in the logs."""
    write_secret(oauth_account, tmp_path)
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    ids = _mails(oauth_account, 1)
    oauth_account.idp.set(forged=1)
    worker = make_worker(settings)
    with worker.open_mailbox() as mailbox:  # IMAP: forged token refused, the second accepted
        assert mailbox.uids_after(0)
    oauth_account.idp.set(forged=1)
    token_source(settings).forget_cached()
    smtp = smtplib.SMTP(oauth_account.dovecot.host, oauth_account.dovecot.submission_port, timeout=60)
    smtp_login(smtp, settings)  # SMTP: the same, after the 334 error challenge
    smtp.quit()
    assert oauth_account.idp.state.access_tokens == 4
    assert worker.run_once() == 1  # and the good token keeps serving both
    assert _answers(oauth_sink) == sorted(ids)
    assert oauth_account.idp.state.access_tokens == 4
    assert "refused the access token" in caplog.text
    assert not any(token in caplog.text for token in oauth_account.idp.state.secrets_seen)


def test_token_refused_twice_is_named(oauth_account, tmp_path):  # type: ignore[no-untyped-def]
    write_secret(oauth_account, tmp_path)
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    oauth_account.idp.set(forged=2)
    with pytest.raises(SignInFailed) as caught:
        make_worker(settings).open_mailbox().connect()
    assert caught.value.cause == "token_refused"


def test_corpus_over_oauth2(oauth_account, oauth_sink, tmp_path, corpus_dir):  # type: ignore[no-untyped-def]
    """GIVEN the public corpus in a token-only mailbox WHEN the worker reads it once over OAuth2
    THEN the corpus's scorer passes and every mail that expects an answer gets one, through submission."""
    import json
    import subprocess
    import sys
    from zoneinfo import ZoneInfo

    from store.db import session
    from store.queries import export_messages
    from tests.integration.helpers import test_received
    import shutil

    from tests.integration.test_corpus import SCORER, _expected, _expected_files, _mails

    write_secret(oauth_account, tmp_path)
    token = oauth_account.token()
    for path in _mails(corpus_dir):  # both parts, in order, into one store
        data = path.read_bytes()
        oauth_account.dovecot.append(oauth_account.mailbox, token, "INBOX", data, test_received(data))
    worker = make_worker(oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path))
    assert worker.run_once() == len(_mails(corpus_dir))
    with session(worker.engine) as db:
        export = export_messages(db, ZoneInfo("Asia/Ho_Chi_Minh"))
    worker.close()
    (tmp_path / "export.json").write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    expected = tmp_path / "expected"  # the scorer reads one folder: both parts' files, names unique
    expected.mkdir()
    for path in _expected_files(corpus_dir):
        shutil.copy(path, expected / path.name)
    scored = subprocess.run([sys.executable, str(SCORER), str(tmp_path / "export.json"), str(expected)],
                            capture_output=True, text=True)
    assert scored.returncode == 0, scored.stdout
    wanted = {case["message_id"] for case in _expected(corpus_dir) if case["reply"] != "none"}
    assert _answers(oauth_sink) == sorted(wanted)


def test_password_against_a_token_only_server_is_named(oauth_account, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """GIVEN auth = "password" against servers that accept tokens only (as Exchange Online and Gmail)
    THEN IMAP and SMTP sign-in fail with cause password_not_offered, not a refused password."""
    monkeypatch.setenv("DHTT_TEST_PASSWORD", "whatever")
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    settings.imap.auth = settings.smtp.auth = "password"
    settings.imap.password_env = settings.smtp.password_env = "DHTT_TEST_PASSWORD"
    client = imapclient.IMAPClient(oauth_account.dovecot.host, oauth_account.dovecot.port, ssl=False, timeout=60)
    with pytest.raises(SignInFailed) as imap_caught:
        imap_login(client, settings)
    client.shutdown()
    smtp = smtplib.SMTP(oauth_account.dovecot.host, oauth_account.dovecot.submission_port, timeout=60)
    with pytest.raises(SignInFailed) as smtp_caught:
        smtp_login(smtp, settings)
    smtp.close()
    assert (imap_caught.value.cause, smtp_caught.value.cause) == ("password_not_offered", "password_not_offered")
