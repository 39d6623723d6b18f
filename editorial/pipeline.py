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
from editorial.model import ArticleResult
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
