"""Run spaCy once over a text (chunk by chunk) and keep a flat, Doc-free view of its tokens.

Everything downstream works on `Tok` records with offsets into the whole text, so chunk
boundaries disappear and no spaCy object leaves this package.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from editorial.extract import nlp as nlp_loader
from editorial.extract.chunking import split_chunks
from editorial.model import Language

ENT_LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
}


@dataclass(frozen=True, slots=True)
class Tok:
    i: int
    start: int
    end: int
    text: str
    lower: str
    pos: str
    tag: str
    dep: str
    head: int  # global index of the syntactic head (itself for a root); -1 without parser
    sent_start: bool


@dataclass(frozen=True, slots=True)
class NerSpan:
    start: int  # char offsets
    end: int
    label: str  # PERSON / ORG / LOC
    raw_label: str
    first: int  # token indices, end exclusive
    last: int


@dataclass
class Analysis:
    text: str
    language: Language
    toks: list[Tok] = field(default_factory=list)
    ents: list[NerSpan] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def index(self) -> None:
        self._starts = [t.start for t in self.toks]

    def tok_at(self, char: int) -> int:
        """Index of the token containing or following `char`."""
        k = bisect.bisect_right(self._starts, char) - 1
        if k >= 0 and self.toks[k].end > char:
            return k
        return k + 1

    def toks_between(self, start: int, end: int) -> range:
        a = bisect.bisect_left(self._starts, start)
        b = bisect.bisect_left(self._starts, end)
        return range(a, b)


# Runs the tokenizer handles in quadratic time (10,000 quotation marks in a row took 100 s):
# blanked out character for character, so every offset stays right.
_JUNK = re.compile(r"[^\w\s]{30,}|\S{300,}")


def for_model(text: str) -> str:
    """`text` with punctuation runs and giant 'words' replaced by spaces of the same length."""
    return _JUNK.sub(lambda m: " " * len(m.group()), text)


def analyse(text: str, language: Language) -> Analysis:
    nlp = nlp_loader.load(language)
    out = Analysis(text=text, language=language)
    chunks = split_chunks(for_model(text))
    has_parser = "parser" in nlp.pipe_names
    for (offset, _chunk), doc in zip(chunks, nlp.pipe(c for _, c in chunks), strict=True):
        base = len(out.toks)
        for t in doc:
            if t.is_space:
                continue
            out.toks.append(
                Tok(
                    i=len(out.toks),
                    start=offset + t.idx,
                    end=offset + t.idx + len(t.text),
                    text=t.text,
                    lower=t.lower_,
                    pos=t.pos_,
                    tag=t.tag_,
                    dep=t.dep_ if has_parser else "",
                    head=-1,
                    sent_start=bool(t.is_sent_start),
                )
            )
        # heads need the space-free index map
        idx_map = {}
        k = base
        for t in doc:
            if not t.is_space:
                idx_map[t.i] = k
                k += 1
        if has_parser:
            for t in doc:
                if t.is_space:
                    continue
                gi = idx_map[t.i]
                old = out.toks[gi]
                out.toks[gi] = Tok(
                    old.i,
                    old.start,
                    old.end,
                    old.text,
                    old.lower,
                    old.pos,
                    old.tag,
                    old.dep,
                    idx_map.get(t.head.i, gi),
                    old.sent_start,
                )
        for e in doc.ents:
            label = ENT_LABELS.get(e.label_)
            if label is None:
                continue
            first = idx_map.get(e.start)
            if first is None:
                continue
            last = first + sum(1 for t in e if not t.is_space)
            out.ents.append(
                NerSpan(offset + e.start_char, offset + e.end_char, label, e.label_, first, last)
            )
    out.index()
    return out
