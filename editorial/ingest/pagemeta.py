"""A web page's metadata about its article: JSON-LD (NewsArticle & co.), Open Graph, `<meta>`,
`<link rel=canonical>`, `<time datetime>`; trafilatura's heuristics only for what is missing."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from lxml.html import HtmlElement

from editorial.ingest.decode import clean_inline, single_line
from editorial.ingest.sanitize import safe_href

ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle",
                 "analysisnewsarticle", "opinionnewsarticle", "reviewnewsarticle",
                 "backgroundnewsarticle", "techarticle", "scholarlyarticle", "report",
                 "liveblogposting", "socialmediaposting", "posting"}  # fmt: skip
INDEX_TYPES = {"collectionpage", "searchresultspage", "itemlist", "profilepage"}
_MAX_META = 1000


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def page_metadata(tree: HtmlElement) -> dict[str, str]:
    """What the page says about its article: JSON-LD first, then Open Graph, then `<meta>`.
    Keys starting with `_` are for warnings only."""
    meta: dict[str, str] = {}
    props: dict[str, str] = {}
    for m in tree.iterfind(".//meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        value = m.get("content")
        if key and value and key not in props:
            props[key] = single_line(clean_inline(value))[:_MAX_META]
    ld = _json_ld(tree)
    article = next((x for x in ld if _types(x) & ARTICLE_TYPES), {})
    meta["_types"] = " ".join(sorted({t for x in ld for t in _types(x)}))

    def first(*values: Any) -> str:
        for v in values:
            s = _ld_text(v)
            if s:
                if "&" in s:
                    s = html.unescape(s)  # pages that escape their metadata twice
                return single_line(clean_inline(s))[:_MAX_META]
        return ""

    meta["title"] = first(article.get("headline"), props.get("og:title"),
                          props.get("twitter:title"), _element_text(tree, ".//h1"))  # fmt: skip
    meta["author"] = first(article.get("author"), props.get("author"),
                           props.get("article:author"), props.get("parsely-author"),
                           props.get("sailthru.author"), props.get("dc.creator"))  # fmt: skip
    meta["date"] = first(*(v for v in (article.get("datePublished"),
                         props.get("article:published_time"), props.get("date"),
                         props.get("dc.date"), props.get("pubdate"), _time(tree),
                         article.get("dateModified")) if _plausible_date(v)))  # fmt: skip
    publisher = article.get("publisher")
    meta["site"] = first(props.get("og:site_name"),
                         publisher.get("name") if isinstance(publisher, dict) else publisher,
                         props.get("application-name"))  # fmt: skip
    meta["description"] = first(props.get("og:description"), props.get("description"),
                                props.get("twitter:description"), article.get("description"))  # fmt: skip
    image = article.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    image_url = image.get("url") if isinstance(image, dict) else image
    meta["image"] = safe_href(first(props.get("og:image"), props.get("og:image:url"),
                                    props.get("twitter:image"), image_url))  # fmt: skip
    meta["image_alt"] = first(props.get("og:image:alt"), props.get("twitter:image:alt"),
                              image.get("caption") if isinstance(image, dict) else None)  # fmt: skip
    canonical = next((link.get("href") for link in tree.iterfind(".//link")
                      if "canonical" in (link.get("rel") or "").lower().split()), None)  # fmt: skip
    meta["canonical_url"] = safe_href(first(canonical, props.get("og:url"), article.get("url")))
    if meta["author"].startswith(("http://", "https://", "www.")):
        meta["author"] = ""  # a profile link, not a name
    meta["author"] = re.sub(r"\A(?:by|par)\s+", "", meta["author"], flags=re.I)
    meta["title"] = _article_title(meta["title"], meta["site"], _element_text(tree, ".//h1"),
                                   _element_text(tree, ".//title"))  # fmt: skip
    meta["_og_type"] = props.get("og:type", "").lower()
    meta["_articles"] = str(len(tree.xpath("//article")))
    return {k: v for k, v in meta.items() if v}


_SEPARATOR = r"\s+[|\-\u2013\u2014\u00b7:\u2022/\u00bb]+\s+"


def _article_title(title: str, site: str, h1: str, head_title: str) -> str:
    """The article's title, not the site's: without a trailing (or leading) " | Site", and
    never the site's name alone (then the page's `<h1>`, then its `<title>`)."""
    if not title:
        title = h1 or head_title
    names = {n.casefold() for n in (site,) if n}
    parts = re.split(_SEPARATOR, title)
    if len(parts) > 1:
        if names & {parts[-1].casefold()} or (h1 and words(" ".join(parts[:-1])) == words(h1)):
            title = re.split(_SEPARATOR + re.escape(parts[-1]) + r"\Z", title)[0]
        elif names & {parts[0].casefold()}:
            title = title[len(parts[0]) :].lstrip(" |-\u2013\u2014\u00b7:\u2022/\u00bb")
    parts = re.split(_SEPARATOR, head_title)
    if (
        len(parts) > 1
        and title
        and not set(words(title)) & set(words(head_title))
        and not set(words(title)) & set(words(h1))
    ):
        # og:title naming the site: the document's <title>, less its " - Site" tail
        if len(parts[-1].split()) <= 4:
            head_title = re.split(_SEPARATOR + re.escape(parts[-1]) + r"\Z", head_title)[0]
        return head_title
    if not title or title.casefold() in names:
        for other in (h1, head_title):
            if other and other.casefold() not in names:
                return _article_title(other, site, "", "") if other != title else other
    return title


def fallback_metadata(tree: HtmlElement, meta: dict[str, str]) -> None:
    """trafilatura's metadata heuristics (htmldate for the date): slower, so only for a page
    that does not declare its title or date."""
    from trafilatura.metadata import extract_metadata

    doc = extract_metadata(tree, date_config={"extensive_search": False, "original_date": True})
    for key, attr in (("title", "title"), ("author", "author"), ("date", "date"),
                      ("site", "sitename"), ("image", "image"), ("canonical_url", "url"),
                      ("description", "description")):  # fmt: skip
        value = getattr(doc, attr, None)
        if value and not meta.get(key):
            value = single_line(clean_inline(str(value)))[:_MAX_META]
            meta[key] = safe_href(value) if key in ("image", "canonical_url") else value


def _plausible_date(value: Any) -> bool:
    """A date a page could mean (not the "0001-01-01" of an empty field)."""
    m = re.search(r"\b(\d{4})-\d{2}-\d{2}", value) if isinstance(value, str) else None
    return m is None and isinstance(value, str) or bool(m and 1900 <= int(m.group(1)) <= 2200)


def _json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in tree.xpath('//script[contains(@type, "ld+json")]')[:20]:
        raw = (script.text or "").strip()
        if not raw or len(raw) > 500_000:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(found) < 50:
            x = stack.pop()
            if isinstance(x, list):
                stack.extend(reversed(x[:50]))
            elif isinstance(x, dict):
                found.append(x)
                graph = x.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph[:50]))
    return found


def _types(x: dict[str, Any]) -> set[str]:
    t = x.get("@type")
    values = t if isinstance(t, list) else [t]
    return {v.lower() for v in values if isinstance(v, str)}


def _ld_text(v: Any) -> str:
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, dict):
        return _ld_text(v.get("name"))
    if isinstance(v, list):
        names = [_ld_text(x) for x in v[:10]]
        return ", ".join(n for n in names if n)
    return ""


def _element_text(tree: HtmlElement, path: str) -> str:
    el = tree.find(path)
    return " ".join(el.text_content().split()) if el is not None else ""


def _time(tree: HtmlElement) -> str:
    for t in tree.iterfind(".//time"):
        if t.get("datetime"):
            return str(t.get("datetime"))
    return ""
