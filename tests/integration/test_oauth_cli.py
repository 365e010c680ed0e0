"""`dhtt auth login|status|logout` against the loopback provider, and Google's refresh path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import imapclient
import pytest

from intake.errors import SignInFailed
from intake.signin import imap_login, token_source
from intake.tokens import Grant, GrantStore
from tests.integration.helpers import make_worker
from tests.integration.oauth_rig import *  # noqa: F403 - the rig's fixtures
from tests.integration.oauth_rig import oauth_settings, write_oauth_config, write_secret
from tests.integration.test_oauth import _answers, _mails

DHTT = str(Path(sys.executable).with_name("dhtt"))


def _dhtt(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([DHTT, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_login_status_logout(oauth_account, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN a refresh-token configuration WHEN an operator signs in, asks the status and signs out
    THEN each step says so in Vietnamese, the grant file comes and goes, and no token is printed."""
    write_secret(oauth_account, tmp_path)
    config = str(write_oauth_config(tmp_path / "config.toml", oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}",
                                    tmp_path))
    before = _dhtt("auth", "status", "--config", config)
    assert before.returncode == 1 and "Chưa đăng nhập" in before.stdout

    token = oauth_account.idp.consent(oauth_account.client_id)
    signed_in = _dhtt("auth", "login", "--config", config, stdin=token + "\n")
    assert signed_in.returncode == 0, signed_in.stderr
    assert "Đăng nhập thành công" in signed_in.stdout
    status = _dhtt("auth", "status", "--config", config)
    assert status.returncode == 0
    assert f"Tài khoản đã đăng nhập: {oauth_account.mailbox}" in status.stdout
    assert "Mã truy cập gần nhất hết hạn lúc" in status.stdout and "còn hiệu lực" in status.stdout
    rotated = GrantStore(tmp_path / "oauth2" / "grant.json").load()
    assert rotated is not None and rotated.refresh_token == oauth_account.idp.state.issued[-1]
    for output in (signed_in.stdout + signed_in.stderr, status.stdout):
        assert token not in output and str(rotated.refresh_token) not in output

    out = _dhtt("auth", "logout", "--config", config)
    assert out.returncode == 0 and "Đã xóa quyền truy cập" in out.stdout
    assert not (tmp_path / "oauth2" / "grant.json").exists()
    assert "Chưa đăng nhập" in _dhtt("auth", "status", "--config", config).stdout


def test_login_with_a_revoked_token_says_what_to_do(oauth_account, tmp_path):  # type: ignore[no-untyped-def]
    write_secret(oauth_account, tmp_path)
    config = str(write_oauth_config(tmp_path / "config.toml", oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}",
                                    tmp_path))
    token = oauth_account.idp.consent(oauth_account.client_id)
    oauth_account.idp.revoke_all()
    result = _dhtt("auth", "login", "--config", config, stdin=token + "\n")
    assert result.returncode == 1
    assert "không còn hiệu lực" in result.stderr and token not in result.stderr


def test_google_provider_refreshes_through_google_auth(oauth_account, oauth_sink, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN provider "google" with a stored refresh token (its token endpoint pointed at the loopback
    provider) WHEN the worker runs THEN google-auth refreshes the token and the mail is answered."""
    write_secret(oauth_account, tmp_path)
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    settings.oauth2.provider, settings.oauth2.flow = "google", "authorization_code"
    GrantStore(tmp_path / "oauth2" / "grant.json").save(
        Grant(provider="google", flow="authorization_code", refresh_token=oauth_account.idp.consent(oauth_account.client_id)))
    ids = _mails(oauth_account, 2)
    assert make_worker(settings).run_once() == 2
    assert _answers(oauth_sink) == sorted(ids)
    assert oauth_account.idp.state.refused == []


def test_microsoft_app_only_through_msal(oauth_account, oauth_sink, idp_tls, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """GIVEN provider "microsoft", client credentials, and an authority override pointing msal at the
    loopback provider (OpenID discovery over TLS) WHEN the worker runs THEN msal gets the token and
    the mail is answered; a wrong secret is named invalid_client, and a renewed one is taken up
    without a restart."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(idp_tls.cert_path))  # msal's requests trusts the test CA
    monkeypatch.setenv("DHTT_TEST_CLIENT_SECRET", oauth_account.secret)
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    o = settings.oauth2
    o.provider, o.tenant, o.authority_url, o.token_url = "microsoft", "test", idp_tls.authority_url, ""
    o.secret_file, o.secret_env = None, "DHTT_TEST_CLIENT_SECRET"
    ids = _mails(oauth_account, 2)
    assert make_worker(settings).run_once() == 2
    assert _answers(oauth_sink) == sorted(ids)
    assert oauth_account.idp.state.access_tokens == 1

    monkeypatch.setenv("DHTT_TEST_CLIENT_SECRET", "wrong")
    o.token_file = tmp_path / "other.json"  # a new configuration: a new token source
    client = imapclient.IMAPClient(oauth_account.dovecot.host, oauth_account.dovecot.port, ssl=False, timeout=60)
    with pytest.raises(SignInFailed) as caught:
        imap_login(client, settings)
    client.shutdown()
    assert caught.value.cause == "invalid_client" and "wrong" not in str(caught.value)
    monkeypatch.setenv("DHTT_TEST_CLIENT_SECRET", oauth_account.secret)  # the renewed secret, no restart
    assert make_worker(settings).run_once() == 0


def test_microsoft_device_code_login_then_worker(oauth_account, oauth_sink, idp_tls, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN provider "microsoft" with the device-code flow WHEN an operator runs `dhtt auth login`
    THEN it prints, in Vietnamese, the address to open and the code to type; once the person signs
    in the grant is stored, and the worker then reads and answers mail on it (msal refreshing it)."""
    public_client = f"pub-{oauth_account.client_id}"
    idp_tls.add_client(public_client, None, oauth_account.mailbox)
    config = write_oauth_config(tmp_path / "config.toml", oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}",
                                tmp_path)
    text = config.read_text().replace('provider = "generic"', 'provider = "microsoft"')
    text = text.replace('flow = "refresh_token"', 'flow = "device_code"')
    text = text.replace(f'client_id = "{oauth_account.client_id}"', f'client_id = "{public_client}"')
    text = text.replace(f'token_url = "{oauth_account.idp.token_url}"',
                        f'tenant = "test"\nauthority_url = "{idp_tls.authority_url}"')
    config.write_text(text)
    env = {**os.environ, "REQUESTS_CA_BUNDLE": str(idp_tls.cert_path)}
    login = subprocess.Popen([DHTT, "auth", "login", "--config", str(config)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    assert login.stdout is not None
    prompt = login.stdout.readline()
    match = re.search(r"Mở địa chỉ (\S+) .*nhập mã (\S+),", prompt)
    assert match, prompt + (login.stderr.read() if login.stderr else "")
    assert match.group(1) == f"{idp_tls.base_url}/device" and oauth_account.mailbox in prompt
    idp_tls.approve(match.group(2))
    out, err = login.communicate(timeout=60)
    assert login.returncode == 0, err
    assert "Đăng nhập thành công" in out

    ids = _mails(oauth_account, 2)
    result = subprocess.run([DHTT, "run", "--once", "--config", str(config)], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert _answers(oauth_sink) == sorted(ids)
    assert oauth_account.idp.state.refused == []
    status = subprocess.run([DHTT, "auth", "status", "--config", str(config)], capture_output=True, text=True,
                            env=env, timeout=60)
    assert f"Tài khoản đã đăng nhập: {oauth_account.mailbox}" in status.stdout
    assert "Microsoft 365" in status.stdout


def test_google_login_with_a_pasted_address(oauth_account, oauth_sink, idp_tls, tmp_path):  # type: ignore[no-untyped-def]
    """GIVEN provider "google" on a server without a browser WHEN an operator runs `dhtt auth login
    --paste`, opens the printed address elsewhere and pastes back the address the browser was sent to
    THEN the refresh token is stored and the worker reads and answers mail with it."""
    write_secret(oauth_account, tmp_path)
    config = write_oauth_config(tmp_path / "config.toml", oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}",
                                tmp_path)
    text = config.read_text().replace('provider = "generic"', 'provider = "google"')
    text = text.replace('flow = "refresh_token"', 'flow = "authorization_code"')
    config.write_text(text.replace(oauth_account.idp.token_url, idp_tls.token_url))
    env = {**os.environ, "REQUESTS_CA_BUNDLE": str(idp_tls.cert_path)}
    code = idp_tls.authorize(oauth_account.client_id)
    pasted = f"http://127.0.0.1:1/?state=x&code={code}&scope=https://mail.google.com/\n"
    login = subprocess.run([DHTT, "auth", "login", "--paste", "--config", str(config)], input=pasted,
                           capture_output=True, text=True, env=env, timeout=60)
    assert login.returncode == 0, login.stdout + login.stderr
    assert "https://accounts.google.com/o/oauth2/auth?" in login.stdout and oauth_account.client_id in login.stdout
    assert "Đăng nhập thành công" in login.stdout
    ids = _mails(oauth_account, 1)
    result = subprocess.run([DHTT, "run", "--once", "--config", str(config)], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert _answers(oauth_sink) == sorted(ids)


def test_microsoft_app_only_with_a_certificate(oauth_account, oauth_sink, idp_tls, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """GIVEN an application that proves itself with a certificate (certificate_file: key and
    certificate in one PEM) THEN msal signs its assertion with it and the mail is answered; a
    certificate the provider does not know is named invalid_client (read again, no restart)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(idp_tls.cert_path))
    key, pem = _certificate(tmp_path / "app.pem")
    idp_tls.add_client(f"cert-{oauth_account.client_id}", None, oauth_account.mailbox, certificate=key.public_key())
    settings = oauth_settings(oauth_account, f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    o = settings.oauth2
    o.provider, o.tenant, o.authority_url, o.token_url = "microsoft", "test", idp_tls.authority_url, ""
    o.client_id, o.secret_file, o.certificate_file = f"cert-{oauth_account.client_id}", None, pem
    ids = _mails(oauth_account, 1)
    assert make_worker(settings).run_once() == 1
    assert _answers(oauth_sink) == sorted(ids)

    _certificate(pem)  # replaced by a certificate the provider was never given
    token_source(settings).forget_cached()
    client = imapclient.IMAPClient(oauth_account.dovecot.host, oauth_account.dovecot.port, ssl=False, timeout=60)
    with pytest.raises(SignInFailed) as caught:
        imap_login(client, settings)
    client.shutdown()
    assert caught.value.cause == "invalid_client"


def _certificate(path: Path):  # type: ignore[no-untyped-def]
    key_file = path.with_suffix(".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=dhtt",
                    "-keyout", str(key_file), "-out", str(path)], check=True, capture_output=True)
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(key_file.read_bytes(), None)
    path.write_bytes(key_file.read_bytes() + path.read_bytes())
    return key, path
