"""The whole configuration: config.toml read with tomllib into one validated Settings model."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from intake.config import ImapSettings, IntakeSettings, OAuth2Settings, SmtpSettings
from intake.quota import QuotaRules
from reports.config import ReportSettings
from web.config import WebSettings
from store.config import DatabaseSettings


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line naming the key."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    imap: ImapSettings = Field(default_factory=ImapSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    quota: QuotaRules = Field(default_factory=QuotaRules)
    web: WebSettings = Field(default_factory=WebSettings)
    oauth2: OAuth2Settings = Field(default_factory=OAuth2Settings)
    base_dir: Path = Path(".")

    @property
    def uses_oauth2(self) -> bool:
        return self.imap.auth == "oauth2" or self.smtp.auth == "oauth2"

    @model_validator(mode="after")
    def _oauth2_complete(self) -> Settings:
        if self.uses_oauth2:
            missing = self.oauth2.check_complete()
            if missing:
                raise _KeyError(f"oauth2.{missing}")
            if self.smtp.auth == "oauth2" and not self.smtp.user:
                raise _KeyError("smtp.user: required when smtp.auth = \"oauth2\" (the mailbox acted as)")
        return self

    def secret(self, env_name: str) -> str | None:
        """The value of a secret's environment variable, or None when unset."""
        return os.environ.get(env_name) or None

    def path(self, value: Path) -> Path:
        """A configured path, relative paths taken from the config file's folder."""
        return value if value.is_absolute() else self.base_dir / value

    def units_path(self) -> Path | None:
        """The units directory CSV, or None for the directory shipped with the software."""
        return self.path(self.intake.units_file) if self.intake.units_file else None


class _KeyError(ValueError):
    """A cross-section check; its message already starts with the key it names."""


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, _KeyError):
        return f"config error: {cause}"
    key = ".".join(str(p) for p in first["loc"])
    return f"config error: {key}: {first['msg']}"


def parse_settings(data: dict[str, Any], base_dir: Path) -> Settings:
    """Validate a config mapping; raise ConfigError with one line on the first problem."""
    try:
        settings = Settings.model_validate({**data, "base_dir": base_dir})
    except ValidationError as err:
        raise ConfigError(_describe(err)) from None
    return settings


def load_settings(path: Path) -> Settings:
    """Read and validate config.toml; a missing file or bad TOML is a ConfigError too."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config error: file not found: {path}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config error: {path}: {err}") from None
    return parse_settings(data, path.resolve().parent)
