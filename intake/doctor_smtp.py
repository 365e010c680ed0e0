"""`dhtt doctor`'s SMTP checks, over one real session from EHLO to the optional test mail."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from datetime import UTC, datetime

from domain.wording import moment_text
from intake import signin
from intake.errors import SignInFailed
from intake.doctor import CheckFailed, Step
from intake.doctor_advice import (PORTS, cause_detail, detect_provider, no_password_advice, send_refused_advice,
                                  signin_advice)
from intake.doctor_net import (CONNECT_TIMEOUT, PASSWORD_MECHANISMS, RawProbe, certificate_detail, decoded,
                               protocol_steps, tls_context)
from intake.outgoing import OutgoingMail, ReplySettings, message_id, render
from settings import Settings


def build_test_mail(settings: Settings, address: str, now: datetime) -> bytes:
    """The Vietnamese test mail of `--send-test`, through the same envelope writer as every reply."""
    smtp = settings.smtp
    replies = ReplySettings.of(settings)
    context = {"office": smtp.sender_name, "addressee": "Cán bộ kỹ thuật", "contact": "",
               "moment": moment_text(now), "mailbox": smtp.sender, "server": smtp.host}
    text, html = render("doctor_test", **context)
    # Not an answer to anyone's mail, so it is marked Auto-Submitted: auto-generated.
    mail = OutgoingMail(message_id=message_id("alert_test", f"{now:%Y%m%d%H%M%S%f}", replies), kind="alert_test",
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
        steps = protocol_steps(self.raw, step, self.raw.tls, s.security)
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
            return shown
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
        except SignInFailed as err:
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
            text = f"{code} {decoded(reply)}"
            raise CheckFailed(f"máy chủ từ chối người nhận: “{text[:160]}”",
                              send_refused_advice(text, self.settings)) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as err:
            text = f"{err.smtp_code} {decoded(err.smtp_error)}"
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
