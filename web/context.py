"""What every page needs, gathered once at start: settings, the database, the units, the worker."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from domain.units import UnitDirectory
from intake.worker import Worker
from settings import Settings
from web.config import WebSettings
from web.throttle import SignInThrottle


@dataclass
class WebContext:
    settings: Settings
    web: WebSettings
    engine: Engine
    units: UnitDirectory
    secret: str
    make_worker: Callable[[], Worker]
    throttle: SignInThrottle = field(init=False)  # built from the [web] settings
    _worker: Worker | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.throttle = SignInThrottle.for_settings(self.web)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.intake.timezone)

    def worker(self) -> Worker:
        """The worker staff actions run through, built on first use (it opens no connection itself)."""
        with self._lock:
            if self._worker is None:
                self._worker = self.make_worker()
            return self._worker

    def unit_name(self, code: str | None) -> str:
        unit = self.units.by_code(code)
        return unit.name if unit else (code or "")


def web_settings(settings: Settings) -> WebSettings:
    """The [web] section once Settings carries it; the defaults until then."""
    found = getattr(settings, "web", None)
    return found if isinstance(found, WebSettings) else WebSettings()


def load_secret(settings: Settings, web: WebSettings) -> str:
    """The cookie-signing secret: from the environment, else a file made once with a random value."""
    value = settings.secret(web.secret_env)
    if value:
        return value
    path: Path = settings.path(web.secret_file)
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()
