"""The doctor's pure parts: every sign-in cause, network error and greeting mapped to one Vietnamese
line saying what to do; the skip logic; the configuration checks; the printed report."""

from __future__ import annotations

import socket
import ssl
from datetime import date
from pathlib import Path

import pytest

from intake.doctor import (Check, CheckFailed, Status, Step, check_free_space, check_oauth2,
                           check_oauth2_secret, check_secret_expiry, config_steps, oauth2_missing, run_steps)
from intake.doctor_advice import (CAUSE_DETAIL, GUIDE, cause_detail, detect_provider, greeting_problem,
                                  network_problem, send_refused_advice, signin_advice)
from cli_doctor import report_lines
from intake.config import OAuth2Settings
from settings import Settings, parse_settings

# Every cause of the oauth contract, and a word of the action each line must name.
CAUSE_ACTION = {
    "password_refused": "DHTT_IMAP_PASSWORD",
    "password_not_offered": 'auth = "oauth2"',
    "token_refused": "IMAP.AccessAsApp",
    "invalid_client": "client_id",
    "secret_expired": "tạo khóa mới",
    "invalid_grant": "dhtt auth login",
    "consent_required": "Cấp chấp thuận của quản trị viên",
    "tenant_not_found": "khóa tenant",
    "mailbox_permission": "Add-MailboxPermission",
    "smtp_auth_disabled": "Set-CASMailbox -Identity phongcntt.soninhbinh@moet.edu.vn -SmtpClientAuthenticationDisabled $false",
    "provider_unreachable": "tường lửa",
    "not_signed_in": "dhtt auth login",
    "config": "[oauth2]",
}


def oauth_settings(tmp_path: Path, **oauth2: object) -> Settings:
    return parse_settings({"imap": {"auth": "oauth2"}, "smtp": {"auth": "oauth2", "user": "phongcntt.soninhbinh@moet.edu.vn"},
                           "oauth2": {"tenant": "moet.edu.vn", "client_id": "0000-app", **oauth2}}, tmp_path)


@pytest.mark.parametrize("cause, action", CAUSE_ACTION.items())
def test_every_sign_in_cause_has_its_own_actionable_line(cause: str, action: str, tmp_path: Path) -> None:
    settings = oauth_settings(tmp_path)
    line = signin_advice(cause, "imap" if cause != "smtp_auth_disabled" else "smtp", settings)
    assert action in line
    assert "mã lỗi" not in line  # not the fallback for unknown causes
    assert cause in CAUSE_DETAIL and cause_detail(cause) != f"đăng nhập không thành công (mã lỗi {cause})"


def test_the_lines_are_all_different_and_unknown_causes_still_get_one(tmp_path: Path) -> None:
    settings = oauth_settings(tmp_path)
    lines = [signin_advice(cause, "imap", settings) for cause in CAUSE_ACTION]
    assert len(set(lines)) == len(lines)
    assert "mã lỗi something_new" in signin_advice("something_new", "imap", settings)


def test_a_refused_password_at_microsoft_or_google_points_to_oauth2(tmp_path: Path) -> None:
    settings = parse_settings({}, tmp_path)
    for provider in ("microsoft", "google"):
        line = signin_advice("password_refused", "smtp", settings, provider)
        assert 'auth = "oauth2" trong mục [smtp]' in line and GUIDE in line
    assert 'auth = "oauth2"' not in signin_advice("password_refused", "imap", settings, None)


@pytest.mark.parametrize("host, greeting, provider", [
    ("outlook.office365.com", "", "microsoft"),
    ("smtp.office365.com", "", "microsoft"),
    ("mail.moet.edu.vn", "* OK The Microsoft Exchange IMAP4 service is ready.", "microsoft"),
    ("imap.gmail.com", "", "google"),
    ("mx.example.vn", "* OK Gimap ready for requests from 1.2.3.4", "google"),
    ("smtp.example.vn", "220 smtp.example.vn ESMTP Postfix", None),
])
def test_provider_is_recognised_by_host_or_greeting(host: str, greeting: str, provider: str | None) -> None:
    assert detect_provider(host, greeting) == provider


def _cert_error(code: int) -> ssl.SSLCertVerificationError:
    err = ssl.SSLCertVerificationError(1, "certificate verify failed")
    err.verify_code = code
    return err


@pytest.mark.parametrize("err, detail, action", [
    (socket.gaierror(-2, "Name or service not known"), "không tìm thấy máy chủ mail.x", "khóa host"),
    (ConnectionRefusedError(111, "refused"), "từ chối kết nối tới cổng 994", "khóa port"),
    (TimeoutError("timed out"), "quá 10 giây không có trả lời", "Tường lửa"),
    (socket.timeout("timed out"), "quá 10 giây", "Tường lửa"),
    (_cert_error(10), "chứng chỉ của máy chủ đã hết hạn", "update-ca-certificates"),
    (_cert_error(18), "chứng chỉ tự ký", "update-ca-certificates"),
    (_cert_error(62), "không mang tên mail.x", "tên máy chủ"),
    (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), "bắt tay TLS", "cổng 993"),
    (OSError(101, "Network is unreachable"), "không có đường mạng", "kết nối mạng"),
    (ConnectionResetError(104, "reset"), "đóng kết nối", "mã hóa"),
])
def test_each_network_failure_has_its_own_line(err: BaseException, detail: str, action: str) -> None:
    what, todo = network_problem(err, "imap", "mail.x", 994, 10)
    assert detail in what and action in todo


@pytest.mark.parametrize("section, line, expected", [
    ("imap", "* OK [CAPABILITY IMAP4rev1] Dovecot ready.", None),
    ("imap", "* PREAUTH ready", None),
    ("smtp", "220 mail ESMTP", None),
    ("imap", "220 mail ESMTP", "cổng này là của máy chủ gửi thư (SMTP)"),
    ("smtp", "* OK IMAP4 ready", "cổng này là của máy chủ hộp thư (IMAP)"),
    ("imap", "+OK POP3 ready", "cổng này là của máy chủ POP3"),
    ("smtp", "554 5.7.1 no service for you", "máy chủ từ chối phục vụ: “554 5.7.1 no service for you”"),
    ("imap", "HTTP/1.1 400 Bad Request", "máy chủ trả lời không đúng giao thức: “HTTP/1.1 400 Bad Request”"),
])
def test_greeting_of_another_service_is_recognised(section: str, line: str, expected: str | None) -> None:
    problem = greeting_problem(section, line)  # type: ignore[arg-type]
    assert (problem[0] if problem else None) == expected


def test_test_mail_refusals_name_exchange_fixes(tmp_path: Path) -> None:
    settings = parse_settings({"smtp": {"user": "phongcntt.soninhbinh@moet.edu.vn"}}, tmp_path)
    assert "Add-RecipientPermission" in send_refused_advice("550 5.7.60 SMTP; Client does not have permissions to send as this sender", settings)
    assert "Set-CASMailbox" in send_refused_advice("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox", settings)


def test_steps_after_a_failure_are_skipped_with_the_first_reason() -> None:
    def fail() -> str:
        raise CheckFailed("hỏng", "sửa đi")

    checks = run_steps([
        Step("G", "a", "A", fail, blocks="chưa kết nối được"),
        Step("G", "b", "B", lambda: "được", needs=("a",)),
        Step("G", "c", "C", lambda: "được", needs=("b",)),
        Step("G", "d", "D", lambda: "được", needs=("x-not-present",)),
    ])
    assert [c.status for c in checks] == [Status.failed, Status.skipped, Status.skipped, Status.ok]
    assert checks[2].detail == "không kiểm tra vì chưa kết nối được"
    assert checks[0].advice == "sửa đi"


def test_secret_expiry(tmp_path: Path) -> None:
    today = date(2026, 12, 2)
    assert check_secret_expiry("2027-06-30", today) == "còn hạn đến ngày 30/06/2027 (còn 210 ngày)"
    assert check_secret_expiry(date(2027, 6, 30), today) == "còn hạn đến ngày 30/06/2027 (còn 210 ngày)"
    for value, detail in [("2026-12-20", "sẽ hết hạn ngày 20/12/2026 (còn 18 ngày)"),
                          ("2026-11-30", "đã hết hạn từ ngày 30/11/2026"),
                          ("30/06/2027", "không phải ngày hợp lệ")]:
        with pytest.raises(CheckFailed) as caught:
            check_secret_expiry(value, today)
        assert detail in caught.value.detail


def test_oauth2_section_completeness(tmp_path: Path) -> None:
    # Built as models, not loaded: loading may already refuse an incomplete [oauth2] section.
    assert oauth2_missing(OAuth2Settings(tenant="moet.edu.vn", client_id="app")) == []
    assert oauth2_missing(OAuth2Settings()) == ["client_id", "tenant"]
    assert oauth2_missing(OAuth2Settings(provider="generic", client_id="app")) == ["token_url"]
    incomplete = oauth_settings(tmp_path).model_copy(update={"oauth2": OAuth2Settings(client_id="app")})
    with pytest.raises(CheckFailed, match="thiếu tenant"):
        check_oauth2(incomplete)
    assert check_oauth2(oauth_settings(tmp_path)) == "nhà cung cấp microsoft, luồng client_credentials, tổ chức moet.edu.vn"


def test_client_secret_is_located_never_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHTT_OAUTH2_CLIENT_SECRET", "s3cr3t-value")
    settings = oauth_settings(tmp_path)
    assert check_oauth2_secret(settings) == "có trong biến môi trường DHTT_OAUTH2_CLIENT_SECRET"
    secret_file = tmp_path / "client-secret"
    secret_file.write_text("s3cr3t-value")
    secret_file.chmod(0o644)
    with pytest.raises(CheckFailed, match="đang để người khác đọc được") as caught:
        check_oauth2_secret(oauth_settings(tmp_path, secret_file="client-secret"))
    assert caught.value.advice.startswith("Chỉ để tài khoản chạy dhtt đọc tệp này: chmod 600")
    assert "s3cr3t" not in caught.value.detail + caught.value.advice
    secret_file.chmod(0o600)
    assert check_oauth2_secret(oauth_settings(tmp_path, secret_file="client-secret")).startswith("có trong tệp")
    monkeypatch.delenv("DHTT_OAUTH2_CLIENT_SECRET")
    assert check_oauth2_secret(oauth_settings(tmp_path, flow="device_code")) == "luồng device_code không cần khóa bí mật"


def test_oauth2_configuration_checks_replace_the_password_ones(tmp_path: Path) -> None:
    keys = [s.key for s in config_steps(oauth_settings(tmp_path, secret_expires="2030-01-01"), Path("c.toml"))]
    assert keys == ["config.file", "config.oauth2", "config.oauth2_secret", "config.secret_expires"]
    keys = [s.key for s in config_steps(parse_settings({}, tmp_path), Path("c.toml"))]
    assert keys == ["config.file", "config.imap_secret", "config.smtp_secret"]


def test_free_space() -> None:
    assert check_free_space(5 * 1024**3 + 1024**3 // 2, Path("/srv")) == "còn trống 5,5 GB"
    with pytest.raises(CheckFailed, match="chỉ còn trống 0,50 GB"):
        check_free_space(1024**3 // 2, Path("/srv"))


def test_report_prints_one_line_per_check_and_the_advice_under_failures() -> None:
    checks = [Check(group="Hộp thư (IMAP) h:993", key="imap.connect", name="Kết nối", status=Status.failed,
                    detail="máy chủ h từ chối kết nối tới cổng 993", advice="Sửa khóa port."),
              Check(group="Hộp thư (IMAP) h:993", key="imap.login", name="Đăng nhập", status=Status.skipped,
                    detail="không kiểm tra vì chưa kết nối được")]
    assert report_lines(checks) == [
        "", "Hộp thư (IMAP) h:993",
        "  ✗ Kết nối: máy chủ h từ chối kết nối tới cổng 993", "      → Sửa khóa port.",
        "  – Đăng nhập: không kiểm tra vì chưa kết nối được",
        "", "Kết quả: 0 mục đạt, 1 mục lỗi, 1 mục chưa kiểm tra. Khắc phục các mục ✗ theo hướng dẫn rồi chạy "
            "lại dhtt doctor.",
    ]


# The [oauth2] keys agreed with the oauth branch (its model may add more of its own).
CONTRACT_KEYS = ("provider", "flow", "tenant", "client_id", "scopes", "token_url", "authority_url", "secret_env",
                 "secret_file", "certificate_file", "secret_expires", "token_file")


def test_the_guide_has_every_key_and_every_section_the_advice_names() -> None:
    """The advice sends staff to numbered sections of the guide; the guide and the README must hold
    them, and every [oauth2] key of the configuration."""
    import re

    root = Path(__file__).resolve().parents[2]
    guide = (root / GUIDE).read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    advice_sources = "".join(path.read_text(encoding="utf-8") for path in (root / "intake").glob("doctor*.py"))
    for number in sorted(set(re.findall(r"mục (\d+)", advice_sources))):
        assert re.search(rf"^## {number}\. ", guide, re.M), f"section {number} missing from the guide"
    for key in CONTRACT_KEYS:
        assert f"`{key}`" in guide and f"`oauth2.{key}`" in readme, key
    for key in ("auth", "sasl_mechanism"):
        assert f"`{key}`" in guide and f"imap.{key}" in readme
