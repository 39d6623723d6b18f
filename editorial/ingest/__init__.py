"""Source file -> Article. Every reader ends in the same typed, immutable Article."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml
from slugify import slugify

from editorial.config import Limits
from editorial.errors import (
    EditorialError,
    EmptyArticle,
    IngestError,
    TooLarge,
    UnsafeSource,
    UnsupportedFormat,
)
from editorial.ingest import language as lang_detect
from editorial.ingest import pandoc, pandoc_ast, plaintext, webpage
from editorial.ingest.container import check_container
from editorial.ingest.dates import parse_date
from editorial.ingest.decode import decode, single_line
from editorial.ingest.draft import Draft, Parsed
from editorial.ingest.sanitize import clean_inline_html, safe_href
from editorial.model import Article, Block, Language
from editorial.names import mixed_scripts
from editorial.urls import safe_link

__all__ = ["SUPPORTED", "ingest", "ingest_bytes", "make_slug", "read_source"]

SUPPORTED = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".html": "html",
             ".htm": "html", ".docx": "docx", ".odt": "odt"}  # fmt: skip
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
STANDFIRST_MAX_WORDS = 80


def ingest(
    path: Path, *, limits: Limits | None = None, language: Language | None = None
) -> Article:
    """Read and parse one article. Raises an IngestError subclass naming the file."""
    limits = limits or Limits()
    try:
        fmt = SUPPORTED.get(path.suffix.lower())
        if fmt is None:
            raise UnsupportedFormat(f"unsupported file type {path.suffix or '(none)'!r}")
        data = read_source(path, limits.max_input_bytes)
        article = ingest_bytes(data, fmt, source=str(path), base_dir=path.parent, limits=limits,
                               language=language)  # fmt: skip
        if not article.canonical_url and fmt == "html":
            url = fetched_url(path)
            if url:
                article = article.model_copy(update={"canonical_url": url})
        return article
    except EditorialError as exc:
        raise exc.with_source(str(path)) from exc
    except OSError as exc:
        raise IngestError(f"cannot read the file ({exc.strerror})", source=str(path)) from exc


FETCH_SIDECAR = ".fetch.json"  # beside a fetched page: its URL, fetch time, ETag (remote.py)


def fetched_url(path: Path) -> str:
    """The URL a page under sources/web/ was fetched from (its sidecar), or ""."""
    import json

    try:
        meta = json.loads(read_source(path.with_name(path.name + FETCH_SIDECAR), 65_536))
    except (OSError, ValueError, EditorialError):
        return ""
    url = meta.get("final_url") or meta.get("url") if isinstance(meta, dict) else ""
    return safe_href(url) if isinstance(url, str) else ""


def read_source(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, never following a symlink, never reading past `max_bytes`.

    The size is checked on the open descriptor before reading and again while reading (a file
    that grows, a /proc file reporting 0 bytes)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise UnsafeSource(f"symlink not allowed: {path.name}") from exc
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeSource(f"not a regular file: {path.name}")
        if st.st_size > max_bytes:
            raise TooLarge(f"{st.st_size:,} bytes is over the {max_bytes:,} byte limit "
                           "(limits.max_input_bytes)")  # fmt: skip
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > max_bytes:
                raise TooLarge(f"more than {max_bytes:,} bytes, the limit (limits.max_input_bytes)")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def ingest_bytes(
    data: bytes,
    fmt: str,
    *,
    source: str,
    base_dir: Path,
    limits: Limits,
    language: Language | None = None,
) -> Article:
    """Parse `data` (the bytes of `source`, read as `fmt`). Raises an IngestError subclass."""
    if not data.strip():
        raise EmptyArticle("empty article: the file is empty")
    if len(data) > limits.max_input_bytes:
        raise TooLarge(f"{len(data):,} bytes is over the {limits.max_input_bytes:,} byte limit "
                       "(limits.max_input_bytes)")  # fmt: skip
    if fmt not in ("txt", "md", "html", "docx", "odt"):
        raise UnsupportedFormat(f"unsupported format {fmt!r}")
    warnings: list[str] = []
    meta: dict[str, Any] = {}
    try:
        if fmt in ("txt", "md", "html"):
            text, w = decode(data)
            warnings += w
            if not text.strip():
                raise EmptyArticle("empty article: no text after decoding")
            if len(text) > limits.max_text_chars:
                raise TooLarge(f"{len(text):,} characters is over the {limits.max_text_chars:,} "
                               "limit (limits.max_text_chars)")  # fmt: skip
            if fmt == "md":
                meta, text = front_matter(text)
            if fmt == "txt":
                parsed = plaintext.parse(text)
            elif fmt == "html" and webpage.looks_like_page(text):
                parsed = _read_page(text, limits, base_dir)
            else:
                ast = pandoc.to_ast(text.encode("utf-8"), fmt, limits)
                parsed = pandoc_ast.parse(ast, max_nesting=limits.max_nesting)
        else:
            check_container(data, fmt, limits)
            parsed = pandoc_ast.parse(pandoc.to_ast(data, fmt, limits),
                                      max_nesting=limits.max_nesting)  # fmt: skip
    except RecursionError as exc:
        raise TooLarge("the document is nested too deeply") from exc
    meta = {**parsed.meta, **{k: v for k, v in meta.items() if v not in (None, "")}}
    warnings += parsed.warnings
    parsed = _cap_tokens(parsed, limits.max_token_chars, warnings)
    return assemble(parsed, meta, data=data, fmt=fmt, source=source, base_dir=base_dir,
                    language=language, warnings=warnings)  # fmt: skip


def _read_page(text: str, limits: Limits, base_dir: Path) -> Parsed:
    """A saved web page: the article without the page around it. A page the web reader finds
    nothing in (no article-like text) is read whole by pandoc, with a warning."""
    parsed = webpage.parse(text, max_nesting=limits.max_nesting, base_dir=base_dir)
    if any(d.text.strip() for d in parsed.drafts if d.kind != "image"):
        return parsed
    whole = pandoc_ast.parse(pandoc.to_ast(text.encode("utf-8"), "html", limits),
                             max_nesting=limits.max_nesting)  # fmt: skip
    warning = "no article found in the page: the whole page was read"
    return Parsed(whole.drafts, {**whole.meta, **parsed.meta},
                  (*parsed.warnings, *whole.warnings, warning))  # fmt: skip


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors/aliases: `&a [*b, *b, ...]` chains are a billion-laughs bomb once
    anything walks or prints the result."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases (*name) are not allowed in front matter")
        return super().compose_node(parent, index)


def _cap_tokens(parsed: Parsed, max_chars: int, warnings: list[str]) -> Parsed:
    """Cut "words" longer than `max_chars` (no prose has them; they stall NLP and layout)."""
    long_word = re.compile(rf"\S{{{max_chars + 1},}}")
    drafts = []
    changed = False
    for d in parsed.drafts:
        if d.kind != "image" and long_word.search(d.text):
            text = long_word.sub(lambda m: m.group()[:80] + "\u2026", d.text)
            warnings.append(f"cut a {max_chars:,}+ character word in a {d.kind}: {text[:60]!r}")
            d = Draft(d.kind, text, "", d.level, d.src, d.anchor)
            changed = True
        drafts.append(d)
    return Parsed(tuple(drafts), parsed.meta, parsed.warnings) if changed else parsed


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    m = _FRONT.match(text)
    if not m:
        return {}, text
    if len(m.group(1)) > 65536:
        raise TooLarge("front matter over 64 KB")
    try:
        data = yaml.load(m.group(1), Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise IngestError(f"front matter is not valid YAML ({str(exc).splitlines()[0]})") from exc
    except (ValueError, OverflowError) as exc:  # an integer of 5,000 digits, a date of year 0
        raise IngestError(f"front matter holds a value out of range ({str(exc)[:120]})") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise IngestError("front matter is not a mapping of keys to values")
    return data, text[m.end() :]


def _meta_str(meta: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value not in (None, "") and isinstance(value, str | int | float | bool):
            return single_line(str(value))[:1000]
        if value not in (None, ""):
            return single_line(str(value)[:1000])
    return ""


def make_slug(title: str, fallback: str, *, digest: str = "", distinct: bool = False) -> str:
    """A file-system-safe folder name: from the title, else the fallback, else article-<sha8>.

    `distinct`: the slug always ends in `-<sha8>` (a title whose letters mix scripts, as a
    look-alike of another title does, never takes that title's plain slug)."""
    slug = (
        slugify(title, max_length=80, word_boundary=True)
        or slugify(fallback, max_length=80, word_boundary=True)
        or f"article-{digest[:8]}".rstrip("-")
    )
    return (
        f"{slug[:71]}-{digest[:8]}"
        if distinct and digest and not slug.startswith("article-")
        else slug
    )


def _check_image(d: Draft, base_dir: Path, warnings: list[str]) -> Draft | None:
    src = d.src.strip()
    bad = "" if src else "empty source"
    if not bad and (":" in src.split("/")[0] or src.startswith(("/", "\\", "//"))):
        bad = "not a file beside the article"
    if not bad:
        try:
            target = (base_dir / src).resolve()
            if not target.is_relative_to(base_dir.resolve()):
                bad = "outside the article's folder"
            elif target.suffix.lower() not in IMAGE_SUFFIXES:
                bad = "not an image type"
            elif not target.is_file():
                bad = "file not found"
        except (OSError, ValueError):
            bad = "invalid path"
    if bad:
        warnings.append(f"image {src[:80]!r} dropped: {bad}")
        return None
    return d


def assemble(
    parsed: Parsed,
    meta: dict[str, Any],
    *,
    data: bytes,
    fmt: str,
    source: str,
    base_dir: Path,
    language: Language | None,
    warnings: list[str],
) -> Article:
    drafts = list(parsed.drafts)
    title = _meta_str(meta, "title")
    if not title:
        first = next((d for d in drafts if d.kind in ("title", "heading", "paragraph")), None)
        if first and (first.kind != "paragraph" or len(first.text.split()) <= 20):
            title = single_line(first.text)
            drafts.remove(first)
    else:
        drafts = [d for d in drafts if d.kind != "title"]
    if not title:
        title = Path(source).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    drafts = [d for d in drafts if d.kind != "title"]
    # A first heading repeating the title (HTML <h1>, DOCX title paragraph) is not a section.
    first_heading = next((d for d in drafts if d.kind == "heading"), None)
    if first_heading and first_heading.text.strip().casefold() == title.casefold():
        drafts.remove(first_heading)
    if not any(d.text.strip() for d in drafts):
        raise EmptyArticle("no text after the title")

    date = parse_date(_meta_str(meta, "date")) if meta.get("date") else ""
    if (
        not date
        and drafts
        and drafts[0].kind == "paragraph"
        and parse_date(drafts[0].text, whole=True)
    ):
        date = parse_date(drafts.pop(0).text, whole=True)
    if not date and drafts and drafts[0].kind == "paragraph":
        date = parse_date(drafts[0].text)  # a dateline: "16 juin 2012. - Le journaliste..."

    standfirst = _meta_str(meta, "standfirst", "subtitle", "description", "abstract")
    body = [d for d in drafts]
    if (
        not standfirst
        and meta.get("standfirst_from_body") != "no"
        and body
        and body[0].kind == "paragraph"
        and (len(body[0].text.split()) <= STANDFIRST_MAX_WORDS)
    ):
        standfirst = body.pop(0).text

    checked: list[Draft] = []
    for d in body:
        if d.kind == "image":
            img = _check_image(d, base_dir, warnings)
            if img:
                checked.append(img)
        else:
            checked.append(d)

    warnings += announced_lists(checked)
    all_drafts = [Draft("title", title)]
    if standfirst:
        all_drafts.append(Draft("standfirst", standfirst))
    all_drafts += checked
    blocks, text = _with_offsets(all_drafts)

    declared = lang_detect.normalise(_meta_str(meta, "language", "lang"))
    lang: Language = language or declared or lang_detect.detect(text)
    tags = meta.get("tags") or meta.get("keywords") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    elif not isinstance(tags, list | tuple):  # `tags: 12`, a mapping: one tag, as written
        tags = [_meta_str({"t": tags}, "t")]
    url = _meta_str(meta, "canonical_url", "url")
    if url and not safe_link(url):
        kind = url.partition(":")[0][:20] if ":" in url else "relative"  # never the URL itself
        warnings.append(f"front matter URL dropped (only http and https links; this one: {kind!r})")
    return Article(
        source=source,
        source_name=Path(source).name,
        format=fmt,
        slug=make_slug(
            title,
            Path(source).stem,
            digest=hashlib.sha256(data).hexdigest(),
            distinct=mixed_scripts(title),
        ),  # fmt: skip
        title=title,
        standfirst=standfirst,
        author=_meta_str(meta, "author", "authors", "creator"),
        date=date,
        language=lang,
        tags=tuple(
            single_line(_meta_str({"t": t}, "t")) for t in tags[:20] if _meta_str({"t": t}, "t")
        ),
        canonical_url=safe_link(url),
        site=_meta_str(meta, "site"),
        image=safe_link(_meta_str(meta, "image")),
        image_alt=_meta_str(meta, "image_alt"),
        blocks=blocks,
        text=text,
        content_hash=hashlib.sha256(data).hexdigest(),
        warnings=tuple(warnings),
    )


_QUOTE_OPENERS = ('"', "\u201c", "\u00ab", "'", "\u2018", "\u2014", "-")


def announced_lists(drafts: list[Draft]) -> list[str]:
    """Paragraphs announcing a list ("Three factors explain it:") with no list after them:
    the list was probably lost when the page was saved or scraped."""
    found: list[str] = []
    for i, d in enumerate(drafts):
        if d.kind != "paragraph" or not d.text.rstrip().endswith(":"):
            continue
        nxt = drafts[i + 1] if i + 1 < len(drafts) else None
        if nxt is not None and (
            nxt.kind in ("list_item", "blockquote", "image")
            or nxt.text.lstrip().startswith(_QUOTE_OPENERS)
        ):
            continue
        tail = " ".join(d.text.split()[-8:])
        found.append(f"a paragraph announces a list but no list follows it: \u2026{tail!r}")
    return found


def _with_offsets(drafts: list[Draft]) -> tuple[tuple[Block, ...], str]:
    blocks: list[Block] = []
    parts: list[str] = []
    pos = 0
    used: set[str] = set()
    for d in drafts:
        text = single_line(d.text) if d.kind in ("title", "standfirst", "heading") else d.text
        anchor = ""
        if d.kind == "heading":
            base = slugify(d.anchor or text, max_length=40) or "section"
            anchor, n = base, 2
            while anchor in used:
                anchor, n = f"{base}-{n}", n + 1
            used.add(anchor)
        html = clean_inline_html(d.html) if d.html and d.html != text else ""
        blocks.append(Block(kind=d.kind, text=text, start=pos, end=pos + len(text), level=d.level,
                            html=html, src=d.src, anchor=anchor))  # fmt: skip
        parts.append(text)
        pos += len(text) + 2
    return tuple(blocks), "\n\n".join(parts)
