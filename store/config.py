"""Database settings: any SQLAlchemy URL; SQLite file by default."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator


class DatabaseSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = "sqlite:///var/dhtt.sqlite"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("only sqlite:/// and postgresql+psycopg:// URLs are supported")
        return value
