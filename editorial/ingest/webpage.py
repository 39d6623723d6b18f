"""A saved web page -> the article's drafts and metadata, without the page around it.

Boilerplate removal is trafilatura's (`bare_extraction` on the decoded text: it parses with
lxml and never fetches; `trafilatura.fetch_url` and friends are never imported here). Its XML
body (`p`, `head`, `list/item`, `quote`, `graphic`, `table`, `hi`, `ref`) becomes drafts; the
inline HTML built here is escaped text plus em/strong/a tags, and `assemble` passes it through
nh3 like every reader's. Images are never fetched: a figure whose file is not beside the page
(a browser's "Save page, complete" folder) is dropped, counted in one warning.

Metadata comes from the page's own `<head>`: JSON-LD (NewsArticle & co.), Open Graph,
`<meta>`, `<link rel=canonical>`, `<time datetime>`, with trafilatura's metadata as the fallback.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree
from lxml.html import HtmlElement

from editorial.ingest.decode import clean_inline, single_line
from editorial.ingest.draft import Draft, Parsed
from editorial.ingest.pagemeta import (
    ARTICLE_TYPES,
    INDEX_TYPES,
    fallback_metadata,
    page_metadata,
    words,
)
from editorial.ingest.sanitize import safe_href

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)
logging.getLogger("courlan").setLevel(logging.CRITICAL)

# Signs of a page made for a browser (navigation, forms, share widgets, social metadata)
# rather than an HTML fragment or a bare document holding just an article.
_PAGE = re.compile(
    r"<(?:nav|header|footer|aside|form|iframe|noscript|button)\b"
    r"|<meta\s[^>]*(?:property|name)\s*=\s*[\"']?(?:og:|twitter:|article:)"
    r"|<script\s[^>]*application/ld\+json",
    re.I,
)
_DOCUMENT = re.compile(r"<(?:html|body)\b", re.I)
_INDEX_URL = re.compile(r"[?&](?:q|s|query|search)=|/(?:search|tag|tags|category|topics?)/", re.I)
_HEADING = re.compile(r"h([1-6])")
_MAX_META = 1000
EXTRACT_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_formatting": True,
    "include_links": True,
    "with_metadata": False,  # the page's own metadata is read here; trafilatura's only if needed
}


def looks_like_page(text: str) -> bool:
    """A whole document with the furniture of a web page (read with this module), as opposed
    to a fragment or a bare document (read by pandoc as before)."""
    head = text[:200_000]
    return bool(_DOCUMENT.search(head) and _PAGE.search(head))


def parse(text: str, *, max_nesting: int = 64, base_dir: Path | None = None) -> Parsed:
    """Drafts, metadata and warnings of a saved page. Empty drafts when nothing was found."""
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    tree = load_html(text)
    if tree is None:
        return Parsed((), {}, ("the page could not be parsed as HTML",))
    meta = page_metadata(tree)
    if not (meta.get("title") and meta.get("date")):
        fallback_metadata(tree, meta)
    _drop_hidden(tree)
    page_chars = _visible_chars(tree)
    # trafilatura's fallbacks (readability, jusText) are quadratic in the number of blocks: a
    # page with thousands of them (no article has) is read without them.
    fast = _BLOCKS(tree) > MAX_BLOCKS_FOR_FALLBACKS
    images = local_images(tree, base_dir)
    doc = bare_extraction(tree, **{**EXTRACT_OPTIONS, "fast": fast, "include_images": bool(images)})
    warnings: list[str] = []
    drafts: list[Draft] = []
    body = getattr(doc, "body", None)
    if body is not None:
        drafts, remote = _drafts(body, max_nesting, images)
        drafts = tidy(drafts, meta)
        if remote:
            warnings.append(f"{remote} image(s) on the page not kept: their files are not "
                            "beside the page (images are never fetched)")  # fmt: skip
    _standfirst(meta, drafts)
    body_chars = sum(len(d.text) for d in drafts)
    meta_out = {k: v for k, v in meta.items() if not k.startswith("_")}
    warnings += page_warnings(meta, drafts, body_chars, page_chars)
    return Parsed(tuple(drafts), meta_out, tuple(warnings))


# -- body ---------------------------------------------------------------------------------


def _drafts(body: Any, max_nesting: int, images: dict[str, str]) -> tuple[list[Draft], int]:
    out: list[Draft] = []
    remote = 0
    for el in body:
        remote += _block(el, out, quote=False, depth=0, max_nesting=max_nesting, images=images)
    return _dedupe(out), remote


def _block(
    el: Any, out: list[Draft], *, quote: bool, depth: int, max_nesting: int, images: dict[str, str]
) -> int:
    """Append the drafts of one body element; returns the number of remote images dropped."""
    if depth > max_nesting:
        return 0
    tag = el.tag if isinstance(el.tag, str) else ""
    remote = 0
    if tag == "p" or tag == "code":
        text, h = inline(el)
        if text:
            out.append(Draft("blockquote" if quote else "paragraph", text, h))
    elif tag == "head":
        text, h = inline(el)
        m = _HEADING.fullmatch(el.get("rend", ""))
        if text:
            out.append(Draft("heading", text, h, level=int(m.group(1)) if m else 2))
    elif tag == "list":
        for item in el:
            if not isinstance(item.tag, str):
                continue
            if item.tag == "item":
                nested = [c for c in item if c.tag == "list"]
                for c in nested:
                    item.remove(c)
                text, h = inline(item)
                if text:
                    out.append(Draft("list_item", text, h))
                for c in nested:
                    remote += _block(
                        c, out, quote=quote, depth=depth + 1, max_nesting=max_nesting, images=images
                    )
            elif item.tag == "head":
                text, h = inline(item)
                if text:
                    out.append(Draft("paragraph", text, f"<strong>{h}</strong>"))
    elif tag == "quote":
        if any(isinstance(c.tag, str) and c.tag in ("p", "list", "quote", "head") for c in el):
            lead = (el.text or "").strip()
            if lead:
                t = clean_inline(" ".join(lead.split()))
                out.append(Draft("blockquote", t, html.escape(t, quote=False)))
            for c in el:
                remote += _block(
                    c, out, quote=True, depth=depth + 1, max_nesting=max_nesting, images=images
                )
        else:
            text, h = inline(el)
            if text:
                out.append(Draft("blockquote", text, h))
    elif tag == "graphic":
        src = (el.get("src") or "").strip()
        caption = single_line(
            clean_inline(images.get(src) or el.get("title") or el.get("alt") or "")
        )
        if src in images:
            out.append(Draft("image", caption, src=unquote(src)))
        else:
            remote += 1
    elif tag == "table":
        for row in el.iter("row"):
            cells = [inline(c)[0] for c in row if c.tag == "cell"]
            line = " | ".join(c for c in cells if c)
            if line:
                out.append(Draft("paragraph", line))
    elif tag in ("div", "section", "body"):
        for c in el:
            remote += _block(
                c, out, quote=quote, depth=depth + 1, max_nesting=max_nesting, images=images
            )
    return remote


def local_images(tree: HtmlElement, base_dir: Path | None) -> dict[str, str]:
    """Images of a page saved "complete" (their files in a folder beside it): src -> caption
    (the figure's figcaption, else the alt text). Only existence is checked here (a stat); the
    renderer reads them later like any image beside an article (magic bytes, size cap)."""
    if base_dir is None:
        return {}
    found: dict[str, str] = {}
    root = base_dir.resolve()
    for img in tree.xpath("//img[@src]")[:200]:
        src = (img.get("src") or "").strip()
        if not src or ":" in src.split("/")[0] or src.startswith(("/", "\\")) or src in found:
            continue
        try:
            target = (root / unquote(src)).resolve()
            if not target.is_relative_to(root) or not target.is_file():
                continue
        except (OSError, ValueError):
            continue
        figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
        caption = figure.find(".//figcaption") if figure is not None else None
        text = caption.text_content() if caption is not None else img.get("alt") or ""
        found[src] = " ".join(text.split())[:500]
    return found


def inline(el: Any) -> tuple[str, str]:
    """(plain text, inline HTML) of an element of trafilatura's XML."""
    text: list[str] = []
    out: list[str] = []
    _inline(el, text, out, top=True)
    return _squash("".join(text)), _squash("".join(out))


_WRAP = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sup": "sup", "#sub": "sub"}


def _inline(el: Any, text: list[str], out: list[str], *, top: bool = False) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    open_, close = "", ""
    if not top:
        if tag == "hi":
            name = _WRAP.get(el.get("rend", ""), "")
            open_, close = (f"<{name}>", f"</{name}>") if name else ("", "")
        elif tag == "ref":
            href = safe_href(el.get("target") or "")
            if href:
                open_, close = f'<a href="{html.escape(href)}">', "</a>"
        elif tag == "lb":
            text.append(" ")
            out.append(" ")
        elif tag == "graphic":
            tag = "skip"
    if tag != "skip":
        if el.text and tag != "lb":
            t = clean_inline(el.text)
            text.append(t)
            out.append(open_ + html.escape(t, quote=False))
        elif open_:
            out.append(open_)
        for child in el:
            if not isinstance(child.tag, str) or child.tag in ("list", "table", "quote"):
                continue
            _inline(child, text, out)
        if close:
            out.append(close)
    if not top and el.tail:
        t = clean_inline(el.tail)
        text.append(t)
        out.append(html.escape(t, quote=False))


def _squash(s: str) -> str:
    return " ".join(s.split())


def _dedupe(drafts: list[Draft]) -> list[Draft]:
    """Drop a block repeated right after itself (pull quotes, captions read twice)."""
    out: list[Draft] = []
    for d in drafts:
        if out and d.text == out[-1].text and d.kind == out[-1].kind:
            continue
        out.append(d)
    return out


def _standfirst(meta: dict[str, str], drafts: list[Draft]) -> None:
    """The page's description is the standfirst unless it only repeats the body's opening
    (then the article has none, and its first paragraph stays in the body)."""
    meta["standfirst_from_body"] = "no"
    description = meta.pop("description", "")
    first = next((d.text for d in drafts if d.kind == "paragraph"), "")
    if not description or len(description.split()) < 4:
        return
    a, b = words(description.rstrip(".… ")), words(first)
    if a and b and (b[: len(a)] == a or a[: len(b)] == b):
        return
    meta["standfirst"] = description


_HIDDEN_CLASSES = {"hidden", "hide", "d-none", "visually-hidden", "visuallyhidden", "sr-only",
                   "screen-reader-text", "print-only", "is-hidden", "u-hidden"}  # fmt: skip
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
MAX_BLOCKS_FOR_FALLBACKS = 2000  # the 88 measured pages have at most 847
_BLOCKS = etree.XPath(
    "count(//p|//div|//li|//td|//br|//h1|//h2|//h3|//h4|//h5|//h6|//blockquote|//section"
    "|//article|//dd|//dt|//pre)"
)
LINK_SHARE = 0.8  # a block this much link text is navigation ("related", "see more")
TRAILING_WORDS = 3  # lines shorter than this after the last paragraph are the page's ("comments")
_URL_ONLY = re.compile(r"\A\S+://\S+\Z")
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S)
_TAG = re.compile(r"<[^>]+>")


# One pass over the tree, cheap substring tests; the exact tokens are checked in Python.
_HIDDEN_XPATH = etree.XPath(
    "//*[@hidden or @aria-hidden='true' or self::template"
    " or contains(@style, 'none') or contains(@style, 'hidden')"
    " or contains(@class, 'hid') or contains(@class, 'sr-only') or contains(@class, 'd-none')"
    " or contains(@class, 'print-only') or contains(@class, 'screen-reader')]"
)
_TEXT_XPATH = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]",
    smart_strings=False,
)


def _drop_hidden(tree: HtmlElement) -> None:
    """Remove what a reader never sees: `hidden`, `aria-hidden`, `display:none`, print-only and
    screen-reader-only text, templates."""
    for el in _HIDDEN_XPATH(tree):
        if el.tag in ("html", "body") or el.getparent() is None:
            continue
        if not (
            el.tag == "template"
            or el.get("hidden") is not None
            or el.get("aria-hidden") == "true"
            or _HIDDEN_STYLE.search(el.get("style") or "")
            or _HIDDEN_CLASSES & set((el.get("class") or "").lower().split())
        ):
            continue
        el.drop_tree()  # keeps the text that followed the element


def _link_share(d: Draft) -> float:
    if not d.text or "<a " not in d.html:
        return 0.0
    linked = sum(len(_TAG.sub("", m.group(1)).strip()) for m in _LINK.finditer(d.html))
    return linked / max(1, len(d.text))


def tidy(drafts: list[Draft], meta: dict[str, str]) -> list[Draft]:
    """Drop what the extraction kept of the page's furniture, by kind of block: bare URLs,
    blocks that are (nearly) all link (related stories, "see more"), the short labels beside
    them ("Don't miss", "You may also like"), headings with nothing under them, and the short
    lines trailing after the article's last paragraph."""
    keep: list[Draft | None] = []
    for d in drafts:
        if d.kind in ("paragraph", "list_item", "heading") and (
            _URL_ONLY.match(d.text) or _link_share(d) >= LINK_SHARE
        ):
            keep.append(None)
        else:
            keep.append(d)
    # Short labels next to dropped link blocks.
    for i, k in enumerate(keep):
        if k is None or k.kind == "image" or len(k.text.split()) > 5:
            continue
        near = [keep[j] for j in (i - 1, i + 1) if 0 <= j < len(keep)]
        if any(x is None for x in near) and (i + 1 >= len(keep) or keep[i + 1] is None):
            keep[i] = None
    out = [d for d in keep if d is not None]
    # Headings directly followed by a heading of the same or a higher rank, or by nothing.
    i = 0
    result: list[Draft] = []
    for i, d in enumerate(out):
        nxt = out[i + 1] if i + 1 < len(out) else None
        if d.kind == "heading" and (nxt is None or nxt.kind == "heading" and nxt.level <= d.level):
            continue
        result.append(d)
    # After the article's last paragraph: headings, short lines, and teaser lists (items that
    # open with a link to another story: "Headline Its dek...").
    while (
        result
        and result[-1].kind != "image"
        and (
            result[-1].kind == "heading"
            or len(result[-1].text.split()) < TRAILING_WORDS
            or result[-1].kind == "list_item"
            and result[-1].html.startswith("<a ")
            and _link_share(result[-1]) >= 0.3
        )
    ):
        result.pop()
    return _lead(result, meta)


def _similar(a: list[str], b: list[str]) -> bool:
    """Half of the title's words or more: a variant of the headline."""
    return bool(a and b) and len(set(a) & set(b)) >= 0.5 * len(set(b))


def _lead(result: list[Draft], meta: dict[str, str]) -> list[Draft]:
    """Before the first paragraph: headings that are the title (or a variant of it) or the dek
    again, and toolbars (runs of list items of one to three words: "Print", "Order reprints")."""
    title = words(meta.get("title", ""))
    description = words(meta.get("description", ""))
    while result and result[0].kind in ("heading", "list_item"):
        first = words(result[0].text)
        if result[0].kind == "list_item":
            run = 0
            while (
                run < len(result)
                and result[run].kind == "list_item"
                and (len(result[run].text.split()) <= 3)
            ):
                run += 1
            if run < 2 or (run < len(result) and result[run].kind == "list_item"):
                break
            del result[:run]
        elif first in (title, description) or _similar(first, title):
            result.pop(0)
        elif not meta.get("description"):
            meta["description"] = result[0].text  # a dek set as a heading
            result.pop(0)
        else:
            break
    return result


def _visible_chars(tree: HtmlElement) -> int:
    return sum(len(t.strip()) for t in _TEXT_XPATH(tree))


# -- warnings -----------------------------------------------------------------------------


def page_warnings(
    meta: dict[str, str], drafts: list[Draft], body_chars: int, page_chars: int
) -> list[str]:
    warnings: list[str] = []
    types = set(meta.get("_types", "").split())
    articles = int(meta.get("_articles", "0") or 0)
    url = meta.get("canonical_url", "")
    declared = bool(types & ARTICLE_TYPES) or meta.get("_og_type") == "article"
    if (
        not declared
        and (types & INDEX_TYPES or articles >= 5 or _INDEX_URL.search(url))
        or (declared and _INDEX_URL.search(url))
    ):
        warnings.append("the page looks like an index or search page, not an article")
    if page_chars > 3000 and body_chars < 0.15 * page_chars and body_chars < 1500:
        warnings.append(f"the body ({body_chars:,} characters) is much shorter than the page's "
                        f"text ({page_chars:,}): the article may have been missed")  # fmt: skip
    return warnings
