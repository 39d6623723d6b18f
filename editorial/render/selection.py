"""Choices every renderer shares: which quotes are strongest, which entities lead."""

from __future__ import annotations

from editorial.model import EntitySummary, Extraction, Quote

KIND_WEIGHT = {"full": 3.0, "mixed": 1.5, "fragment": 0.0}
WORDS_PER_MINUTE = 230


def quote_score(quote: Quote) -> float:
    """Higher is stronger: a full, attributed quote of 8-40 words; earlier breaks ties."""
    words = len(quote.text.split())
    score = KIND_WEIGHT[quote.kind]
    score += 2.0 if quote.speaker and quote.speaker_named else 0.0
    if 8 <= words <= 40:
        score += 2.0
    elif 5 <= words <= 60:
        score += 1.0
    return score


def strongest_quotes(
    extraction: Extraction, n: int = 3, *, max_words: int = 60
) -> tuple[Quote, ...]:
    """Up to `n` quotes, strongest first, at most one per utterance group, none over `max_words`."""
    candidates = [q for q in extraction.quotes if len(q.text.split()) <= max_words]
    ranked = sorted(candidates, key=lambda q: (-quote_score(q), q.start))
    chosen: list[Quote] = []
    groups: set[int] = set()
    for q in ranked:
        if q.group and q.group in groups:
            continue
        chosen.append(q)
        groups.add(q.group)
        if len(chosen) == n:
            break
    return tuple(chosen)


def top_entities(
    extraction: Extraction, n: int = 5, *, labels: tuple[str, ...] = ("PERSON", "ORG", "LOC")
) -> tuple[EntitySummary, ...]:
    """The `n` most mentioned entities with one of `labels` (entity_summary is already ranked)."""
    return tuple(e for e in extraction.entity_summary if e.label in labels)[:n]


def reading_minutes(word_count: int) -> int:
    return max(1, round(word_count / WORDS_PER_MINUTE))
