"""The article's language, among every language lingua knows; the newsroom publishes en and fr.

lingua's models ship inside its wheel (nothing is downloaded). Detection runs on a sample of
about 1,200 characters taken after the title (long enough to be reliable on sentences, short
enough to be cheap). Text whose common words are English or French ones skips the
75-language model (tens of milliseconds) for the two-language one (under a millisecond). A text too short to judge (fewer than
`MIN_WORDS` words) or one lingua is unsure about is read as whichever of en/fr fits best, as
before; a text clearly in another language is `UnsupportedLanguage`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from editorial.errors import UnsupportedLanguage
from editorial.model import Language

PUBLISHED: tuple[Language, ...] = ("en", "fr")
SAMPLE_CHARS = 1200
MIN_WORDS = 20  # below this, lingua is not reliable enough to refuse an article
MIN_CONFIDENCE = 0.5  # of the top language, to refuse an article
# Function words of each published language that its neighbours (German, Dutch, Spanish,
# Portuguese, Italian...) do not use: a text where they are common is en or fr, and the
# 75-language model (tens of milliseconds) is not needed.
_OWN_WORDS = frozenset(
    "the and of to that with for is this are from have was were has which their "
    "le les des du et est une dans pour qui sur pas avec au aux nous vous sont mais ont cette".split()
)
_OWN_SHARE = 0.08
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _all() -> Any:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().build()


@lru_cache(maxsize=1)
def _published() -> Any:
    from lingua import Language as L
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(L.ENGLISH, L.FRENCH).build()


def sample(text: str) -> str:
    """Up to SAMPLE_CHARS of the text after its first block (the title), cut at a space."""
    body = text.split("\n\n", 1)[1] if "\n\n" in text[:2000] else text
    if len(body.split()) < MIN_WORDS:
        body = text
    if len(body) <= SAMPLE_CHARS:
        return body
    cut = body.rfind(" ", 0, SAMPLE_CHARS)
    return body[: cut if cut > 0 else SAMPLE_CHARS]


def detect(text: str) -> Language:
    """en or fr; UnsupportedLanguage when the text is clearly in another language."""
    s = sample(text)
    if not s.strip():
        return "en"
    words = _WORD.findall(s.casefold())
    own = sum(w in _OWN_WORDS for w in words)
    if len(words) >= MIN_WORDS and own < _OWN_SHARE * len(words):
        values = _all().compute_language_confidence_values(s)
        if values:
            top = values[0]
            code = top.language.iso_code_639_1.name.lower()
            if code in PUBLISHED:
                return code  # type: ignore[no-any-return]
            if top.value >= MIN_CONFIDENCE:
                name = top.language.name.capitalize()
                raise UnsupportedLanguage(
                    f"detected {name} ({code}); this newsroom publishes "
                    f"{', '.join(PUBLISHED)}; use --language to force one"
                )
    found = _published().detect_language_of(s)
    return "fr" if found is not None and found.name == "FRENCH" else "en"


def normalise(value: str) -> Language | None:
    v = value.strip().lower()[:2]
    return "fr" if v == "fr" else "en" if v == "en" else None
