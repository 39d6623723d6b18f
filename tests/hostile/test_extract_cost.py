"""Cost amplification (issue 17, class 10): extraction work grows linearly with the article.

A long article made of many distinct people, organisations and quotes once cost names x text
(one regex per name over the whole text, every short name compared with every full name, every
quote's speaker compared with every person): 340 KB took 110 s. Here the same kind of article
at 40 KB and at 160 KB: four times the text must cost well under the sixteen times a quadratic
algorithm needs. CPU time of this process, not wall time (the machine is shared).
"""

from __future__ import annotations

import random
import time

from editorial.extract import extract_text

FIRST = "Anna Boris Carla Dmitri Elena Farid Greta Hugo Ines Jonas Karin Lukas Marta".split()
SYLLABLES = "Ka Lo Mi Ne Ro Sa Tu Vi Be Do Ga Fe".split()
KINDS = "Institute Agency Council Foundation Union Bank Group".split()


def long_article(kb: int, seed: int = 7) -> str:
    """Paragraphs each naming a new person (full name, then surname) and organisation, with a
    quote: the names are nearly all distinct."""
    rnd = random.Random(seed)
    out: list[str] = []
    size = 0
    i = 0
    while size < kb * 1024:
        surname = "".join(rnd.choice(SYLLABLES) for _ in range(3)).capitalize()
        surname += rnd.choice(["son", "ski", "ini", "ez", "ov"])
        org = "".join(rnd.choice(SYLLABLES) for _ in range(2)) + " " + rnd.choice(KINDS)
        par = (
            f"{rnd.choice(FIRST)} {surname}, a director at the {org}, spoke on Monday. "
            f"\u201cWe will look at the figures for year {i} again,\u201d {surname} said. "
            f"The {org} did not comment.\n\n"
        )
        out.append(par)
        size += len(par)
        i += 1
    return "".join(out)


def _cpu(text: str) -> float:
    t0 = time.process_time()
    ex = extract_text(text, "en")
    spent = time.process_time() - t0
    assert len(ex.quotes) > 100 and len(ex.entity_summary) > 100  # the work was really done
    return spent


def test_extraction_cost_is_linear_in_the_article() -> None:
    extract_text("Warm up. \u201cThe model loads once,\u201d she said.", "en")
    small, big = long_article(40), long_article(160)
    t_small = _cpu(small)
    t_big = _cpu(big)
    assert t_big / t_small < 6.0, (t_small, t_big)
    assert t_big < 40.0, t_big  # the old code took about 23 s here, 110 s at 340 KB


def test_occurrences_are_the_whole_word_matches() -> None:
    from editorial.extract.occurrences import occurrences

    text = "Ana Pastor, Ana Pastor García and ANA; U.S. and U.S.A. Pastors. Ana Ana Pastor"
    found = occurrences(text, ["Ana Pastor", "Ana", "U.S.", "Pastor", "Ana Ana", " odd"])
    assert found["Ana Pastor"] == [(0, 10), (12, 22), (68, 78)]
    assert found["Ana"] == [(0, 3), (12, 15), (64, 67), (68, 71)]  # not "ANA"
    assert found["U.S."] == [(39, 43)]  # not inside "U.S.A."
    assert found["Pastor"] == [(4, 10), (16, 22), (72, 78)]  # not "Pastors"
    assert found["Ana Ana"] == [(64, 71)]
    assert found[" odd"] == []
