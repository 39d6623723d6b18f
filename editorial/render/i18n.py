"""The words templates print, one small table per language (templates/i18n/<lang>.toml)."""

from __future__ import annotations

import tomllib
from functools import cache

from editorial.config import TEMPLATES_DIR
from editorial.model import Language


@cache
def words(language: Language) -> dict[str, str]:
    """Flat table {"section.key": text}; English fills any key a language lacks."""

    def flat(lang: str) -> dict[str, str]:
        data = tomllib.loads((TEMPLATES_DIR / "i18n" / f"{lang}.toml").read_text("utf-8"))
        return {f"{sec}.{k}": v for sec, table in data.items() for k, v in table.items()}

    table = flat("en")
    if language != "en":
        table.update(flat(language))
    return table
