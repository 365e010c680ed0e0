"""`dhtt doctor`'s mail server checks: IMAP and SMTP step by step, each over a real connection.

The first connection is opened by hand (socket, TLS, greeting) so that a DNS failure, a refused port,
a certificate and a wrong protocol each get their own line; imaplib and smtplib hide which of these
failed behind one exception. The session after that uses imapclient / smtplib as the worker does.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from datetime import UTC, datetime

import imapclient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from intake import signin
from intake.doctor import CheckFailed, Step
from intake.doctor_advice import (PORTS, Section, cause_detail, detect_provider, greeting_problem,
                                  no_password_advice, send_refused_advice, signin_advice)
from intake.replies import TEMPLATES, OutgoingReply, ReplySettings, message_id
from intake.wording import moment_text
from settings import Settings

CONNECT_TIMEOUT = 10.0  # seconds for TCP, TLS and the greeting: a firewall that drops packets shows quickly
PASSWORD_MECHANISMS = {"PLAIN", "LOGIN"}


def tls_context(verify: bool) -> ssl.SSLContext:
    """The system's trust store, as the worker's connections use it."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context


def certificate_detail(sock: ssl.SSLSocket, verify: bool) -> str:
    if not verify:
        return f"{sock.version()}, không kiểm tra chứng chỉ (verify_certificate = false)"
    cert = sock.getpeercert() or {}
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(str(cert["notAfter"])), UTC)
    return f"{sock.version()}, chứng chỉ hợp lệ đến ngày {expires:%d/%m/%Y}"


def _read_line(sock: socket.socket, limit: int = 4096) -> str:
    data = b""
    while not data.endswith(b"\n") and len(data) < limit:
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace").rstrip("\r\n")


class RawProbe:
    """The first connection: TCP, then TLS when it starts at once, then the server's first line."""

    def __init__(self, section: Section, host: str, port: int, security: str, verify: bool, timeout: float) -> None:
        self.section, self.host, self.port = section, host, port
        self.security, self.verify, self.timeout = security, verify, timeout
        self.sock: socket.socket | None = None
        self.greeting = ""

    def connect(self) -> str:
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        address = self.sock.getpeername()[0]
        return f"đã kết nối tới {address} cổng {self.port}"

    def tls(self) -> str:
        assert self.sock is not None
        wrapped = tls_context(self.verify).wrap_socket(self.sock, server_hostname=self.host)
        self.sock = wrapped
        return certificate_detail(wrapped, self.verify)

    def greet(self) -> str:
        assert self.sock is not None
        try:
            line = _read_line(self.sock)
        except (socket.timeout, TimeoutError):
            hint = "ngay từ đầu: đặt security = \"tls\"" if self.security != "tls" else "không, hoặc cổng sai"
            raise CheckFailed(f"đã kết nối nhưng máy chủ không chào trong {self.timeout:g} giây",
                              f"Cổng {self.port} có thể dùng mã hóa TLS {hint}; {PORTS[self.section]}.") from None
        problem = greeting_problem(self.section, line)
        if problem is not None:
            raise CheckFailed(*problem)
        self.greeting = line
        shown = re.sub(r"^(\* OK|220)[ -](\[[^\]]*\] ?)?", "", line).strip()
        return f"máy chủ sẵn sàng: “{shown[:100]}”"

    def close(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                sock.sendall(b"Z LOGOUT\r\n" if self.section == "imap" else b"QUIT\r\n")
            except OSError:
                pass
            sock.close()


def _protocol_steps(raw: RawProbe, step: Callable[..., Step], tls: Callable[[], str], security: str) -> list[Step]:
    """Connect, TLS and greeting in the order the configured security has them happen."""
    p = raw.section
    connect = step(f"{p}.connect", "Kết nối", raw.connect, blocks="chưa kết nối được")
    if security == "tls":
        return [connect,
                step(f"{p}.tls", "Mã hóa TLS và chứng chỉ", tls, (f"{p}.connect",), "chưa mã hóa được kết nối"),
                step(f"{p}.greeting", "Lời chào của máy chủ", raw.greet, (f"{p}.tls",), "máy chủ chưa trả lời đúng")]
    return [connect,
            step(f"{p}.greeting", "Lời chào của máy chủ", raw.greet, (f"{p}.connect",), "máy chủ chưa trả lời đúng")]


def _decoded(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _text(err: Exception) -> str:
    return str(err).strip().strip("b'\"")[:160]


class ImapProbe:
    """The IMAP checks, sharing one session from the capabilities to MOVE."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        s = settings.imap
        self.raw = RawProbe("imap", s.host, s.port, s.security, s.verify_certificate,
                            min(s.timeout_seconds, CONNECT_TIMEOUT))
        self.client: imapclient.IMAPClient | None = None

    def _step(self, key: str, name: str, run: Callable[[], str], needs: tuple[str, ...] = (),
              blocks: str = "") -> Step:
        s = self.settings.imap
        return Step(f"Hộp thư (IMAP) {s.host}:{s.port}", key, name, run, needs, blocks, "imap",
                    (s.host, s.port, self.raw.timeout))

    def steps(self) -> list[Step]:
        s, step = self.settings.imap, self._step
        first = _protocol_steps(self.raw, step, self._tls, s.security)
        if s.security != "tls":
            first.append(step("imap.tls", "Mã hóa", self._tls, ("imap.greeting",), "chưa mã hóa được kết nối"))
        login_needs = ("imap.mechanisms", "config.imap_secret", "config.oauth2", "config.oauth2_secret")
        return first + [
            step("imap.capabilities", "Khả năng của máy chủ", self._capabilities, (first[-1].key,),
                 "chưa mở được phiên làm việc"),
            step("imap.mechanisms", "Cách đăng nhập máy chủ nhận", self._mechanisms, ("imap.capabilities",),
                 "máy chủ không nhận cách đăng nhập đã cấu hình"),
            step("imap.login", f"Đăng nhập {s.user}", self._login, login_needs, "chưa đăng nhập được"),
            step("imap.inbox", f"Thư mục {s.inbox}", self._inbox, ("imap.login",), "chưa mở được hộp thư đến"),
            step("imap.folder.processed", f"Thư mục {s.processed_folder}",
                 lambda: self._folder(s.processed_folder, "processed_folder"), ("imap.login",)),
            step("imap.folder.quarantine", f"Thư mục {s.quarantine_folder}",
                 lambda: self._folder(s.quarantine_folder, "quarantine_folder"), ("imap.login",)),
            step("imap.idle", "Chờ thư mới (IDLE)", self._idle, ("imap.inbox",)),
            step("imap.move", "Chuyển thư (MOVE)", self._move, ("imap.login",)),
        ]

    @property
    def provider(self) -> str | None:
        return detect_provider(self.settings.imap.host, self.raw.greeting)

    def _open(self) -> imapclient.IMAPClient:
        s = self.settings.imap
        client = imapclient.IMAPClient(s.host, port=s.port, ssl=s.security == "tls", timeout=s.timeout_seconds,
                                       ssl_context=tls_context(s.verify_certificate))
        self.client = client
        return client

    def _tls(self) -> str:
        s = self.settings.imap
        if s.security == "tls":
            return self.raw.tls()
        if s.security == "none":
            return "không mã hóa (security = \"none\"), chỉ dùng với máy chủ trong mạng nội bộ"
        client = self._open()
        if not client.has_capability("STARTTLS"):
            raise CheckFailed("máy chủ không có STARTTLS trên cổng này", f"{PORTS['imap']}.")
        client.starttls(tls_context(s.verify_certificate))
        sock = client.socket()
        assert isinstance(sock, ssl.SSLSocket)
        return certificate_detail(sock, s.verify_certificate)

    def _capabilities(self) -> str:
        client = self.client or self._open()
        names = [c.decode() for c in client.capabilities()]
        if not {"IMAP4REV1", "IMAP4REV2"} & {n.upper() for n in names}:
            raise CheckFailed("máy chủ không phải máy chủ IMAP4", f"Sửa khóa port trong mục [imap]: {PORTS['imap']}.")
        shown = [n for n in names if not n.upper().startswith("AUTH=")]
        return ", ".join(shown[:10]) + (", …" if len(shown) > 10 else "")

    def _offered(self) -> set[str]:
        assert self.client is not None
        return {c.decode().split("=", 1)[1].upper() for c in self.client.capabilities()
                if c.upper().startswith(b"AUTH=")}

    def _mechanisms(self) -> str:
        s = self.settings.imap
        offered = self._offered()
        shown = ", ".join(sorted(offered)) or "không nêu cách nào"
        wanted = PASSWORD_MECHANISMS if s.auth == "password" else {s.sasl_mechanism.upper()}
        if offered & wanted:
            assert self.client is not None
            if s.auth == "password" and s.security == "none" and self.client.has_capability("LOGINDISABLED"):
                raise CheckFailed("máy chủ chỉ nhận mật khẩu qua kết nối mã hóa",
                                  f"Bật mã hóa trong mục [imap]: {PORTS['imap']}.")
            return f"máy chủ nhận: {shown}"
        if s.auth == "password":
            raise CheckFailed(f"máy chủ không nhận đăng nhập bằng mật khẩu (chỉ nhận: {shown})",
                              no_password_advice("imap", self.provider))
        other = sorted({"XOAUTH2", "OAUTHBEARER"} & offered)
        advice = (f"Máy chủ nhận {other[0]}: đặt sasl_mechanism = \"{other[0].lower()}\" trong mục [imap]." if other
                  else "Máy chủ này không nhận OAuth2: kiểm tra khóa host, hoặc dùng auth = \"password\".")
        raise CheckFailed(f"máy chủ không nhận {s.sasl_mechanism.upper()} (chỉ nhận: {shown})", advice)

    def _login(self) -> str:
        assert self.client is not None
        try:
            signin.imap_login(self.client, self.settings)
        except signin.SignInFailed as err:
            raise CheckFailed(cause_detail(err.cause),
                              signin_advice(err.cause, "imap", self.settings, self.provider)) from None
        s = self.settings.imap
        return "đã đăng nhập bằng mật khẩu" if s.auth == "password" else f"đã đăng nhập bằng {s.sasl_mechanism.upper()}"

    def _inbox(self) -> str:
        assert self.client is not None
        name = self.settings.imap.inbox
        try:
            info = self.client.select_folder(name, readonly=True)
        except IMAPClientAbortError:
            raise
        except IMAPClientError as err:
            raise CheckFailed(f"không mở được thư mục {name}: “{_text(err)}”",
                              "Sửa khóa inbox trong mục [imap] (thường là INBOX).") from None
        return f"mở được, đang có {int(info.get(b'EXISTS', 0))} thư"

    def _folder(self, name: str, key: str) -> str:
        """Present, or created here as the worker would at start; a server that refuses says why."""
        assert self.client is not None
        personal = self.client.namespace().personal
        delimiter = personal[0][1] if personal else None
        sep = delimiter.decode() if isinstance(delimiter, bytes) else (delimiter or "/")
        folder = name.replace("/", sep)
        if self.client.folder_exists(folder):
            return "đã có"
        try:
            self.client.create_folder(folder)
            self.client.subscribe_folder(folder)
        except IMAPClientAbortError:
            raise
        except IMAPClientError as err:
            raise CheckFailed(f"chưa có và máy chủ không cho tạo: “{_text(err)}”",
                              f"Tạo thư mục {name} bằng trang thư điện tử, hoặc đổi khóa {key} trong mục [imap] "
                              f"sang một thư mục tạo được.") from None
        return "chưa có, đã tạo (dhtt cũng tự tạo khi chạy)"

    def _idle(self) -> str:
        assert self.client is not None
        s, every = self.settings.imap, self.settings.intake.poll_seconds
        if not s.idle:
            return f"không dùng (idle = false); dhtt đọc hộp thư mỗi {every} giây"
        if not self.client.has_capability("IDLE"):
            return f"máy chủ không hỗ trợ; dhtt đọc hộp thư mỗi {every} giây"
        self.client.idle()
        self.client.idle_check(timeout=0.2)
        self.client.idle_done()
        return "có, đã thử chờ thư mới"

    def _move(self) -> str:
        assert self.client is not None
        if self.client.has_capability("MOVE"):
            return "có"
        if self.client.has_capability("UIDPLUS"):
            return "không có MOVE; dhtt sao chép rồi xóa thư (UIDPLUS)"
        raise CheckFailed("máy chủ không có MOVE cũng không có UIDPLUS",
                          "dhtt không chuyển được thư đã xử lý ra khỏi hộp thư đến một cách an toàn: "
                          "đề nghị nhà cung cấp hộp thư bật MOVE hoặc UIDPLUS.")

    def close(self) -> None:
        self.raw.close()
        client, self.client = self.client, None
        if client is not None:
            try:
                client.logout()
            except (OSError, IMAPClientError, EOFError):
                pass


_TEMPLATES = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                         trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)


def build_test_mail(settings: Settings, address: str, now: datetime) -> bytes:
    """The Vietnamese test mail of `--send-test`, through the same envelope writer as every reply."""
    smtp = settings.smtp
    replies = ReplySettings(sender=smtp.sender, sender_name=smtp.sender_name,
                            message_id_domain=settings.intake.message_id_domain)
    context = {"office": smtp.sender_name, "addressee": "Cán bộ kỹ thuật", "contact": "",
               "moment": moment_text(now), "mailbox": smtp.sender, "server": smtp.host}
    text, html = (_TEMPLATES.get_template(f"doctor_test.{ext}").render(context) for ext in ("txt", "html"))
    # "alert_" kinds are marked Auto-Submitted: auto-generated, which a test mail is.
    mail = OutgoingReply(message_id=message_id("alert_test", f"{now:%Y%m%d%H%M%S%f}", replies), kind="alert_test",
                         to=[address], subject="[DHTT] Thư thử của hệ thống tiếp nhận hồ sơ", text=text, html=html)
    return mail.to_bytes(replies, now)


class SmtpProbe:
    """The SMTP checks, sharing one session from EHLO to the optional test mail."""

    def __init__(self, settings: Settings, send_test: str | None = None) -> None:
        self.settings, self.send_test = settings, send_test
        s = settings.smtp
        self.raw = RawProbe("smtp", s.host, s.port, s.security, True, min(s.timeout_seconds, CONNECT_TIMEOUT))
        self.client: smtplib.SMTP | None = None

    def _step(self, key: str, name: str, run: Callable[[], str], needs: tuple[str, ...] = (),
              blocks: str = "") -> Step:
        s = self.settings.smtp
        return Step(f"Gửi thư (SMTP) {s.host}:{s.port}", key, name, run, needs, blocks, "smtp",
                    (s.host, s.port, self.raw.timeout))

    def steps(self) -> list[Step]:
        s, step = self.settings.smtp, self._step
        steps = _protocol_steps(self.raw, step, self.raw.tls, s.security)
        steps.append(step("smtp.ehlo", "Chào hỏi (EHLO)", self._ehlo, (steps[-1].key,), "chưa mở được phiên làm việc"))
        if s.security != "tls":
            steps.append(step("smtp.tls", "Mã hóa", self._starttls, ("smtp.ehlo",), "chưa mã hóa được kết nối"))
        last = steps[-1].key
        steps += [
            step("smtp.mechanisms", "Cách đăng nhập máy chủ nhận", self._mechanisms, (last,),
                 "máy chủ không nhận cách đăng nhập đã cấu hình"),
            step("smtp.login", f"Đăng nhập {s.user or ''}".strip(), self._login,
                 ("smtp.mechanisms", "config.smtp_secret", "config.oauth2", "config.oauth2_secret"),
                 "chưa đăng nhập được"),
        ]
        if self.send_test:
            steps.append(step("smtp.send", f"Gửi thư thử tới {self.send_test}", self._send, ("smtp.login",)))
        return steps

    @property
    def provider(self) -> str | None:
        return detect_provider(self.settings.smtp.host, self.raw.greeting)

    def _ehlo(self) -> str:
        s = self.settings.smtp
        if s.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(timeout=s.timeout_seconds, context=tls_context(True))
        else:
            client = smtplib.SMTP(timeout=s.timeout_seconds)
        self.client = client
        client.connect(s.host, s.port)
        code, reply = client.ehlo()
        if code != 250:
            raise CheckFailed(f"máy chủ không nhận EHLO: “{code} {reply.decode(errors='replace')[:100]}”",
                              f"Kiểm tra khóa port trong mục [smtp]: {PORTS['smtp']}.")
        return "máy chủ hỗ trợ: " + ", ".join(sorted(k.upper() for k in client.esmtp_features))

    def _starttls(self) -> str:
        assert self.client is not None
        if self.settings.smtp.security == "none":
            return "không mã hóa (security = \"none\"), chỉ dùng với máy chủ trong mạng nội bộ"
        if not self.client.has_extn("starttls"):
            raise CheckFailed("máy chủ không có STARTTLS trên cổng này", f"{PORTS['smtp']}.")
        self.client.starttls(context=tls_context(True))
        self.client.ehlo()
        assert isinstance(self.client.sock, ssl.SSLSocket)
        return certificate_detail(self.client.sock, True)

    def _mechanisms(self) -> str:
        assert self.client is not None
        s = self.settings.smtp
        if not s.user:
            return "không cần đăng nhập (chưa đặt smtp.user)"
        offered = set(self.client.esmtp_features.get("auth", "").upper().split())
        shown = ", ".join(sorted(offered)) or "không nêu cách nào"
        wanted = PASSWORD_MECHANISMS if s.auth == "password" else {"XOAUTH2"}
        if offered & wanted:
            return f"máy chủ nhận: {shown}"
        if not offered:
            raise CheckFailed("máy chủ không nhận đăng nhập trên kết nối này",
                              "Nếu máy chủ không yêu cầu đăng nhập, bỏ khóa user trong mục [smtp]; nếu có, "
                              f"bật mã hóa: {PORTS['smtp']}.")
        if s.auth == "password":
            raise CheckFailed(f"máy chủ không nhận đăng nhập bằng mật khẩu (chỉ nhận: {shown})",
                              no_password_advice("smtp", self.provider))
        raise CheckFailed(f"máy chủ không nhận XOAUTH2 (chỉ nhận: {shown})",
                          "Máy chủ này không nhận OAuth2: kiểm tra khóa host, hoặc dùng auth = \"password\".")

    def _login(self) -> str:
        assert self.client is not None
        s = self.settings.smtp
        if not s.user:
            return "không đăng nhập (chưa đặt smtp.user)"
        try:
            signin.smtp_login(self.client, self.settings)
        except signin.SignInFailed as err:
            raise CheckFailed(cause_detail(err.cause),
                              signin_advice(err.cause, "smtp", self.settings, self.provider)) from None
        return "đã đăng nhập bằng mật khẩu" if s.auth == "password" else "đã đăng nhập bằng XOAUTH2"

    def _send(self) -> str:
        assert self.client is not None and self.send_test
        raw = build_test_mail(self.settings, self.send_test, datetime.now(UTC))
        try:
            self.client.sendmail(self.settings.smtp.sender, [self.send_test], raw)
        except smtplib.SMTPRecipientsRefused as err:
            code, reply = next(iter(err.recipients.values()))
            text = f"{code} {_decoded(reply)}"
            raise CheckFailed(f"máy chủ từ chối người nhận: “{text[:160]}”",
                              send_refused_advice(text, self.settings)) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as err:
            text = f"{err.smtp_code} {_decoded(err.smtp_error)}"
            raise CheckFailed(f"máy chủ từ chối thư: “{text[:160]}”", send_refused_advice(text, self.settings)) from None
        return "đã gửi; mở hộp thư đó để xác nhận thư đã đến"

    def close(self) -> None:
        self.raw.close()
        client, self.client = self.client, None
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                pass
