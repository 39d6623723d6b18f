"""Article -> Extraction: quotes with resolved speakers, entity mentions and their summary."""

from __future__ import annotations

import bisect
import logging
from dataclasses import replace

from editorial.extract.analysis import analyse
from editorial.extract.attribution import attribute
from editorial.extract.canonical import build_entities, canonicalise
from editorial.extract.document import Doc
from editorial.extract.entities import find_mentions
from editorial.extract.quotes import find_quote_spans
from editorial.ingest import plaintext
from editorial.model import Article, Extraction, Language, Quote

log = logging.getLogger(__name__)


def extract(article: Article, source_text: str | None = None) -> Extraction:
    """Extraction of `article.text` in the article's language.

    For a `.txt` article, quote `start`/`end` index the decoded source file (`source_text`, else
    the file re-read and checked against the article's hash) and each quote's `text` is the
    file's text there; for other formats, and when the file cannot be had, `Article.text`."""
    ex = extract_text(article.text, article.language)
    if article.format != "txt" or not ex.quotes:
        return ex
    source = source_text if source_text is not None else plaintext.decoded_source(article)
    offsets = plaintext.source_offsets(source, article) if source is not None else None
    if source is None or offsets is None:
        log.warning("%s: quote offsets index the article text, not the file", article.source_name)
        return ex
    quotes = tuple(
        q.model_copy(
            update={
                "start": offsets[q.start],
                "end": offsets[q.end],
                "text": source[offsets[q.start] : offsets[q.end]],
            }
        )
        for q in ex.quotes
    )
    return ex.model_copy(update={"quotes": quotes})


def in_article_text(
    article: Article, extraction: Extraction, source_text: str | None = None
) -> Extraction:
    """`extraction` with quote offsets (and texts) back in `Article.text`, for code that lays
    quotes over the article's blocks (the PDF's cover and pull quotes). The inverse of what
    `extract` does for a `.txt` source; other formats are returned as they are."""
    if article.format != "txt" or not extraction.quotes:
        return extraction
    source = source_text if source_text is not None else plaintext.decoded_source(article)
    offsets = plaintext.source_offsets(source, article) if source is not None else None
    if offsets is None:
        return extraction
    text = article.text

    def back(pos: int) -> int:
        return min(len(text), bisect.bisect_left(offsets, pos))

    quotes = tuple(
        q.model_copy(
            update={
                "start": back(q.start),
                "end": back(q.end),
                "text": text[back(q.start) : back(q.end)],
            }
        )
        for q in extraction.quotes
    )
    return extraction.model_copy(update={"quotes": quotes})


def extract_text(text: str, language: Language) -> Extraction:
    """Quotes, entity mentions and entity summary of `text`.

    Never raises on odd input: should a rule fail on some text nobody foresaw, the stages
    that worked are kept (quotes without speakers at worst) and a warning is logged."""
    if not text.strip():
        return Extraction(language=language)
    spans = find_quote_spans(text)
    an = analyse(text, language)
    try:
        found = find_mentions(an)
        canon = canonicalise(text, found)
        mentions, summary = build_entities(text, found, canon)
    except Exception:  # a bug in a rule must not cost the article its quotes
        log.warning("entity rules failed; quotes only", exc_info=True)
        found, canon, mentions, summary = [], {}, (), ()
    # attribution sees each mention with its entity's final label
    found = [replace(m, label=em.label) for m, em in zip(found, mentions, strict=True)]
    try:
        doc = Doc(an=an, mentions=found, canon=canon, spans=spans)
        doc.build()
        quotes = tuple(sorted(attribute(doc), key=lambda q: q.start))
    except Exception:
        log.warning("attribution rules failed; quotes without speakers", exc_info=True)
        quotes = tuple(
            Quote(text=text[s.start : s.end], speaker="", start=s.start, end=s.end) for s in spans
        )
    return Extraction(language=language, quotes=quotes, entities=mentions, entity_summary=summary)


def format_table(extraction: Extraction) -> str:
    """Quotes as a plain-text table: speaker, cue, kind, quote."""
    rows = [("#", "speaker", "cue", "kind", "quote")]
    for k, q in enumerate(extraction.quotes, 1):
        quote = q.text if len(q.text) <= 70 else q.text[:67] + "..."
        rows.append((str(k), q.speaker or "?", q.cue or "-", q.kind, quote))
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    lines = ["  ".join(r[c].ljust(widths[c]) for c in range(4)) + "  " + r[4] for r in rows]
    return "\n".join(lines)
