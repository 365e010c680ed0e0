"""What `dhtt doctor` tells the Sở's IT staff to do, in Vietnamese: pure functions from a sign-in
cause, a network error or a server's answer to one actionable line."""

from __future__ import annotations

import errno
import socket
import ssl
from typing import Literal

from settings import Settings

GUIDE = "docs/huong-dan-dang-nhap-oauth2.md"
Section = Literal["imap", "smtp"]
Provider = Literal["microsoft", "google"]

PROVIDER_NAME: dict[str, str] = {
    "microsoft": "Microsoft 365 (Exchange Online)",
    "google": "Google Workspace (Gmail)",
}
TOKEN_HOST: dict[str, str] = {"microsoft": "login.microsoftonline.com", "google": "oauth2.googleapis.com"}
_MICROSOFT_HOSTS = ("office365.com", "outlook.com", "office.com", "microsoft.com")
_GOOGLE_HOSTS = ("gmail.com", "googlemail.com", "google.com")
# Default ports per protocol and mode, quoted in the advice on a wrong port or a wrong mode.
PORTS: dict[str, str] = {
    "imap": "IMAP dùng cổng 993 với security = \"tls\" hoặc cổng 143 với security = \"starttls\"",
    "smtp": "SMTP dùng cổng 587 với security = \"starttls\" hoặc cổng 465 với security = \"tls\"",
}


def detect_provider(host: str, greeting: str = "") -> Provider | None:
    """Microsoft or Google when the host name or the server's greeting gives them away."""
    name = host.lower().rstrip(".")
    text = greeting.lower()
    if name.endswith(_MICROSOFT_HOSTS) or "microsoft" in text or "outlook" in text:
        return "microsoft"
    if name.endswith(_GOOGLE_HOSTS) or "gimap" in text or "gsmtp" in text or "google" in text:
        return "google"
    return None


def no_password_advice(section: Section, provider: str | None) -> str:
    """The common case of issue 13: a server that accepts OAuth2 only while auth = "password"."""
    who = PROVIDER_NAME.get(provider or "", "Máy chủ này")
    return (f"{who} không nhận đăng nhập bằng mật khẩu (Microsoft 365 và Google Workspace chỉ nhận OAuth2): "
            f"đặt auth = \"oauth2\" trong mục [{section}], khai báo mục [oauth2] và làm theo hướng dẫn {GUIDE}.")


def _user(section: Section, settings: Settings) -> str:
    return (settings.imap.user if section == "imap" else settings.smtp.user) or "(chưa đặt)"


def _env(section: Section, settings: Settings) -> str:
    return settings.imap.password_env if section == "imap" else settings.smtp.password_env


def _token_host(settings: Settings) -> str:
    o = settings.oauth2
    return o.token_url or o.authority_url or TOKEN_HOST.get(o.provider, "máy chủ cấp mã")


CONSOLE: dict[str, str] = {
    "microsoft": "trung tâm quản trị Microsoft Entra",
    "google": "trang Google Cloud Console",
    "generic": "trang quản trị của nhà cung cấp đăng nhập",
}


def _secret_source(settings: Settings) -> str:
    o = settings.oauth2
    return f"tệp {o.secret_file}" if o.secret_file else f"biến môi trường {o.secret_env}"


def signin_advice(cause: str, section: Section, settings: Settings, provider: str | None = None) -> str:
    """One Vietnamese line saying what to do about a SignInFailed cause (codes of the contract)."""
    user, o = _user(section, settings), settings.oauth2
    console = CONSOLE.get(o.provider, CONSOLE["generic"])
    if cause == "password_refused" and provider in PROVIDER_NAME:
        return no_password_advice(section, provider) + " Với Google Workspace có thể tạm dùng mật khẩu ứng dụng."
    lines = {
        "password_refused": f"Máy chủ từ chối tài khoản {user} với mật khẩu đã cấu hình: kiểm tra khóa user "
                            f"trong mục [{section}] và mật khẩu trong biến môi trường {_env(section, settings)}.",
        "password_not_offered": no_password_advice(section, provider),
        "token_refused": f"Máy chủ thư từ chối mã truy cập cho hộp thư {user}: kiểm tra khóa user đúng là hộp thư "
                         f"đã cấp quyền cho ứng dụng, và ứng dụng có quyền IMAP.AccessAsApp, SMTP.SendAsApp "
                         f"(mục 3 và 4 của {GUIDE}).",
        "invalid_client": f"Mã ứng dụng hoặc khóa bí mật (chứng chỉ) không đúng: đối chiếu khóa client_id với mã "
                          f"ứng dụng trong {console} và nạp lại khóa bí mật vào {_secret_source(settings)} "
                          f"(mục 3 và 9 của {GUIDE}).",
        "secret_expired": f"Khóa bí mật của ứng dụng đã hết hạn: tạo khóa mới trong {console}, nạp vào "
                          f"{_secret_source(settings)}, sửa secret_expires, khởi động lại dịch vụ rồi chạy lại "
                          f"dhtt doctor (mục 10 của {GUIDE}).",
        "invalid_grant": "Quyền truy cập đã lưu không còn hiệu lực (bị thu hồi, hết hạn hoặc tài khoản đã đổi "
                         "mật khẩu): chạy dhtt auth login để đăng nhập lại.",
        "consent_required": f"Quản trị viên chưa chấp thuận quyền cho ứng dụng: trong Microsoft Entra, mở ứng dụng, "
                            f"mục Quyền API, bấm Cấp chấp thuận của quản trị viên (mục 3 của {GUIDE}).",
        "tenant_not_found": f"Không tìm thấy tổ chức “{o.tenant or '(chưa đặt)'}”: sửa khóa tenant trong mục "
                            f"[oauth2] thành mã thư mục hoặc tên miền của tổ chức, ví dụ moet.edu.vn.",
        "mailbox_permission": f"Ứng dụng chưa có quyền vào hộp thư {user}: chạy New-ServicePrincipal và "
                              f"Add-MailboxPermission trong Exchange Online PowerShell (mục 4 của {GUIDE}).",
        "smtp_auth_disabled": f"SMTP AUTH đang tắt cho hộp thư {user}: chạy Set-CASMailbox -Identity {user} "
                              f"-SmtpClientAuthenticationDisabled $false trong Exchange Online PowerShell "
                              f"(mục 5 của {GUIDE}).",
        "provider_unreachable": f"Không kết nối được máy chủ cấp mã truy cập {_token_host(settings)}: kiểm tra "
                                f"đường truyền Internet, tường lửa và proxy cho phép máy chủ này ra cổng 443.",
        "not_signed_in": "Chưa đăng nhập lần nào: chạy dhtt auth login và làm theo chỉ dẫn trên màn hình.",
        "config": f"Mục [oauth2] thiếu hoặc sai khóa: đối chiếu với ví dụ đầy đủ trong mục 8 của {GUIDE}.",
    }
    return lines.get(cause, f"Đăng nhập không thành công (mã lỗi {cause}): chạy lại dhtt doctor sau vài phút; "
                            f"nếu vẫn lỗi, xem {GUIDE}.")


def _certificate_problem(err: ssl.SSLCertVerificationError, host: str) -> str:
    # OpenSSL's X509_V_ERR_* codes: the ones a Sở's mail server meets in practice.
    return {
        10: "chứng chỉ của máy chủ đã hết hạn",
        18: "chứng chỉ của máy chủ là chứng chỉ tự ký",
        19: "chứng chỉ của máy chủ do một nơi cấp không được tin cậy",
        20: "không xác minh được nơi cấp chứng chỉ của máy chủ",
        62: f"chứng chỉ của máy chủ không mang tên {host}",
    }.get(err.verify_code, "chứng chỉ của máy chủ không hợp lệ")


def network_problem(err: BaseException, section: Section, host: str, port: int, timeout: float) -> tuple[str, str]:
    """(what happened, what to do) for a failure to reach or talk to a mail server."""
    ports = PORTS[section]
    if isinstance(err, socket.gaierror):
        return (f"không tìm thấy máy chủ {host} (tên miền không phân giải được)",
                f"Kiểm tra khóa host trong mục [{section}] và máy chủ DNS mà máy này dùng.")
    if isinstance(err, ConnectionRefusedError):
        return (f"máy chủ {host} từ chối kết nối tới cổng {port}",
                f"Sai cổng hoặc dịch vụ chưa chạy: {ports}; kiểm tra khóa port trong mục [{section}].")
    if isinstance(err, (socket.timeout, TimeoutError)):
        return (f"quá {timeout:g} giây không có trả lời từ {host}:{port}",
                f"Tường lửa hoặc mạng đang chặn cổng {port}, hoặc sai địa chỉ: kiểm tra tường lửa cho phép máy "
                f"này kết nối ra {host} cổng {port}.")
    if isinstance(err, ssl.SSLCertVerificationError):
        return (_certificate_problem(err, host),
                f"Dùng đúng tên máy chủ ghi trong chứng chỉ cho khóa host; nếu máy chủ thư nội bộ dùng chứng chỉ "
                f"riêng, cài chứng chỉ gốc của nó vào máy (update-ca-certificates). Chỉ đặt verify_certificate "
                f"= false trong mạng nội bộ tin cậy.")
    if isinstance(err, ssl.SSLError):
        return (f"bắt tay TLS không thành công ({getattr(err, 'reason', None) or 'lỗi TLS'})",
                f"Có thể sai kiểu mã hóa so với cổng: {ports}.")
    if isinstance(err, OSError) and err.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return (f"không có đường mạng tới {host}", "Kiểm tra kết nối mạng và cổng ra (gateway) của máy này.")
    if isinstance(err, (ConnectionResetError, EOFError, BrokenPipeError)):
        return (f"máy chủ {host} đóng kết nối giữa chừng",
                f"Có thể sai kiểu mã hóa so với cổng ({ports}), hoặc máy chủ chặn địa chỉ của máy này.")
    return (f"lỗi kết nối tới {host}:{port}: {err}", f"Kiểm tra khóa host, port và security trong mục [{section}].")


def greeting_problem(section: Section, greeting: str) -> tuple[str, str] | None:
    """None when the first line is the greeting of the expected server, else (what, what to do)."""
    line = greeting.strip()
    if section == "imap" and line.startswith(("* OK", "* PREAUTH")):
        return None
    if section == "smtp" and line.startswith("220"):
        return None
    fix = f"Sửa khóa port trong mục [{section}]: {PORTS[section]}."
    if line.startswith("220") or line.startswith("* OK"):
        other = "gửi thư (SMTP)" if line.startswith("220") else "hộp thư (IMAP)"
        return f"cổng này là của máy chủ {other}", fix
    if line.startswith("+OK"):
        return "cổng này là của máy chủ POP3", fix
    if line.startswith("* BYE") or line[:1] in ("4", "5"):
        return f"máy chủ từ chối phục vụ: “{line[:120]}”", "Máy chủ đang quá tải hoặc chặn địa chỉ của máy này: thử lại sau, nếu vẫn lỗi hãy liên hệ nhà cung cấp."
    return f"máy chủ trả lời không đúng giao thức: “{line[:60]}”", fix


CAUSE_DETAIL: dict[str, str] = {
    "password_refused": "máy chủ từ chối tên đăng nhập hoặc mật khẩu",
    "password_not_offered": "máy chủ không nhận đăng nhập bằng mật khẩu",
    "token_refused": "máy chủ thư từ chối mã truy cập",
    "invalid_client": "nhà cung cấp không nhận mã ứng dụng hoặc khóa bí mật",
    "secret_expired": "khóa bí mật của ứng dụng đã hết hạn",
    "invalid_grant": "quyền truy cập đã lưu không còn hiệu lực",
    "consent_required": "ứng dụng chưa được quản trị viên chấp thuận",
    "tenant_not_found": "không tìm thấy tổ chức đã cấu hình",
    "mailbox_permission": "ứng dụng chưa có quyền vào hộp thư",
    "smtp_auth_disabled": "SMTP AUTH đang tắt cho hộp thư",
    "provider_unreachable": "không kết nối được máy chủ cấp mã truy cập",
    "not_signed_in": "chưa đăng nhập lần nào",
    "config": "mục [oauth2] chưa đủ",
}


def cause_detail(cause: str) -> str:
    """What happened, in a few words, for the report line of a failed sign-in."""
    return CAUSE_DETAIL.get(cause, f"đăng nhập không thành công (mã lỗi {cause})")


def send_refused_advice(reply: str, settings: Settings) -> str:
    """What to do when the relay refuses the test mail; Exchange Online's codes are named."""
    text = reply.lower()
    if "5.7.60" in text or "send as" in text or "sendas" in text:
        return (f"Hộp thư đăng nhập chưa được gửi thay {settings.smtp.sender}: chạy Add-RecipientPermission "
                f"-AccessRights SendAs trong Exchange Online PowerShell, hoặc đặt sender trùng với hộp thư đăng nhập "
                f"(mục 4 của {GUIDE}).")
    if "5.7.139" in text or "smtpclientauthentication" in text:
        return signin_advice("smtp_auth_disabled", "smtp", settings)
    return (f"Kiểm tra địa chỉ nhận thư thử và khóa sender trong mục [smtp] (thường phải trùng hộp thư đã "
            f"đăng nhập).")
