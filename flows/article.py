"""The `publish-article` flow: one article, one task per stage (ingest, extract, render each
format, write), or handed whole to `make serve`'s warm task worker.

`publish_article` takes plain arguments (Python callers); `flows.manual.publish_article_manual`
is the same flow for the UI deployment `publish-article/manual`. A rejected article (any
`EditorialError`) fails the run with its one-line message, no traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, runtime, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed, State

from editorial import cache, outcomes, stages, store
from editorial.config import Settings, load_settings
from editorial.errors import EditorialError
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
from editorial.names import printable
from editorial.workers import job_budget
from flows import artifacts, taskworker
from flows.params import ArticleRequest, download_url
from flows.publish import _rename_run, _result_of, _task_workers_ready

__all__ = ["ArticleRejected", "article_lock_name", "publish_article", "publish_one"]


@task(name="ingest_article", cache_policy=NO_CACHE)
def ingest_article(job: stages.Job, settings: Settings) -> Article:
    return stages.stage_ingest(job, settings)


@task(name="extract_quotes", cache_policy=NO_CACHE)
def extract_quotes(article: Article, settings: Settings) -> Extraction:
    return stages.stage_extract(article, settings)


@task(name="render_output", cache_policy=NO_CACHE)
def render_output(fmt: str, article: Article, extraction: Extraction, job: stages.Job,
                  settings: Settings, rendered: tuple[RenderedFile, ...] = ()
                  ) -> tuple[RenderedFile, ...]:  # fmt: skip
    return stages.stage_render(fmt, article, extraction, job, settings, rendered)


@task(name="write_outputs", cache_policy=NO_CACHE)
def write_outputs(
    job: stages.Job, produced: stages.Produced, key: str, out_dir: str
) -> ArticleResult:
    with store.run_lock(Path(out_dir), wait=600):  # after a batch writing there, if one is
        return outcomes.publish(job, produced, key, Path(out_dir))


def _article_run_name() -> str:
    """`publish <article>` (file name without its suffix: usually the slug; renamed to the
    slug after ingest when it differs)."""
    params = runtime.flow_run.parameters
    article = params.get("request") or params.get("article")
    if isinstance(article, ArticleRequest):
        article = article.url or article.article
    elif isinstance(article, dict):
        article = article.get("url") or article.get("article")
    text = str(article or "").strip()
    if "://" in text:
        return f"publish {printable(text.split('://', 1)[1][:120])}"
    return f"publish {printable(Path(text).stem) or '(no article)'}"


@flow(name="publish-article", flow_run_name=_article_run_name, log_prints=True)
def publish_article(
    article: str,
    out_dir: str = "outputs",
    formats: list[Format] | None = None,
    language: Language | None = None,
    force: bool = False,
    pdf_variant: str | None = None,
) -> Any:
    """Publish one article, one task per stage; a rejected article fails the run with its
    one-line message."""
    job = stages.Job(source=article, formats=tuple(formats or ALL_FORMATS), language=language,
                       force=force, pdf_variant=pdf_variant)  # fmt: skip
    return publish_one(job, Path(out_dir), load_settings())


def article_lock_name(source: str) -> str:
    """The global concurrency limit (1 slot) that serialises runs of one article."""
    import hashlib

    digest = hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]
    return artifacts.artifact_key("article", f"{Path(source).stem[:60]}-{digest}")


def _article_lock(source: str) -> Any:
    """Hold the article's concurrency slot (the limit is created on first use)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.concurrency.sync import concurrency
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    name = article_lock_name(source)
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            try:
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=name, limit=1)
                )
            except ObjectAlreadyExists:
                pass
    return concurrency(name, occupy=1, strict=True, timeout_seconds=1800)


# What a review does with an article's extraction: the corrected extraction (a human checked
# it), or an EditorialError (timed out): see flows.manual.
Reviewer = Callable[[Article, Extraction], Extraction]


def publish_one(
    job: stages.Job, out: Path, settings: Settings, *, review: Reviewer | None = None
) -> ArticleResult | State:
    """One article, one task per stage, then its artifacts. A rejected article (any
    EditorialError) ends the run Failed with its one-line message as the state message, no
    traceback. With `review`, the extraction goes through it before anything is rendered;
    without, and with `make serve`'s warm task workers up, the article is handed to them."""
    article = job.source
    out_dir = str(out)
    key = cache.job_key(job, settings)
    if review is None and cache.is_fresh(job, key, out):
        result = outcomes.skipped(job, out)
        get_run_logger().info("%s: nothing changed since the last run", printable(article))
        artifacts.publish_artifacts(result, out, download_url(settings))
        return result
    try:
        if review is None and _task_workers_ready():
            [future] = taskworker.delay_all([(job, key)], out)
            budget = _started(future, job_budget(settings.limits) + 60)
            result = _result_of(job, future, timeout=budget)
            if result.status == "failed" and result.error:
                raise ArticleRejected(result.error)
        else:
            result = _stage_by_stage(job, key, out_dir, settings, review)
    except ArticleRejected as exc:
        return Failed(message=str(exc), data=exc.result.model_dump(mode="json"))
    except EditorialError as exc:
        failed = outcomes.failed(job, exc, out)
        assert failed.error
        return Failed(message=f"{failed.error.code}: {failed.error.message}",
                      data=failed.model_dump(mode="json"))  # fmt: skip
    if result.slug and f"publish {result.slug}" != runtime.flow_run.name:
        _rename_run(f"publish {result.slug}")
    artifacts.publish_artifacts(result, out, download_url(settings))
    return result


def _started(future: Any, timeout: float) -> float:
    """Wait until a delayed task run exists with a state (`.delay()` returns before the
    server has recorded it, and waiting on it then raises at once); the time left."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            future.wait(timeout=max(0.1, deadline - time.monotonic()))
            return max(1.0, deadline - time.monotonic())
        except RuntimeError as exc:
            if "has no state" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class ArticleRejected(Exception):
    """A warm task worker rejected the article: `result` is its failed row."""

    def __init__(self, error: ErrorInfo) -> None:
        super().__init__(f"{error.code}: {error.message}")
        self.result = ArticleResult(source="", status="failed", error=error)


def _stage_by_stage(job: stages.Job, key: str, out_dir: str, settings: Settings,
                    review: Reviewer | None) -> ArticleResult:  # fmt: skip
    name = printable(Path(job.source).name)
    art = ingest_article.with_options(task_run_name=f"ingest {name}")(job, settings)
    ext = extract_quotes.with_options(task_run_name=f"extract {art.slug}")(art, settings)
    art, ext = stages.stage_review(art, ext)
    if review is not None:
        ext = review(art, ext)
        key = cache.job_key(job, settings)  # the review may have written corrections
    files: list[RenderedFile] = []
    for fmt in stages.render_order(job):
        files += render_output.with_options(task_run_name=f"render {fmt} {art.slug}")(
            fmt, art, ext, job, settings, tuple(files)
        )
    produced = stages.Produced(art, ext, tuple(files))
    result: ArticleResult = write_outputs.with_options(task_run_name=f"write {art.slug}")(
        job, produced, key, out_dir
    )
    return result
