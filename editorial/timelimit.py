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
    it is a no-op and the caller's own deadline applies. SIGALRM cannot interrupt C code that
    never returns to Python: the worker pool's hard deadline (`pipeline.job_budget`) kills it."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise StageTimeout(f"{what} took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    # Fire again every second after the first: library code that swallows exceptions
    # (`except Exception` around an image decode) cannot keep the stage running.
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
