"""The stages wired together, without Prefect: source -> Article -> Extraction -> outputs.

`produce()` is pure (returns bytes, writes nothing) and runs in worker processes; `publish()`
writes through `editorial.store` in the parent. `run_batch()` is the pure core over many
articles (the floor Prefect's orchestration adds to).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from editorial import store
from editorial.config import (
    PIPELINE_VERSION,
    PROJECT_ROOT,
    TEMPLATES_DIR,
    Limits,
    Settings,
    load_settings,
)
from editorial.errors import EditorialError, RenderError, StageTimeout
from editorial.ingest import SUPPORTED, ingest
from editorial.model import (
    ALL_FORMATS,
    Article,
    ArticleResult,
    ErrorInfo,
    Extraction,
    Format,
    Language,
    RenderedFile,
)
from editorial.timelimit import time_limit


@dataclass(frozen=True)
class Job:
    """One article to process, with the options that change its outputs."""

    source: str  # path as given (relative to the project root when under it)
    formats: tuple[Format, ...] = ALL_FORMATS
    language: Language | None = None
    pdf_variant: str | None = None
    force: bool = False


@dataclass(frozen=True)
class Produced:
    article: Article
    extraction: Extraction
    files: tuple[RenderedFile, ...]
    timings: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- discovery and cache keys


def discover(paths: Iterable[str | Path]) -> list[str]:
    """Article files under `paths` (files or folders), sorted, hidden files skipped.

    Unsupported files given explicitly are kept (they fail with `unsupported_format`)."""
    found: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(
                str(f) for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in SUPPORTED
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )  # fmt: skip
        else:
            found.append(str(p))
    return list(dict.fromkeys(found))


# Folders whose files shape the outputs: templates (the download app's pages aside) and the
# language data / newsroom name list the extractor reads.
VERSIONED_DIRS = ((TEMPLATES_DIR, ("web",)), (PROJECT_ROOT / "editorial" / "data", ()))
# Settings sections that change what is rendered (server, schedule and limits do not).
OUTPUT_SETTINGS = {"brand", "newsletter", "social", "pdf_variant"}


@lru_cache(maxsize=1)
def templates_version() -> str:
    """Hash of every file the outputs are rendered from: changing one re-renders everything."""
    h = hashlib.sha256()
    for root, skipped_dirs in VERSIONED_DIRS:
        for f in sorted(root.rglob("*")):
            rel = f.relative_to(root)
            if f.is_file() and rel.parts[0] not in skipped_dirs and "__pycache__" not in rel.parts:
                h.update(f"{root.name}/{rel.as_posix()}".encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def job_key(job: Job, settings: Settings) -> str:
    """What the outputs depend on: source bytes, pipeline and template versions, options."""
    h = hashlib.sha256()
    try:
        h.update(Path(job.source).read_bytes())
    except OSError:
        h.update(b"<unreadable>")
    rendered_settings = settings.model_dump_json(include=OUTPUT_SETTINGS)
    for part in (PIPELINE_VERSION, templates_version(), ",".join(sorted(job.formats)),
                 job.language or "auto", job.pdf_variant or settings.pdf_variant,
                 str(settings.limits.max_pages), rendered_settings):  # fmt: skip
        h.update(b"\0" + part.encode())
    return h.hexdigest()


def is_fresh(job: Job, key: str, out_dir: Path) -> bool:
    """True when the last run of this source succeeded with the same key and its files exist."""
    if job.force:
        return False
    state = store.read_state(out_dir, job.source)
    if state.get("status") not in ("ok", "skipped") or state.get("key") != key:
        return False
    manifest = store.read_manifest(out_dir / state.get("slug", ""))
    return manifest.get("key") == key and all(
        (out_dir / state["slug"] / f).is_file() for f in manifest.get("files", [])
    )


# ---------------------------------------------------------------- stages


def stage_ingest(job: Job, settings: Settings) -> Article:
    return ingest(Path(job.source), limits=settings.limits, language=job.language)


def stage_extract(article: Article, settings: Settings) -> Extraction:
    from editorial.extract import extract

    with time_limit(settings.limits.nlp_timeout, "extraction"):
        return extract(article)


def stage_render(
    fmt: str, article: Article, extraction: Extraction, job: Job, settings: Settings
) -> tuple[RenderedFile, ...]:
    try:
        if fmt == "article":
            from editorial.render.article_json import render_article_json

            return (render_article_json(article, extraction),)
        if fmt == "pdf":
            from editorial.render.pdf import render_pdf

            return render_pdf(article, extraction, settings=settings,
                              source_dir=Path(job.source).parent, variant=job.pdf_variant)  # fmt: skip
        if fmt == "newsletter":
            from editorial.render.newsletter import render_newsletter

            return render_newsletter(article, extraction, settings=settings)
        if fmt == "social":
            from editorial.render.social import render_social

            return render_social(article, extraction, settings=settings)
    except EditorialError:
        raise
    except Exception as exc:  # a renderer bug must fail this article only, with its name
        raise RenderError(f"{fmt} renderer failed: {type(exc).__name__}: {exc}") from exc
    raise ValueError(f"unknown format {fmt!r}")


def produce(job: Job, settings: Settings) -> Produced:
    """Run every stage for one article; pure (returns the files, writes nothing)."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    article = stage_ingest(job, settings)
    timings["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    extraction = stage_extract(article, settings)
    timings["extract"] = time.perf_counter() - t
    files: list[RenderedFile] = []
    with time_limit(settings.limits.render_timeout, "rendering"):
        for fmt in ("article", *job.formats):
            t = time.perf_counter()
            files += stage_render(fmt, article, extraction, job, settings)
            timings[f"render_{fmt}"] = time.perf_counter() - t
    return Produced(article, extraction, tuple(files), timings)


def publish(job: Job, produced: Produced, key: str, out_dir: Path) -> ArticleResult:
    """Write one article's outputs (atomically) and its state; the only write path."""
    article = produced.article
    slug, warning = store.claim_slug(out_dir, article.slug, job.source)
    warnings = article.warnings + ((warning,) if warning else ())
    manifest = {
        "source": job.source, "slug": slug, "title": article.title, "date": article.date,
        "language": article.language, "key": key, "pipeline_version": PIPELINE_VERSION,
        "formats": list(job.formats),
    }  # fmt: skip
    names = store.publish(out_dir, slug, produced.files, manifest,
                          keep_previous=set(job.formats) != set(ALL_FORMATS))  # fmt: skip
    result = ArticleResult(source=job.source, slug=slug, title=article.title, status="ok",
                           warnings=warnings, files=names, timings=produced.timings)  # fmt: skip
    store.write_state(out_dir, result, key)
    return result


def failed(job: Job, exc: BaseException, out_dir: Path | None = None) -> ArticleResult:
    if isinstance(exc, EditorialError):
        exc.with_source(job.source)
        info = ErrorInfo(code=exc.code, message=str(exc))
    else:
        info = ErrorInfo(code="internal_error",
                         message=f"{job.source}: {type(exc).__name__}: {exc}")  # fmt: skip
    result = ArticleResult(source=job.source, status="failed", error=info)
    if out_dir is not None:
        try:
            store.write_state(out_dir, result, key="")
        except EditorialError:
            pass
    return result


def skipped(job: Job, out_dir: Path) -> ArticleResult:
    state = store.read_state(out_dir, job.source)
    return ArticleResult(source=job.source, slug=state.get("slug", ""), title=state.get("title", ""),
                         status="skipped", files=tuple(state.get("files", ())))  # fmt: skip


def process(job: Job, *, out_dir: Path, settings: Settings | None = None) -> ArticleResult:
    """One article, in this process: skip when fresh, else produce and publish."""
    settings = settings or load_settings()
    key = job_key(job, settings)
    if is_fresh(job, key, out_dir):
        return skipped(job, out_dir)
    try:
        return publish(job, produce(job, settings), key, out_dir)
    except EditorialError as exc:
        return failed(job, exc, out_dir)


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


def finish(job: Job, outcome: Produced | ArticleResult, key: str, out_dir: Path) -> ArticleResult:
    """Publish a worker's outcome (in the parent)."""
    if isinstance(outcome, ArticleResult):
        if outcome.status == "failed":
            store.write_state(out_dir, outcome, key="")
        return outcome
    try:
        return publish(job, outcome, key, out_dir)
    except EditorialError as exc:
        return failed(job, exc, out_dir)


def run_batch(
    jobs: list[Job],
    *,
    out_dir: Path,
    settings: Settings | None = None,
    workers: int = 2,
    on_result: Callable[[ArticleResult], None] | None = None,
) -> list[ArticleResult]:
    """The pure core over many articles: skip fresh ones, produce the rest on `workers`
    processes, publish in this one. Results come back in job order."""
    settings = settings or load_settings()
    store.recover(out_dir)
    results: dict[int, ArticleResult] = {}
    todo: list[tuple[int, Job, str]] = []
    for i, job in enumerate(jobs):
        key = job_key(job, settings)
        if is_fresh(job, key, out_dir):
            results[i] = skipped(job, out_dir)
            if on_result:
                on_result(results[i])
        else:
            todo.append((i, job, key))
    if todo:
        n = min(workers, len(todo))
        with WorkerPool(n, settings, languages=batch_languages(len(todo), n)) as pool:
            for i, job, key, outcome in _stream(pool, todo):
                results[i] = finish(job, outcome, key, out_dir)
                if on_result:
                    on_result(results[i])
    ordered = [results[i] for i in range(len(jobs))]
    try:
        store.write_run_report(out_dir, ordered)
    except EditorialError as exc:  # every article is published; only the summary is missing
        print(f"editorial: could not write the run report: {exc}", file=sys.stderr)
    return ordered


def _stream(
    pool: WorkerPool, todo: list[tuple[int, Job, str]]
) -> Iterator[tuple[int, Job, str, Produced | ArticleResult]]:
    """At most two jobs per worker in flight: a worker never waits while this process
    publishes the previous article, and memory does not grow with N (each job's hard deadline
    runs from its real start); jobs of a crashed pool that were not to blame run again."""
    pending: dict[Future[Produced | ArticleResult], tuple[int, Job, str]] = {}
    queue = deque(todo)
    while queue or pending:
        while queue and len(pending) < 2 * pool.workers:
            item = queue.popleft()
            pending[pool.submit(item[1])] = item
        done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
        pool.enforce_deadlines(list(pending))
        for fut in done:
            item = pending.pop(fut)
            outcome = pool.resolve(fut)
            if outcome is None:
                queue.appendleft(item)
                continue
            yield (*item, outcome)


# ---------------------------------------------------------------- prefetching for the flows


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


def task_groups(items: list[Any], max_tasks: int = 32) -> list[list[Any]]:
    """Consecutive groups of `items`, one per orchestrated task: one item per group up to
    `max_tasks` items (every article its own task in the UI), else `max_tasks` groups of about
    equal size. A task costs the Prefect server about 30 ms of CPU (measured here, 100 trivial
    tasks): one per article at N=1,000 would be half a minute of it, taken from the two cores
    the workers use."""
    if len(items) <= max_tasks:
        return [[item] for item in items]
    size = -(-len(items) // max_tasks)
    return [items[i : i + size] for i in range(0, len(items), size)]
