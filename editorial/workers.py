"""Worker processes: a pool of long-lived workers forked from a preloading fork server, with
a hard deadline per article and crash diagnosis that blames only the article whose worker died.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from editorial.config import Limits, Settings
from editorial.errors import EditorialError, RenderError, StageTimeout
from editorial.model import ArticleResult, Language
from editorial.outcomes import failed
from editorial.stages import Job, Produced, produce

# ---------------------------------------------------------------- worker processes
#
# A worker can die (out of memory, a crash in C code, kill -9) or run away in C code that
# SIGALRM cannot interrupt. Each worker records which job it is running in a claim file named
# after its pid; the parent uses the claims to start each job's hard deadline when it really
# starts, to kill only the worker that overran it, and, when the pool breaks, to blame only
# the job whose worker died (the pool terminates the others with SIGTERM: their jobs are
# innocent and run again). A crash nobody can be blamed for gives every job in flight one more
# try; a job caught in two of them fails.

_claims_dir: str = ""


def job_budget(limits: Limits) -> float:
    """Hard wall clock for one article in a worker: `job_timeout`, else every stage's limit
    plus a margin for start-up and the stages without their own limit."""
    if limits.job_timeout > 0:
        return limits.job_timeout
    return limits.pandoc_timeout + limits.nlp_timeout + limits.render_timeout + 30.0


def _init_worker(
    settings: Settings,
    claims_dir: str = "",
    languages: tuple[Language, ...] = ("en", "fr"),
    render_warmup: bool = False,
) -> None:
    """Worker start-up: memory limit, renderers imported, and the models of `languages` loaded
    before the first article (the others load on first use); with `render_warmup`, every
    stage run once on a short article of each of those languages (`editorial.warmup`)."""
    import resource

    global _claims_dir
    _claims_dir = claims_dir
    limit = settings.limits.worker_memory_mb * 1024 * 1024
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from editorial.extract.nlp import warm_up

    warm_up(languages)
    for module in (
        "editorial.render.pdf",
        "editorial.render.newsletter",
        "editorial.render.social",
    ):
        try:
            __import__(module)
        except ImportError:
            pass
    if render_warmup:
        from editorial import warmup

        warmup.warm_up(settings, languages)
    tune_gc()


# The collector's default first threshold (700 allocations) makes it walk WeasyPrint's and
# spaCy's object graphs hundreds of times per article: 84 ms of collection per article, measured
# with gc.callbacks on 60 bench articles in one warm process. With the models and modules frozen
# out of its sight, a first threshold of 50,000 and one full collection after each article
# (`_produce_in_worker`), it is 23 ms, and the process's memory stays where the default leaves
# it (287 MiB after 60 articles; without the per-article collection: 349 MiB, and growing).
GC_THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Collect once, freeze what is loaded (models, modules) and collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _warm() -> int:
    return os.getpid()


# The fork server every pool's workers come from imports editorial.worker_start once (spaCy,
# the renderers, the models named here): each worker is forked ready instead of importing the
# same ~4 s of modules itself. One fork server per process: the first pool decides.
PRELOAD_ENV = "EDITORIAL_PRELOAD_MODELS"
PRELOAD_MODULES = ["__main__", "editorial.worker_start"]  # "__main__": multiprocessing's default


LAZY_MODELS_UP_TO = 2  # articles per worker: a batch this small loads each model on first use


def batch_languages(articles: int, workers: int) -> tuple[Language, ...]:
    """The models a pool for `articles` articles loads up front: both for a batch (loaded once,
    in the fork server, for every worker), none for a few articles (each worker loads the model
    it needs on first use: an English article never pays the French model's 2.6 s)."""
    return () if articles <= LAZY_MODELS_UP_TO * max(1, workers) else ("en", "fr")


def _fork_server(languages: tuple[Language, ...]) -> multiprocessing.context.BaseContext:
    """The fork server's context. A pool that loads no model up front (a run of a few articles)
    does not preload either: importing in the server, then forking, made one article 0.3-0.7 s
    slower than a worker importing what it needs as it goes (`editorial run --no-prefect`)."""
    context = multiprocessing.get_context("forkserver")
    os.environ.setdefault(PRELOAD_ENV, ",".join(languages))
    context.set_forkserver_preload(PRELOAD_MODULES if languages else ["__main__"])  # type: ignore[attr-defined]
    return context


def _produce_in_worker(job: Job, settings: Settings, token: str = "") -> Produced | ArticleResult:
    """Every outcome comes back as a value: nothing raised here may break the pool or escape
    as a BaseException (WeasyPrint's FatalURLFetchingError is one)."""
    claim = Path(_claims_dir, str(os.getpid())) if _claims_dir and token else None
    if claim:
        claim.write_text(token, "utf-8")
    try:
        return produce(job, settings)
    except EditorialError as exc:
        return failed(job, exc)
    except (MemoryError, RecursionError):
        return failed(job, _too_large(job))
    except Exception as exc:  # a bug in a stage fails this article only, with its name
        return failed(job, exc)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - e.g. FatalURLFetchingError
        return failed(job, RenderError(f"rendering stopped: {type(exc).__name__}: {exc}"))
    finally:
        if claim:
            claim.unlink(missing_ok=True)
        gc.collect()  # the article's garbage, now: memory stays flat over a long batch


def _too_large(job: Job) -> EditorialError:
    from editorial.errors import TooLarge

    return TooLarge("ran out of the worker's memory limit (limits.worker_memory_mb)",
                    source=job.source)  # fmt: skip


@dataclass
class _Flight:
    job: Job
    token: str
    generation: int
    started: float | None = None


class WorkerPool:
    """Long-lived worker processes with models loaded once each; restarted if one dies.

    Thread-safe: `produce()` may be called from many threads (the Prefect task runner).

    `languages`: the models loaded before the first article. When this pool is the first of
    the process and names some, its workers are forked from a server that has imported spaCy
    and the renderers and loaded them once (`editorial.worker_start`): once for every worker,
    and again for free when a worker is replaced; else each worker loads them itself. A
    long-lived pool or a batch loads both (`batch_languages`); a run of a few articles loads
    each model on first use (`languages=()`): an English-only run then never pays the French
    model's 2.6 s (most of it `spacy.lang.fr`'s tokenizer exceptions). `render_warmup`: each
    worker also runs every stage once as it starts (long-lived pools)."""

    def __init__(
        self,
        workers: int,
        settings: Settings,
        languages: tuple[Language, ...] = ("en", "fr"),
        *,
        render_warmup: bool = False,
    ) -> None:
        self.workers = max(1, workers)
        self.settings = settings
        self.languages = languages
        self.render_warmup = render_warmup
        self.budget = job_budget(settings.limits)
        self._claims = Path(tempfile.mkdtemp(prefix="editorial-claims-"))
        self._lock = threading.RLock()
        self._tokens = itertools.count()
        self._generation = 0
        self._executors: dict[int, ProcessPoolExecutor] = {}
        self._flights: dict[Future[Produced | ArticleResult], _Flight] = {}
        self._verdicts: dict[str, str] = {}  # token -> "timeout" | "crashed"
        self._diagnosed: dict[int, bool] = {}  # generation -> a culprit was found
        self._unexplained: dict[str, int] = {}  # source -> crashes it was caught in
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_fork_server(self.languages),
            initializer=_init_worker,
            initargs=(self.settings, str(self._claims), self.languages, self.render_warmup),
        )
        self._executors[self._generation] = executor
        return executor

    def prestart(self) -> None:
        """Start every worker now (they load their models while the caller does other work)."""
        with self._lock:
            for _ in range(self.workers):
                self._executor.submit(_warm)

    def submit(self, job: Job) -> Future[Produced | ArticleResult]:
        with self._lock:
            token = f"{os.getpid()}-{next(self._tokens)}"
            try:
                future = self._executor.submit(_produce_in_worker, job, self.settings, token)
            except (BrokenProcessPool, RuntimeError):
                self._diagnose(self._generation)
                future = self._executor.submit(_produce_in_worker, job, self.settings, token)
            self._flights[future] = _Flight(job, token, self._generation)
            return future

    def produce(self, job: Job) -> Produced | ArticleResult:
        """Blocking: the job's result; a crashed or overdue worker fails this job only."""
        while True:
            future = self.submit(job)
            while not future.done():
                wait([future], timeout=0.5)
                self.enforce_deadlines([future])
            outcome = self.resolve(future)
            if outcome is not None:
                return outcome

    def enforce_deadlines(self, futures: Iterable[Future[Produced | ArticleResult]]) -> None:
        """Kill the worker of any job running longer than the budget (it fails with timeout)."""
        now = time.monotonic()
        claims = self._read_claims()
        with self._lock:
            for future in futures:
                flight = self._flights.get(future)
                if flight is None or future.done():
                    continue
                pid = claims.get(flight.token)
                if flight.started is None:
                    if pid is not None:
                        flight.started = now
                    continue
                if now - flight.started > self.budget and pid is not None:
                    self._verdicts[flight.token] = "timeout"
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)

    def resolve(self, future: Future[Produced | ArticleResult]) -> Produced | ArticleResult | None:
        """The outcome of a finished future; None when its job was an innocent victim of another
        job's crash and must be submitted again."""
        with self._lock:
            flight = self._flights.pop(future)
        job = flight.job
        try:
            return future.result()
        except BrokenProcessPool:
            pass
        except Exception as exc:  # e.g. an outcome that cannot be pickled
            return failed(job, exc)
        found = self._diagnose(flight.generation)
        verdict = self._verdicts.pop(flight.token, "")
        if verdict == "timeout":
            return failed(job, StageTimeout(
                f"took longer than {self.budget:g} s (hard limit, limits.job_timeout); "
                "its worker was stopped"))  # fmt: skip
        if verdict == "crashed":
            return failed(job, RenderError(
                "the worker process died while processing it (out of memory or crashed)"))  # fmt: skip
        if not found:
            with self._lock:
                n = self._unexplained[job.source] = self._unexplained.get(job.source, 0) + 1
            if n >= 2:
                return failed(job, RenderError("the worker process died twice while processing it"))
        return None

    def _read_claims(self) -> dict[str, int]:
        """token -> pid of the worker running it."""
        out: dict[str, int] = {}
        for p in self._claims.iterdir() if self._claims.is_dir() else ():
            with contextlib.suppress(OSError, ValueError):
                out[p.read_text("utf-8")] = int(p.name)
        return out

    def _diagnose(self, generation: int) -> bool:
        """Once per broken generation: find the job(s) whose worker died, restart the pool.
        Returns whether a culprit was found."""
        with self._lock:
            if generation in self._diagnosed:
                return self._diagnosed[generation]
            executor = self._executors.pop(generation)
            processes = list(getattr(executor, "_processes", {}).values())
            claims = {pid: token for token, pid in self._read_claims().items()}
            found = False
            for proc in processes:
                proc.join(timeout=10)
                token = claims.get(proc.pid or -1)
                with contextlib.suppress(OSError):
                    (self._claims / str(proc.pid)).unlink()
                if token is None:
                    continue
                if token in self._verdicts:
                    found = True
                elif proc.exitcode not in (None, 0, -signal.SIGTERM):
                    self._verdicts[token] = "crashed"
                    found = True
            self._diagnosed[generation] = found
            if generation == self._generation:
                executor.shutdown(wait=False, cancel_futures=True)
                self._generation += 1
                self._executor = self._start()
            return found

    def restart(self) -> None:
        with self._lock:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executors.pop(self._generation, None)
            self._generation += 1
            self._executor = self._start()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._claims, ignore_errors=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
