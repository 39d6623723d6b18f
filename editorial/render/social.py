"""Social posts written for each platform (X, Bluesky, Mastodon, LinkedIn, Threads), quote cards,
and the files people and scheduling tools read: social.json, social.md, social.csv."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from urllib.parse import urlsplit

import regex

from editorial.config import Settings
from editorial.model import Article, Extraction, Language, RenderedFile
from editorial.render import cards
from editorial.render.i18n import words
from editorial.render.platforms import LINKEDIN_HOOK, PLATFORMS, Platform, platforms
from editorial.render.posttext import (
    ELLIPSIS,
    article_link,
    attributed,
    clean,
    find_tag,
    fit_sentences,
    fit_text,
    fit_words,
    hashtags,
    hook_text,
    is_credit,
    lead_text,
    sentences,
    strip_dateline,
    summary_sentences,
    with_utm,
)
from editorial.render.selection import strongest_quotes, top_entities
from editorial.render.templating import render

NUMBER_RESERVE = " 9/9"  # room kept for a thread's " i/N" while packing (N <= 4)
LINKEDIN_MORE_WORDS = 70
DESCRIPTION_CHARS = 200  # a link card's description
BLUESKY_LINK_DISPLAY = 32  # graphemes of a link's shown text; the facet carries the full URI


@dataclass(frozen=True)
class Material:
    """What every platform's posts are made from, chosen once per article."""

    language: Language
    slug: str
    hook: str
    quotes: tuple[tuple[str, str], ...]  # (text, speaker), strongest first
    more: tuple[str, ...]  # lead sentences not already in the hook
    link: str  # "" when the article has no link
    utm: bool
    tags: tuple[str, ...]
    title: str = ""
    description: str = ""  # for link cards

    def link_for(self, platform: str) -> str:
        if not self.link or not self.utm:
            return self.link
        return with_utm(self.link, source=platform, medium="social", campaign=self.slug)

    def quote_lines(self) -> list[str]:
        return [attributed(text, speaker, self.language) for text, speaker in self.quotes]


@dataclass(frozen=True)
class Post:
    text: str
    length: int
    limit: int
    link: str
    hashtags: tuple[str, ...]
    card: str
    alt: str
    facets: tuple[dict[str, object], ...] = ()  # Bluesky rich-text facets
    api_text: str = ""  # LinkedIn: the text escaped for the Posts API ("little text" format)
    embed: dict[str, object] | None = None  # Bluesky: the link card, or the card as an image


@dataclass(frozen=True)
class SocialMdContext:
    title: str
    language: Language
    link: str
    rows: list[tuple[str, str, list[Post]]] = field(default_factory=list)  # (platform, rule, posts)
    card_names: tuple[str, ...] = ()
    words: dict[str, str] = field(default_factory=dict)


def material(article: Article, extraction: Extraction, settings: Settings) -> Material:
    hook = hook_text(article)
    quotes = tuple((q.text, q.speaker) for q in strongest_quotes(extraction, 4))
    lead = (strip_dateline(s) for s in summary_sentences(article, LINKEDIN_MORE_WORDS))
    more = tuple(s for s in lead if s not in hook and not is_credit(s))
    return Material(
        language=article.language,
        slug=article.slug,
        hook=hook,
        quotes=quotes,
        more=more,
        link=article_link(article, settings.brand.url),
        utm=bool(settings.brand.url),
        tags=hashtags(article, top_entities(extraction, 8)),
        title=clean(article.title),
        description=fit_text(lead_text(article), lambda d: len(d) <= DESCRIPTION_CHARS),
    )


# ---------------------------------------------------------------- composition


def _join(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def _tail(link: str, tags: tuple[str, ...]) -> str:
    return _join(link, " ".join(f"#{t}" for t in tags))


def single_post(p: Platform, m: Material, link: str) -> str:
    """Whole hook sentences, the best quote that fits, link and tags; drops tags, then the quote,
    before cutting the hook to whole words."""
    tags = m.tags[: p.max_tags]
    for quote in [*m.quote_lines(), ""]:
        for n in range(len(tags), -1, -1):
            tail = _tail(link, tags[:n])

            def fits(hook: str, quote: str = quote, tail: str = tail) -> bool:
                return p.fits(_join(hook, quote, tail))

            hook = fit_sentences(m.hook, fits)
            if hook:
                return _join(hook, quote, tail)
    tail = _tail(link, ())
    hook = fit_words(m.hook, lambda h: p.fits(_join(h, tail)))
    return _join(hook, tail) if hook else fit_words(m.hook, p.fits)


def thread(p: Platform, m: Material, link: str) -> list[str]:
    """One post if the whole hook and the best quote fit; else 2 to `max_posts` numbered posts:
    the hook with link and tags, at most one more post of the lead (whole sentences), then the
    strongest quotes, each whole in its own post."""
    one = single_post(p, m, link)
    quotes = m.quote_lines()
    if m.hook in one and (not quotes or quotes[0] in one) or p.max_posts < 2:
        return [one]

    def fits(text: str) -> bool:
        return p.fits(text + NUMBER_RESERVE)

    first, tail = "", ""
    for n in range(min(p.max_tags, len(m.tags)), -1, -1):  # fewer tags before a cut hook
        tail = _tail(link, m.tags[:n])
        first = fit_sentences(m.hook, partial(_fits_with, fits, tail))
        if first:
            break
    if not first:
        tail = _tail(link, ())
        first = fit_text(m.hook, lambda h: fits(_join(h, tail)))
    posts = [_join(first, tail)]
    rest = sentences(m.hook[len(first) :]) if m.hook.startswith(first) else []
    posts += _pack(rest, fits)[:1]  # one post more of the lead at most: the quotes come next
    for quote in quotes:
        if len(posts) >= p.max_posts:
            break
        if fits(quote):
            posts.append(quote)
    posts = posts[: p.max_posts]
    if len(posts) < 2:
        return [one]
    return [f"{text} {i}/{len(posts)}" for i, text in enumerate(posts, 1)]


def _fits_with(fits: Callable[[str], bool], tail: str, head: str) -> bool:
    return fits(_join(head, tail))


def _pack(parts: list[str], fits: Callable[[str], bool]) -> list[str]:
    """Sentences packed greedily into posts; a sentence too long alone is cut to whole words."""
    posts: list[str] = []
    current = ""
    for sentence in parts:
        candidate = f"{current} {sentence}".strip()
        if fits(candidate):
            current = candidate
            continue
        if current:
            posts.append(current)
        current = sentence if fits(sentence) else fit_words(sentence, fits)
    if current:
        posts.append(current)
    return posts


def linkedin_post(p: Platform, m: Material, link: str, label: str) -> str:
    """A hook paragraph that stands alone within the first 210 characters, then the lead, the two
    strongest quotes, the link and tags."""
    hook = fit_text(m.hook, lambda h: len(h) <= LINKEDIN_HOOK)
    rest = sentences(m.hook[len(hook) :]) if m.hook.startswith(hook) else []
    body = " ".join([*rest, *m.more])
    link_line = f"{label} {link}" if link else ""
    tail = _tail(link_line, m.tags[: p.max_tags])
    quotes = [q for q in m.quote_lines()[:2]]
    while True:
        text = _join(hook, body, *quotes, tail)
        if p.fits(text) or (not quotes and not body):
            break
        if quotes:
            quotes.pop()
        else:
            body = fit_sentences(body, lambda b: p.fits(_join(hook, b, tail)))
    return text if p.fits(text) else single_post(p, m, link)


# LinkedIn "little text": these characters are markup unless escaped with a backslash.
_LITTLE_TEXT_RESERVED = set("\\|{}@[]()<>#*_~")


def little_text(text: str, tags: tuple[str, ...]) -> str:
    """`text` escaped for LinkedIn's Posts API commentary, its hashtags as {hashtag|\\#|Tag}."""
    out = "".join("\\" + c if c in _LITTLE_TEXT_RESERVED else c for c in text)
    for tag in tags:
        whole = regex.compile(r"\\#" + regex.escape(tag) + r"(?![\p{L}\p{M}\p{N}_\\])")
        out = whole.sub(lambda _m, t=tag: f"{{hashtag|\\#|{t}}}", out)
    return out


def bluesky_display(url: str) -> str:
    """The link as Bluesky's app shows it: no scheme, shortened with an ellipsis."""
    parts = urlsplit(url)
    shown = parts.netloc + parts.path
    if parts.query:
        shown += "?" + parts.query
    shown = shown.rstrip("/") if not parts.query else shown
    if len(shown) > BLUESKY_LINK_DISPLAY:
        shown = shown[: BLUESKY_LINK_DISPLAY - 1] + ELLIPSIS
    return shown


def bluesky_facets(
    text: str, shown: str, uri: str, tags: tuple[str, ...]
) -> tuple[dict[str, object], ...]:
    """Link and tag facets with UTF-8 byte offsets, as app.bsky.richtext.facet expects."""
    data = text.encode("utf-8")
    facets: list[dict[str, object]] = []

    def span(needle: str, start_at: int = 0) -> tuple[int, int] | None:
        at = data.find(needle.encode("utf-8"), start_at)
        return None if at < 0 else (at, at + len(needle.encode("utf-8")))

    if shown and uri:
        found = span(shown)
        if found:
            facets.append(_facet(found, {"$type": "app.bsky.richtext.facet#link", "uri": uri}))
    for tag in tags:
        at = find_tag(text, tag)
        found = None
        if at:
            start = len(text[: at[0]].encode("utf-8"))
            found = (start, start + len(text[at[0] : at[1]].encode("utf-8")))
        if found:
            facets.append(_facet(found, {"$type": "app.bsky.richtext.facet#tag", "tag": tag}))
    return tuple(sorted(facets, key=lambda f: f["index"]["byteStart"]))  # type: ignore[index]


def bluesky_embed(m: Material, link: str, card: str, alt: str) -> dict[str, object]:
    """The first post's embed: a link card with the quote card as its thumbnail when there is a
    link (app.bsky.embed.external), else the quote card as an image with its alt text."""
    if link:
        return {
            "$type": "app.bsky.embed.external",
            "external": {
                "uri": link,
                "title": m.title,
                "description": m.description,
                "thumb": card,
            },
        }
    ratio = {"width": cards.LANDSCAPE.width, "height": cards.LANDSCAPE.height}
    return {
        "$type": "app.bsky.embed.images",
        "images": [{"image": card, "alt": alt, "aspectRatio": ratio}],
    }


def _facet(span: tuple[int, int], feature: dict[str, str]) -> dict[str, object]:
    return {"index": {"byteStart": span[0], "byteEnd": span[1]}, "features": [feature]}


# ---------------------------------------------------------------- posts per platform


def platform_posts(p: Platform, m: Material, *, card: str, alt: str, label: str) -> list[Post]:
    link = m.link_for(p.name)
    shown = bluesky_display(link) if p.name == "bluesky" and link else link
    if p.name == "linkedin":
        texts = [linkedin_post(p, m, link, label)]
    elif p.max_posts > 1:
        texts = thread(p, m, shown)
    else:
        texts = [single_post(p, m, link)]
    posts = []
    for i, text in enumerate(texts):
        tags = tuple(t for t in m.tags if find_tag(text, t))
        posts.append(
            Post(
                text=text,
                length=p.measure(text),
                limit=p.limit,
                link=link if shown and shown in text else "",
                hashtags=tags,
                card=card if i == 0 else "",
                alt=alt if i == 0 else "",
                facets=bluesky_facets(text, shown, link, tags) if p.name == "bluesky" else (),
                api_text=little_text(text, tags) if p.name == "linkedin" else "",
                embed=bluesky_embed(m, link, card, alt) if p.name == "bluesky" and i == 0 else None,
            )
        )
    return posts


def all_posts(
    m: Material, settings: Settings, card_alt: str, language: Language
) -> dict[str, list[Post]]:
    table = words(language)
    shapes = {"threads": cards.SQUARE}
    out: dict[str, list[Post]] = {}
    for name, p in platforms(settings).items():
        card = cards.card_name(shapes.get(name, cards.LANDSCAPE))
        out[name] = platform_posts(p, m, card=card, alt=card_alt, label=table["social.read_more"])
    return out


def _post_json(name: str, post: Post) -> dict[str, object]:
    data = asdict(post)
    data["hashtags"] = list(post.hashtags)
    if name != "bluesky":
        data.pop("facets")
    else:
        data["facets"] = list(post.facets)
    if name != "linkedin":
        data.pop("api_text")
    if name != "bluesky" or post.embed is None:
        data.pop("embed")
    return data


def social_json(posts: dict[str, list[Post]]) -> bytes:
    data = {name: [_post_json(name, p) for p in posts[name]] for name in PLATFORMS}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


CSV_COLUMNS = ("platform", "text", "link", "image_path", "alt_text", "thread_position", "hashtags")


def social_csv(posts: dict[str, list[Post]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for name in PLATFORMS:
        thread_posts = posts[name]
        for i, post in enumerate(thread_posts, 1):
            position = f"{i}/{len(thread_posts)}" if len(thread_posts) > 1 else ""
            writer.writerow(
                (
                    name,
                    post.text,
                    post.link,
                    post.card,
                    post.alt,
                    position,
                    " ".join(f"#{t}" for t in post.hashtags),
                )
            )
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet tools read UTF-8


def social_md(
    article: Article, posts: dict[str, list[Post]], settings: Settings, link: str
) -> bytes:
    table = platforms(settings)
    ctx = SocialMdContext(
        title=article.title,
        language=article.language,
        link=link,
        rows=[(name, table[name].rule, posts[name]) for name in PLATFORMS],
        card_names=(cards.card_name(cards.LANDSCAPE), cards.card_name(cards.SQUARE)),
        words=words(article.language),
    )
    return render("social.md.j2", ctx=ctx).encode("utf-8")


def render_social(
    article: Article, extraction: Extraction, *, settings: Settings
) -> tuple[RenderedFile, ...]:
    """social.json, social.md, social.csv and the quote cards; every post within its platform's
    rule, no word or quote cut in the middle."""
    m = material(article, extraction, settings)
    card_set = cards.render_cards(article, extraction, settings=settings)
    posts = all_posts(m, settings, card_set.alt, article.language)
    return (
        RenderedFile(name="social.json", data=social_json(posts), media_type="application/json"),
        RenderedFile(
            name="social.md",
            data=social_md(article, posts, settings, m.link),
            media_type="text/markdown",
        ),
        RenderedFile(name="social.csv", data=social_csv(posts), media_type="text/csv"),
        *card_set.files,
    )
