"""Reporting cues: the stretch of reporter's text around each quote and the verb in it.

A quote's *before* context runs from its sentence start to the opening mark, its *after*
context from the closing mark to the sentence end; text between two quotes of one sentence
("X," he said, "Y.") belongs to both. Quotes are opaque: their inner punctuation never ends
the reporter's sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from editorial.extract.analysis import Analysis, Tok
from editorial.extract.lexicon import (
    OPINION_PREPOSITIONS,
    PHRASE_CUES,
    REPORTING_VERBS,
    SOURCE_CUES,
    TITLES,
    WEAK_VERBS,
)
from editorial.extract.quotes import QuoteSpan, paragraphs
from editorial.model import Language

# a sentence end, closing marks included: `said. "Next`, `« ... limite. » Le PP` (French sets a
# space before the closing guillemet)
BOUNDARY = re.compile(
    r"(?<=[.!?…])(?:[\s\u00a0\u202f]?[\"”»’)\]])*[\s\u00a0\u202f]+(?=[\"“«„A-ZÀ-Þ0-9])"
)
AFTER_TAG_MAX_TOKENS = 16
FR_AUX = frozenset("a ont avait avaient aurait auraient aura est sont était".split())
NAMING = frozenset(
    "call calls called calling label labels labelled labeled labelling labeling dub dubbed "
    "nicknamed named appelle appelé appelait qualifie qualifié surnommé".split()
)


@dataclass(frozen=True, slots=True)
class Context:
    """Reporter's text around quote `q` (character ranges, quote marks excluded)."""

    q: int
    par: int  # paragraph index
    before: tuple[int, int]
    after: tuple[int, int]
    shared_with_previous: bool  # the before context is the previous quote's after context


@dataclass(frozen=True, slots=True)
class Cue:
    first: int  # token range of the cue phrase (end exclusive)
    last: int
    text: str
    side: str  # "before" / "after"
    kind: str  # "verb" / "source" (according to, selon) / "opinion" (pour X,)


def sentence_cut(text: str, start: int, end: int, *, last: bool) -> int:
    """Position of the last (or first) sentence boundary inside text[start:end], else -1."""
    found = -1
    # one character past `end` so the lookahead can see the opening mark of the next quote
    for m in BOUNDARY.finditer(text, start, min(len(text), end + 1)):
        word = re.search(r"(\S+)[.!?…]\S*\s*$", text[max(start, m.start() - 30) : m.end()])
        if word and _is_abbreviation(word.group(1)):
            continue
        found = m.end()
        if not last:
            return found
    return found


def _is_abbreviation(word: str) -> bool:
    w = word.strip('"“”«»()').lower()
    return len(w) == 1 or w in TITLES or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]?", w))


def contexts(text: str, spans: list[QuoteSpan]) -> list[Context]:
    pars = paragraphs(text)
    par_of = []
    k = 0
    for sp in spans:
        while k + 1 < len(pars) and pars[k + 1][0] <= sp.start:
            k += 1
        par_of.append(k)
    out: list[Context] = []
    for i, sp in enumerate(spans):
        ps, pe = pars[par_of[i]] if pars else (0, len(text))
        open_at = sp.open_at if sp.open_at < sp.start else sp.start
        prev_same = i > 0 and par_of[i - 1] == par_of[i] and spans[i - 1].outer_end <= open_at
        b_start = spans[i - 1].outer_end if prev_same else ps
        cut = sentence_cut(text, b_start, open_at, last=True)
        shared = prev_same and cut < 0
        if shared and _ends_sentence(text, spans[i - 1]):
            # "...today." The poster wrote that "...": the text is this quote's only
            shared = False
        if cut >= 0:
            b_start = cut
        next_same = i + 1 < len(spans) and par_of[i + 1] == par_of[i]
        a_end = spans[i + 1].open_at if next_same else pe
        a_start = sp.outer_end
        if next_same and spans[i + 1].dialogue_turn:
            a_end = a_start
        cut = sentence_cut(text, a_start, a_end, last=False)
        if cut >= 0:
            a_end = cut
        elif next_same and _ends_sentence(text, sp) and _starts_upper(text, a_start, a_end):
            a_end = a_start  # belongs to the next quote
        out.append(Context(i, par_of[i], (b_start, open_at), (a_start, a_end), shared))
    return out


def _ends_sentence(text: str, sp: QuoteSpan) -> bool:
    return text[sp.start : sp.end].rstrip()[-1:] in ".!?…"


def _starts_upper(text: str, start: int, end: int) -> bool:
    m = re.search(r"\w", text[start:end])
    return bool(m and m.group()[0].isupper())


def _is_verb(an: Analysis, t: Tok, lang: Language) -> bool:
    if t.pos in ("VERB", "AUX"):
        return True
    if lang == "en":
        # "Asia Times Online predicts "..."": the small tagger reads a verb after a name as a
        # plural noun; an inflected lexicon form right after a name or pronoun is the verb
        prv = an.toks[t.i - 1] if t.i > 0 else None
        return (
            prv is not None
            and (prv.pos == "PROPN" or prv.lower in ("he", "she", "it", "they"))
            and t.pos in ("NOUN", "PROPN")
            and t.text.islower()
            and t.lower.endswith(("s", "ed"))
        )
    if lang == "fr":
        nxt = an.toks[t.i + 1] if t.i + 1 < len(an.toks) else None
        prv = an.toks[t.i - 1] if t.i > 0 else None
        if nxt is not None and nxt.text.startswith("-"):
            return True
        if prv is not None and prv.lower in FR_AUX | {"de"}:
            return True
        return t.pos not in ("PROPN", "DET", "ADP")
    return False


MAX_CONTEXT_TOKENS = 120  # a reporter's sentence around a quote; bounds work on odd input
_PHRASE_STARTS: dict[Language, frozenset[str]] = {
    lang: frozenset(p[0] for p in phrases) for lang, phrases in PHRASE_CUES.items()
}


def find_cues(an: Analysis, start: int, end: int, side: str) -> list[Cue]:
    """Reporting cues inside text[start:end], in order (only the `MAX_CONTEXT_TOKENS` tokens
    nearest the quote are read)."""
    lang = an.language
    rng = an.toks_between(start, end)
    if len(rng) > MAX_CONTEXT_TOKENS:
        rng = rng[-MAX_CONTEXT_TOKENS:] if side == "before" else rng[:MAX_CONTEXT_TOKENS]
    toks = [an.toks[k] for k in rng if an.toks[k].end <= end]
    cues: list[Cue] = []
    skip_until = -1
    for n, t in enumerate(toks):
        if t.i < skip_until:
            continue
        if t.lower in _PHRASE_STARTS[lang]:
            phrase = next(
                (p for p in PHRASE_CUES[lang] if tuple(x.lower for x in toks[n : n + len(p)]) == p),
                None,
            )
            if phrase is not None:
                last = toks[n + len(phrase) - 1].i + 1
                ctext = an.text[t.start : an.toks[last - 1].end]
                joined = " ".join(phrase)
                source = joined in SOURCE_CUES[lang] or ctext.lower() in SOURCE_CUES[lang]
                cues.append(Cue(t.i, last, ctext, side, "source" if source else "verb"))
                skip_until = last
                continue
        if t.lower in REPORTING_VERBS[lang] and _is_verb(an, t, lang):
            cues.append(Cue(t.i, t.i + 1, t.text, side, "verb"))
    return cues


def opinion_source(an: Analysis, start: int, end: int) -> int:
    """Token index after "Pour"/"For" when the sentence opens with "(Mais) pour X,", else -1."""
    toks = [an.toks[k] for k in an.toks_between(start, end)]
    for n, t in enumerate(toks[:3]):
        if t.lower in OPINION_PREPOSITIONS[an.language]:
            if any(x.text == "," for x in toks[n + 1 : n + 8]):
                return t.i + 1
    return -1


def is_weak(cue: Cue, language: Language) -> bool:
    return cue.text.lower() in WEAK_VERBS[language]


def is_naming(cue: Cue) -> bool:
    return cue.text.lower() in NAMING
