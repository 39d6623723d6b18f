"""The pure stages: source -> Article -> Extraction -> rendered files, for one article.

`produce()` is pure (returns bytes, writes nothing) and runs in worker processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from editorial.config import Settings
from editorial.errors import EditorialError, RenderError
from editorial.ingest import ingest
from editorial.model import (
    ALL_FORMATS,
    Article,
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


def stage_ingest(job: Job, settings: Settings) -> Article:
    return ingest(Path(job.source), limits=settings.limits, language=job.language)


def stage_extract(article: Article, settings: Settings) -> Extraction:
    from editorial.extract import extract

    with time_limit(settings.limits.nlp_timeout, "extraction"):
        return extract(article)


def stage_review(article: Article, extraction: Extraction) -> tuple[Article, Extraction]:
    """The editors' corrections file beside the source, applied (editorial.review)."""
    from editorial import review

    corrections = review.load_for(article.source)
    if corrections is None:
        return article, extraction
    extraction, warnings = review.apply(
        extraction, corrections, review.review_path(article.source).name
    )
    if warnings:
        article = article.model_copy(update={"warnings": (*article.warnings, *warnings)})
    return article, extraction


def stage_render(
    fmt: str,
    article: Article,
    extraction: Extraction,
    job: Job,
    settings: Settings,
    rendered: tuple[RenderedFile, ...] = (),
) -> tuple[RenderedFile, ...]:
    """One format's files; `rendered`: what the formats before it made (the newsletter's .eml
    carries the PDF's preview)."""
    try:
        if fmt == "article":
            from editorial.render.article_json import render_article_json

            return (render_article_json(article, extraction),)
        if fmt == "pdf":
            from editorial.extract import in_article_text
            from editorial.render.pdf import render_pdf

            # The report lays quotes over the article's blocks: offsets in Article.text (a
            # .txt source's quotes index its file).
            extraction = in_article_text(article, extraction)
            return render_pdf(article, extraction, settings=settings,
                              source_dir=Path(job.source).parent, variant=job.pdf_variant)  # fmt: skip
        if fmt == "newsletter":
            from editorial.render.newsletter import render_newsletter

            preview = next((f.data for f in rendered if f.name == "report.png"), None)
            return render_newsletter(article, extraction, settings=settings, preview=preview)
        if fmt == "web":
            from editorial.render.webpage import render_webpage

            return render_webpage(article, extraction, settings=settings,
                                  source_dir=Path(job.source).parent,
                                  has_pdf="pdf" in job.formats, has_card="social" in job.formats)  # fmt: skip
        if fmt == "social":
            from editorial.render.social import render_social

            return render_social(article, extraction, settings=settings)
    except EditorialError:
        raise
    except Exception as exc:  # a renderer bug must fail this article only, with its name
        raise RenderError(f"{fmt} renderer failed: {type(exc).__name__}: {exc}") from exc
    raise ValueError(f"unknown format {fmt!r}")


def render_order(job: Job) -> tuple[str, ...]:
    """The formats an article's run renders, in order: article.json, the asked formats, and
    the web page (what every link leads to) last, so it can link what the others made."""
    return ("article", *job.formats, "web")


def produce(job: Job, settings: Settings) -> Produced:
    """Run every stage for one article; pure (returns the files, writes nothing)."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    article = stage_ingest(job, settings)
    timings["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    extraction = stage_extract(article, settings)
    article, extraction = stage_review(article, extraction)
    timings["extract"] = time.perf_counter() - t
    files: list[RenderedFile] = []
    with time_limit(settings.limits.render_timeout, "rendering"):
        for fmt in render_order(job):
            t = time.perf_counter()
            files += stage_render(fmt, article, extraction, job, settings, tuple(files))
            timings[f"render_{fmt}"] = time.perf_counter() - t
    warnings = render_warnings(job, article, settings)
    if warnings:
        article = article.model_copy(update={"warnings": article.warnings + warnings})
    return Produced(article, extraction, tuple(files), timings)


def render_warnings(job: Job, article: Article, settings: Settings) -> tuple[str, ...]:
    """What keeps the outputs from being sent or shared as they are (for the run report)."""
    from editorial.render.newsletter import newsletter_warnings
    from editorial.render.webpage import web_warnings

    found = web_warnings(settings)
    if "newsletter" in job.formats:
        found += newsletter_warnings(article, settings)
    return found
