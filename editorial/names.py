"""File names and other untrusted strings shown to people, and one identity per source file.

A file name is data. `printable()` is the one escaping every name and message goes through
before it reaches a terminal, a log, a Prefect state or the run report: bytes that are not
UTF-8 (kept by Python as lone surrogates) become `\\xNN`, control characters (escape
sequences, carriage returns) `\\xNN`, and invisible or direction-changing characters (bidi
overrides and isolates, zero-width characters) `\\uNNNN`, so what is shown is what is there.
Rich markup is escaped where Rich prints (`flows/cli.py`), not here.

`source_id()` names a source file whatever the spelling of its path (`sources/a.md`,
`./sources/a.md`, `/abs/sources/a.md`): ownership of an output folder and the per-source state
are keyed by it, so another spelling is the same article, never a duplicate.
"""

from __future__ import annotations

import os
import unicodedata

# Unicode categories escaped: controls, format characters (bidi, zero-width), line/paragraph
# separators, unassigned and private-use code points (nothing a reader can see).
_ESCAPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every character a terminal or a reader would not show as itself escaped.

    Printable text (any script, spaces, tabs aside) is unchanged; the result is valid UTF-8."""
    if text.isprintable():
        return text
    return "".join(
        _escape(ch) if unicodedata.category(ch) in _ESCAPED_CATEGORIES else ch for ch in text
    )


def source_id(source: str) -> str:
    """The real path of `source`'s folder joined with its file name (the name itself is not
    followed: a symlink is refused as a source, never taken for its target)."""
    head, name = os.path.split(os.fspath(source))
    return os.path.join(os.path.realpath(head or "."), name)


_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")


def mixed_scripts(title: str) -> bool:
    """True when a word of `title` mixes letters of Latin, Cyrillic, Greek... (homoglyphs:
    `Аrchive` with a Cyrillic А). Real words are written in one script."""
    for word in title.split():
        scripts: set[str] = set()
        for ch in word:
            if ch.isalpha():
                name = unicodedata.name(ch, "")
                scripts.update(s for s in _SCRIPTS if name.startswith(s))
        if len(scripts) > 1:
            return True
    return False
