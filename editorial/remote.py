"""URL and feed arguments -> source files under sources/web/, fetched once, kept for good.

A page is stored as its raw bytes, `sources/web/<host>/<slug>.html`, with a sidecar
`<slug>.html.fetch.json` (URL, final URL, fetch time, ETag, Last-Modified, content type): every
later run reads it from sources/, so it is reproducible and the source is archived. A rerun
does not fetch again unless forced; a forced fetch is a conditional GET (304: the stored page
stays). A feed (RSS 2.0 or Atom, read by feedparser from bytes, never from a URL) keeps its
state beside its pages in `sources/web/<host>/.feeds/<slug>.json`: its ETag/Last-Modified and,
per item (guid/id, else link), a fingerprint of the item. A poll fetches the items not seen
before and the items whose fingerprint changed; a poll with nothing new gives no source.

Every fetch goes through `editorial.fetch` (the fetch policy). One failing URL never stops the
others: it comes back as a failure naming the URL, with its error code.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from slugify import slugify

from editorial import fetch as fetching
from editorial.config import Settings
from editorial.errors import EditorialError, FetchError
from editorial.ingest import FETCH_SIDECAR
from editorial.store import atomic_write

WEB_DIR = "web"
_URL = re.compile(r"\A[a-z][a-z0-9+.-]*://", re.I)
_FEED_TYPES = ("rss", "atom", "/xml", "+xml")


@dataclass
class Resolved:
    """What a list of arguments stands for: source paths, and the URLs that failed."""

    paths: list[str] = field(default_factory=list)
    failures: list[tuple[str, EditorialError]] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)  # URLs actually downloaded this time


def is_url(arg: str) -> bool:
    return bool(_URL.match(arg.strip()))


def resolve_sources(
    args: list[str], settings: Settings, *, sources_dir: Path, force: bool = False
) -> Resolved:
    """Local paths unchanged; each URL becomes its stored page, each feed its new items."""
    out = Resolved()
    for arg in args:
        if not is_url(arg):
            out.paths.append(arg)
            continue
        try:
            _resolve_url(arg.strip(), settings, sources_dir, force, out)
        except EditorialError as exc:
            out.failures.append((arg, exc))
    out.paths = list(dict.fromkeys(out.paths))
    return out


def poll_feeds(feeds: list[str], settings: Settings, *, sources_dir: Path) -> Resolved:
    """The scheduled poll: the new and changed items of each feed."""
    out = Resolved()
    for url in feeds:
        try:
            response = _fetch_feed(url, settings, sources_dir)
            if response is not None:
                _feed_items(url, response, settings, sources_dir, out)
        except EditorialError as exc:
            out.failures.append((url, exc))
    return out


def page_path(url: str, sources_dir: Path) -> Path:
    """Where the page at `url` is kept: sources/web/<host>/<slug>.html (never outside)."""
    parts = urlsplit(url)
    host = slugify(parts.netloc.lower().replace(":", "-"), regex_pattern=r"[^a-z0-9.-]+") or "host"
    host = host.strip(".")[:100] or "host"
    slug = slugify(parts.path.strip("/").replace("/", "-"), max_length=80) or "index"
    if parts.query or len(parts.path) > 120:
        slug = f"{slug[:70]}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"
    return sources_dir / WEB_DIR / host / f"{slug}.html"


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + FETCH_SIDECAR)


def read_sidecar(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(sidecar(path).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def fetch_page(
    url: str, settings: Settings, sources_dir: Path, *, force: bool
) -> tuple[Path, bool]:
    """(stored path, fetched now). Fetches only when not stored yet, or when forced (then a
    conditional GET with the stored ETag/Last-Modified)."""
    path = page_path(url, sources_dir)
    known = read_sidecar(path) if path.exists() else {}
    if path.exists() and not force:
        return path, False
    response = fetching.fetch(url, settings.fetch, max_bytes=settings.limits.max_input_bytes,
                              **_conditional(known))  # fmt: skip
    if response.not_modified and path.exists():
        atomic_write(sidecar(path), _json({**known, "checked_at": response.fetched_at}))
        return path, False
    _store_page(url, path, response)
    return path, True


def _resolve_url(
    url: str, settings: Settings, sources_dir: Path, force: bool, out: Resolved
) -> None:
    fetching.check_url(url)
    path = page_path(url, sources_dir)
    state = _feed_state_path(url, sources_dir)
    if state.exists() or (not path.exists() and _looks_like_feed_url(url)):
        response = _fetch_feed(url, settings, sources_dir)
        if response is not None:
            _feed_items(url, response, settings, sources_dir, out)
        return
    if path.exists() and not force:
        out.paths.append(str(path))
        return
    response = fetching.fetch(url, settings.fetch, max_bytes=settings.limits.max_input_bytes,
                              **_conditional(read_sidecar(path) if path.exists() else {}))  # fmt: skip
    if response.not_modified:
        out.paths.append(str(path))
        return
    if _is_feed(response):
        _save_feed_state(url, sources_dir, {"url": url})
        _feed_items(url, response, settings, sources_dir, out)
        return
    _store_page(url, path, response)
    out.paths.append(str(path))
    out.fetched.append(url)


def _store_page(url: str, path: Path, response: fetching.Response) -> None:
    if not response.body.strip():
        raise FetchError(f"{url}: the page is empty")
    atomic_write(path, response.body)
    meta = {"url": url, "final_url": response.url, "fetched_at": response.fetched_at,
            "etag": response.etag, "last_modified": response.last_modified,
            "content_type": response.content_type, "redirects": list(response.redirects)}  # fmt: skip
    atomic_write(sidecar(path), _json(meta))


def _conditional(known: dict[str, Any]) -> dict[str, str]:
    return {
        "etag": str(known.get("etag", "")),
        "last_modified": str(known.get("last_modified", "")),
    }


def _looks_like_feed_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith((".xml", ".rss", ".atom", "/feed", "/rss", "/feed/", "/rss/"))


def _is_feed(response: fetching.Response) -> bool:
    ctype = response.content_type.split(";")[0].strip().lower()
    if "html" in ctype:
        return False
    if any(t in ctype for t in _FEED_TYPES):
        return True
    head = response.body[:2000].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head)


# -- feeds ------------------------------------------------------------------------------------


def _feed_state_path(url: str, sources_dir: Path) -> Path:
    page = page_path(url, sources_dir)
    return page.parent / ".feeds" / f"{page.stem}.json"


def _load_feed_state(url: str, sources_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads(_feed_state_path(url, sources_dir).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_feed_state(url: str, sources_dir: Path, state: dict[str, Any]) -> None:
    atomic_write(_feed_state_path(url, sources_dir), _json(state))


def _fetch_feed(url: str, settings: Settings, sources_dir: Path) -> fetching.Response | None:
    """The feed's bytes, or None when a conditional GET says nothing changed."""
    state = _load_feed_state(url, sources_dir)
    response = fetching.fetch(url, settings.fetch, max_bytes=settings.limits.max_input_bytes,
                              **_conditional(state))  # fmt: skip
    return None if response.not_modified else response


def _feed_items(
    url: str, response: fetching.Response, settings: Settings, sources_dir: Path, out: Resolved
) -> None:
    import feedparser

    parsed = feedparser.parse(response.body)  # bytes: feedparser never fetches them itself
    if parsed.get("bozo") and not parsed.get("entries"):
        raise FetchError(f"{url}: not a readable RSS or Atom feed")
    state = _load_feed_state(url, sources_dir)
    seen: dict[str, str] = dict(state.get("items") or {})
    for entry in parsed.get("entries", [])[:200]:
        link = str(entry.get("link") or "").strip()
        key = str(entry.get("id") or entry.get("guid") or link).strip()
        if not key or not link:
            continue
        fingerprint = _fingerprint(entry)
        if seen.get(key) == fingerprint:
            continue
        try:
            path, fetched = fetch_page(link, settings, sources_dir, force=key in seen)
        except EditorialError as exc:
            out.failures.append((link, exc))
            continue
        seen[key] = fingerprint
        out.paths.append(str(path))
        if fetched:
            out.fetched.append(link)
    _save_feed_state(url, sources_dir, {"url": url, "etag": response.etag,
                                        "last_modified": response.last_modified,
                                        "polled_at": response.fetched_at, "items": seen})  # fmt: skip


def _fingerprint(entry: Any) -> str:
    """What makes an item "changed": its updated date, else its title, summary and link."""
    parts = [str(entry.get(k) or "") for k in ("updated", "title", "summary", "link")]
    if not parts[0]:
        parts[0] = str(entry.get("published") or "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def sources_dir() -> Path:
    """Where fetched pages are kept: `sources/` of the project ($EDITORIAL_SOURCES_DIR)."""
    import os

    from editorial.config import PROJECT_ROOT

    return Path(os.environ.get("EDITORIAL_SOURCES_DIR") or PROJECT_ROOT / "sources")


def failure_results(resolved: Resolved) -> list[Any]:
    """The URLs that failed, as failed rows of a run report."""
    from editorial.model import ArticleResult, ErrorInfo

    return [ArticleResult(source=url, status="failed",
                          error=ErrorInfo(code=exc.code, message=str(exc)))
            for url, exc in resolved.failures]  # fmt: skip


def fetch_arguments(args: list[str], *, force: bool = False) -> tuple[list[str], list[Any]]:
    """What the CLI and the flows call: (source paths, failed rows) for files, folders, URLs
    and feeds given as arguments."""
    from editorial.config import load_settings

    resolved = resolve_sources(args, load_settings(), sources_dir=sources_dir(), force=force)
    return resolved.paths, failure_results(resolved)
