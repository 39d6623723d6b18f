"""The article's web page, outputs/<slug>/index.html: what the newsletter and the posts link to
(`<brand.url>/<slug>/`).

The article, its quotes and the people quoted, the preview and the PDF link, and what link
previews and search engines read: Open Graph, the X card, a canonical link, JSON-LD
`NewsArticle` (and `FAQPage` when the article has questions and answers). Every URL is absolute
when `brand.url` is set; without it the page still works from its folder (relative links) but
has no og:url/og:image (a link preview needs absolute URLs), and `web_warnings` says so.
The body is the report's (pdf_context.build_context: same ids, same quotes), so it costs no
layout. Pure: returns the file, writes nothing; no script runs on the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from editorial.config import Settings
from editorial.model import Article, Extraction, RenderedFile
from editorial.render.pdf_context import BodyItem, ReportContext, build_context
from editorial.render.posttext import clean, published_url
from editorial.render.templating import render

TEMPLATE = "webpage.html"
CARD = "cards/quote-1200x630.png"  # cards.card_name of the link-preview shape
CARD_SIZE = (1200, 630)
PREVIEW_SIZE = (1000, 1414)  # report.png: A4 at 1000 px wide


@dataclass(frozen=True)
class WebContext:
    """Everything webpage.html prints."""

    r: ReportContext  # the report's article, quotes and people (the same ids as the PDF)
    description: str
    brand_name: str
    brand_url: str
    page_url: str  # absolute, or "" without brand.url
    canonical_url: str  # the article's own canonical URL, else page_url, else ""
    pdf_url: str  # "" when no PDF was made
    preview_url: str  # report.png, "" when no PDF was made
    image_url: str  # og:image: the 1200x630 card (or the preview), absolute; "" without brand.url
    image_size: tuple[int, int]
    image_alt: str
    json_ld: Markup
    words: dict[str, str]


def _ld_json(data: Any) -> Markup:
    """JSON for a <script type="application/ld+json">: no character can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for the script data state


def _faq(body: tuple[BodyItem, ...]) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = []
    for item in body:
        for pair in item.pairs if item.kind == "faq" else ():
            answer = " ".join(str(a.html.striptags()) for a in pair.answers)
            if answer:
                questions.append({
                    "@type": "Question",
                    "name": str(pair.question.striptags()),
                    "acceptedAnswer": {"@type": "Answer", "text": answer},
                })  # fmt: skip
    return questions


def structured_data(ctx: WebContext, article: Article) -> list[dict[str, Any]]:
    """schema.org NewsArticle (+ FAQPage when the article has questions and answers)."""
    r = ctx.r
    news: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": r.title[:110],
        "inLanguage": r.lang,
    }
    if ctx.description:
        news["description"] = ctx.description
    if ctx.canonical_url:
        news["mainEntityOfPage"] = {"@type": "WebPage", "@id": ctx.canonical_url}
    if ctx.image_url:
        news["image"] = [ctx.image_url]
    if r.date_iso:
        news["datePublished"] = r.date_iso
    if r.author:
        news["author"] = [{"@type": "Person", "name": r.author}]
    publisher: dict[str, Any] = {"@type": "Organization", "name": ctx.brand_name}
    if ctx.brand_url:
        publisher["url"] = ctx.brand_url
    news["publisher"] = publisher
    if article.tags:
        news["keywords"] = list(article.tags)
    found: list[dict[str, Any]] = [news]
    faq = _faq(r.body)
    if faq:
        found.append({"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": faq})
    return found


def web_context(
    article: Article,
    extraction: Extraction,
    *,
    settings: Settings,
    source_dir: Path,
    has_pdf: bool = True,
    has_card: bool = True,
) -> WebContext:
    r = build_context(article, extraction, brand=settings.brand.name, source_dir=source_dir)
    base = settings.brand.url.rstrip("/")
    slug = article.slug

    def url(name: str) -> str:
        return published_url(base, slug, name) or name

    page_url = published_url(base, slug)
    if has_card and base:
        image, size, alt = url(CARD), CARD_SIZE, r.t["social.card_alt"]
    elif has_pdf and base:
        image, size = url("report.png"), PREVIEW_SIZE
        alt = r.t["newsletter.preview_alt"].replace("{title}", r.title)
    else:
        image, size, alt = "", (0, 0), ""
    ctx = WebContext(
        r=r,
        description=clean(article.standfirst) or r.title,
        brand_name=settings.brand.name,
        brand_url=f"{base}/" if base else "",
        page_url=page_url,
        canonical_url=article.canonical_url or page_url,
        pdf_url=url("report.pdf") if has_pdf else "",
        preview_url=url("report.png") if has_pdf else "",
        image_url=image,
        image_size=size,
        image_alt=alt,
        json_ld=Markup(""),
        words=r.t,
    )
    data = structured_data(ctx, article)
    return WebContext(**{**ctx.__dict__, "json_ld": _ld_json(data if len(data) > 1 else data[0])})


def web_warnings(settings: Settings) -> tuple[str, ...]:
    """What keeps the page from being shared as it is (for the run report)."""
    if settings.brand.url:
        return ()
    return (
        "web page: brand.url is not set, so index.html has no og:url, og:image or canonical "
        "link and its links are relative (set [brand] url in editorial.toml)",
    )


def render_webpage(
    article: Article,
    extraction: Extraction,
    *,
    settings: Settings,
    source_dir: Path,
    has_pdf: bool = True,
    has_card: bool = True,
) -> tuple[RenderedFile, ...]:
    """index.html, the article's web page (no script, CSS in the page)."""
    ctx = web_context(article, extraction, settings=settings, source_dir=source_dir,
                      has_pdf=has_pdf, has_card=has_card)  # fmt: skip
    html = render(TEMPLATE, w=ctx, r=ctx.r)
    return (RenderedFile(name="index.html", data=html.encode("utf-8"), media_type="text/html"),)


__all__ = ["WebContext", "render_webpage", "structured_data", "web_context", "web_warnings"]
