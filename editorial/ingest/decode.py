"""Bytes to clean text: strict UTF-8, then UTF-16/32 with a BOM, then cp1252 with a warning.

No detector guesses the encoding (they are wrong on short or mixed input). Bytes that are
mostly UTF-8 with a few broken sequences, or that no Western text would contain, are decoded as
UTF-8 with U+FFFD replacement and a warning that gives the byte offset; bytes that are mostly
invalid are a `DecodeError`.

`clean_text` is the one normaliser every string from an article goes through (decoded text,
pandoc's AST strings, front matter): newlines to LF, NFC, no C0/C1 controls, no lone surrogates,
no invisible formatting characters (zero-width, bidi controls). Zero-width joiners are kept only
where they carry meaning (emoji sequences, Indic and Arabic scripts).
"""

from __future__ import annotations

import re
import unicodedata

from editorial.errors import DecodeError

# C0 controls except tab and newline, DEL, and C1 controls.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone surrogates (from JSON `\ud800` escapes or surrogateescape): not encodable, spaCy and every
# writer would raise on them.
_SURROGATES = re.compile("[\ud800-\udfff]")
# Invisible characters that change nothing for a reader but confuse NLP and single-line fields:
# zero-width space, word joiner, BOM, soft hyphen, Mongolian vowel separator, invisible
# operators, interlinear annotation marks, and every bidi embedding/override/isolate/mark.
_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"
    "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)
# Zero-width non-joiner / joiner: meaningful inside emoji sequences and some scripts.
_JOINERS = re.compile("[\u200c\u200d]")
# A joiner between two characters that do not need one (Latin/Greek/Cyrillic letters, digits,
# punctuation, spaces): `An\u200dgela` is `Angela` for every reader.
_USELESS_JOINER = re.compile(
    "(?<=[\x00-\u024f\u0370-\u052f\u1e00-\u1fff\u2000-\u206f])[\u200c\u200d]+"
    "|[\u200c\u200d]+(?=[\x00-\u024f\u0370-\u052f\u1e00-\u1fff\u2000-\u206f])"
    "|\\A[\u200c\u200d]+|[\u200c\u200d]+\\Z"
)
# Bytes no Western text encoded in cp1252 would hold: undefined in cp1252, or three high bytes in
# a row (real cp1252 prose has isolated accented letters and punctuation).
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]|[\x80-\xff]{3}")
# A well-formed multi-byte UTF-8 sequence: its presence means the file is UTF-8 with damage.
_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
MAX_REPLACED_RATIO = 0.05  # above this share of replaced characters the file is not text
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Text and warnings. Raises DecodeError when no supported encoding fits."""
    warnings: list[str] = []
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, "replace")
            if "\ufffd" in text:
                bad = text.count("\ufffd")
                if bad > MAX_REPLACED_RATIO * max(len(text), 1):
                    raise DecodeError(f"invalid {codec.upper()} despite its byte order mark")
                warnings.append(f"{bad} invalid {codec.upper()} sequence(s) replaced by U+FFFD")
            return clean_text(text), tuple(warnings)
    if _looks_utf16(data):  # ASCII in UTF-16 is valid UTF-8 with a NUL every other byte
        codec = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        warnings.append(f"no byte order mark: decoded as {codec.upper()} (NUL every 2nd byte)")
        return clean_text(data.decode(codec, "replace")), tuple(warnings)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = _decode_not_utf8(data, exc.start, warnings)
    return clean_text(text), tuple(warnings)


def _decode_not_utf8(data: bytes, offset: int, warnings: list[str]) -> str:
    if not _UTF8_SEQ.search(data) and not _NOT_CP1252.search(data):
        warnings.append(
            f"not valid UTF-8 (byte {data[offset]:#04x} at offset {offset}): "
            "decoded as cp1252 (Windows Western)"
        )
        return data.decode("cp1252")
    text = data.decode("utf-8-sig", "replace")
    bad = text.count("\ufffd") - data.decode("utf-8-sig", "ignore").count("\ufffd")
    if bad > MAX_REPLACED_RATIO * max(len(text), 1):
        raise DecodeError(
            f"not text in UTF-8, UTF-16 or cp1252 ({bad} invalid sequences, the first at byte "
            f"offset {offset})"
        )
    warnings.append(f"invalid UTF-8 at byte offset {offset} ({bad} sequence(s) replaced by U+FFFD)")
    return text


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without BOM: mostly ASCII text with a NUL in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return False
    half = len(data) // 2
    return (
        max(data[0::2].count(0), data[1::2].count(0)) > 0.4 * half
        and min(data[0::2].count(0), data[1::2].count(0)) < 0.05 * half
    )


def clean_text(text: str) -> str:
    """Normalise newlines, NFC; drop controls, lone surrogates and invisible formatting."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n")
    text = _SURROGATES.sub("\ufffd", text)
    text = _CONTROLS.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _USELESS_JOINER.sub("", text)
    return unicodedata.normalize("NFC", text)


def clean_inline(text: str) -> str:
    """`clean_text` for a string inside a line (pandoc AST strings): no newline survives."""
    return clean_text(text).replace("\n", " ")


def single_line(text: str) -> str:
    """For titles, subjects and posts: one line, no joiners, collapsed spaces."""
    text = _JOINERS.sub("", clean_text(text))
    return " ".join(text.split())
