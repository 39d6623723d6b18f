"""An article's outcome, recorded: publish its files (through `editorial.store`, in the parent
process), or record it as failed or skipped."""

from __future__ import annotations

from pathlib import Path

from editorial import cache, sources, store
from editorial.config import PIPELINE_VERSION
from editorial.errors import EditorialError, StageTimeout, TooLarge
from editorial.model import ALL_FORMATS, ArticleResult, ErrorInfo
from editorial.stages import Job, Produced


def publish(job: Job, produced: Produced, key: str, out_dir: Path) -> ArticleResult:
    """Write one article's outputs (atomically) and its state; the only write path.

    The key recorded is the one of the bytes the worker read (`cache.key_for_content`): a
    source that changed between the parent's read and the worker's is published under the key
    of what was published, so the next run sees the difference."""
    article = produced.article
    key = cache.key_for_content(key, article.content_hash)
    previous = store.read_state(out_dir, job.source).get("slug")
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
                           warnings=warnings, files=names, timings=produced.timings,
                           low_confidence=produced.extraction.low_confidence)  # fmt: skip
    store.write_state(out_dir, result, key)
    if isinstance(previous, str) and previous != slug:  # the title changed: no orphan folder
        store.retire(out_dir, previous, job.source)
    return result


def _cause(exc: BaseException) -> BaseException:
    """The error that explains `exc`. A limit hit anywhere in its chain (a stage timeout, a
    MemoryError or RecursionError, `too_large`) wins over the error a library or a renderer
    wrapped it in (`RenderError("PDF layout failed: StageTimeout...")` is a timeout); else the
    first EditorialError of the chain, else `exc`."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not c for c in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    for kinds in ((StageTimeout,), (MemoryError, RecursionError), (TooLarge,), (EditorialError,)):
        found = next((c for c in chain if isinstance(c, kinds)), None)
        if found is not None:
            return found
    return exc


def failed(job: Job, exc: BaseException, out_dir: Path | None = None) -> ArticleResult:
    exc = _cause(exc)
    if isinstance(exc, MemoryError | RecursionError):
        exc = TooLarge("ran out of the worker's memory limit (limits.worker_memory_mb)"
                       if isinstance(exc, MemoryError) else "the document is nested too deeply")  # fmt: skip
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
    reason = sources.ignored(job.source)
    if reason:
        return ArticleResult(source=job.source, status="skipped", warnings=(reason,))
    state = store.read_state(out_dir, job.source)
    return ArticleResult(source=job.source, slug=state.get("slug", ""), title=state.get("title", ""),
                         status="skipped", files=tuple(state.get("files", ())))  # fmt: skip


def finish(job: Job, outcome: Produced | ArticleResult, key: str, out_dir: Path) -> ArticleResult:
    """Publish a worker's outcome (in the parent). Whatever goes wrong stays this article's."""
    if isinstance(outcome, ArticleResult):
        if outcome.status == "failed":
            try:
                store.write_state(out_dir, outcome, key="")
            except EditorialError:
                pass
        return outcome
    try:
        return publish(job, outcome, key, out_dir)
    except Exception as exc:  # noqa: BLE001 - a write failure or a bug: this article only
        return failed(job, exc, out_dir)
