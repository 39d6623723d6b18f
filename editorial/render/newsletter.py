"""The newsletter: email-safe HTML (600 px tables, inlined CSS), a plain-text version laid out for
text, and a ready-to-send multipart/alternative .eml."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import css_inline
import nh3
import regex
from markupsafe import Markup, escape

from editorial.config import Newsletter, Settings
from editorial.errors import RenderError
from editorial.model import Article, Extraction, Language, Quote, RenderedFile
from editorial.render.emailmsg import InlineImage, build_message
from editorial.render.i18n import words
from editorial.render.posttext import (
    article_link,
    clean,
    fit_text,
    lead_paragraphs,
    published_url,
    quoted,
    sentences,
    strip_dateline,
    with_utm,
)
from editorial.render.selection import strongest_quotes
from editorial.render.templating import render

MAX_HTML_BYTES = 100_000  # Gmail clips a message body at about 102 KB
PREHEADER_CHARS = 140
PULL_QUOTES = 3
PREVIEW = "report.png"

# Inline HTML from the article may keep only these: text-level semantics and safe links.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "br",
    "cite",
    "code",
    "em",
    "i",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_INLINER = css_inline.CSSInliner(
    keep_at_rules=True, load_remote_stylesheets=False, keep_link_tags=False
)


def sanitize(html: str) -> Markup:
    """Article HTML reduced to the newsletter's allow-list (nh3), safe to put in a template."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        url_relative="deny",  # a relative href means nothing in an email
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 - nh3 output is the sanitised form


@dataclass(frozen=True)
class PullQuote:
    text: str  # in the language's quotation marks
    speaker: str


@dataclass(frozen=True)
class NewsletterContext:
    """Everything newsletter.html and newsletter.txt.j2 print (one context, two templates)."""

    language: Language
    title: str
    standfirst: str
    preheader: str
    summary_html: tuple[Markup, ...]  # sanitised paragraphs
    summary_text: tuple[str, ...]
    quotes: tuple[PullQuote, ...]
    article_url: str  # "" when the article has no link
    report_url: str
    preview_url: str
    preview_alt: str
    brand_name: str
    brand_url: str
    unsubscribe_url: str
    postal_address: str
    author: str
    words: dict[str, str] = field(default_factory=dict)


def unsubscribe_url(cfg: Newsletter) -> str:
    """The unsubscribe URL with "{subscriber}" replaced by the mailing service's merge tag."""
    return cfg.unsubscribe_url.replace("{subscriber}", cfg.subscriber_merge_tag)


def _tracked(url: str, slug: str, utm: bool) -> str:
    return with_utm(url, source="newsletter", medium="email", campaign=slug) if url and utm else url


def summary(
    article: Article, max_words: int, quotes: tuple[Quote, ...] = ()
) -> tuple[tuple[Markup, ...], tuple[str, ...]]:
    """The lead paragraphs cut on a sentence boundary, as sanitised HTML and as text, without the
    standfirst and without the sentences of the pull quotes shown below."""
    html: list[Markup] = []
    text: list[str] = []
    avoid = tuple(clean(q.text)[:40] for q in quotes)
    paragraphs = lead_paragraphs(article, max_words, skip=article.standfirst, avoid=avoid)
    for block, kept, whole in paragraphs:
        plain = " ".join(kept)
        text.append(plain)
        html.append(sanitize(block.html) if whole and block.html else Markup(escape(plain)))
    return tuple(html), tuple(text)


def preheader(article: Article) -> str:
    """The standfirst (or the first sentence), cut to whole sentences or words for inbox previews."""
    source = clean(article.standfirst)
    if not source:
        first = strip_dateline(
            clean(next((b.text for b in article.body if b.kind == "paragraph"), ""))
        )
        source = (sentences(first) or [""])[0]
    return fit_text(source, lambda t: len(t) <= PREHEADER_CHARS) if source else clean(article.title)


class OverSize(RenderError):
    """The HTML would be clipped by Gmail."""


def context(
    article: Article,
    extraction: Extraction,
    settings: Settings,
    *,
    summary_words: int | None = None,
) -> NewsletterContext:
    base = settings.brand.url
    utm = bool(base)
    table = words(article.language)
    quotes = strongest_quotes(extraction, PULL_QUOTES)
    max_words = settings.newsletter.summary_words if summary_words is None else summary_words
    summary_html, summary_text = summary(article, max_words, quotes) if max_words else ((), ())
    title = clean(article.title)
    return NewsletterContext(
        language=article.language,
        title=title,
        standfirst=clean(article.standfirst),
        preheader=preheader(article),
        summary_html=summary_html,
        summary_text=summary_text,
        quotes=tuple(PullQuote(quoted(q.text, article.language), q.speaker) for q in quotes),
        article_url=_tracked(article_link(article, base), article.slug, utm),
        report_url=_tracked(
            published_url(base, article.slug, "report.pdf") or "report.pdf", article.slug, utm
        ),
        preview_url=published_url(base, article.slug, "report.png") or "report.png",
        preview_alt=table["newsletter.preview_alt"].replace("{title}", title),
        brand_name=settings.brand.name,
        brand_url=_tracked(base, article.slug, utm),
        unsubscribe_url=unsubscribe_url(settings.newsletter),
        postal_address=settings.newsletter.postal_address,
        author=clean(article.author),
        words=table,
    )


_TAG = regex.compile(r'<[a-zA-Z][\w:-]*(?:\s+[\w:@.-]+(?:="[^"]*")?)*\s*/?>')
_QUOTED = regex.compile(r'"[^"]*"')


def escape_attribute_brackets(html: str) -> str:
    """`<` and `>` inside attribute values as entities. The inliner's serialiser leaves them bare
    (valid HTML), but a bare "<script>" in an alt text trips mail filters and naive scanners."""

    def fix_tag(tag: regex.Match[str]) -> str:
        return _QUOTED.sub(
            lambda v: v.group(0).replace("<", "&lt;").replace(">", "&gt;"), tag.group(0)
        )

    return _TAG.sub(fix_tag, html)


def newsletter_html(ctx: NewsletterContext) -> str:
    raw = render("newsletter.html", ctx=ctx)
    try:
        html = _INLINER.inline(raw)
    except Exception as exc:  # css_inline raises its own InlineError
        raise RenderError(f"CSS inlining failed: {exc}") from exc
    # css-inline puts the kept @media rules first in <head>: the charset must stay in the first
    # 1024 bytes for browsers that open the .html file.
    html = html.replace('<meta charset="utf-8">', "", 1).replace(
        "<head>", '<head><meta charset="utf-8">', 1
    )
    html = escape_attribute_brackets(html)
    if not html.lstrip().lower().startswith("<!doctype"):
        html = "<!DOCTYPE html>\n" + html
    size = len(html.encode("utf-8"))
    if size > MAX_HTML_BYTES:
        raise OverSize(f"newsletter HTML is {size} bytes, over the {MAX_HTML_BYTES} byte limit")
    return html


def newsletter_text(ctx: NewsletterContext) -> str:
    return render("newsletter.txt.j2", ctx=ctx)


def preview_cid(article: Article) -> str:
    return f"preview.{article.slug}.{article.content_hash[:12]}@editorial"


def newsletter_warnings(
    article: Article, settings: Settings, *, published: str = ""
) -> tuple[str, ...]:
    """What keeps the newsletter from being sent as it is, for the run report."""
    cfg, defaults = settings.newsletter, Newsletter()
    found: list[str] = []
    if not settings.brand.url:
        found.append(
            "newsletter: brand.url is not set, so the links to the report, the preview and the "
            "article are relative and dead in a mailbox (set [brand] url in editorial.toml)"
        )
    for key in ("sender", "unsubscribe_url", "postal_address"):
        if getattr(cfg, key) == getattr(defaults, key):
            found.append(
                f"newsletter: newsletter.{key} is the example default {getattr(cfg, key)!r}"
            )
    if not (article.date or published):
        found.append("newsletter: no Date header (the article has no date and none was given)")
    return tuple(found)


def render_newsletter(
    article: Article,
    extraction: Extraction,
    *,
    settings: Settings,
    published: str = "",
    preview: bytes | None = None,
) -> tuple[RenderedFile, ...]:
    """newsletter.html (under 100 KB, no script, CSS inlined), newsletter.txt and newsletter.eml.
    A summary too long for the size limit (a large `summary_words`) is shortened, not refused.

    `published`: the publication date (ISO) for the Date header when the article has none.
    `preview`: the report's first page (report.png); the .eml carries it as an inline cid: part.
    """
    words_allowed = settings.newsletter.summary_words
    while True:
        ctx = context(article, extraction, settings, summary_words=words_allowed)
        try:
            html = newsletter_html(ctx)
            break
        except OverSize:
            if words_allowed == 0:
                raise
            words_allowed //= 2
    text = newsletter_text(ctx)
    image = None
    eml_html = html
    if preview:
        image = InlineImage(cid=preview_cid(article), data=preview, filename=PREVIEW)
        eml_html = newsletter_html(replace(ctx, preview_url=f"cid:{image.cid}"))
    eml = build_message(
        subject=ctx.title,
        sender=settings.newsletter.sender,
        recipient=settings.newsletter.recipient,
        text=text,
        html=eml_html,
        unsubscribe_url=ctx.unsubscribe_url,
        unsubscribe_mailto=settings.newsletter.unsubscribe_mailto,
        date=article.date or published,
        message_key=f"{article.slug}.{article.content_hash[:16]}",
        language=article.language,
        image=image,
    )
    return (
        RenderedFile(name="newsletter.html", data=html.encode("utf-8"), media_type="text/html"),
        RenderedFile(name="newsletter.txt", data=text.encode("utf-8"), media_type="text/plain"),
        RenderedFile(name="newsletter.eml", data=eml, media_type="message/rfc822"),
    )
