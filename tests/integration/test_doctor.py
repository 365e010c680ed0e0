"""`dhtt doctor` against real servers: a healthy setup, a wrong port, a missing folder, a server that
accepts OAuth2 only, a refused password, an untrusted certificate, and the test mail."""

from __future__ import annotations

import email
import email.policy
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake.doctor import Check, Status, passed, run_doctor
from settings import Settings, parse_settings
from tests.conftest import ImapAccount, _started
from tests.doctor_servers import AuthSmtpSink, OAuthOnlyDovecot
from tests.servers import Dovecot, SmtpSink, free_port

DHTT = str(Path(sys.executable).with_name("dhtt"))
PASSWORD_ENV = "DHTT_TEST_DOCTOR_PASSWORD"


def make_settings(tmp: Path, account: ImapAccount, sink: SmtpSink, **imap: Any) -> Settings:
    return parse_settings({
        "imap": {"host": account.host, "port": account.port, "security": "none", "user": account.user,
                 "password_env": PASSWORD_ENV, "timeout_seconds": 30, **imap},
        "smtp": {"host": sink.host, "port": sink.port, "security": "none"},
        "database": {"url": f"sqlite:///{tmp / 'dhtt.sqlite'}"},
        "intake": {"storage_dir": str(tmp / "storage")},
    }, tmp)


def toml_config(path: Path, settings: Settings) -> Path:
    """The same settings as a config.toml, for the doctor run as the operators run it."""
    i, s = settings.imap, settings.smtp
    path.write_text(f"""
[imap]
host = "{i.host}"
port = {i.port}
security = "{i.security}"
user = "{i.user}"
password_env = "{i.password_env}"

[smtp]
host = "{s.host}"
port = {s.port}
security = "{s.security}"

[database]
url = "{settings.database.url}"

[intake]
storage_dir = "{settings.intake.storage_dir}"
""", encoding="utf-8")
    return path


def by_key(checks: list[Check]) -> dict[str, Check]:
    return {c.key: c for c in checks}


def run_cli(config: Path, password: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DHTT, "doctor", "--config", str(config), *args], capture_output=True, text=True,
                          env={**os.environ, PASSWORD_ENV: password, **env}, timeout=120)


@pytest.fixture
def password(imap_account: ImapAccount, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(PASSWORD_ENV, imap_account.password)
    return imap_account.password


@pytest.fixture(scope="module")
def oauth_only(server_root: Path) -> Iterator[OAuthOnlyDovecot]:
    server = OAuthOnlyDovecot(server_root / "dovecot-oauth")
    _started(server.start)
    yield server
    server.stop()


def test_healthy_setup_passes_every_check_through_the_cli(dovecot: Dovecot, imap_account: ImapAccount,
                                                          smtp_sink: SmtpSink, tmp_path: Path) -> None:
    """GIVEN Dovecot over TLS with a certificate the system trusts, a password, an SMTP relay, a database
    and a storage folder WHEN `dhtt doctor` runs THEN every line is ✓, it exits 0, nothing is sent and
    the password is never printed."""
    settings = make_settings(tmp_path, imap_account, smtp_sink, port=imap_account.ssl_port, security="tls")
    config = toml_config(tmp_path / "config.toml", settings)
    result = run_cli(config, imap_account.password, SSL_CERT_FILE=str(imap_account.cafile))

    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(lines) >= 20 and all(line.startswith("✓") for line in lines), result.stdout
    assert "chứng chỉ hợp lệ đến ngày" in result.stdout
    assert "Đăng nhập " + imap_account.user in result.stdout
    assert imap_account.password not in result.stdout + result.stderr
    assert smtp_sink.messages == []


def test_wrong_imap_port_says_so_and_skips_what_needs_the_connection(imap_account: ImapAccount,
                                                                     smtp_sink: SmtpSink, tmp_path: Path) -> None:
    """GIVEN a port nobody listens on WHEN `dhtt doctor` runs THEN the connection line is ✗ with the
    port advice, the later IMAP checks are skipped saying why, SMTP is still checked, exit status 1."""
    settings = make_settings(tmp_path, imap_account, smtp_sink, port=free_port())
    result = run_cli(toml_config(tmp_path / "config.toml", settings), imap_account.password)

    assert result.returncode == 1
    out = result.stdout
    assert f"✗ Kết nối: máy chủ 127.0.0.1 từ chối kết nối tới cổng {settings.imap.port}" in out
    assert "kiểm tra khóa port trong mục [imap]" in out
    assert f"– Đăng nhập {imap_account.user}: không kiểm tra vì chưa kết nối được" in out
    assert "✓ Chào hỏi (EHLO)" in out


def test_missing_folders_are_created_and_reported(dovecot: Dovecot, imap_account: ImapAccount, password: str,
                                                 smtp_sink: SmtpSink, tmp_path: Path) -> None:
    """GIVEN a mailbox without DHTT/Processed and DHTT/Quarantine WHEN the doctor runs THEN each is
    reported as missing and created (as the worker would at start), and found on the next run."""
    settings = make_settings(tmp_path, imap_account, smtp_sink)
    first = by_key(run_doctor(settings, tmp_path / "config.toml"))
    for key in ("imap.folder.processed", "imap.folder.quarantine"):
        assert first[key].ok and first[key].detail.startswith("chưa có, đã tạo"), first[key]
    with dovecot.client(imap_account.user, password) as client:
        assert client.folder_exists("DHTT.Processed") and client.folder_exists("DHTT.Quarantine")

    again = by_key(run_doctor(settings, tmp_path / "config.toml"))
    assert again["imap.folder.processed"].detail == "đã có"


def test_folder_the_server_refuses_to_create_is_a_failure(dovecot: Dovecot, imap_account: ImapAccount,
                                                          password: str, smtp_sink: SmtpSink,
                                                          tmp_path: Path) -> None:
    """GIVEN a folder name the server refuses (a level longer than a file name can be) WHEN the doctor
    runs THEN that folder is ✗ with the server's answer and what to do, and the run fails."""
    settings = make_settings(tmp_path, imap_account, smtp_sink, quarantine_folder="DHTT/" + "x" * 300)
    checks = run_doctor(settings, tmp_path / "config.toml")
    line = by_key(checks)["imap.folder.quarantine"]
    assert line.status is Status.failed and line.detail.startswith("chưa có và máy chủ không cho tạo")
    assert "quarantine_folder" in line.advice
    assert by_key(checks)["imap.folder.processed"].ok and not passed(checks)


def test_password_against_an_oauth2_only_server_names_the_fix(oauth_only: OAuthOnlyDovecot,
                                                              smtp_sink: SmtpSink, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN auth = "password" against a server offering only XOAUTH2/OAUTHBEARER (Exchange Online,
    Gmail) WHEN the doctor runs THEN the mechanisms line says it takes no password and to set
    auth = "oauth2" following the guide, and the sign-in is skipped."""
    oauth_only.add_user("phong@test.invalid", "secret-pw")
    monkeypatch.setenv(PASSWORD_ENV, "secret-pw")
    account = ImapAccount(oauth_only.host, oauth_only.port, "phong@test.invalid", "secret-pw")
    checks = by_key(run_doctor(make_settings(tmp_path, account, smtp_sink), tmp_path / "config.toml"))

    line = checks["imap.mechanisms"]
    assert line.status is Status.failed
    assert line.detail == "máy chủ không nhận đăng nhập bằng mật khẩu (chỉ nhận: OAUTHBEARER, XOAUTH2)"
    assert 'auth = "oauth2"' in line.advice and "docs/huong-dan-dang-nhap-oauth2.md" in line.advice
    assert checks["imap.login"].status is Status.skipped
    assert checks["imap.login"].detail == "không kiểm tra vì máy chủ không nhận cách đăng nhập đã cấu hình"


def test_refused_password_names_the_variable_to_fix(imap_account: ImapAccount, smtp_sink: SmtpSink,
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a wrong password WHEN the doctor runs THEN sign-in is ✗ and says which key and variable to
    check; the inbox and folders are skipped because we are not signed in."""
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    checks = by_key(run_doctor(make_settings(tmp_path, imap_account, smtp_sink), tmp_path / "config.toml"))

    assert checks["imap.login"].detail == "máy chủ từ chối tên đăng nhập hoặc mật khẩu"
    assert PASSWORD_ENV in checks["imap.login"].advice
    assert checks["imap.inbox"].detail == "không kiểm tra vì chưa đăng nhập được"
    assert "not-the-password" not in repr(list(checks.values()))


def test_missing_password_is_a_configuration_failure(imap_account: ImapAccount, smtp_sink: SmtpSink,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    checks = by_key(run_doctor(make_settings(tmp_path, imap_account, smtp_sink), tmp_path / "config.toml"))
    assert checks["config.imap_secret"].detail == f"biến môi trường {PASSWORD_ENV} chưa có giá trị"
    assert checks["imap.mechanisms"].ok  # the server is still checked as far as it can be
    assert checks["imap.login"].detail == "không kiểm tra vì chưa có mật khẩu hộp thư"


def test_untrusted_certificate_is_named(imap_account: ImapAccount, password: str, smtp_sink: SmtpSink,
                                        tmp_path: Path) -> None:
    """GIVEN Dovecot's self-signed certificate, not installed on this machine WHEN the doctor runs THEN
    the TLS line says the certificate is self-signed and what to do."""
    settings = make_settings(tmp_path, imap_account, smtp_sink, port=imap_account.ssl_port, security="tls")
    checks = by_key(run_doctor(settings, tmp_path / "config.toml"))
    assert checks["imap.connect"].ok
    assert checks["imap.tls"].detail == "chứng chỉ của máy chủ là chứng chỉ tự ký"
    assert "update-ca-certificates" in checks["imap.tls"].advice
    assert checks["imap.greeting"].detail == "không kiểm tra vì chưa mã hóa được kết nối"


def test_plain_connection_to_the_tls_port_suggests_tls(imap_account: ImapAccount, password: str,
                                                       smtp_sink: SmtpSink, tmp_path: Path) -> None:
    """GIVEN security = "none" on the IMAPS port (the server waits for TLS, sends no greeting) WHEN the
    doctor runs THEN the greeting line says so and suggests security = "tls"."""
    settings = make_settings(tmp_path, imap_account, smtp_sink, port=imap_account.ssl_port, timeout_seconds=1)
    checks = by_key(run_doctor(settings, tmp_path / "config.toml"))
    assert checks["imap.greeting"].detail == "đã kết nối nhưng máy chủ không chào trong 1 giây"
    assert 'security = "tls"' in checks["imap.greeting"].advice


def test_smtp_port_given_as_imap_port_is_recognised(imap_account: ImapAccount, password: str,
                                                    smtp_sink: SmtpSink, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, imap_account, smtp_sink, port=smtp_sink.port)
    checks = by_key(run_doctor(settings, tmp_path / "config.toml"))
    assert checks["imap.greeting"].detail == "cổng này là của máy chủ gửi thư (SMTP)"


def test_send_test_delivers_one_vietnamese_mail(imap_account: ImapAccount, password: str, smtp_sink: SmtpSink,
                                                tmp_path: Path) -> None:
    """GIVEN --send-test ADDRESS WHEN the doctor runs THEN exactly one mail reaches the relay, to that
    address, with a Vietnamese subject and body, marked as automatic."""
    settings = make_settings(tmp_path, imap_account, smtp_sink)
    checks = run_doctor(settings, tmp_path / "config.toml", send_test="vanthu@soninhbinh.test")

    assert passed(checks), [c for c in checks if not c.ok]
    assert by_key(checks)["smtp.send"].name == "Gửi thư thử tới vanthu@soninhbinh.test"
    (mail,) = smtp_sink.wait_for(1)
    assert mail.rcpt_tos == ["vanthu@soninhbinh.test"]
    assert mail.mail_from == settings.smtp.sender
    message = email.message_from_bytes(mail.data, policy=email.policy.default)
    assert str(message["Subject"]) == "[DHTT] Thư thử của hệ thống tiếp nhận hồ sơ"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_body(("plain",))
    assert body is not None and "Đây là thư thử" in body.get_content()


def test_database_problems(imap_account: ImapAccount, password: str, smtp_sink: SmtpSink, tmp_path: Path) -> None:
    """A database written by a newer dhtt is ✗; an unreachable PostgreSQL is ✗ and the schema skipped,
    with the URL's password never shown."""
    settings = make_settings(tmp_path, imap_account, smtp_sink)
    run_doctor(settings, tmp_path / "config.toml")  # creates the tables
    with sqlite3.connect(tmp_path / "dhtt.sqlite") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999_future'")
    newer = by_key(run_doctor(settings, tmp_path / "config.toml"))["database.schema"]
    assert newer.detail == "cơ sở dữ liệu ở phiên bản 9999_future, do một bản dhtt mới hơn tạo ra"

    url = f"postgresql+psycopg://dhtt:hunter2pw@127.0.0.1:{free_port()}/dhtt"
    down = settings.model_copy(update={"database": settings.database.model_copy(update={"url": url})})
    checks = by_key(run_doctor(down, tmp_path / "config.toml"))
    assert checks["database.connect"].detail.startswith("không kết nối được cơ sở dữ liệu")
    assert "hunter2pw" not in checks["database.connect"].detail
    assert checks["database.schema"].status is Status.skipped


def test_storage_that_cannot_be_written(imap_account: ImapAccount, password: str, smtp_sink: SmtpSink,
                                        tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    settings = make_settings(tmp_path, imap_account, smtp_sink)
    blocked = settings.model_copy(update={"intake": settings.intake.model_copy(
        update={"storage_dir": tmp_path / "a-file" / "storage"})})
    checks = by_key(run_doctor(blocked, tmp_path / "config.toml"))
    assert checks["storage.writable"].detail.startswith("không ghi được vào")
    assert checks["storage.space"].detail == "không kiểm tra vì chưa ghi được vào thư mục lưu thư"


SMTP_PASSWORD_ENV = "DHTT_TEST_DOCTOR_SMTP_PASSWORD"


def with_smtp_user(settings: Settings, user: str) -> Settings:
    smtp = settings.smtp.model_copy(update={"user": user, "password_env": SMTP_PASSWORD_ENV})
    return settings.model_copy(update={"smtp": smtp})


@pytest.mark.parametrize("given, login", [("right-pw", "đã đăng nhập bằng mật khẩu"),
                                          ("wrong-pw", "máy chủ từ chối tên đăng nhập hoặc mật khẩu")])
def test_smtp_password_sign_in(given: str, login: str, imap_account: ImapAccount, password: str,
                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a relay that asks for a password WHEN the doctor signs in THEN the right one passes and a
    wrong one is ✗ naming the SMTP password's variable."""
    monkeypatch.setenv(SMTP_PASSWORD_ENV, given)
    with AuthSmtpSink("relay@test.invalid", "right-pw") as relay:
        settings = with_smtp_user(make_settings(tmp_path, imap_account, relay), "relay@test.invalid")
        checks = by_key(run_doctor(settings, tmp_path / "config.toml"))
    assert checks["smtp.mechanisms"].detail == "LOGIN, PLAIN"
    assert checks["smtp.login"].detail == login
    if given == "wrong-pw":
        assert SMTP_PASSWORD_ENV in checks["smtp.login"].advice and "[smtp]" in checks["smtp.login"].advice


def test_smtp_password_against_an_xoauth2_only_relay(imap_account: ImapAccount, password: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SMTP_PASSWORD_ENV, "right-pw")
    with AuthSmtpSink("relay@test.invalid", "right-pw", oauth_only=True) as relay:
        settings = with_smtp_user(make_settings(tmp_path, imap_account, relay), "relay@test.invalid")
        checks = by_key(run_doctor(settings, tmp_path / "config.toml", send_test="a@soninhbinh.test"))
    assert checks["smtp.mechanisms"].detail == "máy chủ không nhận đăng nhập bằng mật khẩu (chỉ nhận: XOAUTH2)"
    assert 'auth = "oauth2" trong mục [smtp]' in checks["smtp.mechanisms"].advice
    assert checks["smtp.send"].status is Status.skipped
    assert relay.messages == []


def test_configuration_that_cannot_be_loaded_exits_2(tmp_path: Path) -> None:
    """GIVEN a config.toml with a wrong key WHEN `dhtt doctor` runs THEN one ✗ line names the key and
    the exit status is 2, as for every other command."""
    config = tmp_path / "config.toml"
    config.write_text("[imap]\nport = 99999\n", encoding="utf-8")
    result = run_cli(config, "")
    assert result.returncode == 2
    assert "✗ Tệp cấu hình: không đọc được: imap.port: phải nhỏ hơn hoặc bằng 65535" in result.stdout
