"""Settings of the mailbox, the SMTP relay and the intake rules, as read from config.toml."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

AuthMode = Literal["password", "oauth2"]


class ImapSettings(BaseModel):
    """The Sở mailbox. The password is read from the environment variable named here."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=993, ge=1, le=65535)
    security: Literal["tls", "starttls", "none"] = "tls"
    auth: AuthMode = "password"
    user: str = "phongcntt.soninhbinh@moet.edu.vn"  # with oauth2: the mailbox acted as (XOAUTH2 user=)
    password_env: str = "DHTT_IMAP_PASSWORD"
    sasl_mechanism: Literal["xoauth2", "oauthbearer"] = "xoauth2"  # oauth2 only
    inbox: str = "INBOX"
    processed_folder: str = "DHTT/Processed"
    quarantine_folder: str = "DHTT/Quarantine"
    verify_certificate: bool = True
    idle: bool = True
    idle_renew_seconds: int = Field(default=600, ge=5, le=1740)  # RFC 2177: under 29 minutes
    fetch_batch: int = Field(default=50, ge=1, le=500)
    timeout_seconds: float = Field(default=30.0, gt=0)


class SmtpSettings(BaseModel):
    """The relay replies and digests go through. The password, if any, comes from the environment."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["tls", "starttls", "none"] = "starttls"
    auth: AuthMode = "password"
    user: str | None = None  # with oauth2: the mailbox acted as
    password_env: str = "DHTT_SMTP_PASSWORD"
    sender: str = "phongcntt.soninhbinh@moet.edu.vn"
    sender_name: str = "Sở Giáo dục và Đào tạo Ninh Bình"
    timeout_seconds: float = Field(default=30.0, gt=0)


Provider = Literal["microsoft", "google", "generic"]
Flow = Literal["client_credentials", "device_code", "authorization_code", "refresh_token"]
# Which flows each provider's code path implements.
FLOWS: dict[str, tuple[str, ...]] = {
    "microsoft": ("client_credentials", "device_code"),
    "google": ("authorization_code",),
    "generic": ("client_credentials", "refresh_token"),
}


class OAuth2Settings(BaseModel):
    """Token-based sign-in (read only when imap.auth or smtp.auth is "oauth2"). Secrets come from
    the environment or a file, never from config.toml."""

    model_config = ConfigDict(extra="forbid")

    provider: Provider = "microsoft"
    flow: Flow = "client_credentials"
    tenant: str = ""  # microsoft: tenant id or domain
    client_id: str = ""
    scopes: list[str] = Field(default_factory=list)  # empty: the provider's defaults for the flow
    token_url: str = ""  # generic: the token endpoint; others: optional override
    authority_url: str = ""  # microsoft: optional override of https://login.microsoftonline.com
    secret_env: str = "DHTT_OAUTH2_CLIENT_SECRET"
    secret_file: Path | None = None
    certificate_file: Path | None = None  # microsoft app-only: PEM with private key and certificate
    secret_expires: date | None = None  # admins are warned ahead of it
    token_file: Path = Path("var/oauth2/grant.json")
    timeout_seconds: float = Field(default=30.0, gt=0)

    @field_validator("secret_file", "certificate_file", "secret_expires", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _flow_fits_provider(self) -> OAuth2Settings:
        if self.flow not in FLOWS[self.provider]:
            allowed = ", ".join(FLOWS[self.provider])
            raise ValueError(f"flow “{self.flow}” không dùng được với provider “{self.provider}” (chỉ có: {allowed})")
        return self

    def check_complete(self) -> str | None:
        """The first key missing for sign-in to work, as 'key: why', or None when complete."""
        if not self.client_id:
            return "client_id: cần khai báo khi dùng auth = \"oauth2\""
        if self.provider == "generic" and not self.token_url:
            return "token_url: cần khai báo với provider = \"generic\" (địa chỉ cấp mã truy cập)"
        if self.provider == "microsoft" and not self.tenant and not self.authority_url:
            return "tenant: cần khai báo với provider = \"microsoft\" (mã hoặc tên miền của tổ chức)"
        return None


class IntakeSettings(BaseModel):
    """Rules of the intake: our own addresses, limits, time zone and the units directory."""

    model_config = ConfigDict(extra="forbid")

    own_addresses: list[str] = Field(default_factory=lambda: ["phongcntt.soninhbinh@moet.edu.vn"])
    storage_dir: Path = Path("var/storage")
    units_file: Path | None = None  # None: the Ninh Bình directory shipped with the software
    timezone: str = "Asia/Ho_Chi_Minh"
    poll_seconds: int = Field(default=60, ge=5)
    reference_prefix: str = "DHTT"
    message_id_domain: str = "dhtt.soninhbinh.local"
    max_message_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    max_attachments: int = Field(default=50, ge=1)
    max_failures: int = Field(default=3, ge=1)  # then the mail is quarantined
    admins: list[str] = Field(default_factory=list)  # alerts: mailbox down/up, quarantine
    staff: list[str] = Field(default_factory=list)  # digests and reports
    alert_after_minutes: float = Field(default=15, gt=0)
    max_replies_per_hour: int = Field(default=5, ge=1)  # to one address answering our own mail
    reader_processes: int = Field(default=1, ge=0, le=8)  # 0: read mail in the worker process itself
    reader_memory_mb: int = Field(default=2048, ge=256)  # address-space limit of a reader process
    # sender authentication and reply caps
    max_replies_per_day: int = Field(default=300, ge=1)  # to one address, any mail: the last stop of a loop
    authserv_id: list[str] = Field(default_factory=list)  # our receiving server's; empty: the topmost header

    @field_validator("authserv_id", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value
    # Reading budgets: untrusted bytes are read within these, or the mail gets a recorded outcome.
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)  # one header value, cut before decoding
    max_nesting_depth: int = Field(default=8, ge=1, le=50)  # multiparts and forwarded mails looked into
    document_seconds: float = Field(default=20.0, ge=0)  # one attachment; over it: unreadable_attachment
    mail_seconds: float = Field(default=60.0, ge=0)  # one whole mail; over it: reader replaced, quarantine
    # Digital signatures of PDFs: a folder of CA certificates (PEM/DER) the Sở installs, e.g. the national
    # root CA; empty: signatures are checked but whether their chain is trusted is not (nothing shipped).
    trust_roots_dir: Path | None = None

    @field_validator("trust_roots_dir", mode="before")
    @classmethod
    def _no_folder(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("own_addresses", "admins", "staff")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [v.strip().lower() for v in value]
