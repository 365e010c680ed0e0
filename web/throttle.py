"""Slows down repeated failed sign-ins, per client address and per account name.

The rule (also in docs/huong-dan-van-hanh.md):
- Each attempt is counted as a failure *before* its password is checked, in the same locked step
  that decides whether it may go ahead; a sign-in that succeeds takes its count back. So of 40
  guesses sent at once only `max_failed_sign_ins` are ever checked: the others are refused without
  touching Argon2, which is what made counting after the check useless (37 of 40 got through).
- After `max_failed_sign_ins` failures a key must wait 1 s, then 2, 4, 8 … seconds per further failure.
- A client address waits at most `max_wait_seconds` (300 s by default): the guesser slows himself.
- An account name waits at most `max_name_wait_seconds` (30 s by default): the name's counter stops
  many addresses sharing the guessing of one password, but a stranger guessing a colleague's name
  can lock that name for half a minute at a time, and only as often as his own address is let
  through (every five minutes once he has kept trying). The real user, from his own address, waits
  at most that half minute; a correct password clears the name's counter.

Kept in memory: the web runs as one process, and a restart forgetting the counts only gives an
attacker back a few free guesses, each already costing an Argon2 verification.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from web.config import WebSettings

MAX_RECORDS = 20_000  # per kind: beyond this, records that block nobody are forgotten, oldest first
MAX_KEY = 256  # a name longer than any account's is still counted, under its first characters


@dataclass
class _Record:
    failures: int = 0
    blocked_until: float = 0.0
    last: float = 0.0


class _Table:
    """The counters of one kind of key (names or addresses) and their longest wait."""

    def __init__(self, cap: float) -> None:
        self.cap = cap
        self.records: dict[str, _Record] = {}

    def get(self, key: str, now: float, forget_after: float) -> _Record:
        record = self.records.get(key)
        if record is None or (now - record.last > forget_after and record.blocked_until <= now):
            if len(self.records) >= MAX_RECORDS:
                self._prune(now)
            record = self.records[key] = _Record(last=now)
        return record

    def _prune(self, now: float) -> None:
        idle = sorted((r.last, k) for k, r in self.records.items() if r.blocked_until <= now)
        for _, key in idle[: max(len(idle) // 2, 1)]:
            del self.records[key]


class SignInThrottle:
    """Decides, under one lock, whether a sign-in may be checked now, and counts it in advance."""

    def __init__(self, free: int = 3, cap: int = 300, name_cap: int = 30, forget_after: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.forget_after, self.clock = free, forget_after, clock
        self._names, self._addresses = _Table(min(name_cap, cap)), _Table(cap)
        self._lock = threading.Lock()

    @classmethod
    def for_settings(cls, web: WebSettings, clock: Callable[[], float] = time.monotonic) -> SignInThrottle:
        return cls(free=web.max_failed_sign_ins, cap=web.max_wait_seconds, name_cap=web.max_name_wait_seconds,
                   clock=clock)

    def _pairs(self, name: str, address: str, now: float) -> list[tuple[_Record, _Table]]:
        name_key = name.strip().casefold()[:MAX_KEY]
        return [(self._names.get(name_key, now, self.forget_after), self._names),
                (self._addresses.get(address[:MAX_KEY], now, self.forget_after), self._addresses)]

    def begin(self, name: str, address: str) -> int:
        """0 when this attempt may be checked (and it is counted as failed until `succeeded`),
        else the whole seconds still to wait (and nothing is counted)."""
        now = self.clock()
        with self._lock:
            pairs = self._pairs(name, address, now)
            wait = max(record.blocked_until - now for record, _ in pairs)
            if wait > 0:
                return math.ceil(wait)
            for record, table in pairs:
                record.failures += 1
                record.last = now
                if record.failures >= self.free:
                    record.blocked_until = now + min(2 ** (record.failures - self.free), table.cap)
            return 0

    def succeeded(self, name: str, address: str) -> None:
        """The password was right: the name starts afresh; the address gets this attempt back."""
        now = self.clock()
        with self._lock:
            (_, names), (address_record, _) = self._pairs(name, address, now)
            names.records.pop(name.strip().casefold()[:MAX_KEY], None)
            address_record.failures = max(address_record.failures - 1, 0)
            if address_record.failures < self.free:
                address_record.blocked_until = 0.0
