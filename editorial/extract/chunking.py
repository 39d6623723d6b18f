"""Split long texts into chunks under spaCy's limits, at paragraph or sentence boundaries."""

from __future__ import annotations

import re

# Well under spaCy's default max_length (1,000,000) and small enough to bound memory per Doc.
MAX_CHUNK_CHARS = 20_000


def split_chunks(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, chunk) pairs covering `text` in order; each chunk is at most `max_chars` long
    and ends at a paragraph break, else a sentence end, else a space, else anywhere."""
    chunks: list[tuple[int, str]] = []
    pos, n = 0, len(text)
    while pos < n:
        if n - pos <= max_chars:
            chunks.append((pos, text[pos:]))
            break
        window = text[pos : pos + max_chars]
        cut = _last_break(window)
        chunks.append((pos, window[:cut]))
        pos += cut
    return chunks


def _last_break(window: str) -> int:
    half = len(window) // 2
    for pattern in (r"\n\s*\n", r"\n", r"[.!?…][\"”»’]?\s+", r"\s+"):
        ends = [m.end() for m in re.finditer(pattern, window) if m.end() > half]
        if ends:
            return ends[-1]
    return len(window)
