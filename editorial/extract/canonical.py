"""Canonical names: which mentions name the same entity, and what that entity is called.

Surnames, first names and initials ("Merkel", "Angela", "B. Obama") join the person's full name
(the nearest one before them when two people share it); acronyms join the expansion the article
gives ("World Health Organization (WHO)", "U.S." for "United States"); a name misspelt once
joins its usual spelling; the newsroom name list can map an alias to its canonical form. The
entity's label is its mentions' majority, the full form's weighing most.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import cast

from editorial.extract.entities import Mention, load_names
from editorial.extract.lexicon import TITLES
from editorial.extract.names_list import NameEntry
from editorial.extract.occurrences import NearIndex
from editorial.model import EntityLabel, EntityMention, EntitySummary

# French often drops the accent on a capital ("Etats-Unis"); the canonical name keeps it.
ACCENTED_CAPITALS = {
    w.replace("É", "E"): w
    for w in "État États Égypte Éthiopie Équateur Érythrée Écosse Émirats Élysée Église "
    "Écologie".split()
}


def restore_accents(name: str) -> str:
    """ "Etats-Unis" -> "États-Unis", "Egypte" -> "Égypte": the capital's accent."""
    if "E" not in name:
        return name
    return re.sub(r"\bE[\w]+", lambda m: ACCENTED_CAPITALS.get(m.group(), m.group()), name)


def _acronym(words: list[str]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def canonicalise(
    text: str, mentions: list[Mention], names: tuple[NameEntry, ...] | None = None
) -> dict[int, str]:
    """Canonical name for each mention (by index into `mentions`)."""
    names = load_names() if names is None else names
    aliases = {e.name: e.canonical for e in names}
    canon: dict[int, str] = {}
    full_people = [
        (i, m)
        for i, m in enumerate(mentions)
        if m.label == "PERSON" and len(m.text.split()) >= 2 and not re.match(r"[A-Z]\.", m.text)
    ]
    full_index = _FullNames(full_people)
    # acronyms the article expands: "Johnson Space Center (JSC)" or "JSC (Johnson Space Center)"
    expansions: dict[str, str] = {}
    for m in mentions:
        after = re.match(r"\s*\(([A-Z][A-Z&.]{1,9})\)", text[m.end : m.end + 14])
        if after:
            expansions[after.group(1)] = m.text
    for m in mentions:
        if re.fullmatch(r"[A-Z][A-Z&.]{1,9}", m.text):
            continue
        words = [
            w
            for w in m.text.replace("-", " ").split()
            if w.lower() not in ("of", "and", "de", "du", "des", "the", "for", "&")
        ]
        if len(words) >= 2:
            expansions.setdefault(_acronym(words), m.text)
    # a country's official long name stands for its short one: "People's Republic of China"
    # and "China" (but "Republic of China" is another country: only the people's republics)
    long_forms: dict[str, str] = {}
    for m in mentions:
        rep = re.fullmatch(r"People['’]s Republic of (?:the )?([A-Z].*)", m.text)
        if rep:
            long_forms.setdefault(rep.group(1), m.text)
    named = {m.text: f"{m.head} {m.text}" for m in mentions if m.head}  # "Place Tahrir"
    for i, m in enumerate(mentions):
        if m.text in aliases:
            canon[i] = aliases[m.text]
            continue
        if m.text in named:
            canon[i] = named[m.text]
            continue
        if m.label == "LOC" and m.text in long_forms:
            canon[i] = long_forms[m.text]
            continue
        bare = m.text.replace(".", "")
        if m.label != "PERSON" and (
            m.text in expansions or (bare != m.text and bare in expansions)
        ):
            canon[i] = expansions.get(m.text) or expansions[bare]
            continue
        target = None
        if m.label == "PERSON" or len(m.text.split()) == 1:
            # a surname the model mislabelled joins the person; places and organisations
            # are never folded into a longer place or organisation name
            target = full_index.nearest(i, m)
        canon[i] = target or m.text
    canon = {i: restore_accents(c) for i, c in canon.items()}
    return _merge_misspellings(mentions, canon)


def _merge_misspellings(mentions: list[Mention], canon: dict[int, str]) -> dict[int, str]:
    """ "Kristin Wilkins" / "Kristen Wilkins", "Bauchtman" / "Lydia Buchtmann": a person's name
    misspelt once joins the most frequent spelling (one letter per 5, at most two)."""
    from editorial.extract.speakers import edit_distance

    people = Counter(canon[i] for i, m in enumerate(mentions) if m.label == "PERSON")
    names = Counter(canon[i] for i, m in enumerate(mentions))
    for c in names:  # organisations and places: "Untied Nations" / "United Nations"
        if c not in people and len(c.split()) >= 2:
            people[c] = names[c]
    full = [c for c in people if len(c.split()) >= 2]
    first_seen: dict[str, int] = {}
    for i in sorted(canon):
        first_seen.setdefault(canon[i], i)
    # candidates are looked up, not compared one by one (names x names on a long article):
    # same words but the last (or the first), that word near in spelling; or a surname
    near: dict[tuple[object, ...], tuple[NearIndex, dict[str, list[str]]]] = {}
    for f in full:
        fw = f.split()
        for key, word in (
            (("last", len(fw), *fw[:-1]), fw[-1]),
            (("first", len(fw), *fw[1:]), fw[0]),
            (("surname",), fw[-1]),
        ):
            index, owners = near.setdefault(key, (NearIndex(), {}))
            index.add(word.lower())
            owners.setdefault(word.lower(), []).append(f)
    mapping: dict[str, str] = {}
    for c in people:
        words = c.split()
        lookups: list[tuple[tuple[object, ...], str]]
        if len(words) == 1:
            lookups = [(("surname",), words[0])]
        else:
            n = len(words)
            lookups = [(("last", n, *words[:-1]), words[-1]), (("first", n, *words[1:]), words[0])]
        cands: set[str] = set()
        for key, word in lookups:
            limit = min(2, len(word) // 5 + (1 if len(word) >= 4 else 0))  # as below
            if key in near and limit:
                index, owners = near[key]
                for w in index.near(word.lower(), limit):
                    cands.update(owners[w])
        best: tuple[int, int, str] | None = None
        for f in cands:
            if f == c:
                continue
            fw = f.split()
            if (
                len(words) == len(fw)
                and words[:-1] == fw[:-1]
                or len(words) == len(fw)
                and words[1:] == fw[1:]
            ):
                pairs = [(a, b) for a, b in zip(words, fw, strict=True) if a != b]
            elif len(words) == 1:
                pairs = [(words[0], fw[-1])]
            else:
                continue
            if len(pairs) != 1:
                continue
            a, b = pairs[0]
            d = edit_distance(a.lower(), b.lower())
            more = people[f] > people[c] or (
                people[f] == people[c] and first_seen[f] < first_seen[c]
            )
            if 0 < d <= min(2, len(a) // 5 + (1 if len(a) >= 4 else 0)) and more:
                cand = (d, -people[f], f)
                if best is None or cand < best:
                    best = cand
        if best is not None:
            mapping[c] = best[2]
    return {i: mapping.get(c, c) for i, c in canon.items()}


class _FullNames:
    """The full names of people (mention index, text), looked up by the short forms that may
    join them: a surname, a first name, the first or last words, an initial and surname."""

    def __init__(self, pool: list[tuple[int, Mention]]) -> None:
        self._by: dict[tuple[object, ...], list[tuple[int, str]]] = {}
        for j, f in pool:  # pool is in mention order: every list stays sorted by index
            fw = f.text.split()
            keys: set[tuple[object, ...]] = {("initial", fw[0][0], fw[-1]), ("one", fw[-1])}
            keys.add(("one", fw[0]))
            if len(fw) > 2:
                keys.add(("one", " ".join(fw[-2:])))
            for k in range(2, len(fw)):
                keys.add(("words", " ".join(fw[:k])))
                keys.add(("words", " ".join(fw[-k:])))
            for key in keys:
                self._by.setdefault(key, []).append((j, f.text))

    def nearest(self, i: int, m: Mention) -> str | None:
        """The full name for mention `i`: the nearest one before it, else the first after."""
        initial = re.fullmatch(r"([A-Z])\.\s*(\S+)", m.text)
        if initial:
            key: tuple[object, ...] = ("initial", initial.group(1), initial.group(2))
        elif len(m.text.split()) == 1:
            key = ("one", m.text.split()[0])
        else:
            key = ("words", m.text)
        # never the mention itself: its key has fewer words than any full name under it
        cands = self._by.get(key, [])
        if not cands:
            return None
        k = bisect.bisect_left(cands, (i, ""))
        return cands[k - 1][1] if k > 0 else cands[0][1]


def build_entities(
    text: str, mentions: list[Mention], canon: dict[int, str]
) -> tuple[tuple[EntityMention, ...], tuple[EntitySummary, ...]]:
    groups: dict[str, list[int]] = {}
    for i, _m in enumerate(mentions):
        groups.setdefault(canon[i], []).append(i)
    label_of: dict[str, EntityLabel] = {}
    for c, idx in groups.items():
        votes: Counter[str] = Counter()
        for i in idx:
            m = mentions[i]
            votes[m.label] += (5 if m.fixed else 1) + (5 if m.text == c else 0)
            if not m.fixed and _after_person_title(text, m.start):
                votes["PERSON"] += 50  # "le député Antoni Pastor", "Mr. Bao": text evidence
        label_of[c] = cast(EntityLabel, votes.most_common(1)[0][0])
    ems = tuple(
        EntityMention(
            text=m.text,
            label=label_of[canon[i]],
            canonical=canon[i],
            start=m.start,
            end=m.end,
        )
        for i, m in enumerate(mentions)
    )
    first = {c: min(mentions[i].start for i in idx) for c, idx in groups.items()}
    summary = tuple(
        EntitySummary(
            canonical=c,
            label=label_of[c],
            count=len(idx),
            forms=dict(Counter(mentions[i].text for i in idx)),
        )
        for c, idx in sorted(groups.items(), key=lambda kv: (-len(kv[1]), first[kv[0]]))
    )
    return ems, summary


_WORD_BEFORE = re.compile(r"([\w'’-]+)\.?[ \u00a0]+$")
PERSON_TITLE_WORDS = TITLES | frozenset(
    "député députée sénateur sénatrice porte-parole spokesman spokeswoman rep congressman "
    "congresswoman".split()
)


def _after_person_title(text: str, start: int) -> bool:
    """The word right before `start` is a person's title or honorific."""
    m = _WORD_BEFORE.search(text, max(0, start - 40), start)
    return m is not None and m.group(1).lower() in PERSON_TITLE_WORDS
