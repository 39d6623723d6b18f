"""Speech tags: the reporter's words that attribute a quote ("she sighed", "said Smith",
"a-t-il tranché") and the shapes that are not tags (a verb governing its own clause, a
participle hanging on the sentence's subject, an infinitive complement)."""

from __future__ import annotations

from editorial.extract import cues as C
from editorial.extract import speakers as S
from editorial.extract.analysis import Analysis, Tok
from editorial.extract.document import Doc
from editorial.extract.quotes import QuoteSpan

COMPLEMENTISERS = frozenset({"that", "que", "qu'", "qu’", "if", "whether", "si"})


def own_tag(doc: Doc, ctx: C.Context) -> bool:
    """Whether the quote's own sentence attributes it with a verb the lexicon does not know:
    `"...," she sighed.` / `"...," fumed Smith.` / `« ... », a-t-il tranché.` The previous
    speaker must not be carried over such a sentence."""
    an = doc.an
    sp = doc.spans[ctx.q]
    if an.text[sp.start : sp.end].rstrip().endswith("."):
        return False  # `... countries." Wagner identifies ...`: a new sentence, not a tag
    rng = an.toks_between(ctx.after[0], ctx.after[1])
    toks = [an.toks[k] for k in rng][:8]
    for n, t in enumerate(toks):
        if t.pos == "VERB" or (t.pos == "AUX" and n + 1 < len(toks) and toks[n + 1].pos == "VERB"):
            return n <= 4
        if t.pos == "PUNCT" and t.text not in (",", "—", "-"):
            return False
    return False


def governs_clause(an: Analysis, c: C.Cue) -> bool:
    """The cue introduces a clause after it (`considéré qu'Antoni Pastor ...`, `said that`)."""
    k = c.last
    while k < len(an.toks) and an.toks[k].pos == "ADV":
        k += 1
    return k < len(an.toks) and an.toks[k].lower in COMPLEMENTISERS


def participle(t: Tok) -> bool:
    """A present participle ("adding", "évoquant"): it hangs on its sentence's subject."""
    return t.tag == "VBG" or (len(t.lower) > 5 and t.lower.endswith("ant"))


def infinitive_complement(an: Analysis, c: C.Cue) -> bool:
    """An infinitive governed by another word ("de poursuivre", "to say"): nobody's cue."""
    t = an.toks[c.first]
    prev = an.toks[c.first - 1].lower if c.first > 0 else ""
    if an.language == "fr":
        return t.lower.endswith(("er", "re", "ir")) and prev in ("de", "d'", "d’", "à", "pour")
    return prev == "to" and t.tag == "VB"


def tagged_short(doc: Doc, sp: QuoteSpan, ctx: C.Context, qtext: str) -> bool:
    """A quote closed by its own comma, "!" or "?" and followed at once by a speech tag (a
    subject and a verb, or a verb and its subject): `"Amazing," she replied.` Not after a
    preposition (`appeared on "Fox News Sunday," he said`: a title)."""
    return tag_verb(doc, sp, ctx, qtext) is not None


def tag_verb(doc: Doc, sp: QuoteSpan, ctx: C.Context, qtext: str) -> Tok | None:
    """The verb of the speech tag right after the quote (see `_tagged_short`), if any."""
    an = doc.an
    if qtext.rstrip()[-1:] not in (",", "!", "?"):
        return None
    k0 = an.tok_at(sp.open_at) - 1
    if k0 >= 0 and (an.toks[k0].pos == "ADP" or an.toks[k0].lower in S.PREPOSITIONS):
        return None
    toks = [an.toks[k] for k in an.toks_between(ctx.after[0], ctx.after[1])][:4]
    if toks and toks[0].text in (",", "\u00bb", "\u201d", '"'):
        toks = toks[1:]
    if len(toks) < 2:
        return None
    lang = an.language
    first, second = toks[0], toks[1]
    subject_first = first.lower in S.PERSON_PRONOUNS[lang] or first.pos == "PROPN"
    verb = second if subject_first else first
    if not subject_first and not (
        second.pos == "PROPN" or second.lower in S.PERSON_PRONOUNS[lang] or S.tok_is_clitic(second)
    ):
        return None  # `named "Better Idea," scored one point`: no subject, no tag
    is_verb = verb.pos == "VERB" or verb.lower in C.REPORTING_VERBS[lang]
    cue = C.Cue(verb.i, verb.i + 1, verb.text, "after", "verb")
    return verb if is_verb and not governs_clause(an, cue) else None
