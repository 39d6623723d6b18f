"""Prefect flows: thin wiring around `editorial.pipeline`.

- `publish-sources`: a batch. One task per article; the stages of an article run in a warm
  worker process (models loaded once per worker), so a batch pays neither a flow run nor a
  model load per article. Articles whose content key has not changed are skipped.
- `publish-article`: one article, one task per stage (ingest, extract, render each format,
  write), for a person triggering a run from the UI.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from editorial import pipeline, store
from editorial.config import Settings, load_settings
from editorial.errors import EditorialError, TransientError
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

__all__ = ["ArticleFailed", "publish_article", "publish_sources"]


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


# Set by the batch flow for the tasks it submits (a pool cannot be a task parameter).
_pool: pipeline.WorkerPool | None = None
_pool_lock = threading.Lock()


@task(name="publish_article", retries=2, retry_delay_seconds=1, retry_condition_fn=transient_only,
      cache_policy=NO_CACHE)  # fmt: skip
def publish_article_task(job: pipeline.Job, key: str, out_dir: str) -> ArticleResult:
    assert _pool is not None
    result = pipeline.finish(job, _pool.produce(job), key, Path(out_dir))
    if result.status == "failed" and result.error:
        raise ArticleFailed(f"{result.error.code}: {result.error.message}")
    return result


def _result_of(job: pipeline.Job, future: Any) -> ArticleResult:
    """The task's ArticleResult; a failed task becomes a `failed` row for its article only."""
    try:
        result: ArticleResult = future.result()
        return result
    except ArticleFailed as exc:
        code, _, message = str(exc).partition(": ")
        return ArticleResult(source=job.source, status="failed",
                             error=ErrorInfo(code=code, message=message))  # fmt: skip
    except BaseException as exc:  # noqa: BLE001 - any other failure is this article's only
        return pipeline.failed(job, exc)


class Progress:
    """The UI progress artifact and an optional terminal bar, updated as articles finish."""

    def __init__(
        self, total: int, key: str, on_result: Callable[[ArticleResult], None] | None
    ) -> None:
        self.total, self.done, self.on_result = total, 0, on_result
        self.artifact_id = create_progress_artifact(0.0, key=key, description="Articles published")
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
# Prefect's temporary server starts).
prestarted_pool: pipeline.WorkerPool | None = None


@flow(name="publish-sources", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=True)  # type: ignore[arg-type]
def publish_sources(
    paths: list[str] | None = None,
    out_dir: str = "outputs",
    formats: list[Format] | None = None,
    force: bool = False,
    workers: int = 2,
    pdf_variant: str | None = None,
    language: Language | None = None,
) -> State:
    """Publish every article under `paths` that is new or changed since its last success."""
    logger = get_run_logger()
    settings = load_settings()
    out = Path(out_dir)
    store.recover(out)
    fmts = tuple(formats or ALL_FORMATS)
    jobs = [pipeline.Job(source=s, formats=fmts, force=force, pdf_variant=pdf_variant, language=language)
            for s in pipeline.discover(paths or ["sources"])]  # fmt: skip
    results: dict[int, ArticleResult] = {}
    todo: list[tuple[int, pipeline.Job, str]] = []
    for i, job in enumerate(jobs):
        key = pipeline.job_key(job, settings)
        if pipeline.is_fresh(job, key, out):
            results[i] = pipeline.skipped(job, out)
        else:
            todo.append((i, job, key))
    hook = on_result_hook
    if hook:
        for r in results.values():
            hook(r)
    if todo:
        logger.info("%d article(s) to publish, %d unchanged", len(todo), len(results))
        progress = Progress(len(todo), key="publish-sources-progress", on_result=hook)
        global _pool
        own_pool = prestarted_pool is None
        with _pool_lock:
            _pool = prestarted_pool or pipeline.WorkerPool(min(workers, len(todo)), settings)
        try:
            futures = {
                publish_article_task.with_options(
                    task_run_name=f"publish {Path(job.source).name}"
                ).submit(job, key, out_dir): (i, job)
                for i, job, key in todo
            }
            for fut in as_completed(list(futures)):
                i, job = futures[fut]
                results[i] = _result_of(job, fut)
                progress.advance(results[i])
        finally:
            if own_pool:
                _pool.close()
            _pool = None
    ordered = [results[i] for i in range(len(jobs))]
    store.write_run_report(out, ordered)
    return _final_state(ordered, summary_table=bool(todo))


def _final_state(results: list[ArticleResult], *, summary_table: bool) -> State:
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "failed", "skipped")}
    if summary_table:
        create_table_artifact(
            key="publish-sources-summary",
            table=[
                {
                    "article": r.source,
                    "slug": r.slug,
                    "status": r.status,
                    "error": f"{r.error.code}: {r.error.message}" if r.error else "",
                }
                for r in results
            ],  # fmt: skip
            description=f"{counts['ok']} published, {counts['failed']} failed, {counts['skipped']} unchanged",
        )
    data = [r.model_dump(mode="json") for r in results]
    bad = [r for r in results if r.status == "failed"]
    if bad:
        first = bad[0].error
        detail = f"{first.code}: {first.message}" if first else bad[0].source
        return Failed(
            message=f"{len(bad)} of {len(results)} article(s) failed; first: {detail}", data=data
        )
    return Completed(message=f"{counts['ok']} published, {counts['skipped']} unchanged", data=data)


# ---------------------------------------------------------------- one article, stage by stage


@task(name="ingest_article", cache_policy=NO_CACHE)
def ingest_article(job: pipeline.Job, settings: Settings) -> Article:
    return pipeline.stage_ingest(job, settings)


@task(name="extract_quotes", cache_policy=NO_CACHE)
def extract_quotes(article: Article, settings: Settings) -> Extraction:
    return pipeline.stage_extract(article, settings)


@task(name="render_output", cache_policy=NO_CACHE)
def render_output(fmt: str, article: Article, extraction: Extraction, job: pipeline.Job,
                  settings: Settings) -> tuple[RenderedFile, ...]:  # fmt: skip
    return pipeline.stage_render(fmt, article, extraction, job, settings)


@task(name="write_outputs", cache_policy=NO_CACHE)
def write_outputs(
    job: pipeline.Job, produced: pipeline.Produced, key: str, out_dir: str
) -> ArticleResult:
    return pipeline.publish(job, produced, key, Path(out_dir))


@flow(name="publish-article", log_prints=True)
def publish_article(
    article: str,
    out_dir: str = "outputs",
    formats: list[Format] | None = None,
    language: Language | None = None,
    force: bool = False,
    pdf_variant: str | None = None,
) -> ArticleResult:
    """Publish one article, one task per stage."""
    settings = load_settings()
    job = pipeline.Job(source=article, formats=tuple(formats or ALL_FORMATS), language=language,
                       force=force, pdf_variant=pdf_variant)  # fmt: skip
    key = pipeline.job_key(job, settings)
    out = Path(out_dir)
    if pipeline.is_fresh(job, key, out):
        return pipeline.skipped(job, out)
    try:
        art = ingest_article.with_options(task_run_name=f"ingest {Path(article).name}")(
            job, settings
        )
        ext = extract_quotes.with_options(task_run_name=f"extract {art.slug}")(art, settings)
        files: list[RenderedFile] = []
        for fmt in ("article", *job.formats):
            files += render_output.with_options(task_run_name=f"render {fmt} {art.slug}")(
                fmt, art, ext, job, settings
            )
        produced = pipeline.Produced(art, ext, tuple(files))
        return write_outputs.with_options(task_run_name=f"write {art.slug}")(
            job, produced, key, out_dir
        )
    except EditorialError as exc:
        result = pipeline.failed(job, exc, out)
        assert result.error
        raise ArticleFailed(f"{result.error.code}: {result.error.message}") from exc
