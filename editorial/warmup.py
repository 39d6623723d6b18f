"""A long-lived worker runs every stage once before its first real article.

The first article a fresh process renders pays for loading the fonts into Pango, parsing the
report and card stylesheets, the hyphenation dictionaries and the first model calls: its PDF
took 0.94-1.2 s against 0.3 s for the next ones. A warm server's workers pay that at start-up,
on these two short articles (one per language), instead of on an editor's first article.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from editorial.config import Settings
from editorial.model import Language

TEXTS: dict[Language, str] = {
    "en": (
        "Warm-up: the harbour reopens\n\n"
        'The harbour of Brest reopened on Monday after a week of storms. "We are ready for the '
        'season," said Marie Dupont, the harbour master. The city council thanked the crews.\n'
    ),
    "fr": (
        "Préchauffage : le port rouvre\n\n"
        "Le port de Brest a rouvert lundi après une semaine de tempêtes. « Nous sommes prêts pour "
        "la saison », a déclaré Marie Dupont, la capitaine du port. La mairie a remercié les "
        "équipes.\n"
    ),
}


def warm_up(settings: Settings, languages: tuple[Language, ...] = ("en", "fr")) -> None:
    """Produce the warm-up article of each language (outputs discarded; errors ignored)."""
    from editorial.ingest import language
    from editorial.stages import Job, produce

    with tempfile.TemporaryDirectory(prefix="editorial-warmup-") as tmp:
        for lang in languages:
            language.detect(TEXTS[lang])  # the jobs below force their language
            source = Path(tmp, f"warmup-{lang}.txt")
            source.write_text(TEXTS[lang], "utf-8")
            try:
                produce(Job(source=str(source), language=lang), settings)
            except Exception:  # noqa: BLE001 - a warm-up must never stop a worker
                pass
