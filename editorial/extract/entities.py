"""Named entities: spaCy NER, repaired and completed, then grouped under canonical names.

Steps, each a general rule rather than a list of fixes:
1. NER mentions (PERSON / ORG / LOC), plus the newsroom name list (`editorial/data/names.txt`).
2. Cleaning: titles (Dr, M., Mme, Professor), possessives, French elisions and leading
   articles are cut off; lone common acronyms (AI, CEO) and lowercase spans are dropped.
3. Organisation evidence from the text: a name followed by ", a company/startup…", listed
   after "companies like/such as", ending in an organisation word (AI, Labs, Inc) or written
   in CamelCase is an ORG wherever it occurs.
4. Document consistency: every other occurrence of a name already found is a mention too,
   and so are the surnames and first names of the people named in full.
Canonical names are given in `canonical.py`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass, replace

from editorial.extract.analysis import Analysis
from editorial.extract.lexicon import ORG_INTRODUCERS, ORG_SUFFIXES, TITLES
from editorial.extract.names_list import NameEntry, load_names
from editorial.extract.occurrences import occurrences
from editorial.model import Language

# Frequent capitalised acronyms that are not names (the small models tag "AI" as a place).
COMMON_ACRONYMS = frozenset(
    """AI IA LLM LLMS CEO CTO CFO COO GDP PIB PDF API IT TV PR HR IPO ROI KPI SaaS USB GPS DNA
    ADN HIV VIH COVID AIDS SIDA CO2 PhD MBA FAQ UTC GMT AVC""".split()
)
# Capitalised common nouns (by convention) that the small models take for names.
COMMON_CAPITALISED = frozenset(
    "état etat etats gouvernement parlement église internet web administration "
    "government state department ministry agency committee church court "
    "university cour".split()
)
NAME_PARTICLES = frozenset("le la de du des van von der den da di dos al el bin ben ibn".split())
WORK_NOUNS = (
    "documentaire|reportage|rapport|étude|enquête|sondage|report|study|survey|"
    "documentary|investigation|poll"
)
_LEAD_ARTICLES = re.compile(r"^(?:the|The|le|Le|la|La|les|Les|l['’]|L['’]|d['’]|D['’])\s*")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_CAMEL = re.compile(r"^[A-Z][a-z]+[A-Z]")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str
    label: str  # PERSON / ORG / LOC
    fixed: bool = False  # from the name list or text evidence: NER may not relabel it
    head: str = ""  # a generic noun the name is in apposition to: "place" of "place Tahrir"


def clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut titles, leading articles/elisions and possessives off a name span."""
    inner = text[start:end]
    paren = inner.find(" (")
    if paren > 0:
        end = start + paren
    marks = [m.end() for m in re.finditer(r"[«»“”\"]\s*", text[start:end])]
    if marks:
        start += marks[-1]
    changed = True
    while changed and start < end:
        changed = False
        s = text[start:end]
        m = _LEAD_ARTICLES.match(s)
        if (
            m
            and m.end() < len(s)
            and (
                m.group()[:1].islower()
                or (("'" in m.group() or "’" in m.group()) and not _elided_name(text, start, s))
                or _sentence_initial(text, start)
            )
        ):
            # a capital article inside a sentence belongs to the name: "Le Soir", "Le Pen"
            start += m.end()
            changed = True
            continue
        first = re.match(r"([\w]+)(\.?)\s+", s)
        if first and first.group(1).lower() in TITLES and re.match(r"[A-ZÀ-Þ]", s[first.end() :]):
            start += first.end()
            changed = True
    s = text[start:end]
    cap = re.search(r"\s+(?:Image|Photo|Picture|Credit|Source)$", s)
    if cap and text[end : end + 1] == ":":  # a caption: "Washington D.C. Image: NASA"
        end -= len(cap.group())
        s = text[start:end]
    m = _POSSESSIVE.search(s)
    if m and m.start() > 0:
        end -= len(m.group())
    while end > start and text[end - 1] in " .,;:-–—'’\"»«“”":
        if text[end - 1] == "." and re.search(r"\b[A-Z]\.$|\b[A-Z]\.[A-Z]\.$", text[start:end]):
            break  # "U.S." keeps its dot
        end -= 1
    while start < end and text[start] in " ,;:-–—'’\"»«“”(":
        start += 1
    return start, end


VEHICLE_PREFIXES = re.compile(r"^(?:Space Shuttle|USS|HMS|RMS|HMCS|MV|SS)\b")
_CODE = re.compile(r"^[A-Z]{2,5}-\d+[A-Z]?$")  # STS-134, SN-10: codes, not names ("TF1" is one)


def _elided_name(text: str, start: int, s: str) -> bool:
    """A capital "L'" inside a sentence belongs to the name ("de L'Oréal", "à L'Express"):
    French writes the article in lower case when it is not part of the name."""
    return s[:1] == "L" and not _sentence_initial(text, start) and text[start - 1 : start] == " "


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \u00a0")
    return not before or before[-1] in '.!?\n:»”"-–—'


def _valid(text: str) -> bool:
    if VEHICLE_PREFIXES.match(text) or _CODE.match(text):
        return False
    if len(text) < 2 or not any(ch.isupper() for ch in text[:1] + text):
        return False
    if not text[0].isupper() and not text[0].isdigit():
        return False
    words = text.split()
    if len(words) == 1 and (text.upper() in COMMON_ACRONYMS or text in COMMON_ACRONYMS):
        return False
    first = words[0].split("-")[0].lower().rstrip(".")
    if len(words) == 1 and (first in TITLES or text.lower() in COMMON_CAPITALISED):
        return False
    return True


def ner_mentions(an: Analysis) -> list[Mention]:
    out = []
    lower = common_words(an.text)
    for e in an.ents:
        end = e.end
        tail = re.match(
            r"-(?!like|style|era|led|based|born|backed|made)[a-z]+\b", an.text[end : end + 12]
        )
        if tail and e.label == "PERSON" and " " in an.text[e.start : e.end]:
            end += tail.end()  # "Wong Yeung" + "-tat"
        for s0, t0 in split_span(an.text, e.start, end, e.label):
            s, t = clean_span(an.text, s0, t0)
            if t <= s:
                continue
            txt = an.text[s:t]
            head = ""
            generic = _GENERIC_HEAD.match(txt) if an.language == "fr" else None
            if generic and (
                (generic.group(2) and generic.group(1) in ADMINISTRATIVE_NOUNS)
                or (not generic.group(2) and generic.group(1) in PLACE_NOUNS)
            ):
                # "la place Tahrir": the place is called "Place Tahrir", written "Tahrir";
                # "le département de la Corse-du-Sud": it is called "Corse-du-Sud"
                head = "" if generic.group(2) else generic.group(1).capitalize()
                s += generic.end()
                txt = an.text[s:t]
            before = _GENERIC_BEFORE.search(an.text, max(0, s - 16), s)
            if an.language == "fr" and not head and before and before.group(1) in PLACE_NOUNS:
                head = before.group(1).capitalize()  # "la place" + "Tahrir"
            if "\n" in txt or not _valid(txt):
                continue
            label = e.label
            if an.language == "fr" and _plural_demonym(an.text, s, txt):
                continue
            if label == "PERSON" and _CAMEL.match(txt) and " " not in txt:
                label = "ORG"  # CamelCase single words are brands, not people ("OpenAI")
            descr = re.match(r"([A-Z][a-z]+) (?=[A-Z])", txt)
            if label == "PERSON" and descr and descr.group(1).lower() in lower:
                # "Nonpartisan Paul Tse", "Administrator Bolden": a word the article also
                # writes in lower case is a descriptor, not the person's first name
                s += descr.end()
                txt = an.text[s:t]
            out.append(Mention(s, t, txt, label, head=head))
    return out


# French generic nouns before a name (lower case): in apposition ("la place Tahrir", "les îles
# Sanguinaires") the noun is part of the place's name; with "de" ("le département de la
# Corse-du-Sud") it is not.
PLACE_NOUNS = frozenset(
    "place mosquée île îles rue avenue boulevard pont lac mont monts gare quartier cathédrale "
    "église basilique rivière fleuve golfe".split()
)
ADMINISTRATIVE_NOUNS = frozenset(
    "département région commune ville province canton préfecture arrondissement".split()
)
_GENERIC_BEFORE = re.compile(r"(?<![\w'’-])([a-zà-ÿ]+) $")
_GENERIC_HEAD = re.compile(r"([a-zà-ÿ]+)\s+((?:de la|de l['’]|du|des|de|d['’])\s*)?(?=[A-ZÀ-Þ])")


_ROLE_TAIL = re.compile(
    r"\s+(?:spokes(?:person|man|woman)|sheriff|chief|director|president|"
    r"minister|secretary|office|officials?)$",
    re.I,
)


_ROLE_ABBREVIATION = re.compile(r"\s+(?:PM|MP|MEP|CEO|CFO|COO|CTO)$")


def split_span(text: str, start: int, end: int, label: str) -> list[tuple[int, int]]:
    """Spans the model glued together: "A / B", "X Museum at Y University", "Hitwise UK's
    Lifestyle-Religion" (the owner; but "People's Republic", "New People's Party" are one
    name), "Rathbun the Scientology" (a person ends at a lowercase
    word), "State Department Spokesperson" (a role is not part of the name), "Pan-democrat Lam
    Cheuk-ting" (a hyphenated descriptor is not part of a person's name)."""
    s = text[start:end]
    stop = re.search(r"(?<=[A-Za-z]{2})\.\s+(?=[A-Z])", s)
    if stop and s[: stop.start()].split()[-1].lower() not in TITLES:
        end = start + stop.start()  # "ENS. Companies": a name never runs over a full stop
        s = text[start:end]
    if " / " in s:
        k = s.index(" / ")
        return split_span(text, start, start + k, label) + split_span(
            text, start + k + 3, end, label
        )
    m = re.search(r" (?:at|au|aux) (?=[A-ZÀ-Þ])", s)  # "Tahrir au Caire": two places
    if m and label != "PERSON":
        return [(start, start + m.start()), (start + m.end(), end)]
    m = re.search(r"(?<!\bPeople)['’]s\s+[A-Z]", s)  # "People's Party" is a name, no owner
    if m:
        end = start + m.start()
        s = text[start:end]
    m = re.search(r"(?<!\bof)(?<!\band)(?<!\bfor) the (?=[A-Z])", s)
    if m:  # "Rathbun the Scientology"
        end = start + m.start()
        s = text[start:end]
    if label == "PERSON":
        words = s.split(" ")
        for k, w in enumerate(words[1:], 1):
            if w[:1].islower() and w.lower() not in NAME_PARTICLES and "-" not in w:
                end = start + len(" ".join(words[:k]))
                break
    first = re.match(r"[A-Z][a-z]*-[a-z]+\s+(?=[A-Z])|(?:Pro|Anti|Non|Ex)-[A-Z]\w*\s+(?=[A-Z])", s)
    if first:  # "Pan-democrat Lam Cheuk-ting", "Pro-Beijing DAB"
        start += first.end()
    tail = (_ROLE_TAIL if label != "PERSON" else _ROLE_ABBREVIATION).search(text[start:end])
    if tail and tail.start() > 0:  # "Vanuatu PM": a name never ends with a role
        end = start + tail.start()
    return [(start, end)]


def _plural_demonym(text: str, start: int, name: str) -> bool:
    """ "les Bulgares", "deux Polonais": a people, not a place or an organisation; "des
    Dassault ou des Fabius": a kind of family, not one person."""
    if " " in name or "-" in name:
        return False
    before = text[max(0, start - 10) : start]
    if re.search(r"\b(?:les|des)\s+$", before, re.I):
        return True
    if not name.endswith(("s", "x")):
        return False
    return bool(re.search(r"\b(?:aux|deux|trois|quatre|ces|nos|vos|leurs)\s+$", before, re.I))


def list_mentions(text: str, names: tuple[NameEntry, ...]) -> list[Mention]:
    found = occurrences(text, (e.name for e in names))
    return [Mention(s, t, e.name, e.label, fixed=True) for e in names for s, t in found[e.name]]


def evidence_orgs(an: Analysis, language: Language) -> set[str]:
    """Names the text itself shows to be organisations."""
    text = an.text
    names: set[str] = set()
    intro = "|".join(sorted(ORG_INTRODUCERS[language], key=len, reverse=True))
    name = r"([A-Z][\w&.'’-]*(?:\s+(?:[A-Z][\w&.'’-]*|&|de|of|du|des))*(?<![\s&]))"
    # "OpenAI, a much smaller company than Google" / "Febelfin, la fédération"
    for m in re.finditer(
        name + r",\s+(?:a|an|the|une?|la|le|l['’])\s+(?:[\w-]+\s+){0,3}?(?:" + intro + r")s?\b",
        text,
    ):
        names.add(m.group(1))
    # "companies like Mistral AI and Hugging Face", "des entreprises comme X et Y"
    plural = (
        r"(?i:companies|firms|startups|start-ups|groups|labs|organi[sz]ations|institutions|"
        r"entreprises|sociétés|groupes|organisations|institutions)"
    )
    for m in re.finditer(
        plural + r"\s+(?:like|such as|including|comme|dont|telles? que)\s+"
        r"((?:[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*)(?:(?:,\s+|\s+(?:and|et|or|ou)\s+)"
        r"[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*)*)",
        text,
    ):
        for part in re.split(r",\s+|\s+(?:and|et|or|ou)\s+", m.group(1)):
            names.add(part.strip())
    # "la fédération des banques, Febelfin", "the search company, Google"
    for m in re.finditer(
        r"\b(?:the|la|le|l['’]|a|an|une?)\s*(?:"
        + intro
        + r")s?\b[^,.;:()«»\"]{0,40},\s+"
        + name
        + r"\s*[,.;]",
        text,
    ):
        names.add(m.group(1))
    # "the startup Hugging Face", "la société Mistral AI"
    for m in re.finditer(r"\b(?i:the|la|le|l['’])\s*(?i:" + intro + r")\s+" + name, text):
        names.add(m.group(1))
    # "le documentaire d'Al Jazeera", "a report by Human Rights Watch"
    for m in re.finditer(
        r"\b(?:" + WORK_NOUNS + r")s?\s+(?:d['’]|de\s+|du\s+|of\s+|by\s+)(?:the\s+)?" + name,
        text,
        re.I,
    ):
        if m.group(1)[:1].isupper():
            names.add(m.group(1))
    return {n for n in names if n and _valid(n) and n.lower() not in TITLES}


MEMBER_NOUNS = (
    "members|membres|militants|fighters|combattants|islamistes|rebels|rebelles|"
    "supporters|partisans|dirigeants|leaders|employees|employés|salariés|shareholders|"
    "actionnaires|founders|fondateurs|co-founder|cofondateur"
)


def member_orgs(text: str) -> set[str]:
    """Names that have members, employees or founders ("les membres d'Ansar Eddine"): groups.
    Used only to correct names the model took for people."""
    pat = (
        r"\b(?i:"
        + MEMBER_NOUNS
        + r")\s+(?:of|d['’]|de|du|des|at|chez)\s*(?:the\s+)?([A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*)"
    )
    return {m.group(1) for m in re.finditer(pat, text)}


def _suffix_org(txt: str) -> bool:
    words = txt.split()
    return len(words) >= 2 and words[-1].lower().rstrip(".") in ORG_SUFFIXES


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def merge_mentions(base: list[Mention], priority: list[Mention]) -> list[Mention]:
    """`priority` mentions win over overlapping `base` mentions."""
    out = list(priority)
    pri = sorted(priority, key=lambda m: m.start)
    starts = [p.start for p in pri]
    reach = list(itertools.accumulate((p.end for p in pri), max))  # furthest end so far
    for m in base:
        k = bisect.bisect_left(starts, m.end) - 1  # priorities starting before m ends
        if k < 0 or reach[k] <= m.start:
            out.append(m)
    out.sort(key=lambda m: (m.start, -m.end))
    flat: list[Mention] = []
    for m in out:
        if flat and _overlaps(flat[-1], m):
            if (m.end - m.start) > (flat[-1].end - flat[-1].start) and not flat[-1].fixed:
                flat[-1] = m
            continue
        flat.append(m)
    return flat


def propagate(text: str, mentions: list[Mention]) -> list[Mention]:
    """Every other occurrence of a found name is a mention too, with the name's majority label."""
    labels: dict[str, Counter[str]] = {}
    for m in mentions:
        labels.setdefault(m.text, Counter())[m.label] += 3 if m.fixed else 1
    extra: list[Mention] = []
    wanted = [name for name in labels if len(name) >= 3 or name.isupper()]
    found = occurrences(text, wanted)
    for name in wanted:
        label = labels[name].most_common(1)[0][0]
        extra.extend(Mention(s, t, name, label) for s, t in found[name])
    relabeled = [replace(m, label=labels[m.text].most_common(1)[0][0]) for m in mentions]
    return merge_mentions(extra, relabeled)


def parenthesised_acronyms(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "World Health Organisation (WHO)": the acronym is a name of the same kind, wherever
    it occurs."""
    pairs: list[tuple[str, str]] = []
    for m in mentions:
        after = re.match(r"\s*\(([A-Z][A-Z&.]{1,9})\)", text[m.end : m.end + 14])
        if after and len(m.text.split()) >= 2:
            pairs.append((after.group(1), m.label))
    found = occurrences(text, (a for a, _l in pairs))
    return [Mention(s, t, a, label) for a, label in pairs for s, t in found[a]]


def common_words(text: str) -> set[str]:
    """Words the text also writes in lower case (so not names): "iodine" -> "Iodine"."""
    return {w for w in re.findall(r"(?<![\w'’-])[a-zà-ÿ][\w-]+", text)}


def drop_common(text: str, mentions: list[Mention]) -> list[Mention]:
    lower = common_words(text)
    out = []
    for m in mentions:
        if not m.fixed and " " not in m.text and m.text.lower() in lower and not m.text.isupper():
            continue
        if re.fullmatch(r"\s*[–—-]", text[m.end : m.end + 2]) or re.match(
            r"\s*[–—-]\s*\d", text[m.end : m.end + 6]
        ):
            num = re.search(r"\s+\d+$", m.text)  # "Sweden 1 – 0 Korea": a score, not a name
            if num:
                m = replace(m, end=m.end - len(num.group()), text=m.text[: num.start()])
        out.append(m)
    return out


def find_mentions(an: Analysis, names: tuple[NameEntry, ...] | None = None) -> list[Mention]:
    """Flat, non-overlapping name mentions of the text, in order."""
    names = load_names() if names is None else names
    ner = drop_common(an.text, ner_mentions(an))
    orgs = evidence_orgs(an, an.language)
    found = occurrences(an.text, orgs)
    forced = [Mention(s, t, name, "ORG", fixed=True) for name in orgs for s, t in found[name]]
    members = member_orgs(an.text)
    ner = [
        replace(m, label="ORG")
        if (_suffix_org(m.text) and m.label != "LOC") or (m.text in members and m.label == "PERSON")
        else m
        for m in ner
    ]
    mentions = merge_mentions(ner, merge_mentions(forced, list_mentions(an.text, names)))
    mentions = join_adjacent(an.text, extend_first_names(an.text, mentions))
    mentions = harmonise_lists(an.text, mentions)
    mentions = merge_mentions(parenthesised_acronyms(an.text, mentions), mentions)
    mentions = join_adjacent(an.text, propagate(an.text, mentions))
    mentions = merge_mentions(list_items(an.text, mentions), mentions)
    mentions = merge_mentions(short_forms(an.text, mentions), mentions)
    return tidy(an.text, mentions)


def tidy(text: str, mentions: list[Mention]) -> list[Mention]:
    """Every mention, whatever found it, split and cleaned by the same rules."""
    out: list[Mention] = []
    for m in mentions:
        for s0, t0 in split_span(text, m.start, m.end, m.label):
            s, t = clean_span(text, s0, t0)
            if t > s and _valid(text[s:t]):
                out.append(
                    Mention(s, t, text[s:t], m.label, m.fixed) if (s, t) != (m.start, m.end) else m
                )
    return out


_LIST_ITEM = re.compile(
    r"(,\s*|\s+(?:and|et|or|ou)\s+|,\s+(?:and|et)\s+)([A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,3})(?=[\s,.;:)]|$)"
)


def list_items(text: str, mentions: list[Mention]) -> list[Mention]:
    """Capitalised names closing a list of names ("Belfius, ING, KBC et AXA") are names of
    the same kind, even when the model skipped them."""
    out: list[Mention] = []
    for a, b in zip(mentions, mentions[1:], strict=False):
        if a.label != b.label or not re.fullmatch(r",\s*", text[a.end : b.start]):
            continue
        m = _LIST_ITEM.match(text, b.end)
        if (
            m
            and _valid(m.group(2))
            and m.group(2).lower() not in common_words(text[m.start(2) : m.end(2)])
        ):
            out.append(Mention(m.start(2), m.end(2), m.group(2), b.label))
    return out


def extend_first_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "singer-songwriter Carly Simon" tagged "Simon": a capitalised word right before a
    one-word person, inside a sentence, is their first name."""
    lower = common_words(text)
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for m in mentions:
        if m.label == "PERSON" and " " not in m.text:
            prev = re.search(
                r"(?<=[a-z,;] )([A-Z][a-zà-ÿ]+) $", text[max(0, m.start - 30) : m.start]
            )
            if prev and prev.group(1).lower() not in lower and prev.group(1).lower() not in TITLES:
                s = m.start - len(prev.group(0))
                if not any(a < m.start and b > s for a, b in taken):
                    m = Mention(s, m.end, text[s : m.end], m.label, m.fixed)
        out.append(m)
    return out


def join_adjacent(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "Dries" + "Mertens" -> one person; "Association des leaders religieux du" + "Mali"
    -> one organisation."""
    out: list[Mention] = []
    for m in mentions:
        if out:
            p = out[-1]
            gap = text[p.end : m.start]
            same_person = (
                gap == " "
                and "PERSON" in (p.label, m.label)
                and p.label != "LOC"
                and m.label != "LOC"
                and " " not in p.text
                and " " not in m.text
            )
            same_org = gap == " " and p.label == m.label == "ORG"  # "Science & Technology"
            # + "Facilities Council": two names never stand side by side without punctuation
            if (
                same_person
                or same_org
                or (gap in (" ",) and re.search(r"\b(?:du|de|des|of|for)$", p.text))
            ):
                out[-1] = Mention(
                    p.start, m.end, text[p.start : m.end], p.label, p.fixed or m.fixed
                )
                continue
            if (
                re.fullmatch(r" (?:du|de|des|of|d['’]|de la) ?", gap)
                and p.label == "ORG"
                and m.label == "LOC"
                and p.text.split()[0][:1].isupper()
                and len(p.text.split()) >= 2
            ):
                out[-1] = Mention(p.start, m.end, text[p.start : m.end], "ORG", p.fixed or m.fixed)
                continue
        out.append(m)
    return out


def harmonise_lists(text: str, mentions: list[Mention]) -> list[Mention]:
    """Names in one list ("Belfius, ING, KBC et AXA") are of one kind: the majority's."""
    out = list(mentions)
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and re.fullmatch(
            r",\s*|\s+(?:and|et|or|ou)\s+|,\s+(?:and|et)\s+", text[out[j].end : out[j + 1].start]
        ):
            j += 1
        if j - i >= 2:
            votes = Counter(m.label for m in out[i : j + 1])
            label, n = votes.most_common(1)[0]
            if n * 2 > j - i + 1:
                for k in range(i, j + 1):
                    if not out[k].fixed:
                        out[k] = replace(out[k], label=label)
        i = j + 1
    return out


def short_forms(text: str, mentions: list[Mention]) -> list[Mention]:
    """Surnames ("Torres", "Le Pen") and first names ("Marine") of the people named in full,
    wherever they occur alone."""
    forms: dict[str, int] = {}
    for m in mentions:
        words = m.text.split()
        if m.label != "PERSON" or len(words) < 2:
            continue
        last = words[-1]
        if len(words) >= 3 and words[-2].lower() in NAME_PARTICLES:
            last = " ".join(words[-2:])
        for form in {last, words[0]}:
            if len(form) >= 3 and form[:1].isupper() and not form.endswith("."):
                forms[form] = forms.get(form, 0) + 1
    owners: dict[str, set[str]] = {}
    for m in mentions:
        words = m.text.split()
        if m.label == "PERSON" and len(words) >= 2:
            for w in words:
                owners.setdefault(w, set()).add(m.text)
    # two people share a one-word name ("Leung Yiu-chung", "Baggio Leung"): not a short form
    kept = [f for f in forms if " " in f or len(owners.get(f.split()[-1], set())) <= 1]
    found = occurrences(text, kept)
    return [Mention(s, t, form, "PERSON") for form in kept for s, t in found[form]]


__all__ = ["Mention", "NameEntry", "find_mentions", "load_names"]
