"""Named errors. Each carries a stable `code` (in run-report.json and Prefect state messages)
and a one-line human message naming the article."""

from __future__ import annotations


class EditorialError(Exception):
    """Base class: an article could not be processed. Never retried."""

    code = "error"

    def __init__(self, message: str, *, source: str = "") -> None:
        self.source = source
        self.detail = message
        super().__init__(f"{source}: {message}" if source else message)

    def with_source(self, source: str) -> EditorialError:
        if not self.source:
            self.source = source
            self.args = (f"{source}: {self.detail}",)
        return self


class IngestError(EditorialError):
    code = "ingest_failed"


class EmptyArticle(IngestError):
    code = "empty"


class TooLarge(IngestError):
    code = "too_large"


class UnsupportedFormat(IngestError):
    code = "unsupported_format"


class InvalidContainer(IngestError):
    code = "invalid_container"


class DecodeError(IngestError):
    code = "decode_error"


class StageTimeout(EditorialError):
    code = "timeout"


class ExtractError(EditorialError):
    code = "extract_failed"


class RenderError(EditorialError):
    code = "render_failed"


class StoreError(EditorialError):
    code = "write_failed"


class TransientError(Exception):
    """A failure worth retrying (resource briefly unavailable); not an article problem."""


class UnsafeSource(IngestError):
    """The source is a symlink, a device, a FIFO or a folder: never read."""

    code = "unsafe_source"


class ReviewFileError(EditorialError):
    """An article's corrections file (`<source>.review.yaml`) is malformed or unreadable."""

    code = "review_invalid"


class UnsupportedLanguage(IngestError):
    """The article is in a language the newsroom does not publish (`--language` forces one)."""

    code = "unsupported_language"


class FetchError(IngestError):
    """A URL could not be fetched. The message names the URL."""

    code = "fetch_failed"


class FetchRefused(FetchError):
    """The fetch policy refused the URL (scheme, address, redirect)."""

    code = "fetch_refused"


class FetchTooLarge(FetchError):
    code = "fetch_too_large"


class FetchHTTPStatus(FetchError):
    code = "fetch_http_status"
