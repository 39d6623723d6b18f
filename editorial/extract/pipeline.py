"""Article -> Extraction: quotes with resolved speakers, entity mentions and their summary."""

from __future__ import annotations

from editorial.extract.analysis import analyse
from editorial.extract.quotes import find_quote_spans
from editorial.model import Article, EntityMention, EntitySummary, Extraction, Language, Quote


def extract(article: Article) -> Extraction:
    """Extraction of `article.text` in the article's language."""
    return extract_text(article.text, article.language)


def extract_text(text: str, language: Language) -> Extraction:
    """Quotes, entity mentions and entity summary of `text`. Never raises on odd input."""
    if not text.strip():
        return Extraction(language=language)
    an = analyse(text, language)
    quotes = tuple(
        Quote(text=text[s.start : s.end], speaker="", start=s.start, end=s.end)
        for s in find_quote_spans(text)
    )
    mentions = tuple(
        EntityMention(text=text[e.start : e.end], label=e.label, canonical=text[e.start : e.end],  # type: ignore[arg-type]
                      start=e.start, end=e.end)
        for e in an.ents
    )
    counts: dict[tuple[str, str], int] = {}
    for m in mentions:
        counts[(m.canonical, m.label)] = counts.get((m.canonical, m.label), 0) + 1
    summary = tuple(
        EntitySummary(canonical=c, label=lab, count=n, forms={c: n})  # type: ignore[arg-type]
        for (c, lab), n in sorted(counts.items(), key=lambda kv: -kv[1])
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
