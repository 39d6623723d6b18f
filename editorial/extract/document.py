"""What attribution knows about one text: tokens, entity mentions, quote spans, sentences,
paragraphs, and the registry of descriptions the article ties to names."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from editorial.extract import cues as C
from editorial.extract import speakers as S
from editorial.extract.analysis import Analysis
from editorial.extract.entities import Mention
from editorial.extract.quotes import QuoteSpan, paragraphs

HONORIFIC_GENDER = {
    "mr": "m", "mister": "m", "sir": "m", "lord": "m", "m": "m", "monsieur": "m", "messrs": "m",
    "mrs": "f", "ms": "f", "miss": "f", "dame": "f", "lady": "f", "mme": "f", "madame": "f",
    "mlle": "f", "mademoiselle": "f",
}  # fmt: skip


@dataclass
class Doc:
    """Everything attribution needs about one text."""

    an: Analysis
    mentions: list[Mention]
    canon: dict[int, str]
    spans: list[QuoteSpan]
    ents: list[tuple[int, int, str]] = field(default_factory=list)  # token ranges + label
    ent_canon: dict[int, str] = field(default_factory=dict)  # first token -> canonical
    ent_label: dict[str, str] = field(default_factory=dict)
    sent_starts: list[int] = field(default_factory=list)
    pars: list[tuple[int, int]] = field(default_factory=list)
    par_starts: list[int] = field(default_factory=list)
    ent_starts: list[int] = field(default_factory=list)
    _q_starts: list[int] = field(default_factory=list)
    _q_ends: list[int] = field(default_factory=list)
    descriptions: list[tuple[int, str, str]] = field(default_factory=list)  # (pos, noun, canonical)
    resolved: list[tuple[int, str, bool, str]] = field(default_factory=list)  # quotes so far
    name_words: list[tuple[int, str, str]] = field(default_factory=list)  # ORG name words
    unnamed: list[tuple[int, str, str]] = field(default_factory=list)  # unnamed sources so far
    _genders: dict[str, str] | None = None
    _ent_toks: list[int] = field(default_factory=list)  # first token of each entity
    _by_noun: tuple[dict[str, list[tuple[int, str]]], ...] = field(
        default_factory=lambda: ({}, {})
    )  # descriptions and name words by noun: (pos, canonical), sorted
    people: list[str] = field(default_factory=list)  # canonical names labelled PERSON
    fuzzy_people: S.FuzzyPeople = field(default_factory=lambda: S.FuzzyPeople([]))
    _forms: frozenset[str] | None = None

    def build(self) -> None:
        an = self.an
        for i, m in enumerate(self.mentions):
            a = an.tok_at(m.start)
            b = an.tok_at(max(m.start, m.end - 1)) + 1
            if a >= len(an.toks) or b <= a:
                continue
            self.ents.append((a, b, m.label))
            self.ent_canon[a] = self.canon[i]
        for i, m in enumerate(self.mentions):
            self.ent_label.setdefault(self.canon[i], m.label)
        self.ent_starts = [an.toks[a].start for a, _b, _l in self.ents]
        self._ent_toks = [a for a, _b, _l in self.ents]
        self.people = [c for c, lab in self.ent_label.items() if lab == "PERSON"]
        self.fuzzy_people = S.FuzzyPeople(self.people)
        self._q_starts = [sp.open_at for sp in self.spans]
        self._q_ends = [sp.outer_end for sp in self.spans]
        self.pars = paragraphs(an.text)
        self.par_starts = [p[0] for p in self.pars]
        starts = set(self.par_starts)
        for bm in C.BOUNDARY.finditer(an.text):
            k = bisect.bisect_right(self._q_starts, bm.start()) - 1
            if k < 0 or not self.spans[k].start < bm.start() < self.spans[k].end:
                starts.add(bm.end())  # quotes are opaque: their full stops end no sentence
        self.sent_starts = sorted(starts)
        self._collect_descriptions()

    def gender_of(self, canonical: str) -> str | None:
        """ "m"/"f" when an honorific before one of the person's mentions says so ("Mr Bao",
        "Mme Bensouda"), else None."""
        if self._genders is None:
            self._genders = {}
            an = self.an
            for a, _b, label in self.ents:
                if label != "PERSON" or a == 0:
                    continue
                g = HONORIFIC_GENDER.get(an.toks[a - 1].lower.rstrip("."))
                if g is None and an.toks[a].lower.rstrip(".") in HONORIFIC_GENDER:
                    g = HONORIFIC_GENDER[an.toks[a].lower.rstrip(".")]
                if g is not None:
                    c = self.ent_canon[a]
                    self._genders[c] = g if self._genders.get(c, g) == g else "?"
        g = self._genders.get(canonical)
        return g if g in ("m", "f") else None

    def place_org_forms(self) -> frozenset[str]:
        """Every surface form of the article's organisations and places."""
        if self._forms is None:
            text = self.an.text
            self._forms = frozenset(
                text[m.start : m.end] for m in self.mentions if m.label in ("ORG", "LOC")
            )
        return self._forms

    def canonical_of(self, s: S.Subject) -> str | None:
        """The first entity (in text order) inside the subject or holding its first token."""
        k = bisect.bisect_right(self._ent_toks, s.first)  # entities starting after s.first
        for a, b, _lab in self.ents[max(0, k - 3) : k]:  # (token ranges may touch)
            if a <= s.first < b:
                return self.ent_canon.get(a)
        if k < len(self.ents) and self.ents[k][0] < s.last:
            return self.ent_canon.get(self.ents[k][0])
        return None

    def overlaps_quote(self, start: int, end: int) -> bool:
        """Whether a quote (marks included) overlaps text[start:end]; quotes never overlap,
        so only the last one opening before `end` can."""
        k = bisect.bisect_left(self._q_starts, end) - 1
        return k >= 0 and self._q_ends[k] > start

    def in_quote(self, pos: int) -> bool:
        k = bisect.bisect_right(self._q_starts, pos) - 1
        return k >= 0 and pos < self._q_ends[k]

    def _collect_descriptions(self) -> None:
        """Nouns the article ties to a name: "team member X", "son complice de toujours, X",
        "X, the minister", "la fédération des banques, Febelfin"."""
        an = self.an
        for a, b, label in self.ents:
            if label not in ("PERSON", "ORG"):
                continue
            canon = self.ent_canon[a]
            pos = an.toks[a].start
            for noun in self._nouns_before(a) + self._nouns_after(b):
                self.descriptions.append((pos, noun, canon))
            if label == "ORG":  # the name itself: "Fédération belge du secteur financier"
                for w in canon.split():
                    if w[:1].isupper() and len(w) > 3:
                        self.name_words.append((pos, w.lower(), canon))
        self.descriptions.sort()
        self.name_words.sort()
        self._by_noun = ({}, {})
        for table, index in zip((self.descriptions, self.name_words), self._by_noun, strict=True):
            for p, n, c in table:
                index.setdefault(n, []).append((p, c))

    def add_description(self, pos: int, noun: str, canon: str) -> None:
        """Tie `noun` to `canon` at `pos` (a description resolved while attributing)."""
        bisect.insort(self.descriptions, (pos, noun, canon))
        bisect.insort(self._by_noun[0].setdefault(noun, []), (pos, canon))

    def _nouns_before(self, a: int) -> list[str]:
        an = self.an
        k = a - 1
        comma = k >= 0 and an.toks[k].text == ","
        if comma:
            k -= 1
            sub = S._np_ending_at(an, self.ents, k, max(0, k - 8)) if k >= 0 else None
            if sub is not None and sub.kind == "description":
                noun = S.head_noun(an, sub)
                if noun:
                    return [noun]
        for _ in range(4):  # "son complice de toujours, X": skip a short complement
            if k < 0 or S.entity_at(an, self.ents, k) is not None:
                return []
            t = an.toks[k]
            if t.pos == "NOUN":
                return [t.lower]
            if not comma or t.pos not in ("ADV", "ADP", "DET", "ADJ"):
                if t.pos == "ADJ" and not comma:
                    k -= 1
                    continue
                return []
            k -= 1
        return []

    def _nouns_after(self, b: int) -> list[str]:
        an = self.an
        if b + 1 >= len(an.toks) or an.toks[b].text != ",":
            return []
        sub = S.noun_phrase_at(an, self.ents, b + 1, min(len(an.toks), b + 10))
        if sub is None or sub.kind != "description":
            return []
        noun = S.head_noun(an, sub)
        return [noun] if noun else []

    def description_target(self, noun: str, pos: int) -> str | None:
        """The entity the article last tied to `noun` before `pos`; else the last organisation
        whose own name holds the noun ("la fédération" -> "Fédération belge ...")."""
        for index in self._by_noun:
            ties = index.get(noun, [])
            k = bisect.bisect_left(ties, (pos, ""))  # the last tie before pos
            if k > 0 and ties[k - 1][1]:
                return ties[k - 1][1]
        return None


@dataclass
class Attribution:
    speaker: str = ""
    mention: str = ""
    cue: str | None = None
    named: bool = True
    pos: int = -1  # where the attribution stands (for pronoun resolution)
    basis: str = "none"  # cue / pronoun / description / carried / colon_dash / none
    confidence: float = 0.0  # 0..1; below model.LOW_CONFIDENCE the speaker is left empty
