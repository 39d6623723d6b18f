"""Fault injection inside real worker processes (importable by the forkserver).

`FaultyPool` is the real WorkerPool whose workers, after the real start-up, are told to
misbehave for sources whose name contains a keyword:
- "fatal": every resource fetch raises WeasyPrint's FatalURLFetchingError (a BaseException);
- "crash": the worker kills itself with SIGKILL (a segfault or the OOM killer look the same);
- "hang": the worker blocks SIGALRM and sleeps (C code that never returns to Python);
- "raise": produce raises a plain KeyError (a bug in a stage).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from editorial import stages, workers
from editorial.config import Settings


def _init_faulty(settings: Settings, claims_dir: str = "") -> None:
    # What _init_worker does, minus warming both spaCy models: a restarted pool would load
    # them again after every injected crash (the articles here are English, loaded lazily).
    import resource

    workers._claims_dir = claims_dir
    limit = settings.limits.worker_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from editorial.extract.nlp import warm_up

    warm_up(("en",))
    from weasyprint.urls import FatalURLFetchingError

    import editorial.render.pdf  # noqa: F401
    from editorial.render import fetcher

    real_fetch = fetcher.SafeFetcher.fetch

    def fetch(self: Any, url: str, headers: object = None) -> Any:
        if "fatal" in url:
            raise FatalURLFetchingError(f"injected fatal error fetching {url}")
        return real_fetch(self, url, headers)

    fetcher.SafeFetcher.fetch = fetch  # type: ignore[method-assign]
    real_produce = workers.produce

    def produce(job: stages.Job, settings: Settings) -> Any:
        name = os.path.basename(job.source)
        if "crash" in name:
            os.kill(os.getpid(), signal.SIGKILL)
        if "hang" in name:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(3600)
        if "raise" in name:
            raise KeyError("injected bug")
        return real_produce(job, settings)

    workers.produce = produce  # type: ignore[assignment]


class FaultyPool(workers.WorkerPool):
    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_init_faulty,
            initargs=(self.settings, str(self._claims)),
        )
        self._executors[self._generation] = executor
        return executor
