"""`dhtt doctor`'s IMAP checks, over one real session from the capabilities to MOVE."""

from __future__ import annotations

import ssl
from collections.abc import Callable

import imapclient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from intake import signin
from intake.errors import SignInFailed
from intake.doctor import CheckFailed, Step
from intake.doctor_advice import PORTS, cause_detail, detect_provider, no_password_advice, signin_advice
from intake.doctor_net import (CONNECT_TIMEOUT, PASSWORD_MECHANISMS, RawProbe, certificate_detail, error_text,
                               protocol_steps, tls_context)
from settings import Settings


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
        first = protocol_steps(self.raw, step, self._tls, s.security)
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
            return shown
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
        except SignInFailed as err:
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
            raise CheckFailed(f"không mở được thư mục {name}: “{error_text(err)}”",
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
            raise CheckFailed(f"chưa có và máy chủ không cho tạo: “{error_text(err)}”",
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
