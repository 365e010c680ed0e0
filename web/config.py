"""The [web] section of config.toml: where the pages are served and how sign-ins are kept."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class WebSettings(BaseModel):
    """Every key has a default; the address is loopback so nothing is exposed until an operator says so."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"  # 0.0.0.0 only behind the office firewall or a reverse proxy
    port: int = Field(default=8080, ge=1, le=65535)
    secret_env: str = "DHTT_WEB_SECRET"  # signs session cookies; when unset, secret_file is used
    secret_file: Path = Path("var/web-secret")  # created (mode 0600) on first start if missing
    session_hours: int = Field(default=12, ge=1, le=24 * 30)  # a sign-in lasts at most this long
    secure_cookies: bool = False  # true when served over HTTPS (behind a reverse proxy)
    page_size: int = Field(default=50, ge=10, le=500)  # mails per page of the intake log
    max_failed_sign_ins: int = Field(default=3, ge=1)  # free attempts before each try must wait
    max_wait_seconds: int = Field(default=300, ge=1)  # the longest wait of one client address
    # the longest wait of one account name: short, so a stranger guessing it cannot lock its owner out
    max_name_wait_seconds: int = Field(default=30, ge=1)
