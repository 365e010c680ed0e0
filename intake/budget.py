"""Time budgets for reading untrusted bytes: an alarm interrupts a parse that runs too long.

Only the main thread can take signals, which is where the reader process runs its tasks; anywhere
else the budget is not enforced here and the worker's per-mail limit on the reader is the backstop.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Overrun(BaseException):
    """The budget ran out. A BaseException, so a library's `except Exception` cannot swallow it."""


def _ring(signum: int, frame: FrameType | None) -> None:
    raise Overrun()


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise Overrun in the block once `seconds` of wall time have passed (0: no budget)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous or signal.SIG_DFL)
