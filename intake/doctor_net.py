"""What `dhtt doctor`'s IMAP and SMTP checks share: TLS settings and the first connection.

The first connection is opened by hand (socket, TLS, greeting) so that a DNS failure, a refused port,
a certificate and a wrong protocol each get their own line; imaplib and smtplib hide which of these
failed behind one exception. The session after that uses imapclient / smtplib as the worker does.
"""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Callable
from datetime import UTC, datetime

from intake.doctor import CheckFailed, Step
from intake.doctor_advice import PORTS, Section, greeting_problem

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


def protocol_steps(raw: RawProbe, step: Callable[..., Step], tls: Callable[[], str], security: str) -> list[Step]:
    """Connect, TLS and greeting in the order the configured security has them happen."""
    p = raw.section
    connect = step(f"{p}.connect", "Kết nối", raw.connect, blocks="chưa kết nối được")
    if security == "tls":
        return [connect,
                step(f"{p}.tls", "Mã hóa TLS và chứng chỉ", tls, (f"{p}.connect",), "chưa mã hóa được kết nối"),
                step(f"{p}.greeting", "Lời chào của máy chủ", raw.greet, (f"{p}.tls",), "máy chủ chưa trả lời đúng")]
    return [connect,
            step(f"{p}.greeting", "Lời chào của máy chủ", raw.greet, (f"{p}.connect",), "máy chủ chưa trả lời đúng")]


def decoded(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def error_text(err: Exception) -> str:
    return str(err).strip().strip("b'\"")[:160]
