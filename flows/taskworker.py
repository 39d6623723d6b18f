"""Warm background task workers: articles published in long-lived processes.

`make serve` starts one (`python -m flows.warmworker`). It holds a warm `WorkerPool` (models
loaded, every renderer run once) and serves the `publish-article-warm` task through Prefect's
task worker protocol: a deployment's batch hands its articles over with `.delay()` instead of
starting processes and loading models itself. More task workers on other machines (sharing the
outputs folder) scale a batch out. The same process is the warm publisher `editorial run`
hands its articles to (`flows.publisher`).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from editorial import outcomes, stages
from editorial.config import load_settings
from editorial.model import ArticleResult
from editorial.workers import WorkerPool

_pool: WorkerPool | None = None
_lock = threading.Lock()


def warm_pool(workers: int | None = None) -> WorkerPool:
    global _pool
    with _lock:
        if _pool is None:
            settings = load_settings()
            _pool = WorkerPool(workers or settings.server.workers, settings, render_warmup=True)
            _pool.prestart()
        return _pool


@task(name="publish-article-warm", persist_result=True, cache_policy=NO_CACHE)
def publish_warm(job: stages.Job, key: str, out_dir: str) -> ArticleResult:
    """One article in this task worker's warm pool; a rejected article is a failed row."""
    return outcomes.finish(job, warm_pool().produce(job), key, Path(out_dir))


def delay_all(jobs: list[tuple[stages.Job, str]], out_dir: Path) -> list[Any]:
    """Hand `jobs` to the task workers; the futures in the same order.

    Submitted from a fresh thread, outside the flow run's context: `.delay()` serialises that
    context, and the flow's task runner (it holds a lock) cannot be pickled."""

    def submit() -> list[Any]:
        return [
            publish_warm.with_options(task_run_name=f"publish {Path(job.source).name}").delay(
                job, key, str(out_dir.resolve())
            )
            for job, key in jobs
        ]

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(submit).result()


def connected_workers() -> int:
    """How many task workers serve `publish_warm` right now (0 when there is no server)."""
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            response = client.request(
                "POST", "/task_workers/filter",
                json={"task_worker_filter": {"task_keys": [publish_warm.task_key]}},
            )  # fmt: skip
            return len(response.json())
    except Exception:  # noqa: BLE001 - no server, or an older one: no task workers
        return 0
