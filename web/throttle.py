"""Slows down repeated failed sign-ins, per account name and per client address.

Kept in memory: the web runs as one process, and a restart forgetting the counts only
gives an attacker back a few free guesses, each already costing an Argon2 verification.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Record:
    failures: int = 0
    blocked_until: float = 0.0
    last: float = 0.0


class SignInThrottle:
    """After `free` failures each further one doubles the wait, up to `cap` seconds."""

    def __init__(self, free: int = 3, cap: int = 300, forget_after: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.cap, self.forget_after, self.clock = free, cap, forget_after, clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, *keys: str) -> int:
        """How long these keys must still wait before the next attempt (0: go ahead)."""
        now = self.clock()
        with self._lock:
            waits = [r.blocked_until - now for k in keys if (r := self._records.get(k))]
        return max([0, *[int(w) + 1 for w in waits if w > 0]])

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                record = self._records.get(key)
                if record is None or now - record.last > self.forget_after:
                    record = self._records[key] = _Record()
                record.failures += 1
                record.last = now
                over = record.failures - self.free
                if over > 0:
                    record.blocked_until = now + min(2 ** (over - 1), self.cap)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._records.pop(key, None)
