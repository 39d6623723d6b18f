"""A wall-clock limit for a stage running in the main thread of a (worker) process."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from editorial.errors import StageTimeout


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise StageTimeout if the block runs longer than `seconds`.

    Uses SIGALRM, so it only applies in a process's main thread (our worker processes); elsewhere
    it is a no-op and the caller's own deadline applies."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise StageTimeout(f"{what} took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
