"""The stages wired together, without Prefect: one article (`process`) or many (`run_batch`).

The parts live in modules named after their job: `sources` (discovery), `cache` (content keys,
skip decisions), `stages` (the pure source -> Article -> Extraction -> files function),
`outcomes` (publish, failed, skipped), `workers` (the process pool), `feeder` (producing ahead
for the flows). `run_batch()` is the pure core over many articles (the floor Prefect's
orchestration adds to).
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path
from typing import Any

from editorial import store
from editorial.cache import is_fresh, job_key
from editorial.config import Settings, load_settings
from editorial.errors import EditorialError
from editorial.model import ArticleResult, ErrorInfo
from editorial.outcomes import failed, finish, publish, skipped
from editorial.stages import Job, Produced, produce
from editorial.workers import WorkerPool, batch_languages


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


def run_batch(
    jobs: list[Job],
    *,
    out_dir: Path,
    settings: Settings | None = None,
    workers: int = 2,
    on_result: Callable[[ArticleResult], None] | None = None,
) -> list[ArticleResult]:
    """The pure core over many articles: skip fresh ones, produce the rest on `workers`
    processes, publish in this one. Results come back in job order.

    One run at a time per `out_dir` (`store.run_lock`: StoreError when another holds it). An
    interruption (KeyboardInterrupt: SIGINT, or SIGTERM through the CLI's handler) stops the
    workers at once, abandons the articles in flight, writes a report marked cancelled (the
    articles not finished have a `cancelled` row and no state: a rerun does them) and
    re-raises."""
    settings = settings or load_settings()
    with store.run_lock(out_dir):
        return _run_locked(jobs, out_dir, settings, workers, on_result)


def _run_locked(
    jobs: list[Job],
    out_dir: Path,
    settings: Settings,
    workers: int,
    on_result: Callable[[ArticleResult], None] | None,
) -> list[ArticleResult]:
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
    try:
        if todo:
            n = min(workers, len(todo))
            with WorkerPool(n, settings, languages=batch_languages(len(todo), n)) as pool:
                for i, job, key, outcome in _stream(pool, todo):
                    results[i] = finish(job, outcome, key, out_dir)
                    if on_result:
                        on_result(results[i])
    except KeyboardInterrupt:
        rows = [results.get(i) or cancelled(job) for i, job in enumerate(jobs)]
        write_report(out_dir, rows, cancelled=True)
        raise
    ordered = [results[i] for i in range(len(jobs))]
    write_report(out_dir, ordered)
    return ordered


def cancelled(job: Job) -> ArticleResult:
    """The report row of an article a stopped run did not finish (no state: a rerun does it)."""
    return ArticleResult(source=job.source, status="failed",
                         error=ErrorInfo(code="cancelled", message=f"{job.source}: the run was "
                                         "stopped before this article was finished"))  # fmt: skip


def write_report(out_dir: Path, results: list[ArticleResult], *, cancelled: bool = False) -> bool:
    """The run report, or a message on stderr when it cannot be written (every article is
    published or recorded; only the summary is missing). Returns whether it was written."""
    try:
        store.write_run_report(out_dir, results, cancelled=cancelled)
        return True
    except EditorialError as exc:
        print(f"editorial: could not write the run report: {exc}", file=sys.stderr)
        return False


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
