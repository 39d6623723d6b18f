"""Speaker resolution: a subject found at a cue becomes a full canonical name.

Entities map to their canonical name (a misspelt surname to the full name it resembles);
pronouns to the person in view (see `resolve_pronoun`); definite descriptions ("le documentaire",
"the minister", "la porte-parole de la fédération") to the entity the article tied them to;
unnamed sources stay as written, without their definite article.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from editorial.extract import cues as C
from editorial.extract import speakers as S
from editorial.extract.analysis import Analysis
from editorial.extract.document import Attribution, Doc
from editorial.extract.lexicon import TIME_NOUNS

# Confidence of an attribution by the evidence behind it (model.LOW_CONFIDENCE is 0.5).
NAMED = 0.9  # the name stands at the cue
PRONOUN = 0.8  # a pronoun at the cue, one person in view
PRONOUN_AMBIGUOUS = 0.35  # a pronoun at the cue, two people in view: left for the editor
UNRESOLVED = 0.2  # a pronoun nobody in view matches
DESCRIBED = 0.75  # a description the article tied to a name ("X, the minister")
DESCRIBED_IN_VIEW = 0.6  # a title or organisation noun taken as the one in view
UNNAMED = 0.8  # an unnamed source kept as written ("a spokesman for the agency")
SURNAME = 0.8  # a capitalised word at the cue that is the surname of one named person
RELATIONAL = 0.4  # "the successor of X": someone the article may name elsewhere


def resolve(doc: Doc, sub: S.Subject, cue: str | None, pos: int) -> Attribution:
    att = _resolve(doc, sub, cue, pos)
    label = doc.ent_label.get(att.speaker)
    if att.speaker and att.named and label in ("PERSON", "ORG"):
        trimmed = unfuse(doc, att.speaker)
        titled = sub.kind == "description" and S.is_person_title(S.head_noun(doc.an, sub))
        if label == "ORG" and trimmed not in doc.ent_label and not titled:
            trimmed = att.speaker  # an organisation is cut only down to another known name,
            # or to the person a title introduces ("Secretary General of the X Community Y")
        words = trimmed.split()
        an = doc.an
        if (
            label == "PERSON"
            and len(words) >= 3
            and sub.kind == "entity"
            and sub.first > 0
            and an.toks[sub.first - 1].lower in S.OF_WORDS | {"of", "at", "à"}
        ):
            trimmed = " ".join(words[1:])  # "directeur du site de Jababeka David Quentin"
        if label == "ORG":
            trimmed = _hyphenated_acronym(doc, trimmed)
        if trimmed != att.speaker:
            return replace(att, speaker=trimmed, mention=att.mention or att.speaker)
    return att


def _hyphenated_acronym(doc: Doc, name: str) -> str:
    """An acronym the tokenizer cut at its hyphen ("SUD" where the article writes "SUD-PTT"):
    the one hyphenated form the article has."""
    if not (name.isupper() and name.isalpha() and len(name) >= 2):
        return name
    forms = set(re.findall(rf"\b{re.escape(name)}-[A-Z0-9]{{2,}}\b", doc.an.text))
    return forms.pop() if len(forms) == 1 else name


def _resolve(doc: Doc, sub: S.Subject, cue: str | None, pos: int) -> Attribution:
    an = doc.an
    mention = S.subject_text(an, sub)
    if S.is_time(an, sub):  # "said Monday of this week": a date, not a speaker
        return Attribution("", "", cue, False, pos, "none", 0.0)
    if sub.kind == "pronoun" and an.toks[sub.first].lower == "it":
        org = _org_in_view(doc, sub.first)
        if org:  # "The Ocean Trust published a report. ... it said": the organisation
            return Attribution(org, mention, cue, True, pos, "pronoun", PRONOUN)
        return Attribution("", mention, cue, False, pos, "pronoun", UNRESOLVED)
    if sub.kind == "pronoun":
        target, strong = pronoun_target(doc, sub.first)
        if target:
            weak = not strong or _ambiguous_pronoun(doc, sub.first, target)
            conf = PRONOUN_AMBIGUOUS if weak else PRONOUN
            return Attribution(target, mention, cue, True, pos, "pronoun", conf)
        return Attribution("", mention, cue, False, pos, "pronoun", UNRESOLVED)
    canon = doc.canonical_of(sub)
    if canon is not None and sub.kind == "description" and doc.ent_label.get(canon) == "LOC":
        canon = None  # "Malaysia's Prime Minister": the place is not the speaker
    if canon is not None:
        ent_text = mention
        if sub.kind == "description" or len(mention.split()) > len(canon.split()) + 2:
            # "Le documentaire d'Al Jazeera" -> Al Jazeera, but a role stays a role
            noun = S.head_noun(an, sub)
            if noun and S.is_role(noun) and doc.ent_label.get(canon) != "PERSON":
                txt = S.strip_determiner(mention, an.language)
                return Attribution(txt, mention, cue, False, pos, "description", UNNAMED)
            if noun and _relational(an, sub) and doc.ent_label.get(canon) == "PERSON":
                # "le successeur de Claude Erignac", "the wife of John Smith": someone else
                start = an.toks[sub.first].start
                target = doc.description_target(noun, start) or _apposed_person(doc, sub)
                if target and not _same_person(target, canon):
                    return Attribution(target, mention, cue, True, pos, "description", DESCRIBED)
                txt = S.strip_determiner(mention, an.language)
                return Attribution(txt, mention, cue, False, pos, "description", RELATIONAL)
            if noun:
                doc.add_description(an.toks[sub.first].start, noun, canon)
        if len(canon.split()) == 1 and doc.ent_label.get(canon) == "PERSON":
            full = doc.fuzzy_people.find(canon)
            if full:
                canon = full
        basis, conf = ("cue", NAMED) if sub.kind == "entity" else ("description", DESCRIBED)
        return Attribution(
            canon, "" if ent_text == canon else ent_text, cue, True, pos, basis, conf
        )
    if sub.kind == "description":
        full = _surname_of(doc, mention)
        if full:  # a name the NER missed, the surname of a person named in full elsewhere
            return Attribution(full, mention, cue, True, pos, "cue", SURNAME)
        agent = _agent(doc, sub)
        if agent is not None:
            return resolve(doc, agent, cue, pos)
        noun = S.head_noun(an, sub)
        start = an.toks[sub.first].start
        if noun and S.is_definite(an, sub):
            target = doc.description_target(noun, start)
            if target:
                return Attribution(target, mention, cue, True, pos, "description", DESCRIBED)
            for p, n, earlier in reversed(doc.unnamed):  # "One poster ... The poster wrote"
                if p < start and n == noun:
                    return Attribution(earlier, mention, cue, False, pos, "description", UNNAMED)
        # a role of a described organisation: "la porte-parole de la fédération"
        resolved = _resolve_inner_description(doc, sub)
        if resolved is None and noun and S.is_definite(an, sub) and len(mention.split()) <= 3:
            if S.is_person_title(noun):  # "dénonce le Président-candidat": the person in view
                target = resolve_pronoun(doc, sub.first)
                if target:
                    conf = DESCRIBED_IN_VIEW
                    return Attribution(target, mention, cue, True, pos, "description", conf)
            if noun in S.ORG_NOUNS:  # "l'organisation islamique": the organisation in view
                target = _salient_org(doc, start)
                if target:
                    conf = DESCRIBED_IN_VIEW
                    return Attribution(target, mention, cue, True, pos, "description", conf)
        txt = S.strip_determiner(resolved or mention, an.language)
        if noun:
            doc.unnamed.append((start, noun, txt))
        return Attribution(txt, mention, cue, False, pos, "description", UNNAMED)
    return Attribution(mention, mention, cue, False, pos, "description", UNNAMED)


def _salient_org(doc: Doc, pos: int) -> str | None:
    """The organisation named most often before `pos` (at least twice; ties: the latest)."""
    counts: dict[str, tuple[int, int]] = {}
    for (a, _b, label), p in zip(doc.ents, doc.ent_starts, strict=True):
        if p >= pos:
            break
        if label == "ORG":
            c = doc.ent_canon[a]
            counts[c] = (counts.get(c, (0, 0))[0] + 1, p)
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: kv[1])
    return best[0] if best[1][0] >= 2 else None


def _agent(doc: Doc, sub: S.Subject) -> S.Subject | None:
    """ "the post by an unknown author": the author wrote it."""
    an = doc.an
    for k in range(sub.first + 1, sub.last - 1):
        if an.toks[k].lower in ("by", "par"):
            j = k + 1
            if an.toks[j].lower in ("a", "an", "un", "une"):
                j += 1
            return S.noun_phrase_at(an, doc.ents, j, sub.last)
    return None


def _resolve_inner_description(doc: Doc, sub: S.Subject) -> str | None:
    an = doc.an
    for k in range(sub.first, sub.last - 1):
        if an.toks[k].lower in S.OF_WORDS:
            inner = S.noun_phrase_at(an, doc.ents, k + 1, sub.last)
            if inner is None or inner.kind != "description" or not S.is_definite(an, inner):
                return None
            noun = S.head_noun(an, inner)
            target = doc.description_target(noun, an.toks[sub.first].start) if noun else None
            if target:
                head = an.text[an.toks[sub.first].start : an.toks[k].end]
                return f"{head} {target}"
    return None


SINGULAR_SUBJECTS = frozenset({"he", "she", "il", "elle", "-il", "-elle"})


def resolve_pronoun(doc: Doc, k: int, depth: int = 0) -> str | None:
    """The person a pronoun at token k stands for (see `pronoun_target`)."""
    return pronoun_target(doc, k, depth)[0]


def pronoun_target(doc: Doc, k: int, depth: int = 0) -> tuple[str | None, bool]:
    """The person a pronoun at token k stands for, and whether the evidence is strong (a person
    in subject position or a quoted speaker, not a fallback found in a prepositional phrase).

    Walks back sentence by sentence (at most fifteen). A person named in subject position ("Le
    journaliste Thierry Roland s'est éteint", "For Kevin Allton, ...") is taken at once, and so
    is a quote's resolved speaker while the walk stays in the pronoun's paragraph. A sentence
    that only has the same pronoun as a subject ("Dès 1976, il fit ...") hands the question on:
    that pronoun's person is this one's. A person inside a prepositional phrase or an
    apposition ("avec son complice, X,") is only a fallback. Plural pronouns take the nearest
    quoted speaker ("The report's authors say ... They call for")."""
    an = doc.an
    pos = an.toks[k].start
    plural = S.pronoun_number(an, k) == "p"
    si = bisect.bisect_right(doc.sent_starts, pos) - 1
    pi = bisect.bisect_right(doc.par_starts, pos) - 1
    fallback: tuple[str, int] | None = None
    for back in range(0, 15):
        j = si - back
        if j < 0:
            break
        s_start = doc.sent_starts[j]
        s_end = (
            pos
            if back == 0
            else doc.sent_starts[j + 1]
            if j + 1 < len(doc.sent_starts)
            else len(an.text)
        )
        par = bisect.bisect_right(doc.par_starts, s_start) - 1
        if fallback is not None and fallback[1] == pi and par < pi:
            return fallback[0], False  # a weak candidate of this paragraph beats anything earlier
        strong, weak, strong_at = _sentence_candidates(
            doc, s_start, s_end, plural, quotes=par == pi
        )
        chained = _chained_pronoun(doc, s_start, s_end, k) if not plural and depth < 6 else None
        if chained is not None and (strong is None or an.toks[chained].start < strong_at):
            # "Il renchérit que ... Marine Le Pen": the sentence's subject is the pronoun
            found, how = pronoun_target(doc, chained, depth + 1)
            if found:
                return found, how
        if strong:
            return strong, True
        if weak and fallback is None:
            fallback = (weak, par)
    return (fallback[0], False) if fallback else (None, False)


def _chained_pronoun(doc: Doc, start: int, end: int, k: int) -> int | None:
    """The first singular subject pronoun of text[start:end] outside quotes, before token k."""
    an = doc.an
    for t in (an.toks[i] for i in an.toks_between(start, end)):
        if t.i >= k:
            break
        if t.lower in SINGULAR_SUBJECTS and t.pos == "PRON" and not doc.in_quote(t.start):
            return t.i
    return None


def _sentence_candidates(
    doc: Doc, start: int, end: int, plural: bool, *, quotes: bool = True
) -> tuple[str | None, str | None, int]:
    """(strong candidate, weak candidate, where the strong one stands)."""
    an = doc.an
    speakers = [q for q in doc.resolved if start <= q[0] < end and q[1]] if quotes or plural else []
    for p0, spk, named, label in reversed(speakers):
        if plural or (named and label == "PERSON"):
            return spk, None, p0
    if plural:
        return None, None, -1
    weak: str | None = None
    a = bisect.bisect_left(doc.ent_starts, start)
    for a_i in range(a, len(doc.ents)):
        t0, _b, label = doc.ents[a_i]
        p = an.toks[t0].start
        if p >= end:
            break
        if label != "PERSON" or doc.in_quote(p):
            continue
        if subject_position(doc, t0, start):
            return doc.ent_canon[t0], None, p
        if weak is None:
            weak = doc.ent_canon[t0]
    return None, weak, -1


def subject_position(doc: Doc, a: int, sent_start: int) -> bool:
    """Not inside a prepositional phrase (except a sentence-opening "For X," / "Pour X,")
    nor in an apposition enclosed in commas."""
    an = doc.an
    k = a - 1
    while k >= 0 and (
        an.toks[k].pos in ("NOUN", "ADJ", "DET", "CCONJ")
        and not an.toks[k].text[:1].isupper()
        or an.toks[k].lower.rstrip(".") in S.TITLES
    ):
        k -= 1  # "le journaliste et commentateur sportif Thierry Roland"
    if k < 0 or an.toks[k].start < sent_start:
        return True
    t = an.toks[k]
    if t.lower in S.PREPOSITIONS or t.pos == "ADP":
        frame = t.lower in C.OPINION_PREPOSITIONS[an.language] and (
            k == 0 or an.toks[k - 1].start < sent_start
        )
        return frame
    if t.text == ",":
        e = S.entity_at(an, doc.ents, a)
        after = e[1] if e is not None else a + 1
        return not (after < len(an.toks) and an.toks[after].text == ",")
    return True


def _ambiguous_pronoun(doc: Doc, k: int, target: str) -> bool:
    """Whether someone other than `target` is as good a reading of the pronoun at token k: a
    different person, not known to be of the other gender, named outside quotes and not in a
    prepositional phrase in the pronoun's own sentence ("Smith told Jones he ..."), or opening
    the sentence before ("Smith spoke after Jones. Jones ... He said")."""
    an = doc.an
    if S.pronoun_number(an, k) == "p" or an.toks[k].lower in READER_LIKE:
        return False
    pos = an.toks[k].start
    gender = PRONOUN_GENDER.get(an.toks[k].lower.lstrip("-"))
    si = bisect.bisect_right(doc.sent_starts, pos) - 1
    lo_sent = max(0, si - 1)
    lo = bisect.bisect_left(doc.ent_starts, doc.sent_starts[lo_sent] if si >= 0 else 0)
    for a_i in range(lo, len(doc.ents)):
        t0, _b, label = doc.ents[a_i]
        p = doc.ent_starts[a_i]
        if p >= pos:
            break
        other = doc.ent_canon[t0]
        if label != "PERSON" or doc.in_quote(p) or _same_person(other, target):
            continue
        s_i = bisect.bisect_right(doc.sent_starts, p) - 1
        s_start = doc.sent_starts[s_i]
        if not subject_position(doc, t0, s_start):
            continue
        lead = len(an.toks_between(s_start, p))
        coordinated = t0 > 0 and an.toks[t0 - 1].lower in ("and", "et", "or", "ou") and lead <= 6
        if s_i != si and lead > 2 and not coordinated:
            continue  # the sentence before counts by its subject(s) only ("X and Y met")
        if gender and doc.gender_of(other) not in (None, gender):
            continue
        if gender and doc.gender_of(target) not in (None, gender):
            continue
        return True
    return False


PRONOUN_GENDER = {"he": "m", "she": "f", "il": "m", "elle": "f"}
READER_LIKE = frozenset({"i", "je", "we", "nous", "on"})


def _same_person(a: str, b: str) -> bool:
    """One name is the other or a part of it ("Hester" / "Megan Hester")."""
    wa, wb = set(a.casefold().split()), set(b.casefold().split())
    return wa <= wb or wb <= wa


def _relational(an: Analysis, sub: S.Subject) -> bool:
    """A description whose head noun comes before "of/de" and a name: "le successeur de X",
    "the wife of X" (not "X's lawyer", which `_np_ending_at` already splits)."""
    for k in range(sub.first, sub.last - 1):
        t = an.toks[k]
        if t.lower in S.OF_WORDS:
            return any(
                S.nounish(an.toks[j]) and an.toks[j].pos == "NOUN" for j in range(sub.first, k)
            )
    return False


def _surname_of(doc: Doc, mention: str) -> str | None:
    """The one person named in full whose surname is `mention` (a single capitalised word)."""
    if " " in mention or not mention[:1].isupper() or len(mention) < 3:
        return None
    found = {
        c
        for c, lab in doc.ent_label.items()
        if lab == "PERSON" and len(c.split()) >= 2 and c.split()[-1] == mention
    }
    if not found and not any(c.split()[-1] == mention for c in doc.ent_label):
        # a name the NER missed everywhere: "Jan Egeland ... Egeland later added"
        rx = re.compile(rf"\b([A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?) {re.escape(mention)}\b")
        first = {m.group(1) for m in rx.finditer(doc.an.text)}
        first -= {w.capitalize() for w in S.TITLES} | {"The", "Le", "La", "Les", "A", "Un"}
        found = {f"{f} {mention}" for f in first}
    return found.pop() if len(found) == 1 else None


def unfuse(doc: Doc, name: str) -> str:
    """A person's name without what the small models glued before it: an organisation or place
    the article names on its own ("Andean Community Wagner" -> "Wagner"), a title, a day."""
    words = name.split()
    for i in range(1, len(words)):
        head, rest = " ".join(words[:i]), words[i:]
        if not rest[0][:1].isupper():
            break
        if doc.ent_label.get(head) in ("ORG", "LOC") or head in doc.place_org_forms():
            return " ".join(rest)
        if words[i - 1].lower().rstrip(".") in S.TITLES or words[i - 1].lower() in TIME_NOUNS:
            return unfuse(doc, " ".join(rest)) if len(rest) > 1 else " ".join(rest)
    return name


def _apposed_person(doc: Doc, sub: S.Subject) -> str | None:
    """The person a description stands in apposition to: "Bernard Bonnet, le successeur de
    Claude Erignac, qui ..." -> Bernard Bonnet."""
    k = sub.first - 1
    if k < 1 or doc.an.toks[k].text != ",":
        return None
    e = S.entity_at(doc.an, doc.ents, k - 1)
    if e is None or e[2] != "PERSON" or e[1] != k:
        return None
    return doc.ent_canon.get(e[0])


def _org_in_view(doc: Doc, k: int) -> str | None:
    """The organisation "it" stands for: the one opening the pronoun's sentence or one of the
    two before (its subject), if no other organisation or person opens a sentence in between."""
    an = doc.an
    pos = an.toks[k].start
    si = bisect.bisect_right(doc.sent_starts, pos) - 1
    for j in range(si, max(-1, si - 3), -1):
        s0 = doc.sent_starts[j]
        a = bisect.bisect_left(doc.ent_starts, s0)
        if a >= len(doc.ents) or doc.ent_starts[a] >= pos:
            continue
        t0, _b, label = doc.ents[a]
        if len(an.toks_between(s0, doc.ent_starts[a])) > 1 or doc.in_quote(doc.ent_starts[a]):
            continue  # not the sentence's subject ("The X ..." allows one determiner)
        return doc.ent_canon[t0] if label == "ORG" else None
    return None
