"""Who said it: the subject of a reporting cue, resolved to a full canonical name.

The subject is found with word-order rules (no parser): inverted forms put it after the verb
(`said Smith`, `a précisé Febelfin`, `explique-t-il`), otherwise it is the noun phrase before
the verb, skipping auxiliaries, adverbs and comma-enclosed appositions. Pronouns resolve to the
first person of the nearest sentence before them that has one (or to that sentence's quoted
speaker), descriptions ("the minister", "le documentaire") to the entity the article ties
them to, surnames and misspellings to the full name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from editorial.extract.analysis import Analysis, Tok
from editorial.extract.lexicon import (
    DEFINITE_DETERMINERS,
    PERSON_PRONOUNS,
    POSSESSIVE_DETERMINERS,
    SKIPPABLE,
    SKIPPABLE_PHRASES,
    TIME_NOUNS,
    TITLES,
)
from editorial.extract.occurrences import NearIndex
from editorial.model import Language

NP_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "DET", "PART", "X"})
OF_WORDS = frozenset({"of", "de", "du", "des", "d'", "d’"})
ROLE_NOUNS = frozenset(
    """spokesperson spokesman spokeswoman representative director president chief head member
    minister secretary official officer chairman ceo founder manager editor lawyer attorney
    porte-parole directeur directrice président présidente représentant représentante membre
    ministre secrétaire responsable dirigeant dirigeante fondateur fondatrice avocat avocate
    chef patron patronne""".split()
)


@dataclass(frozen=True, slots=True)
class Subject:
    first: int  # token range (end exclusive)
    last: int
    kind: str  # "entity" / "pronoun" / "description"


RELATIVES = frozenset({"who", "which", "that", "qui", "lequel", "laquelle"})
PREPOSITIONS = frozenset(
    """of in at on to for from with by about after before during into under over à a au aux de
    du des d' d’ dans en sur pour par avec chez sous vers après avant lors""".split()
)
READER_PRONOUNS = frozenset({"i", "we", "you", "je", "nous", "vous", "on", "me", "us"})


def nounish(t: Tok) -> bool:
    """A noun, or a capitalised word the tagger got wrong ("Febelfin" tagged ADV)."""
    if t.pos in ("NOUN", "PROPN"):
        return True
    return t.text[:1].isupper() and t.pos not in (
        "PUNCT",
        "DET",
        "PRON",
        "ADP",
        "CCONJ",
        "SCONJ",
        "AUX",
    )


def _skippable(an: Analysis, k: int) -> int:
    """Number of tokens ending at k (going left) that can sit between subject and verb."""
    lang = an.language
    t = an.toks[k]
    if t.text[:1].isupper() and t.lower not in SKIPPABLE[lang]:
        return 0
    if (
        t.lower in SKIPPABLE[lang]
        or t.pos in ("AUX", "ADV", "PART")
        and t.lower not in ("'s", "’s")
    ):
        return 1
    if t.text.startswith("-") and t.lower in ("-t",):
        return 1
    for phrase in SKIPPABLE_PHRASES[lang]:
        n = len(phrase)
        if k - n + 1 >= 0 and tuple(x.lower for x in an.toks[k - n + 1 : k + 1]) == phrase:
            return n
    return 0


def entity_at(
    an: Analysis, ents: list[tuple[int, int, str]], k: int
) -> tuple[int, int, str] | None:
    lo, hi = 0, len(ents)
    while lo < hi:  # ents are sorted and flat: binary search on their start
        mid = (lo + hi) // 2
        if ents[mid][1] <= k:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(ents) and ents[lo][0] <= k < ents[lo][1]:
        return ents[lo]
    return None


def _np_ending_at(
    an: Analysis, ents: list[tuple[int, int, str]], k: int, limit: int, *, extend_of: bool = True
) -> Subject | None:
    """The noun phrase whose last token is k (an entity, a pronoun or a description)."""
    t = an.toks[k]
    e = entity_at(an, ents, k)
    if e is not None:
        first = max(e[0], limit)
        # "Le documentaire d'Al Jazeera": a description owning the name
        if (
            first - 1 > limit
            and an.toks[first - 1].lower in OF_WORDS
            and nounish(an.toks[first - 2])
            and entity_at(an, ents, first - 2) is None
        ):
            d = _np_ending_at(an, ents, first - 2, limit)
            if d is not None and d.kind == "description":
                return Subject(d.first, e[1], "description")
        return Subject(first, e[1], "entity")
    if t.pos == "PRON" or t.lower in PERSON_PRONOUNS[an.language]:
        if t.lower in READER_PRONOUNS or t.lower in RELATIVES:
            return None
        return Subject(k, k + 1, "pronoun")
    if nounish(t) or t.pos in ("ADJ", "NUM"):
        first = k
        while first - 1 >= limit:
            p = an.toks[first - 1]
            if entity_at(an, ents, first - 1) is not None:
                e2 = entity_at(an, ents, first - 1)
                assert e2 is not None
                first = max(e2[0], limit)
            elif p.lower in OF_WORDS:
                if extend_of and first - 2 >= limit and nounish(an.toks[first - 2]):
                    first -= 1
                    continue
                if p.pos == "DET" or first - 1 == limit or not nounish(an.toks[first - 2]):
                    first -= 1  # a partitive determiner: "De nombreux habitants"
                break
            elif nounish(p) or p.pos in ("ADJ", "NUM", "PART") or p.lower in ("'s", "’s"):
                first -= 1
            elif (
                p.pos == "DET"
                or p.lower in DEFINITE_DETERMINERS[an.language]
                or p.lower in POSSESSIVE_DETERMINERS[an.language]
            ):
                first -= 1
                if (
                    extend_of
                    and first - 2 >= limit
                    and an.toks[first - 1].lower in OF_WORDS
                    and nounish(an.toks[first - 2])
                ):
                    first -= 2
                    continue
                break
            else:
                break
        return Subject(first, k + 1, "description")
    return None


def subject_before(
    an: Analysis, ents: list[tuple[int, int, str]], verb: int, limit: int
) -> Subject | None:
    """The noun phrase governing `verb` to its left, not before token `limit`.

    Auxiliaries and adverbs are skipped; a phrase inside a prepositional group is passed over;
    before a comma, the comma-separated chain ("X, role at Y, Z, said") yields its person, else
    its first phrase."""
    k = verb - 1
    while k >= limit:
        n = _skippable(an, k)
        if not n:
            n = _parenthetical(an, k, limit)  # "Rep. Gwen Moore (D-Wis.) said"
        if not n:
            break
        k -= n
    if k < limit:
        return None
    if an.toks[k].text == ",":
        return _comma_chain(an, ents, k, limit)
    while k >= limit:
        if an.toks[k].lower in RELATIVES:  # "l'organisation islamique, qui affirme"
            k -= 1
            if k >= limit and an.toks[k].text == ",":
                k -= 1
            return _np_ending_at(an, ents, k, limit, extend_of=False) if k >= limit else None
        sub = _np_ending_at(an, ents, k, limit)
        if sub is None:
            return None
        before = sub.first - 1
        if sub.kind != "pronoun" and before >= limit and an.toks[before].lower in PREPOSITIONS:
            k = before - 1  # "candidat ... à l'élection présidentielle": not the subject
            continue
        if sub.kind == "description" and before >= limit and an.toks[before].text == ",":
            chained = _comma_chain(an, ents, before, limit)
            if chained is not None and chained.kind == "entity":
                return chained
        return sub
    return None


def _comma_chain(
    an: Analysis, ents: list[tuple[int, int, str]], comma: int, limit: int
) -> Subject | None:
    candidates: list[Subject] = []
    k = comma
    while k >= limit and an.toks[k].text == ",":
        prev = k - 1
        while prev >= limit and an.toks[prev].text not in (",", ";", ":"):
            prev -= 1
        seg = (prev + 1, k)
        e = _entity_covering(an, ents, seg)
        if e is not None and e[2] == "PERSON":
            return Subject(e[0], e[1], "entity")
        if k - 1 >= seg[0]:
            sub = _np_ending_at(an, ents, k - 1, seg[0])
            if sub is not None:
                candidates.append(sub)
        k = prev
        if prev >= limit and an.toks[prev].text != ",":
            break
    candidates = [c for c in candidates if not is_time(an, c)]
    for c in candidates:
        e = entity_at(an, ents, c.first)
        if c.kind == "entity" and e is not None and e[2] == "PERSON":
            return c
    # the leftmost phrase is the subject ("De nombreux habitants, témoins de la scène, ont")
    for c in reversed(candidates):
        if c.kind != "pronoun" or an.toks[c.first].lower in PERSON_PRONOUNS[an.language]:
            return c
    return None


def _entity_covering(
    an: Analysis, ents: list[tuple[int, int, str]], seg: tuple[int, int]
) -> tuple[int, int, str] | None:
    """The PERSON/ORG naming a comma-enclosed segment (", Mme Fatou Bensouda,")."""
    a, b = seg
    inside = _in_parentheses(an, a, b)
    inner = [
        e
        for e in ents
        if e[0] >= a and e[1] <= b and e[2] in ("PERSON", "ORG") and e[0] not in inside
    ]
    if len(inner) != 1:
        return None
    e = inner[0]
    rest = [an.toks[k] for k in range(a, b) if not e[0] <= k < e[1] and k not in inside]
    if all(t.lower.rstrip(".") in TITLES or t.pos in ("DET", "PUNCT") for t in rest):
        return e
    return None


def subject_after(
    an: Analysis, ents: list[tuple[int, int, str]], verb_end: int, limit: int
) -> Subject | None:
    """Inverted subject right after the verb: `said Smith`, `répondit alors son complice`,
    `said former coach and test player John Bracewell` (the person in the phrase wins)."""
    k = verb_end
    while k < limit and (_skippable(an, k) or an.toks[k].lower in ("alors", "ensuite", "then")):
        if an.toks[k].text.startswith("-") and an.toks[k].lower in PERSON_PRONOUNS[an.language]:
            return Subject(k, k + 1, "pronoun")
        k += 1
    if k >= limit:
        return None
    j = k
    while j < min(limit, k + 14) and an.toks[j].pos != "PUNCT" and an.toks[j].pos != "VERB":
        e = entity_at(an, ents, j)
        if e is not None and e[2] == "PERSON":
            return Subject(e[0], e[1], "entity")
        j += 1
    return noun_phrase_at(an, ents, k, limit)


def noun_phrase_at(
    an: Analysis, ents: list[tuple[int, int, str]], k: int, limit: int
) -> Subject | None:
    """The noun phrase starting at token k ("the post by an unknown author", "Febelfin"); a
    description followed by ", Name," is that name."""
    sub = _np_from(an, ents, k, limit)
    if (
        sub is not None
        and sub.kind == "description"
        and sub.last + 1 < limit
        and an.toks[sub.last].text == ","
    ):
        e = entity_at(an, ents, sub.last + 1)
        if e is not None and e[0] == sub.last + 1:
            return Subject(e[0], e[1], "entity")
    return sub


def _np_from(an: Analysis, ents: list[tuple[int, int, str]], k: int, limit: int) -> Subject | None:
    t = an.toks[k]
    if t.text.startswith("-") and t.lower in PERSON_PRONOUNS[an.language]:
        return Subject(k, k + 1, "pronoun")
    e = entity_at(an, ents, k)
    if e is not None:
        return Subject(k, e[1], "entity")
    if t.pos == "PRON" and t.lower in PERSON_PRONOUNS[an.language]:
        if t.lower in READER_PRONOUNS:
            return None
        return Subject(k, k + 1, "pronoun")
    if t.pos not in NP_POS and not nounish(t) and t.lower not in DEFINITE_DETERMINERS[an.language]:
        return None
    j = k
    seen_noun = False
    head_seen = False  # a noun before: a name after "of" is its complement ("le président du
    # conseil du CERN", "a spokeswoman for John Smith"), not the speaker
    while j < limit:
        u = an.toks[j]
        e = entity_at(an, ents, j)
        if e is not None:
            before = an.toks[e[0] - 1].lower if e[0] > 0 else ""
            if not head_seen or (
                e[2] == "PERSON" and (before not in OF_WORDS | {"for", "at"} or e[1] - e[0] >= 3)
            ):
                # "the company's CEO John Smith": a title then the name; "du site de Jababeka
                # David Quentin": a place fused to the name (unfused in coreference)
                return Subject(e[0], e[1], "entity")
            j = e[1]
            seen_noun = True
            continue
        if seen_noun and u.lower in OF_WORDS | {"by", "for", "on", "at", "par"} and j + 1 < limit:
            j += 1
            seen_noun = False
        elif nounish(u):
            seen_noun = head_seen = True
            j += 1
        elif u.pos in ("ADJ", "NUM", "DET", "PART") or u.lower in ("'s", "’s"):
            if seen_noun and u.pos == "DET":
                break
            j += 1
        else:
            break
    while (
        j > k
        and not (nounish(an.toks[j - 1]) or an.toks[j - 1].pos == "ADJ")
        and entity_at(an, ents, j - 1) is None
    ):
        j -= 1
    if j <= k:
        return None
    return Subject(k, j, "description")


def subject_text(an: Analysis, s: Subject) -> str:
    return an.text[an.toks[s.first].start : an.toks[s.last - 1].end]


def strip_determiner(phrase: str, language: Language) -> str:
    """'The report's authors' -> "report's authors"; indefinites are kept ("One poster")."""
    words = phrase.split(maxsplit=1)
    if len(words) == 2 and words[0].lower() in DEFINITE_DETERMINERS[language]:
        return words[1]
    m = re.match(r"[lL]['’]\s*(.+)", phrase)
    if m:
        return m.group(1)
    return phrase


def head_noun(an: Analysis, s: Subject) -> str:
    """Lowercased first noun of a description (its head in English and French order)."""
    nouns = [an.toks[k] for k in range(s.first, s.last) if nounish(an.toks[k])]
    if not nouns:
        return ""
    if an.language == "en":
        # "the State Department spokesperson": the head comes last before any "of"
        head = nouns[0]
        for t in an.toks[s.first : s.last]:
            if t.lower in OF_WORDS:
                break
            if nounish(t):
                head = t
        return head.lower
    return nouns[0].lower


def is_definite(an: Analysis, s: Subject) -> bool:
    t = an.toks[s.first]
    lang = an.language
    return (
        t.lower in DEFINITE_DETERMINERS[lang]
        or t.lower in POSSESSIVE_DETERMINERS[lang]
        or t.lower.startswith("l'")
        or t.lower.startswith("l’")
    )


def is_role(noun: str) -> bool:
    return noun in ROLE_NOUNS


def is_person_title(noun: str) -> bool:
    """ "minister", "le Président-candidat": a noun that names a person by their office."""
    first = noun.split("-")[0]
    return noun in ROLE_NOUNS or first in ROLE_NOUNS or first in TITLES


ORG_NOUNS = frozenset(  # not governments or ministries: those are named by their country
    """organisation organization group groupe company société entreprise firm firme movement
    mouvement party parti federation fédération association union startup start-up network
    réseau""".split()
)


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


class FuzzyPeople:
    """Full names looked up by a surname (or first name) misspelt by at most two letters (or
    one if short): the nearest spelling wins, ties the person listed first, the surname before
    the first name. An index, not a comparison with everyone (quotes x people on long text)."""

    def __init__(self, people: list[str]) -> None:
        self._people = people
        self._index = NearIndex()
        self._parts: dict[str, list[tuple[int, int]]] = {}  # lower part -> (person, which)
        for n, full in enumerate(people):
            fw = full.split()
            if len(fw) < 2:
                continue
            for which, part in enumerate((fw[-1], fw[0])):
                self._index.add(part.lower())
                self._parts.setdefault(part.lower(), []).append((n, which))

    def find(self, name: str) -> str | None:
        words = name.split()
        if len(words) != 1 or len(name) < 4:
            return None
        limit = 2 if len(name) >= 7 else 1
        best: tuple[int, int, int] | None = None
        for part in self._index.near(name.lower(), limit):
            d = edit_distance(name.lower(), part)
            if d > limit:
                continue
            for n, which in self._parts[part]:
                if best is None or (d, n, which) < best:
                    best = (d, n, which)
        return self._people[best[1]] if best else None


def pronoun_number(an: Analysis, k: int) -> str:
    return PERSON_PRONOUNS[an.language].get(an.toks[k].lower, "s")


def tok_is_clitic(t: Tok) -> bool:
    return t.text.startswith("-")


def is_time(an: Analysis, s: Subject) -> bool:
    """A phrase of time ("Monday of this week", "lundi dernier"): never a speaker."""
    return s.kind == "description" and any(
        an.toks[k].lower in TIME_NOUNS for k in range(s.first, min(s.last, s.first + 3))
    )


def _parenthetical(an: Analysis, k: int, limit: int) -> int:
    """Length of a short parenthesis ending at token k ("(D-Wis.)", "(R-Ohio)"), else 0."""
    if an.toks[k].text != ")":
        return 0
    j = k - 1
    while j >= limit and k - j <= 8:
        if an.toks[j].text == "(":
            return k - j + 1
        j -= 1
    return 0


def _in_parentheses(an: Analysis, a: int, b: int) -> set[int]:
    """Token indices inside (and including) parentheses within [a, b)."""
    out: set[int] = set()
    depth_start = -1
    for k in range(a, b):
        t = an.toks[k].text
        if t == "(":
            depth_start = k
        elif t == ")" and depth_start >= 0:
            out.update(range(depth_start, k + 1))
            depth_start = -1
    return out
