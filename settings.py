"""The whole configuration: config.toml read with tomllib into one validated Settings model."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.quota import QuotaRules
from intake.config import ImapSettings, IntakeSettings, OAuth2Settings, SmtpSettings
from reports.config import ReportSettings
from store.config import DatabaseSettings
from web.config import WebSettings


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line naming the key."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    imap: ImapSettings = Field(default_factory=ImapSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    oauth2: OAuth2Settings = Field(default_factory=OAuth2Settings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    quota: QuotaRules = Field(default_factory=QuotaRules)
    web: WebSettings = Field(default_factory=WebSettings)
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
                raise _KeyError("smtp.user: cần khai báo khi smtp.auth = \"oauth2\" (địa chỉ hộp thư gửi thư trả lời)")
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


# Pydantic's error types, said in Vietnamese for the operator who edits config.toml.
_PROBLEMS = {
    "missing": "thiếu giá trị bắt buộc",
    "extra_forbidden": "khóa này không có trong cấu hình của dhtt (kiểm tra lại tên khóa)",
    "int_parsing": "cần một số nguyên", "int_type": "cần một số nguyên",
    "float_parsing": "cần một số", "float_type": "cần một số",
    "bool_parsing": "cần true hoặc false", "bool_type": "cần true hoặc false",
    "string_type": "cần một chuỗi trong dấu nháy kép", "list_type": "cần một danh sách [ … ]",
    "dict_type": "cần một mục [ … ]", "model_type": "cần một mục [ … ]",
    "path_type": "cần một đường dẫn",
}


def _problem(error: Any) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _PROBLEMS:
        return _PROBLEMS[kind]
    bounds = {"greater_than_equal": ("lớn hơn hoặc bằng", "ge"), "greater_than": ("lớn hơn", "gt"),
              "less_than_equal": ("nhỏ hơn hoặc bằng", "le"), "less_than": ("nhỏ hơn", "lt")}
    if kind in bounds:
        words, key = bounds[kind]
        return f"phải {words} {ctx.get(key)}"
    if kind == "literal_error":
        return f"chỉ nhận một trong các giá trị {ctx.get('expected', '')}".replace(" or ", ", ")
    if kind == "value_error":  # our own validators write their message for the operator
        return str(ctx.get("error", error["msg"]))
    return f"giá trị không hợp lệ (mã lỗi {kind})"


class _KeyError(ValueError):
    """A cross-section check; its message already starts with the key it names."""


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, _KeyError):
        return f"lỗi cấu hình: {cause}"
    key = ".".join(str(p) for p in first["loc"])
    return f"lỗi cấu hình: {key}: {_problem(first)}"


def parse_settings(data: dict[str, Any], base_dir: Path) -> Settings:
    """Validate a config mapping; raise ConfigError with one line on the first problem."""
    try:
        settings = Settings.model_validate({**data, "base_dir": base_dir})
    except ValidationError as err:
        raise ConfigError(_describe(err)) from None
    return settings


_TOML_PLACE = re.compile(r"line (\d+), column (\d+)")


def load_settings(path: Path) -> Settings:
    """Read and validate config.toml; a missing file or bad TOML is a ConfigError too."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"lỗi cấu hình: không tìm thấy tệp {path.resolve()} (chỉ tệp khác bằng --config)") from None
    except tomllib.TOMLDecodeError as err:
        place = _TOML_PLACE.search(str(err))
        where = f" ở dòng {place.group(1)}, cột {place.group(2)}" if place else ""
        raise ConfigError(f"lỗi cấu hình: tệp {path} viết sai cú pháp TOML{where}") from None
    return parse_settings(data, path.resolve().parent)
