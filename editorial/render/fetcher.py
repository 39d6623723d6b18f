"""The only way WeasyPrint may read a resource: files under an allow-list of folders.

No network scheme is ever opened, symlinks are resolved before the check, and a refusal is an
ordinary (non-fatal) error: WeasyPrint logs it and renders without the resource. The fetcher
never raises `FatalURLFetchingError` (a BaseException that would escape our error handling).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

from editorial.config import TEMPLATES_DIR

MAX_RESOURCE_BYTES = 20_000_000


class ResourceRefused(ValueError):
    """A resource outside the allow-list, or of a refused scheme."""


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    def __init__(
        self, roots: tuple[Path, ...] = (), *, max_bytes: int = MAX_RESOURCE_BYTES
    ) -> None:
        super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
        self.roots = tuple(r.resolve() for r in (TEMPLATES_DIR, *roots))
        self.max_bytes = max_bytes
        self.refused: list[str] = []

    def allowed_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"refused URL scheme or host: {url[:100]}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ResourceRefused(f"refused path outside the allow-list: {path}")
        if not path.is_file():
            raise ResourceRefused(f"not a file: {path}")
        return path

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            path = self.allowed_path(url)
        except ResourceRefused:
            self.refused.append(url[:200])
            raise
        size = path.stat().st_size
        if size > self.max_bytes:
            self.refused.append(url[:200])
            raise ResourceRefused(f"resource too large ({size} bytes): {path}")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url=path.as_uri(), body=path.read_bytes(), headers={"Content-Type": media_type}
        )
