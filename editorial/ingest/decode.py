"""Bytes to clean text: strict UTF-8, then UTF-16 with a BOM, then cp1252 with a warning."""

from __future__ import annotations

import re
import unicodedata

from editorial.errors import DecodeError

# C0 controls except tab and newline, DEL, and C1 controls.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Invisible characters that change nothing for a reader but confuse NLP and single-line fields:
# zero-width space, word joiner, BOM, and the bidi embedding/override/isolate controls.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Kept in body text (they carry meaning in some scripts and emoji), removed from single lines.
_JOINERS = re.compile("[\u200c\u200d]")


def decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Text and warnings. Raises DecodeError when no supported encoding fits."""
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-16 despite its byte order mark ({exc.reason})") from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"not UTF-8, UTF-16 or cp1252 (byte {data[exc.start]:#04x} at {exc.start})"
                ) from exc
            warnings.append("not valid UTF-8: decoded as cp1252 (Windows Western)")
    return clean_text(text), tuple(warnings)


def clean_text(text: str) -> str:
    """Normalise newlines, NFC; drop control and invisible formatting characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    text = _INVISIBLE.sub("", text)
    return unicodedata.normalize("NFC", text)


def single_line(text: str) -> str:
    """For titles, subjects and posts: one line, no joiners, collapsed spaces."""
    text = _JOINERS.sub("", clean_text(text))
    return " ".join(text.split())
