"""Everything the report template shows, computed from an Article and its Extraction.

`build_context` is pure: no file is written, and the only read is an existence check on the
article's images (so a missing image is left out instead of being logged by WeasyPrint).
The template holds presentation only; every choice (which quote goes on the cover, where pull
quotes sit, how headings nest) is made here and tested directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import Markup

from editorial.model import Article, Block, Extraction, Quote
from editorial.render.i18n import words
from editorial.render.pdf_typography import block_markup, initial, plain, quoted
from editorial.render.selection import reading_minutes, strongest_quotes, top_entities

COVER_QUOTE_MAX_WORDS = 45
PULL_QUOTE_MAX_WORDS = 40
WORDS_PER_PULL_QUOTE = 450  # one pull quote per this many words of body, at most MAX_PULL_QUOTES
MAX_PULL_QUOTES = 4
ROLE_MAX_WORDS = 24

LEAD_MIN_CHARS = 140  # beside the initial a line holds ~70 characters: 140 reach its third line


@dataclass(frozen=True)
class QuoteView:
    text: str  # with the language's quotation marks
    speaker: str
    role: str
    target: str  # id of the body block holding the quote ("" when not in the body)


@dataclass(frozen=True)
class BodyItem:
    """One thing in the body, in reading order. `kind` selects the template branch."""

    kind: str  # heading | paragraph | blockquote | list | faq | figure | pullquote
    id: str = ""
    html: Markup = Markup("")
    level: int = 2  # HTML heading level (2..6) for headings and FAQ questions
    items: tuple[Markup, ...] = ()  # list items
    pairs: tuple[FaqPair, ...] = ()  # FAQ
    src: str = ""  # figure: absolute file URL
    quote: QuoteView | None = None  # pull quote
    lead: bool = False  # first paragraph of the article (drop cap)


@dataclass(frozen=True)
class FaqPair:
    id: str
    question: Markup
    answers: tuple[BodyItem, ...]  # paragraphs
    level: int


@dataclass(frozen=True)
class TocEntry:
    target: str
    text: str
    level: int  # 1 = top


@dataclass(frozen=True)
class Fact:
    value: str
    label: str


@dataclass(frozen=True)
class SpeakerView:
    name: str
    role: str
    quotes: tuple[QuoteView, ...]


@dataclass(frozen=True)
class EntityView:
    name: str
    label: str
    count: int
    share: int  # bar length, percent of the most mentioned entity


@dataclass(frozen=True)
class ReportContext:
    lang: str
    t: dict[str, str]  # translation table, keys "section.key"
    title: str
    standfirst: str
    author: str
    date_iso: str
    date_display: str
    language_name: str
    reading_minutes: int
    brand: str
    kicker: str  # the line above the title: tags or brand
    title_size: str  # s | m | l | xl: the cover title's scale, from its length
    cover_layout: str  # anchored (quote at the foot of the cover) | flow (crowded cover)
    cover_quote: QuoteView | None
    facts: tuple[Fact, ...]
    top_entities: tuple[str, ...]
    toc: tuple[TocEntry, ...]
    body: tuple[BodyItem, ...]
    speakers: tuple[SpeakerView, ...]
    entities: tuple[EntityView, ...]
    keywords: tuple[str, ...]
    page_css: Markup  # the per-article @page rule: running title, brand, "page X of Y"
    ref_css: Markup  # the page numbers of the contents and of the quotes (`ref_css`)

    @property
    def has_faq(self) -> bool:
        return any(item.kind == "faq" for item in self.body)


# -- small pure helpers -------------------------------------------------------------------------


def css_string(text: str) -> str:
    """A CSS string literal; every character that HTML or CSS could read specially is hex-escaped,
    so the result is safe inside <style> with no HTML escaping."""
    out = []
    for ch in text:
        if ch.isalnum() or ch in " .,:;!?'-()/":
            out.append(ch if ch != "'" else "\\27 ")
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def running_title(title: str, limit: int = 70) -> str:
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "\u2026"


def page_css(title: str, brand: str, t: dict[str, str]) -> Markup:
    footer = " ".join(
        (
            css_string(t["report.page"] + " "),
            "counter(page)",
            css_string(" " + t["report.of"] + " "),
            "counter(pages)",
        )
    )
    return Markup(
        f"@page {{ @top-left {{ content: {css_string(running_title(title))}; }} "
        f"@top-right {{ content: {css_string(brand)}; }} @bottom-right {{ content: {footer}; }} }} "
        # This <style> is author origin and beats report.css (user origin): the cover's own rule
        # must be here too.
        "@page cover { @top-left { content: none; } @top-right { content: none; } "
        "@bottom-right { content: none; } }"
    )


def ref_css(toc: tuple[TocEntry, ...], speakers: tuple[SpeakerView, ...]) -> Markup:
    """The page numbers of the contents entries and of the "who is quoted" links: one rule per
    target, naming it with a string (`target-counter("#id", page)`), as editorial.render.
    weasyprint_fix needs; report.css styles them."""
    links = (
        (".toc a", 'leader(" ") ', (entry.target for entry in toc)),
        (".pageref", "", (q.target for s in speakers for q in s.quotes if q.target)),
    )
    rules = []
    for selector, before, targets in links:
        for target in dict.fromkeys(targets):
            anchor = css_string("#" + target)
            rules.append(f"{selector}[href={anchor}]::after "
                         f"{{ content: {before}target-counter({anchor}, page); }}")  # fmt: skip
    return Markup(" ".join(rules))


def format_date(iso: str, t: dict[str, str]) -> str:
    """'2026-03-12' -> '12 March 2026' / '12 mars 2026'; anything unparsable is shown as given."""
    months = t["report.months"].split(",")
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        match = re.fullmatch(r"(\d{4})-(\d{2})", iso.strip())
        if match and 1 <= int(match[2]) <= 12:
            return f"{months[int(match[2]) - 1]} {match[1]}"
        return iso.strip()
    day_text = t["report.first_day"] if day.day == 1 and t["report.first_day"] else str(day.day)
    return f"{day_text} {months[day.month - 1]} {day.year}"


def title_size(title: str) -> str:
    n = len(title)
    return "xl" if n <= 40 else "l" if n <= 75 else "m" if n <= 130 else "s"


def cover_layout(title: str, standfirst: str, quote: str) -> str:
    """'anchored' when title, standfirst and quote surely fit on the cover with the quote at its
    foot; 'flow' otherwise (the quote then follows the byline and may push onto page 2)."""
    weight = 2.4 * len(title) + len(standfirst) + 1.7 * len(quote)
    return "anchored" if weight <= 950 else "flow"


def _containing_block(blocks: tuple[tuple[str, Block], ...], offset: int) -> str:
    for block_id, block in blocks:
        if block.start <= offset < max(block.end, block.start + 1):
            return block_id
    return ""


# Tried in order; the first pattern that matches anywhere in the article wins.
_ROLE_PATTERNS = {
    "en": (
        # apposition: "NAME, a former minister, ..." / "NAME, chief executive of X, said"
        r"{name},\s+(?P<role>(?:a|an|the|former|chief|head|director|founder|co-founder|president|"
        r"minister|professor|CEO|senior|deputy|spokesman|spokeswoman|spokesperson)\b"
        r"[^.;:!?()\"“”]*?)(?:,|\.|;|\s+(?:said|says|told|explains|explained|argues|argued)\b)",
        # "NAME is an AI entrepreneur whose career ..."
        r"{name}\s+(?:is|was)\s+(?P<role>(?:a|an|the)\s[^.;:!?\"“”]*?)(?:\.|;|,\s+(?:who|and)\b)",
        # "NAME, assistant professor of photography, ..." (a lowercase phrase with of/at/for)
        r"{name},\s+(?P<role>[a-z][\w-]*(?:\s[\w-]+){{0,3}}\s(?:of|at|for|in)\s[^.;:!?()\"“”]*?)"
        r"(?:,|\.|;)",
        # "according to curator NAME" / "prime minister NAME"
        r"(?<![\w-])(?P<role>(?:(?:assistant|associate|deputy|prime|vice|chief|senior|former|"
        r"executive|managing|general|art|museum|foreign|finance|interior)\s){{0,2}}"
        r"(?:curator|director|professor|spokesperson|"
        r"spokeswoman|spokesman|minister|president|chairman|chairwoman|mayor|senator|governor|"
        r"analyst|economist|executive|CEO|coach|lawyer|researcher|author|founder|editor))\s{name}\b",
        # "NAME, who founded two start-ups, ..."
        r"{name},\s+(?P<role>(?:who|whose)\b[^.;:!?()\"“”]*?)(?:,|\.|;)",
    ),
    "fr": (
        r"{name},\s+(?P<role>(?:le|la|l[’']|les|un|une|ancien|ancienne|directeur|directrice|"
        r"président|présidente|ministre|professeur|professeure|fondateur|fondatrice|porte-parole|"
        r"secrétaire|chef|cheffe|maire|député|députée|sénateur|sénatrice)\b[^.;:!?()\"«»]*?)"
        r"(?:,|\.|;)",
        r"{name}\s+(?:est|était)\s+(?P<role>(?:un|une|le|la|l[’'])\s?[^.;:!?\"«»]*?)(?:\.|;)",
        r"{name},\s+(?P<role>(?:qui|dont)\b[^.;:!?()\"«»]*?)(?:,|\.|;)",
    ),
}


def speaker_role(name: str, article: Article) -> str:
    """The description the article gives a speaker (an apposition or 'NAME is a ...'), or ''.

    Patterns are tried in order of how much they say about the person; descriptions over
    ROLE_MAX_WORDS words are skipped.
    """
    if not name or len(name) < 3:
        return ""
    for pattern in _ROLE_PATTERNS.get(article.language, _ROLE_PATTERNS["en"]):
        # A role is at most ROLE_MAX_WORDS words: a bounded span keeps each try linear.
        regex = re.compile(pattern.format(name=re.escape(name)).replace("]*?", "]{0,600}?"))
        for match in regex.finditer(article.text):
            role = " ".join(match["role"].split()).rstrip(",")
            if 1 <= len(role.split()) <= ROLE_MAX_WORDS:
                return role[:1].upper() + role[1:]
    return ""


# -- body ---------------------------------------------------------------------------------------


def _heading_levels(article: Article) -> int:
    levels = [b.level for b in article.sections if b.text.strip()]
    return min(levels) if levels else 1


def _image_url(src: str, source_dir: Path) -> str:
    """Absolute file URL of an image inside the article's folder, or '' when absent or outside."""
    if not src or "://" in src:
        return ""
    root = source_dir.resolve()
    path = (root / src).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return ""
    return path.as_uri()


def build_body(article: Article, source_dir: Path) -> tuple[tuple[BodyItem, ...], dict[int, str]]:
    """Body items in reading order, and a map from block offset (start) to the id it renders with.

    Ids are unique: heading anchors as given (suffixed when repeated), other blocks b1, b2...
    """
    lang = article.language
    top = _heading_levels(article)
    items: list[BodyItem] = []
    ids: dict[int, str] = {}
    list_items: list[Markup] = []
    list_id = ""
    faq_pairs: list[FaqPair] = []
    faq_heading_level = 0  # level of the heading that introduces the FAQ (0: none)
    lead_done = False
    faq_count = 0
    used: set[str] = {"r-title", "r-standfirst", "r-who", "r-entities"}  # the template's own ids
    body = [b for b in article.body if b.text.strip() or b.kind == "image"]

    def unique(wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in used:
            n += 1
            candidate = f"{wanted}-{n}"
        used.add(candidate)
        return candidate

    def flush_list() -> None:
        nonlocal list_items, list_id
        if list_items:
            items.append(BodyItem(kind="list", id=list_id, items=tuple(list_items)))
        list_items, list_id = [], ""

    def flush_faq() -> None:
        nonlocal faq_pairs, faq_count
        if faq_pairs:
            faq_count += 1
            faq_id = unique("r-faq" if faq_count == 1 else f"r-faq-{faq_count}")
            items.append(
                BodyItem(kind="faq", id=faq_id, pairs=tuple(faq_pairs), level=faq_heading_level)
            )
        faq_pairs = []

    for index, block in enumerate(body):
        block_id = unique(
            block.anchor if block.kind == "heading" and block.anchor else f"b{index + 1}"
        )
        html = block_markup(block.html, block.text, lang)
        if block.kind != "list_item":
            flush_list()
        if block.kind not in ("faq_question", "faq_answer"):
            flush_faq()
        ids[block.start] = block_id
        if block.kind == "heading":
            level = min(6, max(2, block.level - top + 2))
            items.append(BodyItem(kind="heading", id=block_id, html=html, level=level))
        elif block.kind == "list_item":
            list_id = list_id or block_id
            list_items.append(html)
        elif block.kind == "faq_question":
            if not faq_pairs:
                previous = items[-1] if items else None
                faq_heading_level = previous.level if previous and previous.kind == "heading" else 0
            q_level = min(6, (faq_heading_level or 2) + 1)
            faq_pairs.append(FaqPair(id=block_id, question=html, answers=(), level=q_level))
        elif block.kind == "faq_answer":
            if faq_pairs:
                last = faq_pairs[-1]
                answer = BodyItem(kind="paragraph", id=block_id, html=html)
                faq_pairs[-1] = FaqPair(last.id, last.question, (*last.answers, answer), last.level)
            else:  # an answer with no question: an ordinary paragraph
                items.append(BodyItem(kind="paragraph", id=block_id, html=html))
        elif block.kind == "image":
            url = _image_url(block.src, source_dir)
            if url:
                items.append(BodyItem(kind="figure", id=block_id, html=html, src=url))
        elif block.kind == "blockquote":
            items.append(BodyItem(kind="blockquote", id=block_id, html=html))
        else:
            # The article's first paragraph gets the drop cap, even under an opening heading,
            # when it reaches the initial's third line; a shorter one starts plainly.
            lead = (
                not lead_done
                and all(i.kind == "heading" for i in items)
                and len(block.text) >= LEAD_MIN_CHARS
            )
            lead_done = True
            items.append(
                BodyItem(
                    kind="paragraph", id=block_id, html=initial(html) if lead else html, lead=lead
                )
            )
    flush_list()
    flush_faq()
    return tuple(items), ids


def place_pull_quotes(
    items: tuple[BodyItem, ...], quotes: tuple[QuoteView, ...], word_count: int
) -> tuple[BodyItem, ...]:
    """Insert pull quotes between two paragraphs, evenly spread, never in the first two paragraphs,
    never next to the paragraph the quote comes from."""
    wanted = min(len(quotes), MAX_PULL_QUOTES, word_count // WORDS_PER_PULL_QUOTE)
    slots = [
        i
        for i in range(2, len(items) - 1)
        if items[i].kind == "paragraph" and items[i + 1].kind == "paragraph"
    ]
    if not wanted or not slots:
        return items
    chosen: dict[int, QuoteView] = {}
    for k, quote in enumerate(quotes[:wanted]):
        position = slots[min(len(slots) - 1, (2 * k + 1) * len(slots) // (2 * wanted))]
        candidates = sorted(slots, key=lambda s: abs(s - position))
        for slot in candidates:
            near = {items[slot].id, items[slot + 1].id}
            if (
                slot not in chosen
                and quote.target not in near
                and all(abs(slot - other) > 2 for other in chosen)
            ):
                chosen[slot] = quote
                break
    result: list[BodyItem] = []
    for i, item in enumerate(items):
        result.append(item)
        if i in chosen:
            result.append(BodyItem(kind="pullquote", id=f"r-pq-{len(result)}", quote=chosen[i]))
    return tuple(result)


# -- people and entities ------------------------------------------------------------------------


def _quote_view(
    quote: Quote, article: Article, targets: tuple[tuple[str, Block], ...]
) -> QuoteView:
    return QuoteView(
        text=quoted(quote.text, article.language),
        speaker=plain(quote.speaker, article.language),
        role="",
        target=_containing_block(targets, quote.start),
    )


def _capitalised(name: str) -> str:
    """'porte-parole de la fédération' -> 'Porte-parole de la fédération' (a heading)."""
    return name[:1].upper() + name[1:]


def build_speakers(
    article: Article,
    extraction: Extraction,
    targets: tuple[tuple[str, Block], ...],
    t: dict[str, str],
) -> tuple[SpeakerView, ...]:
    """Every speaker in order of first quote with their quotes (deduplicated); unattributed last."""
    groups: dict[str, list[QuoteView]] = {}
    seen: set[tuple[str, str]] = set()
    for quote in extraction.quotes:
        if not quote.speaker and quote.kind == "fragment":
            continue  # unattributed scare quotes are not testimony
        key = (quote.speaker, " ".join(quote.text.split()))
        if key in seen or not quote.text.strip():
            continue
        seen.add(key)
        groups.setdefault(quote.speaker, []).append(_quote_view(quote, article, targets))
    speakers = [
        SpeakerView(
            name=_capitalised(plain(name, article.language)),
            role=plain(speaker_role(name, article), article.language),
            quotes=tuple(views),
        )
        for name, views in groups.items()
        if name
    ]
    if "" in groups:
        speakers.append(
            SpeakerView(name=t["report.unattributed"], role="", quotes=tuple(groups[""]))
        )
    return tuple(speakers)


def build_entities(extraction: Extraction, t: dict[str, str]) -> tuple[EntityView, ...]:
    summary = [e for e in extraction.entity_summary if e.canonical.strip()]
    if not summary:
        return ()
    most = max(e.count for e in summary) or 1
    return tuple(
        EntityView(
            name=plain(e.canonical, extraction.language),
            label=t[f"report.label_{e.label.lower()}"],
            count=e.count,
            share=max(4, round(100 * e.count / most)),
        )
        for e in summary
    )


# -- the whole context --------------------------------------------------------------------------


def build_context(
    article: Article, extraction: Extraction, *, brand: str, source_dir: Path
) -> ReportContext:
    """The report's typed context; the template and this object are checked against each other."""
    lang = article.language
    t = words(lang)
    body_blocks = tuple(b for b in article.body if b.text.strip() or b.kind == "image")
    items, ids = build_body(article, source_dir)
    # Quotes in the title or standfirst link to the cover.
    cover_blocks = tuple(
        (f"r-{b.kind}", b) for b in article.blocks if b.kind in ("title", "standfirst")
    )
    targets = cover_blocks + tuple((ids[b.start], b) for b in body_blocks if b.start in ids)

    ranked = strongest_quotes(extraction, 2 + MAX_PULL_QUOTES, max_words=COVER_QUOTE_MAX_WORDS)
    # The cover already shows the title and standfirst: a quote from them would be printed twice.
    cover_end = max((b.end for b in article.blocks if b.kind in ("title", "standfirst")), default=0)
    in_body = [q for q in ranked if q.start >= cover_end]
    strongest = tuple(in_body[: 1 + MAX_PULL_QUOTES])
    cover_quote = None
    if strongest:
        cover = strongest[0]
        cover_quote = QuoteView(
            text=quoted(cover.text, lang),
            speaker=plain(cover.speaker, lang),
            role=plain(speaker_role(cover.speaker, article), lang),
            target=_containing_block(targets, cover.start),
        )
    pull = tuple(
        _quote_view(q, article, targets)
        for q in sorted(strongest[1:], key=lambda q: q.start)
        if len(q.text.split()) <= PULL_QUOTE_MAX_WORDS and q.kind != "fragment"
    )
    words_n = article.word_count
    items = place_pull_quotes(items, pull, words_n)

    toc: list[TocEntry] = []
    if article.sections:
        toc = [
            TocEntry(target=item.id, text=str(item.html.striptags()), level=item.level - 1)
            for item in items
            if item.kind == "heading" and item.level <= 3
        ]
    speakers = build_speakers(article, extraction, targets, t)
    entities = build_entities(extraction, t)
    if toc:
        if any(item.kind == "faq" and not item.level for item in items):
            toc.append(TocEntry(target="r-faq", text=t["report.faq"], level=1))
        if speakers:
            toc.append(TocEntry(target="r-who", text=t["report.who_is_quoted"], level=1))
        if entities:
            toc.append(TocEntry(target="r-entities", text=t["report.entities"], level=1))

    named_speakers = [s for s in speakers if s.name != t["report.unattributed"]]
    facts = (
        Fact(f"{words_n:,}".replace(",", t["report.thousands"]), t["report.fact_words"]),
        Fact(str(reading_minutes(words_n)), t["report.fact_minutes"]),
        Fact(str(sum(len(s.quotes) for s in speakers)), t["report.fact_quotes"]),
        Fact(str(len(named_speakers)), t["report.fact_speakers"]),
    )
    leaders = tuple(plain(e.canonical, lang) for e in top_entities(extraction, 5))
    return ReportContext(
        lang=lang,
        t=t,
        title=plain(article.title, lang),
        standfirst=plain(article.standfirst, lang),
        author=plain(article.author, lang),
        date_iso=article.date,
        date_display=format_date(article.date, t) if article.date else "",
        language_name=t["common.language_name"],
        reading_minutes=reading_minutes(words_n),
        brand=brand,
        kicker=" · ".join(article.tags[:3]) if article.tags else brand,
        title_size=title_size(article.title),
        cover_layout=cover_layout(
            article.title, article.standfirst, cover_quote.text if cover_quote else ""
        ),
        cover_quote=cover_quote,
        facts=facts,
        top_entities=leaders,
        toc=tuple(toc),
        body=items,
        speakers=speakers,
        entities=entities,
        keywords=tuple(e.canonical for e in top_entities(extraction, 8)),
        page_css=page_css(plain(article.title, lang), brand, t),
        ref_css=ref_css(tuple(toc), speakers),
    )


__all__ = ["ReportContext", "build_context"]
