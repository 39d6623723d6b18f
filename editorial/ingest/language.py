"""English or French, from the text (lingua, restricted to the two languages we publish in)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from editorial.model import Language


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language as L
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(L.ENGLISH, L.FRENCH).build()


def detect(text: str) -> Language:
    sample = text[:3000]
    if not sample.strip():
        return "en"
    found = _detector().detect_language_of(sample)
    return "fr" if found is not None and found.name == "FRENCH" else "en"


def normalise(value: str) -> Language | None:
    v = value.strip().lower()[:2]
    return "fr" if v == "fr" else "en" if v == "en" else None
