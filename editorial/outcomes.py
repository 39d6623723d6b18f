"""An article's outcome, recorded: publish its files (through `editorial.store`, in the parent
process), or record it as failed or skipped."""

from __future__ import annotations

from pathlib import Path

from editorial import store
from editorial.config import PIPELINE_VERSION
from editorial.errors import EditorialError
from editorial.model import ALL_FORMATS, ArticleResult, ErrorInfo
from editorial.stages import Job, Produced


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
