"""Plain-text helpers shared by the newsletter and the social posts: sentences, whole-word
trimming, grapheme counts, hashtags and links. No platform rule lives here (see social.py)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import regex

from editorial.model import Article, Block, EntitySummary, Language
from editorial.urls import safe_link

ELLIPSIS = "…"

# A full stop after one of these is not a sentence end ("Mr. Smith", "M. Foote", "U.S. troops").
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr jr gen gov sen rep col lt sgt capt "
    "mme mlle mm pr ste vol pp fig ca approx jan feb apr jun jul aug "
    "sep sept oct nov dec av bd".split()
)
_BOUNDARY = regex.compile(
    r"""(?<=[.!?…])(?:[\u00a0\u202f ]?[»"”’)\]])*(\s+)(?=[«"“‘(\[¿¡]?\s?[\p{Lu}\p{N}])"""
)
_SPACE = regex.compile(r"[^\S\u00a0\u202f\u2007]+")  # no-break spaces are kept
_FRENCH_BEFORE = regex.compile(r"[ \u00a0]+(?=[!?;:»])")
_FRENCH_AFTER = regex.compile(r"(?<=«)[ \u00a0]+")


_CONTROL = regex.compile(r"[\p{Cc}\p{Zl}\p{Zp}]")


def clean(text: str) -> str:
    """One line: whitespace runs collapsed, control characters (CR, LF...) removed."""
    return _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip()


def sentences(text: str) -> list[str]:
    """Split on sentence ends (. ! ? …) followed by a capital or digit, skipping abbreviations."""
    text = clean(text)
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[start : m.start(1)]
        last = before.rstrip('.!?…»"”’)]\u00a0\u202f ').rsplit(" ", 1)[-1].lower()
        dotted = before.rstrip('»"”’)]\u00a0\u202f ').endswith(".")
        if dotted and (
            last.rstrip(".") in _ABBREVIATIONS or regex.fullmatch(r"(\p{L}\.)+\p{L}?", last)
        ):
            continue
        if dotted and regex.fullmatch(r"\p{L}", last):  # an initial: "J. Smith"
            continue
        if _open_quote(before) and _closes_later(text[m.end(1) :]):
            continue  # inside a quotation: a sentence break there would cut the quote
        out.append(before.strip())
        start = m.end(1)
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _open_quote(text: str) -> bool:
    return (
        text.count("“") > text.count("”")
        or text.count("«") > text.count("»")
        or text.count('"') % 2 == 1
    )


def _closes_later(text: str) -> bool:
    return any(mark in text for mark in ("”", "»", '"'))


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters)."""
    return len(regex.findall(r"\X", text))


def fit_sentences(text: str, fits: Callable[[str], bool]) -> str:
    """The longest run of whole leading sentences for which `fits` holds ("" if none)."""
    best = ""
    parts = sentences(text)
    for i in range(1, len(parts) + 1):
        candidate = " ".join(parts[:i])
        if not fits(candidate):
            break
        best = candidate
    return best


def fit_words(text: str, fits: Callable[[str], bool]) -> str:
    """Whole leading words plus an ellipsis for which `fits` holds, never cut inside a quotation;
    the text itself if it fits; when not even the first word fits, its leading characters."""
    text = clean(text)
    if fits(text):
        return text
    words = text.split(" ")
    cuts = [k for k in range(1, len(words)) if not _open_quote(" ".join(words[:k]))]
    lo, hi = 0, len(cuts) - 1
    best = ""
    while lo <= hi:  # the longest balanced cut that fits (fitting is monotonic in length)
        mid = (lo + hi) // 2
        candidate = _cut(words, cuts[mid])
        if fits(candidate):
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return best or fit_graphemes(words[0], fits)


def fit_graphemes(text: str, fits: Callable[[str], bool]) -> str:
    """Last resort for a "word" longer than the whole budget (a URL, text without spaces such as
    Chinese): leading grapheme clusters plus an ellipsis; "" if not even one fits."""
    clusters = regex.findall(r"\X", text)
    lo, hi, best = 1, len(clusters) - 1, ""
    while lo <= hi:
        mid = (lo + hi) // 2
        candidate = "".join(clusters[:mid]) + ELLIPSIS
        if fits(candidate):
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return best


def _cut(words: list[str], k: int) -> str:
    return " ".join(words[:k]).rstrip(",;:—–-") + ELLIPSIS


def fit_text(text: str, fits: Callable[[str], bool]) -> str:
    """Whole sentences if at least one fits, else whole words with an ellipsis."""
    return fit_sentences(text, fits) or fit_words(text, fits)


def quoted(text: str, language: Language) -> str:
    """The quote in the language's quotation marks (French: guillemets with no-break spaces)."""
    text = clean(text)
    if text.endswith(","):  # "…," he said: the comma belongs to the sentence around the quote
        text = text[:-1].rstrip()
    if language == "fr":
        return f"«\u202f{french_spacing(text)}\u202f»"
    return f"“{text}”"


def french_spacing(text: str) -> str:
    """Narrow no-break spaces before ! ? ; : » and after «, so no line starts with them."""
    return _FRENCH_AFTER.sub("\u202f", _FRENCH_BEFORE.sub("\u202f", text))


def sentence_end(text: str) -> str:
    """`text` ending with a full stop unless it already ends with punctuation."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…»”\"')" else text + "."


def attributed(text: str, speaker: str, language: Language) -> str:
    return f"{quoted(text, language)} — {speaker}" if speaker else quoted(text, language)


# ---------------------------------------------------------------- hashtags


def camel_tag(name: str) -> str:
    """'Mistral AI' -> 'MistralAI', 'Hugging Face' -> 'HuggingFace', 'jean-michel larqué' ->
    'JeanMichelLarqué'. Accents are kept (every target platform accepts Unicode letters in
    tags); anything but letters and digits is dropped. '' when no letter is left."""
    words = regex.findall(r"[\p{L}\p{M}\p{N}]+", name.replace("’", "").replace("'", ""))
    tag = "".join(w[:1].upper() + w[1:] if not w.isupper() else w for w in words)
    if not regex.search(r"\p{L}", tag) or len(tag) > 50:
        return ""
    return tag


def hashtags(article: Article, entities: tuple[EntitySummary, ...], n: int = 3) -> tuple[str, ...]:
    """Up to `n` CamelCase tags from the main entities, those the title names first; a person
    only when the title names them (the article is about them)."""
    title = article.title.lower()
    tags: list[str] = []
    seen: set[str] = set()
    ranked = sorted(entities, key=lambda e: not _named_in(e.canonical, title))  # stable
    names = [e.canonical for e in ranked if e.label != "PERSON" or _named_in(e.canonical, title)]
    for name in names:
        tag = camel_tag(name)
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
        if len(tags) == n:
            break
    return tuple(tags)


def find_tag(text: str, tag: str) -> tuple[int, int] | None:
    """Where `#tag` stands in `text` as a whole tag (character offsets): "#Aa" is not found
    inside "#AaAa"."""
    found = regex.search("#" + regex.escape(tag) + r"(?![\p{L}\p{M}\p{N}_])", text)
    return found.span() if found else None


def _named_in(person: str, title: str) -> bool:
    parts = [p for p in person.lower().split() if len(p) > 2]
    return bool(parts) and parts[-1] in regex.findall(r"\p{L}+", title)


# ---------------------------------------------------------------- links


def with_utm(url: str, *, source: str, medium: str, campaign: str) -> str:
    """`url` with utm_source/medium/campaign set (existing query kept, old utm_* replaced)."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith("utm_")
    ]
    query += [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign)]
    return urlunsplit(parts._replace(path=parts.path or "/", query=urlencode(query)))


def published_url(base_url: str, slug: str, name: str = "") -> str:
    """`<base_url>/<slug>/<name>`, or "" without a base URL."""
    if not base_url:
        return ""
    return f"{base_url.rstrip('/')}/{slug}/{name}"


def article_link(article: Article, base_url: str) -> str:
    """canonical_url if the article has one, else `<base_url>/<slug>/`, else "": only ever an
    http(s) URL (`editorial.urls.safe_link`, checked again here for every renderer)."""
    return safe_link(article.canonical_url) or safe_link(published_url(base_url, article.slug))


# ---------------------------------------------------------------- article material


# A wire-style dateline opening a lead: "16 juin 2012. - ", "April 13, 2011 — ".
_DATELINE = regex.compile(
    r"^(?:\d{1,2}(?:er)?\s+\p{L}+\s+\d{4}|\p{L}+\s+\d{1,2},?\s+\d{4})\.?\s*[-–—]+\s*"
)


# A picture credit or caption label that ingest may leave in a lead: "Image: NASA/Bill Ingalls."
_CREDIT = regex.compile(
    r"^(?:image|photo|picture|credit|crédit|source|illustration|video|vidéo)\s*:", regex.I
)


def lead_text(article: Article) -> str:
    """The standfirst, or else the first body paragraph, without a dateline or picture credits."""
    lead = clean(article.standfirst)
    if not lead:
        first = next((b.text for b in article.body if b.kind == "paragraph" and b.text.strip()), "")
        lead = clean(first)
    return " ".join(s for s in sentences(strip_dateline(lead)) if not is_credit(s))


def is_credit(sentence: str) -> bool:
    return bool(_CREDIT.match(sentence))


def strip_dateline(text: str) -> str:
    return _DATELINE.sub("", text)


def hook_text(article: Article) -> str:
    """The article's question (a title ending in '?') followed by its lead claim; else the lead."""
    title = clean(article.title)
    lead = lead_text(article)
    if title.endswith(("?", "?")) or not lead:
        return f"{title} {lead}".strip()
    return lead


def lead_paragraphs(
    article: Article, max_words: int, *, skip: str = "", avoid: tuple[str, ...] = ()
) -> list[tuple[Block, list[str], bool]]:
    """The lead paragraphs cut on a sentence boundary: (block, its kept sentences, kept whole?),
    at most `max_words` words (always at least one sentence), stopping at the first heading
    after some text. Sentences of `skip` (e.g. the standfirst already shown) and sentences holding
    one of `avoid` (e.g. quotes shown elsewhere) are left out."""
    skipped = set(sentences(skip)) if skip else set()
    out: list[tuple[Block, list[str], bool]] = []
    count = 0
    for block in article.body:
        if block.kind != "paragraph":
            if out and block.kind == "heading":
                break
            continue
        all_sentences = sentences(block.text)
        kept: list[str] = []
        for sentence in all_sentences:
            if sentence in skipped or any(a and a in sentence for a in avoid):
                continue
            n = len(sentence.split())
            if (out or kept) and count + n > max_words:
                if kept:
                    out.append((block, kept, False))
                return out
            kept.append(sentence)
            count += n
        if kept:
            out.append((block, kept, kept == all_sentences))
    return out


def summary_sentences(article: Article, max_words: int, *, skip: str = "") -> list[str]:
    """`lead_paragraphs` flattened to sentences."""
    return [s for _, kept, _ in lead_paragraphs(article, max_words, skip=skip) for s in kept]
