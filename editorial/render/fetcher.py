"""The only way WeasyPrint may read a resource: files under an allow-list of folders.

- No network scheme and no `data:` URL is ever opened (nothing in the templates needs one, and
  a `data:` SVG is where entity bombs hide); only `file:` URLs without a host.
- Under `templates/` any regular file may be read (stylesheets, fonts, icons).
- Under an article's folder only images may be read, recognised by their first bytes, not by
  their name: `<link rel=attachment href="notes.txt">`, an `<img>` pointing at `secret.png`
  holding text, an SVG `<image href="../config.toml">` are all refused. Other articles and
  files beside the article never reach a PDF.
- The path is resolved (symlinks, `..`) before the check, and opened with O_NOFOLLOW on the
  resolved path; devices, FIFOs and folders are refused; reads stop at `max_bytes`.

A refusal is an ordinary (non-fatal) error: WeasyPrint logs it and renders without the
resource, and `refused` lists it for the article's warnings. The fetcher never raises
`FatalURLFetchingError` (a BaseException that would escape every `except Exception`).
"""

from __future__ import annotations

import mimetypes
import os
import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

from editorial.config import TEMPLATES_DIR

MAX_RESOURCE_BYTES = 20_000_000

# First bytes of the image types an article may use, and their media types.
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class ResourceRefused(ValueError):
    """A resource outside the allow-list, or of a refused scheme."""


def image_type(head: bytes) -> str | None:
    """The media type of an image recognised by its first bytes, else None."""
    for magic, media_type in _IMAGE_MAGIC:
        if head.startswith(magic):
            return media_type
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<svg") or (
        start.startswith((b"<?xml", b"<!--")) and b"<svg" in head.lower()
    ):
        return "image/svg+xml"
    return None


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    def __init__(
        self, roots: tuple[Path, ...] = (), *, max_bytes: int = MAX_RESOURCE_BYTES
    ) -> None:
        super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
        self.templates = TEMPLATES_DIR.resolve()
        self.roots = (self.templates, *(r.resolve() for r in roots))
        self.max_bytes = max_bytes
        self.refused: list[str] = []

    def allowed_path(self, url: str) -> Path:
        """The resolved path `url` names, if it is under an allowed folder."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise ResourceRefused(f"invalid URL: {url[:100]}") from exc
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"refused URL scheme or host: {url[:100]}")
        raw = unquote(parts.path)
        if "\x00" in raw:
            raise ResourceRefused(f"refused path with a NUL byte: {url[:100]}")
        path = Path(raw).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ResourceRefused(f"refused path outside the allow-list: {path}")
        return path

    def read(self, path: Path) -> tuple[bytes, str]:
        """(body, media type) of an allowed path; raises ResourceRefused."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            raise ResourceRefused(f"cannot open {path.name}: {exc.strerror}") from exc
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise ResourceRefused(f"not a regular file: {path}")
            if st.st_size > self.max_bytes:
                raise ResourceRefused(f"resource too large ({st.st_size:,} bytes): {path.name}")
            chunks: list[bytes] = []
            total = 0
            while chunk := os.read(fd, 1 << 20):
                total += len(chunk)
                if total > self.max_bytes:
                    raise ResourceRefused(f"resource too large (over {self.max_bytes:,} bytes)")
                chunks.append(chunk)
        finally:
            os.close(fd)
        body = b"".join(chunks)
        if path.is_relative_to(self.templates):
            guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return body, guessed
        media_type = image_type(body[:512])
        if media_type is None:
            raise ResourceRefused(f"not an image, refused from the article's folder: {path.name}")
        return body, media_type

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            path = self.allowed_path(url)
            body, media_type = self.read(path)
        except ResourceRefused:
            self.refused.append(url[:200])
            raise
        return URLFetcherResponse(
            url=path.as_uri(), body=body, headers={"Content-Type": media_type}
        )
