"""The download app: an index of published articles and their files, served from outputs/.

Files are found by article slug in an index built from each article's manifest.json; a path
from the request is never joined to the file system. `lookup()` is the one function that maps
a request to a file: only files listed in the manifest of a known article, inside that
article's folder, are ever served.

Run it with `python -m editorial.web` (`editorial serve` starts it beside Prefect).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from editorial import store
from editorial.config import PROJECT_ROOT, Settings, load_settings

__all__ = ["Download", "Entry", "Index", "IndexContext", "create_app", "load_index", "lookup"]

# Suffix -> (Content-Type, served as an attachment). Anything else is not served.
MEDIA_TYPES: dict[str, tuple[str, bool]] = {
    ".pdf": ("application/pdf", True),
    ".eml": ("message/rfc822", True),
    ".html": ("text/html; charset=utf-8", False),
    ".txt": ("text/plain; charset=utf-8", False),
    ".md": ("text/markdown; charset=utf-8", False),
    ".json": ("application/json", False),
    ".csv": ("text/csv; charset=utf-8", True),
    ".png": ("image/png", False),
}
# What the index links to, in this order: (file name or folder prefix, label).
LINKS: tuple[tuple[str, str], ...] = (
    ("index.html", "Web page"),
    ("report.pdf", "PDF"),
    ("newsletter.html", "Newsletter"),
    ("newsletter.txt", "Text"),
    ("newsletter.eml", ".eml"),
    ("social.md", "Social posts"),
    ("cards/", "Card"),
)
PREVIEW = "report.png"
WEB_PAGE = "index.html"
_FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
_PAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'self' 'unsafe-inline'"


@dataclass(frozen=True)
class Link:
    label: str
    name: str  # file name inside the article folder, as in its manifest
    url: str


@dataclass(frozen=True)
class Entry:
    """One article in outputs/, as its manifest and last-run state describe it."""

    slug: str
    source: str
    title: str
    date: str
    language: str
    status: str  # of the last run: ok, failed, or unknown
    error: str
    files: frozenset[str]

    @property
    def links(self) -> tuple[Link, ...]:
        found: list[Link] = []
        for name, label in LINKS:
            if name.endswith("/"):
                cards = sorted(f for f in self.files if f.startswith(name))
                found += [Link(f"{label} {Path(f).stem.split('-')[-1]}", f, file_url(self.slug, f))
                          for f in cards]  # fmt: skip
            elif name in self.files:
                found.append(Link(label, name, file_url(self.slug, name)))
        return tuple(found)

    @property
    def preview_url(self) -> str:
        return file_url(self.slug, PREVIEW) if PREVIEW in self.files else ""

    @property
    def pdf_url(self) -> str:
        return file_url(self.slug, "report.pdf") if "report.pdf" in self.files else ""


@dataclass(frozen=True)
class Failure:
    """A source whose last run failed and that has no published outputs."""

    source: str
    error: str


@dataclass(frozen=True)
class Index:
    out_dir: Path
    entries: dict[str, Entry]  # by slug
    failures: tuple[Failure, ...] = ()


@dataclass(frozen=True)
class Download:
    path: Path
    media_type: str
    attachment: bool
    filename: str  # offered to the browser: <slug>-<name>


@dataclass(frozen=True)
class IndexContext:
    """Everything templates/web/index.html reads."""

    brand: str
    entries: tuple[Entry, ...]
    failures: tuple[Failure, ...]


def file_url(slug: str, name: str) -> str:
    return f"/articles/{slug}/{name}"


def _safe_name(name: object) -> bool:
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        return False
    p = PurePosixPath(name)
    return (not p.is_absolute() and ".." not in p.parts and "." not in p.parts
            and p.as_posix() == name and p.suffix.lower() in MEDIA_TYPES)  # fmt: skip


def load_index(out_dir: Path) -> Index:
    """Every article folder of `out_dir` with a readable manifest, and every failed source."""
    entries: dict[str, Entry] = {}
    states: dict[str, dict[str, Any]] = {}
    state_dir = out_dir / store.STATE_DIR
    if state_dir.is_dir():
        for f in sorted(state_dir.glob("*.json")):
            try:
                data = json.loads(f.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and isinstance(data.get("source"), str):
                states[data["source"]] = data
    if out_dir.is_dir():
        for d in sorted(out_dir.iterdir()):
            if d.name.startswith(".") or not d.is_dir():
                continue
            m = store.read_manifest(d)
            if m.get("slug") != d.name or not isinstance(m.get("files"), list):
                continue
            source = str(m.get("source", ""))
            state = states.get(source, {})
            err = state.get("error") or {}
            entries[d.name] = Entry(
                slug=d.name, source=source, title=str(m.get("title") or d.name),
                date=str(m.get("date") or ""), language=str(m.get("language") or ""),
                status=str(state.get("status") or "unknown"),
                error=f"{err.get('code')}: {err.get('message')}" if err else "",
                files=frozenset(f for f in m["files"] if _safe_name(f)),
            )  # fmt: skip
    published = {e.source for e in entries.values()}
    failures = tuple(
        Failure(source=s, error=f"{(st.get('error') or {}).get('code')}: "
                                f"{(st.get('error') or {}).get('message')}")
        for s, st in sorted(states.items())
        if st.get("status") == "failed" and s not in published
    )  # fmt: skip
    return Index(out_dir=out_dir, entries=entries, failures=failures)


def lookup(index: Index, slug: str, name: str) -> Download | None:
    """The file `name` of article `slug`, or None. The only request-to-file mapping.

    Served only when `slug` is a known article, `name` is listed in its manifest, and the file
    resolves (symlinks followed) to a regular file inside that article's folder."""
    entry = index.entries.get(slug)
    if entry is None or name not in entry.files:
        return None
    folder = (index.out_dir / entry.slug).resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        return None
    media_type, attachment = MEDIA_TYPES[path.suffix.lower()]
    return Download(path=path, media_type=media_type, attachment=attachment,
                    filename=f"{entry.slug}-{name.replace('/', '-')}")  # fmt: skip


class _IndexCache:
    """The index, rebuilt when outputs/ or its state folder changed (renames touch both)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._index = Index(out_dir=out_dir, entries={})

    def _mtime(self, p: Path) -> int:
        try:
            return p.stat().st_mtime_ns
        except OSError:
            return 0

    def get(self) -> Index:
        stamp = (self._mtime(self.out_dir), self._mtime(self.out_dir / store.STATE_DIR))
        with self._lock:
            if stamp != self._stamp:
                self._index, self._stamp = load_index(self.out_dir), stamp
            return self._index


def check_credentials(header: str | None, *, auth_string: str, token: str) -> bool:
    """True when no credentials are configured, or `header` carries one that matches."""
    if not auth_string and not token:
        return True
    if not header:
        return False
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and token:
        return secrets.compare_digest(value.encode(), token.encode())
    if scheme.lower() == "basic" and auth_string:
        try:
            given = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return False
        return secrets.compare_digest(given, auth_string.encode())
    return False


def create_app(
    out_dir: Path,
    *,
    settings: Settings | None = None,
    auth_string: str | None = None,
    token: str | None = None,
) -> Any:
    """The FastAPI app serving `out_dir`. Credentials default to settings.server.auth_string
    (HTTP Basic, the same as Prefect's) and settings.server.download_token (Bearer)."""
    from fastapi import FastAPI, Request, Response
    from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

    from editorial.render.templating import render

    settings = settings or load_settings()
    auth = settings.server.auth_string if auth_string is None else auth_string
    bearer = settings.server.download_token if token is None else token
    cache = _IndexCache(out_dir)
    app = FastAPI(title="Editorial downloads", docs_url=None, redoc_url=None, openapi_url=None,
                  redirect_slashes=False)  # fmt: skip

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("method not allowed\n", status_code=405, headers={"Allow": "GET, HEAD"})
        if request.url.path != "/health" and not check_credentials(
            request.headers.get("authorization"), auth_string=auth, token=bearer
        ):
            return Response("authentication required\n", status_code=401,
                            headers={"WWW-Authenticate": 'Basic realm="editorial"'})  # fmt: skip
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
    def index() -> HTMLResponse:
        idx = cache.get()
        entries = tuple(sorted(idx.entries.values(), key=lambda e: (e.date, e.title), reverse=True))
        ctx = IndexContext(brand=settings.brand.name, entries=entries, failures=idx.failures)
        return HTMLResponse(render("web/index.html", ctx=ctx),
                            headers={"Content-Security-Policy": _PAGE_CSP})  # fmt: skip

    @app.get("/api/articles")
    def articles() -> JSONResponse:
        idx = cache.get()
        return JSONResponse([
            {"slug": e.slug, "source": e.source, "title": e.title, "date": e.date,
             "status": e.status, "error": e.error,
             "files": {link.name: link.url for link in e.links}}
            for e in idx.entries.values()
        ])  # fmt: skip

    @app.api_route("/articles/{slug}/{name:path}", methods=["GET", "HEAD"])
    def download(slug: str, name: str) -> Response:
        found = lookup(cache.get(), slug, name)
        if found is None:
            return Response("not found\n", status_code=404, media_type="text/plain")
        return FileResponse(
            found.path, media_type=found.media_type, filename=found.filename,
            content_disposition_type="attachment" if found.attachment else "inline",
            headers={"Content-Security-Policy": _FILE_CSP, "Cache-Control": "no-cache"},
        )  # fmt: skip

    # The article's web page at /<slug>/ (what the newsletter and the posts link to under
    # brand.url), and its relative links (report.pdf, report.png, cards/...) beside it.
    @app.api_route("/{slug}/", methods=["GET", "HEAD"])
    def article_page(slug: str) -> Response:
        return download(slug, WEB_PAGE)

    @app.api_route("/{slug}/{name:path}", methods=["GET", "HEAD"])
    def article_file(slug: str, name: str) -> Response:
        return download(slug, name)

    return app


def main(argv: list[str] | None = None) -> int:
    """`python -m editorial.web`: serve outputs/ with uvicorn."""
    import uvicorn

    settings = load_settings()
    p = argparse.ArgumentParser(prog="python -m editorial.web", description=main.__doc__)
    p.add_argument("--host", default=settings.server.host)
    p.add_argument("--port", type=int, default=settings.server.download_port)
    p.add_argument("--out", default=str(PROJECT_ROOT / "outputs"), help="the outputs folder")
    args = p.parse_args(argv)
    app = create_app(Path(args.out).resolve(), settings=settings)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                server_header=False, proxy_headers=False)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
