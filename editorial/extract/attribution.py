"""Quote spans + cues + subjects -> `Quote` records with resolved speakers, kinds and groups."""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from editorial.extract import cues as C
from editorial.extract import speakers as S
from editorial.extract import tags as T
from editorial.extract.analysis import Analysis
from editorial.extract.coreference import resolve
from editorial.extract.document import Attribution, Doc
from editorial.extract.quotes import QuoteSpan, whole_paragraph
from editorial.model import LOW_CONFIDENCE, Quote, QuoteAttribution, QuoteKind

SMALL_WORDS = frozenset(
    "of the and a an on in for to at by with from de la le les du des et à en "
    "d' l' sur pour par au aux".split()
)
# Confidence by route (see coreference for the subject kinds); below LOW_CONFIDENCE the speaker
# is left empty for the editor.
DASH = 0.8  # "— Name" after a pull quote
COLON = 0.6  # the subject of a sentence ending in a colon, no reporting verb
OPINION = 0.9  # "Pour X, « ... »"
PREVIOUS_SENTENCE = 0.85  # the cue is in the sentence before the quote
CARRIED_SHARED = 0.95  # "X," he said, "Y." : one sentence, one speaker
CARRIED = 0.85  # a continuation with no cue of its own
UNKNOWN_VERB = 0.75  # a speech tag with a verb the lexicon does not know
TOPIC = 0.3  # no cue at all: the person the paragraph is about
TRANSCRIPT_LABEL = re.compile(r"([A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,2}):[ \u00a0]")
APPOSITION_TAG_MAX_TOKENS = 26  # a name with comma-enclosed appositions before its verb
DASH_SOURCE = re.compile(r"^[\s\u00a0]*[-—–―]+[\s\u00a0]*(?=[A-ZÀ-Þ])")
# Where a quoted Title Case phrase is a work's name: after a possessive (Channel Nine's "Meet
# the Voters."), a preposition (a clip of 'The Late Show.'), a kind of work, or a word naming it.
TITLE_SLOT = re.compile(
    r"(?:[\w.]['’]s?|\b(?:on|of|in|from|about|for|at|with|sur|dans|de)|\b(?:book|novel|film|movie|song|album|show|programme|program|series|"
    r"episode|documentary|play|poem|podcast|commentary|essay|op-ed|headline|titled|entitled|"
    r"headlined|livre|roman|chanson|émission|série|épisode|documentaire|pièce|poème|intitulée?s?))"
    r",?$",
    re.IGNORECASE,
)
NAMING_WORK = re.compile(r"\b(?:titled|entitled|headlined|intitulée?s?),?$", re.IGNORECASE)
# A participle cue after one of these ("while chanting") hangs on the phrase its sentence opens
# with; not after "as" ("the site quotes X as saying": X).
SUBORDINATORS = frozenset({"while", "when", "after", "before", "without"})
STAGE_DIRECTION = re.compile(r"^[(\[][^()\[\]]*[)\]][.!?]?$")  # (APPLAUSE.) [LAUGHTER]
SIGN_OFF = re.compile(r"^Follow\b.{0,80}\bon (?:Twitter|X|Facebook|Instagram|Threads)\b", re.I)


def attribute(doc: Doc) -> list[Quote]:
    text = doc.an.text
    ctxs = C.contexts(text, doc.spans)
    results: list[Attribution | None] = []
    own_cue: list[bool] = []
    for sp, ctx in zip(doc.spans, ctxs, strict=True):
        att = _attribute_one(doc, sp, ctx, results)
        own_cue.append(att is not None and att.cue is not None)
        results.append(att)
        if att is not None and att.speaker:
            doc.resolved.append(
                (sp.open_at, att.speaker, att.named, doc.ent_label.get(att.speaker, ""))
            )
    quotes: list[Quote] = []
    groups: list[int] = []
    floating: list[bool] = []
    next_group = 1
    for i, (sp, ctx) in enumerate(zip(doc.spans, ctxs, strict=True)):
        att = results[i]
        prev = i - 1
        linked = prev >= 0 and (
            sp.continues
            or ctx.shared_with_previous
            or (att is None and _same_passage(doc, ctxs[prev], ctx))
        )
        if sp.dialogue_turn:
            linked = False
        is_floating = False
        if att is None and linked and results[prev] is not None:
            before_att = results[prev]
            assert before_att is not None
            if ctx.shared_with_previous or sp.continues or not T.own_tag(doc, ctx):
                att = _carried(before_att, shared=ctx.shared_with_previous or sp.continues)
            else:  # its sentence has a verb of its own next to it: not the previous speaker's
                att = Attribution(basis="none", confidence=0.0)
            is_floating = not ctx.shared_with_previous
        if att is None:
            att = _paragraph_topic(doc, sp, ctx)
            is_floating = True
        results[i] = att
        before = results[prev] if prev >= 0 else None
        if linked and before is not None and att is not None and before.speaker == att.speaker:
            g = groups[prev]
            if g == 0:
                g = next_group
                next_group += 1
                groups[prev] = g
            groups.append(g)
        else:
            groups.append(0)
        floating.append(is_floating)
    kept: list[Quote] = []
    for i, (sp, ctx) in enumerate(zip(doc.spans, ctxs, strict=True)):
        att = results[i] or Attribution()
        label = TRANSCRIPT_LABEL.match(text, sp.start, min(sp.end, sp.start + 60))
        start = label.end() if label and label.end() < sp.end else sp.start
        qtext = text[start : sp.end]
        second_half = i > 0 and _second_of_a_tagged_pair(doc, ctxs[i - 1], ctx, own_cue[i - 1])
        if not _is_quotation(doc, sp, ctx, own_cue[i] or second_half, att, qtext):
            continue
        speaker, mention, named = att.speaker, att.mention, att.named
        if not speaker:
            named = False
        elif att.confidence < LOW_CONFIDENCE:  # fail safe: an empty speaker, not a wrong one
            speaker, mention, named = "", mention or "", False
        kept.append(
            Quote(
                text=qtext,
                speaker=speaker,
                speaker_mention=mention,
                cue=att.cue,
                start=start,
                end=sp.end,
                kind=_kind(text, sp, ctx, qtext),
                group=groups[i],
                floating=floating[i],
                speaker_named=named,
                attribution=QuoteAttribution(
                    basis=att.basis,  # type: ignore[arg-type]
                    confidence=round(att.confidence if speaker or not att.speaker else 0.0, 2),
                ),
            )
        )
    quotes = _renumber_groups(kept)
    return quotes


def _same_passage(doc: Doc, prev: C.Context, ctx: C.Context) -> bool:
    """The previous quote is in this paragraph or the one before, or two before with no
    person named in between (a caption between two paragraphs of one speech)."""
    if prev.par >= ctx.par - 1:
        return True
    if prev.par < ctx.par - 2:
        return False
    start, end = doc.spans[prev.q].outer_end, doc.spans[ctx.q].open_at
    lo, hi = bisect.bisect_left(doc.ent_starts, start), bisect.bisect_left(doc.ent_starts, end)
    return not any(doc.ents[k][2] == "PERSON" for k in range(lo, hi))


def _renumber_groups(quotes: list[Quote]) -> list[Quote]:
    counts: dict[int, int] = {}
    for q in quotes:
        if q.group:
            counts[q.group] = counts.get(q.group, 0) + 1
    mapping: dict[int, int] = {}
    out = []
    for q in quotes:
        g = 0
        if q.group and counts[q.group] > 1:
            g = mapping.setdefault(q.group, len(mapping) + 1)
        out.append(q.model_copy(update={"group": g}) if g != q.group else q)
    return out


def _second_of_a_tagged_pair(doc: Doc, prev: C.Context, ctx: C.Context, prev_cue: bool) -> bool:
    """`"We made it," she said. "At last."`: a sentence in quotes right after
    the speech tag of the quote before it, in one paragraph: the same speaker goes on."""
    text = doc.an.text
    sp, before_sp = doc.spans[ctx.q], doc.spans[prev.q]
    qtext = text[sp.start : sp.end].rstrip()
    if not prev_cue or prev.par != ctx.par or sp.continues or not qtext[:1].isupper():
        return False
    between = text[before_sp.outer_end : sp.open_at]
    return (
        qtext[-1:] in ".!?…"
        and prev.after[1] >= prev.after[0]
        and not text[ctx.before[0] : ctx.before[1]].strip()
        and len(between.split()) <= 12
        and between.rstrip()[-1:] in ".!?"
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text)


def _is_quotation(
    doc: Doc, sp: QuoteSpan, ctx: C.Context, has_cue: bool, att: Attribution, qtext: str
) -> bool:
    """Titles, names, nicknames and short scare quotes are not quotations."""
    words = _words(qtext)
    if not words:
        return False
    stripped = qtext.strip()
    if STAGE_DIRECTION.match(stripped) or SIGN_OFF.match(stripped):
        return False  # "(APPLAUSE.)", "Follow Jane Doe on Twitter @janedoe."
    if sp.continues or sp.dialogue_turn:
        return True
    if T.tagged_short(doc, sp, ctx, qtext):
        return True  # "Amazing," she replied.
    title_case = all(w[:1].isupper() or w.lower() in SMALL_WORDS or w[:1].isdigit() for w in words)
    unpunctuated = qtext.rstrip()[-1:] not in ".!?…"
    if title_case and unpunctuated and (len(words) <= 6 or (len(words) <= 12 and not has_cue)):
        return False  # a title, a name or a nickname
    text = doc.an.text
    before = text[ctx.before[0] : ctx.before[1]].rstrip(" \u00a0\u202f")
    if NAMING_WORK.search(before) or (title_case and len(words) <= 6 and TITLE_SLOT.search(before)):
        return False  # on Channel Nine's "Meet the Voters.", a song titled "..."
    if title_case and len(words) <= 8 and whole_paragraph(text, sp):
        return False  # 'The Votes Are In.' alone on its line: a heading
    sentence = qtext[:1].isupper() and not unpunctuated
    if len(words) <= 3 and not (sentence and before.endswith(":")):  # message: "It is over."
        if (
            not has_cue
            or att.cue is None
            or att.cue.lower() in C.WEAK_VERBS[doc.an.language] - C.NAMING
        ):
            return False  # a scare quote
        if att.cue.lower() in C.NAMING and (qtext[:1].isupper() or len(words) == 1):
            return False  # calls these workers "partners"
    before = before.strip()
    ends_par = not text[sp.outer_end : sp.outer_end + 200].split("\n", 1)[0].strip(" .")
    if (
        not has_cue
        and unpunctuated
        and ends_par
        and before.endswith(",")
        and len(before.split()) <= 6
    ):
        return False  # a credit line: 'Anonymous blogger, "Anon declares war on ..."'
    return True


def _kind(text: str, sp: QuoteSpan, ctx: C.Context, qtext: str) -> QuoteKind:
    if len(_words(qtext)) < 4:
        return "fragment"
    before = text[ctx.before[0] : ctx.before[1]].rstrip(" \u00a0\u202f")
    if (
        before
        and before[-1:].isalpha()
        and not re.search(
            r"(?:said|says|say|told|wrote|added|stated|asked|a déclaré|déclare)$", before
        )
    ):
        return "mixed"
    return "full"


def _attribute_one(
    doc: Doc, sp: QuoteSpan, ctx: C.Context, done: list[Attribution | None]
) -> Attribution | None:
    an, text = doc.an, doc.an.text
    bs, be = ctx.before
    as_, ae = ctx.after
    before_cues = [
        c for c in C.find_cues(an, bs, be, "before") if not doc.in_quote(an.toks[c.first].start)
    ]
    after_cues = C.find_cues(an, as_, ae, "after")
    ends = text[sp.start : sp.end].rstrip()[-1:] in ".!?…"
    after_tag = _after_tag(an, after_cues, as_, ends_sentence=ends)
    before_text = text[bs:be].strip(" \u00a0\u202f")
    label = TRANSCRIPT_LABEL.match(text, sp.start, min(sp.end, sp.start + 60))
    if label:  # an interview transcript: "SMITH: Let us start with ..."
        return _transcript_speaker(doc, label.group(1))
    # "— Name" after a pull quote
    m = DASH_SOURCE.match(text[as_:ae])
    if m and not after_tag:
        k = an.tok_at(as_ + m.end())
        sub = S.noun_phrase_at(an, doc.ents, k, an.tok_at(ae) if ae < len(text) else len(an.toks))
        if sub is not None:
            att = resolve(doc, sub, None, an.toks[k].start)
            return replace(att, basis="colon_dash", confidence=min(att.confidence, DASH))
    before_cue = _governing_cue(an, before_cues, be, before_text)
    if before_cue is None and after_tag is None:
        # a verb earlier in the sentence, before another quote: "Il renchérit que le succès de
        # la « dédiabolisation » ... est du fait que Marine Le Pen « est une femme »"
        s0 = doc.sent_starts[max(0, bisect.bisect_right(doc.sent_starts, sp.open_at) - 1)]
        if s0 < bs:
            early = [
                c
                for c in C.find_cues(an, s0, bs, "before")
                if not doc.in_quote(an.toks[c.first].start) and c.kind == "verb"
            ]
            if early and not C.is_weak(early[-1], an.language):
                before_cue = early[-1]
                ctx = C.Context(ctx.q, ctx.par, (s0, be), ctx.after, ctx.shared_with_previous)
    chosen: C.Cue | None = None
    last_word = before_text.rsplit(None, 1)[-1].lower() if before_text else ""
    if (
        before_cue
        and before_text[-1:] in (":", ",")
        and (not after_tag or before_text.endswith(":"))
    ):
        chosen = before_cue
    elif before_cue and last_word in T.COMPLEMENTISERS and before_cue.kind == "verb":
        chosen = before_cue  # "SUD estime, au contraire, que « ... » évoquant ...": estime
    elif after_tag is not None and T.participle(an.toks[after_tag.first]) and before_cue:
        chosen = before_cue
    elif after_tag is not None:
        chosen = after_tag
    elif before_cue:
        chosen = before_cue
    if chosen is not None:
        sub = _subject_for(doc, chosen, ctx)
        if sub is not None:
            return resolve(
                doc,
                sub,
                chosen.text if chosen.kind != "opinion" else None,
                an.toks[chosen.first].start,
            )
        return Attribution(cue=chosen.text, pos=an.toks[chosen.first].start)
    # `"...," grinned Tom Reed`: a speech tag whose verb the lexicon does not know
    verb = T.tag_verb(doc, sp, ctx, text[sp.start : sp.end]) if not before_cue else None
    if verb is not None:
        tag = C.Cue(verb.i, verb.i + 1, verb.text, "after", "verb")
        sub = _subject_for(doc, tag, ctx)
        if sub is not None and sub.kind in ("entity", "pronoun"):
            att = resolve(doc, sub, verb.text, verb.start)
            return replace(att, confidence=att.confidence * UNKNOWN_VERB)
    # "Pour Obama, « ... »"
    k = C.opinion_source(an, bs, be)
    if k >= 0:
        sub = S.noun_phrase_at(an, doc.ents, k, an.tok_at(be))
        if sub is not None and sub.kind in ("entity", "pronoun"):
            att = resolve(doc, sub, None, an.toks[k].start)
            return replace(att, confidence=att.confidence * OPINION)
    # a cue in the sentence before a quote that opens its own sentence ("X said it was
    # time to act. "We ...") or a paragraph ("X stated,\n\n"...")
    if not before_text and not sp.continues and not sp.dialogue_turn:
        prev_att = _previous_sentence_cue(doc, sp)
        if prev_att is not None:
            return prev_att
    # a colon introducing the quote, in this sentence or ending the previous one
    if before_text.endswith(":") or (not before_text and _previous_ends_with_colon(text, sp)):
        start = bs if before_text else _previous_sentence_start(doc, sp)
        sub = _sentence_subject(doc, start, be if before_text else sp.open_at)
        if sub is not None and sub.kind in ("entity", "pronoun"):
            att = resolve(doc, sub, None, an.toks[sub.first].start)
            return replace(att, basis="colon_dash", confidence=min(att.confidence, COLON))
    return None


def _governing_cue(an: Analysis, cues: list[C.Cue], end: int, before_text: str) -> C.Cue | None:
    """The cue of the before context that introduces the quote: the last reporting verb
    ("précise que ..., selon lui, « »" is governed by "précise"), else "according to"/"selon";
    a weak verb ("thinks", "called") only right before the quote."""
    sources = [c for c in cues if c.kind == "source"]
    verbs = [c for c in cues if c.kind == "verb"]
    if sources:  # "Selon X, le boson va permettre de poursuivre ...": not poursuivre
        verbs = [c for c in verbs if not T.infinitive_complement(an, c)]
    strong = [c for c in verbs if not C.is_weak(c, an.language)]
    if strong:
        return strong[-1]
    if sources:
        return sources[-1]
    if verbs:
        c = verbs[-1]
        gap = [an.toks[k] for k in an.toks_between(an.toks[c.last - 1].end, end)]
        if len(gap) <= 3 or before_text.endswith(":"):
            return c
    return None


def _previous_sentence_cue(doc: Doc, sp: QuoteSpan) -> Attribution | None:
    an, text = doc.an, doc.an.text
    k = bisect.bisect_right(doc.sent_starts, sp.open_at) - 1
    if k < 1:
        return None
    s0, s1 = doc.sent_starts[k - 1], doc.sent_starts[k]
    if s1 < sp.open_at and text[s1 : sp.open_at].strip():
        return None  # the quote does not open its sentence
    if text[s0:s1].count("\n") > 2 or doc.overlaps_quote(s0, s1):
        return None
    cues = [
        c
        for c in C.find_cues(an, s0, s1, "before")
        if c.kind == "verb" and not C.is_weak(c, an.language)
    ]
    if not cues:
        return None
    cue = cues[-1]
    ctx = C.Context(q=-1, par=-1, before=(s0, s1), after=(s1, s1), shared_with_previous=False)
    sub = _subject_for(doc, cue, ctx)
    if sub is None:
        return None
    att = resolve(doc, sub, cue.text, an.toks[cue.first].start)
    return replace(att, confidence=att.confidence * PREVIOUS_SENTENCE)


def _after_tag(
    an: Analysis, cues: list[C.Cue], start: int, *, ends_sentence: bool = False
) -> C.Cue | None:
    """A cue right after the quote (`", he said"`, `», explique-t-il`, `" said Smith`).

    Not a verb that governs a clause of its own (`. » Le PP a considéré qu'...`, `said that`),
    nor, after a quote that ends its sentence, a verb further than a name away from it."""
    for c in cues:
        if c.kind == "source":
            continue
        between = [an.toks[k] for k in an.toks_between(start, an.toks[c.first].start)]
        limit = C.AFTER_TAG_MAX_TOKENS
        if len(between) > 2 and between[0].pos == "PROPN" and between[-1].text == ",":
            limit = APPOSITION_TAG_MAX_TOKENS  # `," X, the attorney general of Y, one of ..., said`
        if len(between) > limit:
            return None
        if T.governs_clause(an, c):
            return None
        if ends_sentence and between and between[0].text[:1].isupper() and len(between) > 3:
            return None
        if any(
            t.lower in ("and", "et", "but", "mais", "that", "que", "qui", "which", "who")
            for t in between
        ):
            return None
        return c
    return None


def _subject_for(doc: Doc, cue: C.Cue, ctx: C.Context) -> S.Subject | None:
    an = doc.an
    if cue.kind == "source":
        limit = an.tok_at(ctx.before[1]) if cue.side == "before" else an.tok_at(ctx.after[1])
        return S.noun_phrase_at(an, doc.ents, cue.last, limit)
    if cue.side == "after":
        a_first = an.tok_at(ctx.after[0])
        between = [an.toks[k] for k in range(a_first, cue.first)]
        for t in between:
            if S.tok_is_clitic(t) and t.lower in S.PERSON_PRONOUNS[an.language]:
                return S.Subject(t.i, t.i + 1, "pronoun")
        content = [
            t
            for t in between
            if t.pos not in ("PUNCT", "AUX", "ADV")
            and t.lower not in S.SKIPPABLE[an.language]
            and not S.tok_is_clitic(t)
        ]
        limit = an.tok_at(ctx.after[1]) if ctx.after[1] < len(an.text) else len(an.toks)
        if not content:
            return S.subject_after(an, doc.ents, cue.last, limit)
        return S.subject_before(an, doc.ents, cue.first, a_first)
    b_first = an.tok_at(ctx.before[0])
    verb = an.toks[cue.first]
    nxt = an.toks[cue.last] if cue.last < len(an.toks) else None
    if nxt is not None and S.tok_is_clitic(nxt):
        for t in an.toks[cue.last : cue.last + 2]:
            if t.lower in S.PERSON_PRONOUNS[an.language]:
                return S.Subject(t.i, t.i + 1, "pronoun")
    if verb.tag == "VBG" and cue.first - 1 >= b_first and S.nounish(an.toks[cue.first - 1]):
        return S._np_ending_at(an, doc.ents, cue.first - 1, b_first)  # "with one poster writing"
    participle = verb.tag == "VBG" or (cue.first > 0 and an.toks[cue.first - 1].lower == "en")
    head = an.toks[cue.first - 1].lower if cue.first > 0 else ""
    if participle and head in (",", "en"):
        return _sentence_subject(doc, ctx.before[0], verb.start)  # ", adding", "en évoquant"
    if participle and head in SUBORDINATORS:  # "X marched ... while chanting": the opening phrase
        k = an.tok_at(ctx.before[0])
        while k < cue.first and an.toks[k].pos in ("ADP", "SCONJ", "CCONJ", "ADV", "PUNCT"):
            k += 1
        return S.noun_phrase_at(an, doc.ents, k, cue.first) if k < cue.first else None
    if T.participle(verb) and cue.first == b_first and ctx.shared_with_previous:
        # « ... » évoquant des « ... »: the participle hangs on the sentence's subject
        k = bisect.bisect_right(doc.sent_starts, verb.start) - 1
        s0 = doc.sent_starts[k] if k >= 0 else 0
        return _sentence_subject(doc, s0, verb.start)
    if cue.first == b_first and (verb.tag == "VBG" or verb.lower.endswith("ant")):
        # "Estimant que « ... », il vota contre": the participle's subject follows the quote
        k = an.tok_at(ctx.after[0])
        while k < len(an.toks) and an.toks[k].text in (",", "\u00bb", '"', "”"):
            k += 1
        end = an.tok_at(ctx.after[1]) if ctx.after[1] < len(an.text) else len(an.toks)
        after = S.noun_phrase_at(an, doc.ents, k, end) if k < end else None
        if after is not None and after.kind in ("entity", "pronoun"):
            return after
    sub = S.subject_before(an, doc.ents, cue.first, b_first)
    if sub is None and cue.first == b_first:
        # `"...," said Mr. Bao, "I was shocked ..."`: the shared tag puts the subject after
        limit = an.tok_at(ctx.before[1])
        sub = S.subject_after(an, doc.ents, cue.last, limit)
        if sub is not None:
            return sub
    if sub is None:
        return _sentence_subject(doc, ctx.before[0], verb.start)
    return sub


def _sentence_subject(doc: Doc, start: int, end: int) -> S.Subject | None:
    """The topic of a sentence: its first person, else organisation, else pronoun, else the
    noun phrase it opens with."""
    an = doc.an
    a, b = an.tok_at(start), an.tok_at(end)
    found: dict[str, S.Subject] = {}
    for k in range(a, min(b, a + 60)):
        if doc.in_quote(an.toks[k].start):
            continue
        e = S.entity_at(an, doc.ents, k)
        if e is not None and e[2] in ("PERSON", "ORG") and e[0] == k:
            kind = e[2]
            possessive = e[1] < len(an.toks) and an.toks[e[1]].lower in ("'s", "’s")
            if kind == "PERSON" and (possessive or _oblique(doc, e[0], start)):
                kind = "PERSON_oblique"  # "after Ridge's announcement", "lors du procès d'X"
            found.setdefault(kind, S.Subject(e[0], e[1], "entity"))
        t = an.toks[k]
        if (
            t.pos == "PRON"
            and t.lower in S.PERSON_PRONOUNS[an.language]
            and t.lower not in S.READER_PRONOUNS
        ):
            found.setdefault("pronoun", S.Subject(k, k + 1, "pronoun"))
    for kind in ("PERSON", "ORG", "pronoun", "PERSON_oblique"):
        if kind in found:
            return found[kind]
    k = a
    while k < b and an.toks[k].pos in ("ADP", "SCONJ", "CCONJ", "ADV", "PUNCT"):
        k += 1
    if k < b:
        sub = S.noun_phrase_at(an, doc.ents, k, b)
        if sub is not None and sub.kind == "description":
            return sub
    return None


def _previous_ends_with_colon(text: str, sp: QuoteSpan) -> bool:
    head = text[: sp.open_at].rstrip()
    return head.endswith(":")


def _previous_sentence_start(doc: Doc, sp: QuoteSpan) -> int:
    k = bisect.bisect_left(doc.sent_starts, sp.open_at) - 1
    return doc.sent_starts[k] if k >= 0 else 0


def _paragraph_topic(doc: Doc, sp: QuoteSpan, ctx: C.Context) -> Attribution | None:
    """No cue and no previous speaker: the person the paragraph is about, if it names one."""
    an = doc.an
    ps = doc.sent_starts[max(0, bisect.bisect_right(doc.sent_starts, sp.open_at) - 1)]
    k = bisect.bisect_right(doc.par_starts, sp.open_at) - 1
    par_start = doc.par_starts[k] if k >= 0 else 0
    start = min(ps, par_start)
    for e in range(bisect.bisect_left(doc.ent_starts, start), len(doc.ents)):
        a, b, label = doc.ents[e]
        pos = an.toks[a].start
        if pos < start or doc.in_quote(pos):
            continue
        if pos >= sp.open_at:
            break
        if label == "PERSON":
            att = resolve(doc, S.Subject(a, b, "entity"), None, pos)
            return replace(att, basis="none", confidence=TOPIC)
    return None


def _carried(att: Attribution, *, shared: bool) -> Attribution:
    """The previous quote's attribution, for a piece of the same utterance."""
    factor = CARRIED_SHARED if shared else CARRIED
    basis = att.basis if shared else "carried"
    return replace(att, basis=basis, confidence=att.confidence * factor)


def _oblique(doc: Doc, a: int, sent_start: int) -> bool:
    """A person named inside a prepositional phrase ("lors du procès d'Yvan Colonna", "after
    Ridge's announcement"), except a sentence-opening "For X," / "Pour X,"."""
    an = doc.an
    k = a - 1
    while (
        k >= 0
        and an.toks[k].start >= sent_start
        and (
            an.toks[k].pos in ("NOUN", "ADJ", "DET")
            and not an.toks[k].text[:1].isupper()
            or an.toks[k].lower.rstrip(".") in S.TITLES
        )
    ):
        k -= 1
    if k < 0 or an.toks[k].start < sent_start:
        return False
    t = an.toks[k]
    if t.lower in S.PREPOSITIONS or t.pos == "ADP":
        opening = k == 0 or an.toks[k - 1].start < sent_start
        return not (opening and t.lower in C.OPINION_PREPOSITIONS[an.language])
    return False


def _transcript_speaker(doc: Doc, label: str) -> Attribution:
    """The person a transcript's speaker label names: the one person of the article whose
    surname is the label ("JONES" -> "Tom Jones"), else the label alone for the editor."""
    last = label.split()[-1].casefold()
    people = {
        c
        for c, lab in doc.ent_label.items()
        if lab == "PERSON" and c.split()[-1].casefold() == last
    }
    if len(people) == 1:
        return Attribution(people.pop(), label, None, True, -1, "colon_dash", DASH)
    return Attribution("", label, None, False, -1, "colon_dash", 0.0)
