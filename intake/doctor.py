"""`dhtt doctor`: checks the configuration, database, storage, IMAP and SMTP one step at a time and
says, for each failure, what to do in Vietnamese. Steps after a failed one they need are skipped."""

from __future__ import annotations

import os
import shutil
import ssl
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from imapclient.exceptions import IMAPClientError
from pydantic import BaseModel

from intake.config import OAuth2Settings
from intake.doctor_advice import GUIDE, Section, network_problem
from settings import Settings

MIN_FREE_BYTES = 1024**3  # raw mail is kept for good: below 1 GiB free, a busy quarter can fill the disk
SECRET_WARN_DAYS = 30  # a client secret closer than this to its expiry is reported as a failure


class Status(StrEnum):
    ok = "ok"
    failed = "failed"
    skipped = "skipped"


class Check(BaseModel):
    """One line of the report: what was checked, how it went, and on failure what to do."""

    group: str
    key: str  # stable English id ("imap.login"), for tests and for the steps that need it
    name: str  # Vietnamese
    status: Status
    detail: str = ""
    advice: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.ok


class CheckFailed(Exception):
    """Raised by a step: what went wrong and what to do, both Vietnamese."""

    def __init__(self, detail: str, advice: str) -> None:
        super().__init__(detail)
        self.detail, self.advice = detail, advice


@dataclass
class Step:
    """A check to run: `run` returns the detail of a pass or raises CheckFailed."""

    group: str
    key: str
    name: str
    run: Callable[[], str]
    needs: tuple[str, ...] = ()
    blocks: str = ""  # why the steps needing this one are skipped when it fails ("chưa kết nối được")
    section: Section | None = None  # network errors are explained for this server
    where: tuple[str, int, float] = field(default=("", 0, 0.0))


NETWORK_ERRORS = (OSError, EOFError, ssl.SSLError, IMAPClientError, smtplib.SMTPException)


def run_steps(steps: Iterable[Step]) -> list[Check]:
    """Run the steps in order; a step whose prerequisite did not pass is skipped, saying why."""
    results: list[Check] = []
    why_not: dict[str, str] = {}  # key of a step that did not pass -> why its dependants are skipped
    for step in steps:
        blocked = next((why_not[k] for k in step.needs if k in why_not), None)
        if blocked is not None:
            why_not[step.key] = blocked
            results.append(Check(group=step.group, key=step.key, name=step.name, status=Status.skipped,
                                 detail=f"không kiểm tra vì {blocked}"))
            continue
        check = _run_one(step)
        if not check.ok:
            why_not[step.key] = step.blocks or "bước trước chưa đạt"
        results.append(check)
    return results


def _run_one(step: Step) -> Check:
    base = {"group": step.group, "key": step.key, "name": step.name}
    try:
        return Check(**base, status=Status.ok, detail=step.run())
    except CheckFailed as err:
        return Check(**base, status=Status.failed, detail=err.detail, advice=err.advice)
    except NETWORK_ERRORS as err:
        if step.section is None:
            raise
        host, port, timeout = step.where
        detail, advice = network_problem(err, step.section, host, port, timeout)
        return Check(**base, status=Status.failed, detail=detail, advice=advice)


# --- configuration --------------------------------------------------------------------------

def uses_oauth2(settings: Settings) -> bool:
    return "oauth2" in (settings.imap.auth, settings.smtp.auth)


def check_password(settings: Settings, section: Section) -> str:
    """Passes when the password's environment variable is set; never reads out its value."""
    server = settings.imap if section == "imap" else settings.smtp
    if section == "smtp" and not settings.smtp.user:
        return "không cần (chưa đặt smtp.user: gửi thư không đăng nhập)"
    if settings.secret(server.password_env) is None:
        raise CheckFailed(f"biến môi trường {server.password_env} chưa có giá trị",
                          f"Đặt mật khẩu của {server.user} vào biến môi trường {server.password_env} của dịch vụ "
                          f"(ví dụ dòng Environment= hoặc EnvironmentFile= của systemd), không ghi vào config.toml.")
    return f"đã có trong biến môi trường {server.password_env}"


def oauth2_missing(o: OAuth2Settings) -> list[str]:
    """The [oauth2] keys this provider and flow need but the configuration leaves empty."""
    wanted = ["client_id"]
    if o.provider == "microsoft" and o.flow in ("client_credentials", "device_code"):
        wanted.append("tenant")
    if o.provider == "generic":
        wanted.append("token_url")
    return [key for key in wanted if not getattr(o, key)]


def check_oauth2(settings: Settings) -> str:
    missing = oauth2_missing(settings.oauth2)
    if missing:
        raise CheckFailed(f"mục [oauth2] thiếu {', '.join(missing)}",
                          f"Điền các khóa còn thiếu theo ví dụ của nhà cung cấp ở mục 8 của {GUIDE}.")
    o = settings.oauth2
    return f"nhà cung cấp {o.provider}, luồng {o.flow}" + (f", tổ chức {o.tenant}" if o.tenant else "")


def needs_secret(settings: Settings) -> bool:
    o = settings.oauth2
    if o.flow == "client_credentials":
        return not o.certificate_file
    return o.provider == "google"  # an installed app's client secret is part of its code exchange


def _file_problem(path: Path, what: str) -> CheckFailed | None:
    if not path.is_file() or not os.access(path, os.R_OK):
        return CheckFailed(f"không đọc được tệp {what} {path}",
                           f"Kiểm tra đường dẫn và cho tài khoản chạy dhtt quyền đọc tệp {path}.")
    if path.stat().st_mode & 0o077:
        return CheckFailed(f"tệp {what} {path} đang để người khác đọc được",
                           f"Chỉ để tài khoản chạy dhtt đọc tệp này: chmod 600 {path}.")
    return None


def check_oauth2_secret(settings: Settings) -> str:
    """Where the client secret or certificate comes from; never its content."""
    o = settings.oauth2
    if o.certificate_file:
        path = settings.path(Path(o.certificate_file))
        if (problem := _file_problem(path, "chứng chỉ")) is not None:
            raise problem
        return f"dùng chứng chỉ trong tệp {path}"
    if not needs_secret(settings):
        return f"luồng {o.flow} không cần khóa bí mật"
    if o.secret_file:
        path = settings.path(Path(o.secret_file))
        if (problem := _file_problem(path, "khóa bí mật")) is not None:
            raise problem
        return f"có trong tệp {path}"
    if settings.secret(o.secret_env) is None:
        raise CheckFailed(f"biến môi trường {o.secret_env} chưa có giá trị",
                          f"Đặt khóa bí mật của ứng dụng vào biến môi trường {o.secret_env} hoặc vào một tệp "
                          f"ghi ở secret_file (mục 9 của {GUIDE}).")
    return f"có trong biến môi trường {o.secret_env}"


def check_secret_expiry(value: date | str, today: date) -> str:
    """Passes while the configured expiry of the client secret is more than SECRET_WARN_DAYS away."""
    try:
        expires = value if isinstance(value, date) else date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise CheckFailed(f"secret_expires = \"{value}\" không phải ngày hợp lệ",
                          "Ghi ngày hết hạn theo dạng năm-tháng-ngày, ví dụ secret_expires = \"2027-06-30\".") from None
    left = (expires - today).days
    when = f"{expires:%d/%m/%Y}"
    renew = f"Tạo khóa bí mật mới trong Microsoft Entra, nạp vào dhtt, sửa secret_expires (mục 10 của {GUIDE})."
    if left < 0:
        raise CheckFailed(f"khóa bí mật đã hết hạn từ ngày {when}", renew)
    if left <= SECRET_WARN_DAYS:
        raise CheckFailed(f"khóa bí mật sẽ hết hạn ngày {when} (còn {left} ngày)", renew)
    return f"còn hạn đến ngày {when} (còn {left} ngày)"


def config_steps(settings: Settings, config: Path) -> list[Step]:
    group = "Cấu hình"
    steps = [Step(group, "config.file", "Tệp cấu hình", lambda: f"đã đọc {config}")]
    if settings.imap.auth == "password":
        steps.append(Step(group, "config.imap_secret", "Mật khẩu hộp thư",
                          lambda: check_password(settings, "imap"), blocks="chưa có mật khẩu hộp thư"))
    if settings.smtp.auth == "password":
        steps.append(Step(group, "config.smtp_secret", "Mật khẩu máy chủ gửi thư",
                          lambda: check_password(settings, "smtp"), blocks="chưa có mật khẩu máy chủ gửi thư"))
    if uses_oauth2(settings):
        steps += [
            Step(group, "config.oauth2", "Mục [oauth2]", lambda: check_oauth2(settings),
                 blocks="mục [oauth2] chưa đủ"),
            Step(group, "config.oauth2_secret", "Khóa bí mật của ứng dụng", lambda: check_oauth2_secret(settings),
                 blocks="chưa có khóa bí mật của ứng dụng"),
        ]
        expires = settings.oauth2.secret_expires
        if expires:
            steps.append(Step(group, "config.secret_expires", "Hạn của khóa bí mật",
                              lambda: check_secret_expiry(expires, date.today())))
    return steps


# --- storage --------------------------------------------------------------------------------

def check_writable(folder: Path) -> str:
    """Creates the folder if needed and writes, fsyncs and removes a probe file in it."""
    probe = folder / f".dhtt-doctor-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as handle:
            handle.write(b"dhtt doctor\n")
            handle.flush()
            os.fsync(handle.fileno())
        probe.unlink()
    except OSError as err:
        raise CheckFailed(f"không ghi được vào {folder} ({err.strerror})",
                          f"Cho tài khoản chạy dhtt quyền ghi thư mục này (chown/chmod), hoặc đổi khóa "
                          f"storage_dir trong mục [intake].") from None
    return f"ghi được vào {folder}"


def check_free_space(free_bytes: int, folder: Path) -> str:
    gib = free_bytes / 1024**3
    if free_bytes < MIN_FREE_BYTES:
        left = f"{gib:.2f}".replace(".", ",")  # Vietnamese decimal comma
        raise CheckFailed(f"ổ đĩa chứa {folder} chỉ còn trống {left} GB",
                          "Giải phóng hoặc mở rộng ổ đĩa: dhtt lưu nguyên bản mọi thư và tệp đính kèm, "
                          "cần trống ít nhất 1 GB.")
    return f"còn trống {gib:.1f} GB".replace(".", ",")  # Vietnamese decimal comma


def storage_steps(settings: Settings) -> list[Step]:
    folder = settings.path(settings.intake.storage_dir)
    group = "Lưu trữ"
    return [
        Step(group, "storage.writable", "Thư mục lưu thư", lambda: check_writable(folder),
             blocks="chưa ghi được vào thư mục lưu thư"),
        Step(group, "storage.space", "Dung lượng trống",
             lambda: check_free_space(shutil.disk_usage(folder).free, folder), needs=("storage.writable",)),
    ]


def run_doctor(settings: Settings, config: Path, send_test: str | None = None) -> list[Check]:
    """Every check, in order; the mail servers' connections are closed before returning."""
    from intake.doctor_db import database_steps
    from intake.doctor_imap import ImapProbe
    from intake.doctor_smtp import SmtpProbe

    imap, smtp = ImapProbe(settings), SmtpProbe(settings, send_test)
    try:
        return run_steps([*config_steps(settings, config), *database_steps(settings), *storage_steps(settings),
                          *imap.steps(), *smtp.steps()])
    finally:
        imap.close()
        smtp.close()


def passed(checks: Iterable[Check]) -> bool:
    return all(c.ok for c in checks)

