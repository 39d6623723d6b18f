"""Prefect flows: thin wiring around `editorial.pipeline`.

- `publish-sources`: a batch. One task per article; the stages of an article run in a warm
  worker process (models loaded once per worker), so a batch pays neither a flow run nor a
  model load per article. Articles whose content key has not changed are skipped.
- `publish-article` (`flows.article`): one article, one task per stage (ingest, extract, render each format,
  write). `publish_article` takes plain arguments (Python callers); `flows.manual.publish_article_manual`
  is the same flow for the UI deployment `publish-article/manual`, its parameter a form
  (`flows.params.ArticleRequest`), one run at a time per article.

Runs are named after what they process; a failed article's state message names the article
and the error; per-article artifacts (`flows.artifacts`) go with single-article runs and
batches of at most `artifacts.PER_ARTICLE_MAX` articles.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from prefect import flow, get_run_logger, runtime, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from editorial import cache, outcomes, pipeline, remote, sources, stages, store
from editorial.config import Settings, load_settings
from editorial.errors import EditorialError, StageTimeout, TransientError
from editorial.feeder import Feeder
from editorial.model import (
    ALL_FORMATS,
    ArticleResult,
    ErrorInfo,
    Format,
    Language,
)
from editorial.names import printable
from editorial.workers import WorkerPool, job_budget
from flows import artifacts, taskworker
from flows.params import WARM_STORAGE_ENV, download_url

__all__ = ["ArticleFailed", "publish_sources", "run_watched"]


class ArticleFailed(Exception):
    """An article was rejected: its message names the file, the error code and the problem."""


def transient_only(task: Any, task_run: Any, state: State) -> bool:
    """Retry only transient failures, never a rejected article."""
    try:
        state.result()
    except TransientError:
        return True
    except BaseException:
        return False
    return False


# At most this many tasks per batch run: beyond, each task publishes a group of articles.
MAX_TASKS = 32

# Set by the batch flow for the tasks it runs (a feeder cannot be a task parameter).
_feeder: Feeder | None = None
_progress: Progress | None = None
_feeder_lock = threading.Lock()


@task(name="publish_articles", retries=2, retry_delay_seconds=1, retry_condition_fn=transient_only,
      cache_policy=NO_CACHE)  # fmt: skip
def publish_articles_task(group: list[tuple[stages.Job, str]], out_dir: str) -> Any:
    """Publish a group of articles (one, up to `pipeline.task_groups`' threshold): each is
    taken from the feeder that produced it ahead in the warm worker pool, written, and counted
    in the progress artifact. A rejected article fails the task with "<code>: <source>:
    <message>"; the other articles of its group are still published."""
    assert _feeder is not None
    results: list[ArticleResult] = []
    for job, key in group:
        result = outcomes.finish(job, _feeder.take(job), key, Path(out_dir))
        results.append(result)
        if _progress:
            _progress.advance(result)
    bad = [r for r in results if r.status == "failed" and r.error]
    if bad:
        first = bad[0].error
        assert first
        more = f" (+{len(bad) - 1} more failed)" if len(bad) > 1 else ""
        return Failed(message=f"{first.code}: {first.message}{more}", data=results)
    return results


def _is_stop(exc: BaseException) -> bool:
    """Ctrl-C, SIGTERM (Prefect's engine turns it into its TerminationSignal while a flow runs)
    or an exit: the run's end, never one article's failure. Waiting on a future is where the
    main thread receives them."""
    from prefect.exceptions import ExternalSignal

    return isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | ExternalSignal)


def _result_of(job: stages.Job, future: Any, timeout: float | None = None) -> ArticleResult:
    """The task's ArticleResult; a failed task becomes a `failed` row for its article only."""
    try:
        result: ArticleResult = future.result(timeout=timeout)
        return result
    except ArticleFailed as exc:
        code, _, message = str(exc).partition(": ")
        return ArticleResult(source=job.source, status="failed",
                             error=ErrorInfo(code=code, message=message))  # fmt: skip
    except TimeoutError as exc:
        return outcomes.failed(job, StageTimeout(f"not finished by a task worker in time ({exc})"))
    except BaseException as exc:  # noqa: BLE001 - any other failure is this article's only
        if _is_stop(exc):
            raise
        return outcomes.failed(job, exc)


class Progress:
    """The UI progress artifact and an optional terminal bar, updated as articles finish."""

    def __init__(
        self, total: int, key: str, on_result: Callable[[ArticleResult], None] | None
    ) -> None:
        self.total, self.done, self.on_result = total, 0, on_result
        self.artifact_id: Any = create_progress_artifact(
            0.0, key=key, description="Articles published"
        )
        self._last = 0.0

    def advance(self, result: ArticleResult) -> None:
        self.done += 1
        if self.on_result:
            self.on_result(result)
        now = time.monotonic()
        if self.done == self.total or now - self._last > 1.0:
            self._last = now
            update_progress_artifact(self.artifact_id, 100.0 * self.done / max(self.total, 1))


# Optional terminal hook (set by the CLI): called with each ArticleResult as it finishes.
on_result_hook: Callable[[ArticleResult], None] | None = None
# Optional warm pool started by the CLI before the flow (its workers load models while
# Prefect's temporary server starts), or a feeder already producing the CLI's articles on one.
prestarted_pool: WorkerPool | None = None
prefetch: Feeder | None = None


# The flow's body reads module state only through these functions: a Dask task runner pickles
# the flow (by value), and a lock or a pool among its globals cannot be pickled.
def _hook() -> Callable[[ArticleResult], None] | None:
    return on_result_hook


def _task_workers_ready() -> bool:
    """Hand articles to `make serve`'s warm task worker: only from a process that shares its
    Prefect home (`WARM_STORAGE_ENV`), where the task's parameters are stored."""
    home = os.environ.get("PREFECT_HOME", "")
    shared = bool(home) and os.environ.get(WARM_STORAGE_ENV) == home
    return (shared and prestarted_pool is None and prefetch is None
            and bool(taskworker.connected_workers()))  # fmt: skip


def _fan_out_processes(
    todo: list[tuple[int, stages.Job, str]],
    results: dict[int, ArticleResult],
    *,
    out_dir: str,
    settings: Settings,
    workers: int,
    progress: Progress,
) -> None:
    """The articles are produced in order by a feeder on this machine's warm worker-process
    pool (the CLI starts it before Prefect is up); tasks, one per article or per group of
    articles in a large batch, run one after another and publish each article as its outcome
    arrives, while the feeder keeps both workers busy with the next ones."""
    global _feeder, _progress
    own_pool = prestarted_pool is None and prefetch is None
    pool = (prefetch.pool if prefetch else prestarted_pool) or WorkerPool(
        min(workers, len(todo)), settings
    )
    own_feeder = prefetch is None
    with _feeder_lock:
        _feeder = prefetch or Feeder(pool, [job for _, job, _ in todo])
        _progress = progress
    try:
        groups = pipeline.task_groups(todo, MAX_TASKS)
        for n, group in enumerate(groups, 1):
            names = [printable(Path(job.source).name) for _, job, _ in group]
            name = (f"publish {names[0]}" if len(group) == 1 else
                    f"publish {len(group)} articles ({n}/{len(groups)}): {names[0]} .. {names[-1]}")  # fmt: skip
            state = publish_articles_task.with_options(task_run_name=name[:200])(
                [(job, key) for _, job, key in group], out_dir, return_state=True
            )
            for (i, _, _), result in zip(group, _group_results(group, state), strict=True):
                results[i] = result
    finally:
        with _feeder_lock:
            if own_feeder and _feeder:
                _feeder.close()
            _feeder, _progress = None, None
        if own_pool:
            pool.close()


def _group_results(group: list[tuple[int, stages.Job, str]], state: State) -> list[ArticleResult]:
    """The ArticleResults of a group task's final state; a task that crashed fails all its
    articles with its message."""
    try:
        data = state.result(raise_on_failure=False)
    except BaseException as exc:  # noqa: BLE001 - e.g. its result could not be read
        if _is_stop(exc):
            raise
        data = exc
    if isinstance(data, list) and len(data) == len(group):
        return [ArticleResult.model_validate(r) for r in data]
    error = data if isinstance(data, BaseException) else RuntimeError(state.message or "no result")
    return [outcomes.failed(job, error) for _, job, _ in group]


def _batch_run_name() -> str:
    paths = runtime.flow_run.parameters.get("paths") or ["sources"]
    return f"publish {', '.join(map(str, paths))[:80]}"


def _rename_run(name: str) -> None:
    """Rename the current flow run (best effort: a name is not worth failing a batch)."""
    run_id = runtime.flow_run.id
    if not run_id:
        return
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            client.update_flow_run(run_id, name=name[:200])
    except Exception as exc:  # noqa: BLE001
        get_run_logger().debug("could not rename the run: %s", exc)


def _batch_name(todo: list[tuple[int, stages.Job, str]], unchanged: int) -> str:
    if not todo:
        return f"nothing changed ({unchanged} unchanged)"
    names = ", ".join(printable(Path(job.source).name) for _, job, _ in todo[:3])
    more = f" +{len(todo) - 3} more" if len(todo) > 3 else ""
    return f"publish {len(todo)} changed: {names}{more} ({unchanged} unchanged)"


@flow(name="publish-sources", task_runner=ThreadPoolTaskRunner(max_workers=8),  # type: ignore[arg-type]
      flow_run_name=_batch_run_name, log_prints=True)  # fmt: skip
def publish_sources(
    paths: list[str] | None = None,
    out_dir: str = "outputs",
    formats: list[Format] | None = None,
    force: bool = False,
    workers: int = 2,
    pdf_variant: str | None = None,
    language: Language | None = None,
    runner: Literal["processes", "dask"] | None = None,
    dask_address: str | None = None,
) -> State:
    """Publish every article under `paths` that is new or changed since its last success.

    `runner`: "processes" (default: a warm worker-process pool on this machine) or "dask"
    (each article's stages run on a Dask cluster at `dask_address`, or on a local cluster of
    `workers` processes when the address is empty); None reads settings.server.

    One run at a time per `out_dir` (`store.run_lock`). Stopped (Ctrl-C, SIGTERM through the
    CLI), it writes a report marked cancelled before Prefect marks the run cancelled."""
    jobs: list[stages.Job] = []
    results: dict[int, ArticleResult] = {}
    with store.run_lock(Path(out_dir)):
        try:
            return _publish_sources(paths, out_dir, formats, force, workers, pdf_variant, language,
                                    runner, dask_address, jobs, results)  # fmt: skip
        except KeyboardInterrupt:
            rows = [results.get(i) or pipeline.cancelled(job) for i, job in enumerate(jobs)]
            pipeline.write_report(Path(out_dir), rows, cancelled=True)
            raise


def _publish_sources(
    paths: list[str] | None,
    out_dir: str,
    formats: list[Format] | None,
    force: bool,
    workers: int,
    pdf_variant: str | None,
    language: Language | None,
    runner: Literal["processes", "dask"] | None,
    dask_address: str | None,
    jobs: list[stages.Job],
    results: dict[int, ArticleResult],
) -> State:
    logger = get_run_logger()
    settings = load_settings()
    out = Path(out_dir)
    store.recover(out)
    fmts = tuple(formats or ALL_FORMATS)
    # URLs and feeds become files under sources/web/ (fetched under the fetch policy).
    paths, url_failures = remote.fetch_arguments(list(paths or ["sources"]), force=force)
    jobs += [stages.Job(source=s, formats=fmts, force=force, pdf_variant=pdf_variant, language=language)
             for s in sources.discover(paths)]  # fmt: skip
    todo: list[tuple[int, stages.Job, str]] = []
    for i, job in enumerate(jobs):
        key = cache.job_key(job, settings)
        if cache.is_fresh(job, key, out):
            results[i] = outcomes.skipped(job, out)
        else:
            todo.append((i, job, key))
    hook = _hook()
    if hook:
        for r in results.values():
            hook(r)
    _rename_run(_batch_name(todo, len(results)))
    runner = runner or settings.server.batch_runner
    if todo and runner == "dask":
        logger.info("%d article(s) to publish on Dask, %d unchanged", len(todo), len(results))
        progress = Progress(len(todo), key="publish-sources-progress", on_result=hook)
        address = settings.server.dask_address if dask_address is None else dask_address
        _fan_out_dask(todo, results, out=out, settings=settings, workers=workers,
                      address=address, progress=progress)  # fmt: skip
    elif todo and _task_workers_ready():
        # A running `make serve` has warm task workers: hand the articles to them.
        logger.info(
            "%d article(s) to publish on task workers, %d unchanged", len(todo), len(results)
        )
        progress = Progress(len(todo), key="publish-sources-progress", on_result=hook)
        futures_ = taskworker.delay_all([(job, key) for _, job, key in todo], out)
        delayed = dict(zip(futures_, [(i, job) for i, job, _ in todo], strict=True))
        # A task worker that cannot run them (lost, or not sharing PREFECT_HOME's storage)
        # must not hang the batch: every article's budget, spread over the workers, plus a minute.
        per_worker = -(-len(todo) // max(1, workers))
        deadline = time.monotonic() + per_worker * job_budget(settings.limits) + 60
        for fut, (i, job) in delayed.items():
            results[i] = _result_of(job, fut, timeout=max(1.0, deadline - time.monotonic()))
            progress.advance(results[i])
    elif todo:
        logger.info("%d article(s) to publish, %d unchanged", len(todo), len(results))
        progress = Progress(len(todo), key="publish-sources-progress", on_result=hook)
        _fan_out_processes(todo, results, out_dir=out_dir, settings=settings, workers=workers,
                           progress=progress)  # fmt: skip
    ordered = url_failures + [results[i] for i in range(len(jobs))]
    pipeline.write_report(out, ordered)  # a full disk: the table and the results still
    if 0 < len(todo) <= artifacts.PER_ARTICLE_MAX:
        base = download_url(settings)
        for i, _, _ in todo:
            artifacts.publish_artifacts(results[i], out, base)
    return _final_state(ordered, summary_table=bool(todo))


def run_watched(
    feeder: Feeder, on_result: Callable[[ArticleResult], None], **parameters: Any
) -> State:
    """`publish_sources(**parameters)` taking its articles from `feeder` (already producing
    them) and reporting each result to `on_result`: the run of a caller that watches it to the
    end (the CLI, the warm publisher). Such a run has no heartbeat thread, whose join held every
    run's end back by up to a second; Ctrl-C still marks it cancelled."""
    global prefetch, on_result_hook
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    prefetch, on_result_hook = feeder, on_result
    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            state: State = publish_sources(**parameters, return_state=True)
        return state
    finally:
        prefetch, on_result_hook = None, None


@task(name="produce_article", retries=2, retry_delay_seconds=1, retry_condition_fn=transient_only,
      cache_policy=NO_CACHE)  # fmt: skip
def produce_article_task(job: stages.Job, settings: Settings) -> stages.Produced:
    """Every stage of one article, wherever the task runs (a Dask worker); writes nothing."""
    try:
        return stages.produce(job, settings)
    except EditorialError as exc:
        info = outcomes.failed(job, exc).error
        assert info
        raise ArticleFailed(f"{info.code}: {info.message}") from exc


def _fan_out_dask(
    todo: list[tuple[int, stages.Job, str]],
    results: dict[int, ArticleResult],
    *,
    out: Path,
    settings: Settings,
    workers: int,
    address: str,
    progress: Progress,
) -> None:
    """Produce on a Dask cluster, publish here: outputs are written by this process only, so
    the Dask workers need the code and the sources, not the outputs folder."""
    from prefect_dask import DaskTaskRunner

    runner = (
        DaskTaskRunner(address=address)
        if address
        else DaskTaskRunner(cluster_kwargs={"n_workers": max(1, workers), "threads_per_worker": 1,
                                            "processes": True, "dashboard_address": None})
    )  # fmt: skip
    with runner:
        futures: dict[Any, tuple[int, stages.Job, str]] = {
            runner.submit(
                produce_article_task.with_options(
                    task_run_name=f"produce {printable(Path(job.source).name)}"
                ),
                parameters={"job": job, "settings": settings},
            ): (i, job, key)
            for i, job, key in todo
        }
        for fut in as_completed(list(futures)):
            i, job, key = futures[fut]
            try:
                results[i] = outcomes.finish(job, fut.result(), key, out)
            except BaseException as exc:  # noqa: BLE001 - this article only
                if _is_stop(exc):
                    raise
                results[i] = _result_of(job, fut)
                store.write_state(out, results[i], key="")
            progress.advance(results[i])


def _final_state(results: list[ArticleResult], *, summary_table: bool) -> State:
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "failed", "skipped")}
    if summary_table:
        create_markdown_artifact(
            key="publish-sources-summary",
            markdown=artifacts.summary_markdown(results, download_url(load_settings())),
            description=f"{counts['ok']} published, {counts['failed']} failed, "
            f"{counts['skipped']} unchanged",
        )
    data = [r.model_dump(mode="json") for r in results]
    bad = [r for r in results if r.status == "failed"]
    if bad:
        first = bad[0].error
        detail = f"{first.code}: {first.message}" if first else printable(bad[0].source)
        return Failed(
            message=f"{len(bad)} of {len(results)} article(s) failed; first: {detail}", data=data
        )
    return Completed(message=f"{counts['ok']} published, {counts['skipped']} unchanged", data=data)
