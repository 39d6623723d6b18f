"""Canonical names: which mentions name the same entity, and what that entity is called.

Surnames, first names and initials ("Merkel", "Angela", "B. Obama") join the person's full name
(the nearest one before them when two people share it); acronyms join the expansion the article
gives ("World Health Organization (WHO)", "U.S." for "United States"); a name misspelt once
joins its usual spelling; the newsroom name list can map an alias to its canonical form. The
entity's label is its mentions' majority, the full form's weighing most.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import cast

from editorial.extract.entities import Mention, load_names
from editorial.extract.lexicon import TITLES
from editorial.extract.names_list import NameEntry
from editorial.model import EntityLabel, EntityMention, EntitySummary


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
    for i, m in enumerate(mentions):
        if m.text in aliases:
            canon[i] = aliases[m.text]
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
            target = _person_full_name(i, m, full_people)
        canon[i] = target or m.text
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
    mapping: dict[str, str] = {}
    for c in people:
        words = c.split()
        best: tuple[int, int, str] | None = None
        for f in full:
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


def _person_full_name(i: int, m: Mention, pool: list[tuple[int, Mention]]) -> str | None:
    words = m.text.split()
    initial = re.fullmatch(r"([A-Z])\.\s*(\S+)", m.text)
    cands: list[tuple[int, str]] = []
    for j, f in pool:
        fw = f.text.split()
        if f.text == m.text or (len(fw) <= len(words) and not initial):
            continue
        if initial:
            ok = fw[-1] == initial.group(2) and fw[0][0] == initial.group(1)
        elif len(words) == 1:
            ok = words[0] in (fw[-1], fw[0]) or (len(fw) > 2 and words[0] == " ".join(fw[-2:]))
        else:
            ok = " ".join(fw[-len(words) :]) == m.text or " ".join(fw[: len(words)]) == m.text
        if ok:
            cands.append((j, f.text))
    if not cands:
        return None
    before = [c for c in cands if c[0] < i]
    if before:
        return before[-1][1]  # the nearest full name before the short form
    return cands[0][1]


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
