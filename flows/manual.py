"""`publish-article/manual`: one article chosen (or uploaded, or a web address) in the UI.

The form is `flows.params.ArticleRequest`; its article field is a choice of the articles
under sources/ (the deployment's schema, refreshed when sources/ changes: flows.deployments).
Whatever reaches the flow is checked again here: an empty, unknown or outside article fails
the run with one line and publishes nothing else. With `review` on, the run pauses after
extraction with a Prefect input form (one speaker field and one keep box per quote, the
least certain attributions first); the editor's changes are written to the article's
corrections file (`editorial.review`) and the run renders with them.
"""

# No `from __future__ import annotations` here: the runner pickles the flow by value into its
# forked process, and the parameter's annotation must be the class, not a name to look up.
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.states import Failed

from editorial import review, store
from editorial.config import PROJECT_ROOT, Settings, load_settings
from editorial.errors import EditorialError
from editorial.model import Article, Extraction, Quote
from flows import leases
from flows.article import _article_lock, _article_run_name, publish_one
from flows.params import ArticleRequest, output_dir

__all__ = ["ReviewTimedOut", "UrlSourcesUnavailable", "publish_article_manual", "review_order"]

_QUOTE_TITLE_CHARS = 70
_SENTENCE_CHARS = 320


class ReviewTimedOut(EditorialError):
    code = "review_timeout"


class UrlSourcesUnavailable(EditorialError):
    code = "url_unavailable"


def source_from_url(url: str, settings: Settings, *, force: bool = False) -> str:
    """`url` fetched under the fetch policy into sources/web/ (once; a forced run asks again
    with a conditional GET): the stored page, project-relative. A feed gives its first new
    item. A failed fetch raises its EditorialError (fetch_failed, fetch_refused, ...)."""
    from editorial import remote

    resolved = remote.resolve_sources([url], settings, sources_dir=remote.sources_dir(),
                                      force=force)  # fmt: skip
    if resolved.failures:
        raise resolved.failures[0][1]
    if not resolved.paths:
        raise UrlSourcesUnavailable(f"{url}: nothing new to publish at that address")
    path = Path(resolved.paths[0]).resolve()
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:  # sources/ elsewhere ($EDITORIAL_SOURCES_DIR)
        return str(path)


@flow(name="publish-article", flow_run_name=_article_run_name, log_prints=True)
def publish_article_manual(request: ArticleRequest) -> Any:
    """Publish one article from sources/, as asked for in the Prefect UI's form.

    Writes to outputs/ (or $EDITORIAL_OUTPUT_DIR); one run at a time per article: a second
    run of the same article waits for the first (then usually finds nothing changed)."""
    settings = load_settings()
    try:
        rel = request.checked_source() or source_from_url(
            request.url, settings, force=request.force
        )
    except ValueError as exc:
        return Failed(message=str(exc))
    except EditorialError as exc:
        return Failed(message=f"{exc.code}: {exc}")
    source = rel
    if (Path.cwd() / rel).resolve() != (PROJECT_ROOT / rel).resolve():
        source = str(PROJECT_ROOT / rel)  # not run from the project root
    from editorial.stages import Job

    job = Job(source=source, formats=request.formats, language=request.language_override,
              force=request.force, pdf_variant=request.variant)  # fmt: skip
    reviewer = (lambda a, e: review_pause(a, e, settings)) if request.review else None
    with _article_lock(rel):
        return publish_one(job, Path(output_dir()), settings, review=reviewer)


# ---------------------------------------------------------------- the review form


def confidence(q: Quote) -> float:
    """How sure the extractor is of a quote's speaker, 0..1 (its attribution record when the
    model has one; otherwise: no speaker 0, no cue in the sentence .5, unnamed .7, else 1)."""
    record = getattr(q, "attribution", None)
    value = getattr(record, "confidence", None)
    if isinstance(value, int | float):
        return float(value)
    if not q.speaker:
        return 0.0
    if q.floating:
        return 0.5
    return 0.7 if not q.speaker_named else 1.0


def review_order(quotes: tuple[Quote, ...]) -> list[int]:
    """Indexes of `quotes`, the least certain attributions first, then in text order."""
    return sorted(range(len(quotes)), key=lambda i: (confidence(quotes[i]), quotes[i].start))


def sentence_of(article: Article, q: Quote) -> str:
    """The text around a quote, cut at paragraph and sentence ends, at most a few lines."""
    text = article.text
    start = text.rfind("\n", 0, q.start) + 1
    end = text.find("\n", q.end)
    end = len(text) if end < 0 else end
    for stop in (". ", "? ", "! "):
        cut = text.rfind(stop, start, max(start, q.start - 1))
        if cut >= 0 and q.start - cut < _SENTENCE_CHARS // 2:
            start = max(start, cut + 2)
    after = min(end, q.end + 160)
    for stop in (". ", "? ", "! "):
        cut = text.find(stop, q.end, after)
        if cut >= 0:
            after = cut + 1
            break
    snippet = " ".join(text[start:after].split())
    return snippet if len(snippet) <= _SENTENCE_CHARS else snippet[: _SENTENCE_CHARS - 1] + "…"


def _short(text: str, n: int = _QUOTE_TITLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def review_description(article: Article, quotes: tuple[Quote, ...], order: list[int]) -> str:
    """The markdown above the Resume form: what to do, then each quote with its sentence."""
    lines = [
        f"## Review the quotes of “{article.title}”",
        "",
        f"{len(quotes)} quote(s), the least certain speakers first. Correct a **speaker** "
        "(full name; empty: unknown) or switch off **keep** to leave a quote out, then click "
        "**Resume** to publish with your corrections. Unchanged fields publish as proposed. "
        f"Corrections are saved in `{review.review_path(article.source_name).name}` beside the "
        "source and apply to every later run.",
        "",
    ]
    for rank, i in enumerate(order, 1):
        q = quotes[i]
        who = q.speaker or "_unknown_"
        why = f" ({q.speaker_mention!r} in the text)" if q.speaker_mention else ""
        lines.append(
            f"{rank}. **{who}**{why}: “{_short(q.text, 160)}”  \n   > {sentence_of(article, q)}"
        )
    return "\n".join(lines) + "\n"


def review_form(article: Article, extraction: Extraction) -> tuple[type[Any], list[int]]:
    """The RunInput of the pause (fields q01_speaker, q01_keep, ... in review order) with the
    proposed values filled in, and the order (indexes into extraction.quotes)."""
    import pydantic
    from prefect.input import RunInput

    quotes = extraction.quotes
    order = review_order(quotes)
    fields: dict[str, Any] = {}
    initial: dict[str, Any] = {}
    for rank, i in enumerate(order, 1):
        q = quotes[i]
        title = f"{rank}. “{_short(q.text)}”"
        fields[f"q{rank:02d}_speaker"] = (str, pydantic.Field(
            default=q.speaker, title=f"{title}: speaker", description=sentence_of(article, q),
            max_length=200))  # fmt: skip
        fields[f"q{rank:02d}_keep"] = (bool, pydantic.Field(default=True, title=f"{rank}. keep"))
        initial[f"q{rank:02d}_speaker"] = fields[f"q{rank:02d}_speaker"][1]
        initial[f"q{rank:02d}_keep"] = fields[f"q{rank:02d}_keep"][1]
    base = pydantic.create_model("ReviewQuotes", __base__=RunInput, **fields)
    # with_initial_data keeps each field's type; passing the FieldInfo keeps titles too.
    form = base.with_initial_data(description=review_description(article, quotes, order), **initial)
    return form, order


def review_pause(article: Article, extraction: Extraction, settings: Settings) -> Extraction:
    """Pause the run for the editor; the extraction with their corrections (written to the
    article's corrections file). ReviewTimedOut when nobody resumed it in time."""
    from prefect.exceptions import FlowPauseTimeout
    from prefect.flow_runs import pause_flow_run

    logger = get_run_logger()
    if not extraction.quotes:
        logger.info("%s: no quotes to review; publishing", article.source_name)
        return extraction
    form, order = review_form(article, extraction)
    hours = settings.review.timeout_hours
    logger.info("%s: waiting for a review of %d quote(s) (up to %g h)", article.source_name,
                len(order), hours)  # fmt: skip
    try:
        # Prefect gives the run's deployment slot back when it pauses: its lease renewal
        # failing must not cancel the run (flows.leases).
        with leases.pausing():
            answer = pause_flow_run(wait_for_input=form, timeout=max(1, round(hours * 3600)),
                                    poll_interval=1)  # fmt: skip
    except FlowPauseTimeout:
        raise ReviewTimedOut(f"review not done within {hours:g} h: nothing was published",
                             source=article.source) from None  # fmt: skip
    values = answer.model_dump() if hasattr(answer, "model_dump") else dict(answer)
    quotes = tuple(extraction.quotes[i] for i in order)
    speakers = [str(values.get(f"q{r:02d}_speaker") or "") for r in range(1, len(order) + 1)]
    keep = [bool(values.get(f"q{r:02d}_keep", True)) for r in range(1, len(order) + 1)]
    new = review.corrections_from_review(quotes, speakers, keep)
    if not new:
        logger.info("%s: reviewed, published as proposed", article.source_name)
        return extraction
    old = review.load_for(article.source) or ()
    path = store.write_review_file(Path(article.source), review.dump(
        review.merge(old, new), header="Corrections of the quotes' speakers (editorial review)."))  # fmt: skip
    logger.info("%s: %d correction(s) saved in %s", article.source_name, len(new), path.name)
    fixed, _ = review.apply(extraction, new, path.name)
    return fixed
