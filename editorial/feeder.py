"""Prefetching for the flows: produce articles ahead, on a worker pool, of the tasks that
publish them."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, wait

from editorial.model import ArticleResult
from editorial.stages import Job, Produced
from editorial.workers import WorkerPool


class Feeder:
    """Produces `jobs` on `pool` in order, ahead of whoever takes the outcomes.

    The flows start one before Prefect is up (the temporary server takes seconds to start)
    and take each article's outcome from it when its task runs, so the workers never wait
    for the orchestration. At most `ahead` outcomes are held at once (in flight or produced
    and not yet taken; about 0.5 MB each): memory does not grow with N, and the default covers
    a temporary Prefect server's start-up (7-10 s here, about 25 articles). `take(job)` of a
    job the feeder was not given produces it directly."""

    AHEAD = 48

    def __init__(self, pool: WorkerPool, jobs: Iterable[Job], ahead: int | None = None) -> None:
        self.pool = pool
        self.ahead = max(1, ahead or self.AHEAD)
        self._queue = deque(dict.fromkeys(jobs))
        self._queued = set(self._queue)
        self._futures: dict[Job, Future[Produced | ArticleResult]] = {}
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="editorial-feeder", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and self._queue and len(self._futures) >= self.ahead:
                    self._cond.wait(0.5)
                    self._enforce()
                if self._closed or not self._queue:
                    break
                job = self._queue.popleft()
                self._futures[job] = self.pool.submit(job)
                self._cond.notify_all()
        while True:  # keep enforcing deadlines on what is still in flight
            with self._cond:
                if self._closed or not self._futures:
                    return
                self._cond.wait(0.5)
                self._enforce()

    def _enforce(self) -> None:
        self.pool.enforce_deadlines([f for f in self._futures.values() if not f.done()])

    def take(self, job: Job) -> Produced | ArticleResult:
        """The outcome of `job` (blocking), produced ahead when the feeder was given it."""
        with self._cond:
            while job in self._queued and job not in self._futures and not self._closed:
                self._cond.wait(0.5)
            future = self._futures.get(job)
        if future is None:
            return self.pool.produce(job)
        while not future.done():
            wait([future], timeout=0.5)
            self.pool.enforce_deadlines([future])
        with self._cond:
            self._futures.pop(job, None)
            self._queued.discard(job)
            self._cond.notify_all()
        outcome = self.pool.resolve(future)
        # None: an innocent victim of another job's crash; produce it again.
        return outcome if outcome is not None else self.pool.produce(job)

    def close(self) -> None:
        """Stop feeding; outcomes nobody took are dropped."""
        with self._cond:
            self._closed = True
            for future in self._futures.values():
                future.cancel()
            self._cond.notify_all()
        self._thread.join(timeout=5)

    def __enter__(self) -> Feeder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
