"""Plain text has no markup: the first line is the title, every other non-empty line a paragraph.

Questions followed by an answer become FAQ pairs (when the article has at least two); scraping
debris (a lone `-min.png)` line) is dropped with a warning.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from editorial.errors import EditorialError
from editorial.ingest.decode import clean_text, decode
from editorial.ingest.draft import Draft, Parsed
from editorial.model import Article

_DEBRIS = re.compile(
    r"""^(?:
        [^\s]*\.(?:png|jpe?g|gif|webp|svg|avif)\)?   # a cut image reference
      | !?\[[^\]]*\]\([^)]*\)?                       # a markdown image/link left alone
      | [\W\d_]+                                     # no letters at all
    )$""",
    re.X | re.I,
)
_OPEN_QUOTES = "\"“«„‘'‹"


def is_debris(line: str) -> bool:
    return bool(_DEBRIS.match(line.strip()))


def is_question(line: str) -> bool:
    words = line.split()
    return line.endswith("?") and 2 <= len(words) <= 30 and line[0] not in _OPEN_QUOTES


def parse(text: str) -> Parsed:
    lines = [" ".join(x.split()) for x in text.split("\n")]
    warnings: list[str] = []
    paras: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        if is_debris(line):
            warnings.append(f"dropped debris line {number}: {line[:40]!r}")
            continue
        paras.append(line)
    if not paras:
        return Parsed((), {}, tuple(warnings))
    title, rest = paras[0], paras[1:]
    questions = [i for i, p in enumerate(rest) if is_question(p) and i + 1 < len(rest)
                 and not is_question(rest[i + 1])]  # fmt: skip
    faq = set(questions) if len(questions) >= 2 else set()
    drafts = [Draft("title", title)]
    for i, p in enumerate(rest):
        if i in faq:
            drafts.append(Draft("faq_question", p))
        elif i - 1 in faq:
            drafts.append(Draft("faq_answer", p))
        else:
            drafts.append(Draft("paragraph", p))
    return Parsed(tuple(drafts), {}, tuple(warnings))


# --- offsets into the decoded file ----------------------------------------------------------
# `parse` collapses spaces and drops lines (debris, a date line), so `Article.text` is not the
# file. For a `.txt` source, quote offsets must index what the editor gave: the decoded file.


def decoded_source(article: Article, max_bytes: int = 64 << 20) -> str | None:
    """The decoded text of a `.txt` article's source file, if it is still the file that was
    ingested (same sha256), else None. Remembered per (file, hash): the extractor and the
    report's layout both ask for it, and the text of those bytes cannot change."""
    if article.format != "txt":
        return None
    return _decoded_source(article.source, article.content_hash, max_bytes)


@lru_cache(maxsize=4)
def _decoded_source(source: str, content_hash: str, max_bytes: int) -> str | None:
    from editorial.ingest import read_source  # here: editorial.ingest imports this module

    try:
        data = read_source(Path(source), max_bytes)
    except (OSError, EditorialError):
        return None
    if hashlib.sha256(data).hexdigest() != content_hash:
        return None
    return file_text(data)


def file_text(data: bytes) -> str | None:
    """The file's text as a reader opening it sees it: decoded (UTF-8, else as `decode` does),
    newlines as LF, nothing else changed (the invisible characters and controls `decode`
    removes are still there: offsets into this text are offsets into the file)."""
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            raw = decode(data)[0]
        except EditorialError:
            return None
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def _to_raw(clean: str, raw: str) -> list[int] | None:
    """For each offset of `clean` (= `decode`'s cleaning of `raw`) and its end, the offset in
    `raw`: characters the cleaning dropped are skipped, composed characters span their parts."""
    out = [0] * (len(clean) + 1)
    i = j = 0
    while i < len(clean):
        if j < len(raw) and clean[i] == raw[j]:
            out[i] = j
            i, j = i + 1, j + 1
            continue
        for k in range(1, 5):  # NFC: one character from up to four
            if j + k <= len(raw) and unicodedata.normalize("NFC", raw[j : j + k]) == clean[i]:
                out[i] = j
                i, j = i + 1, j + k
                break
        else:
            if j >= len(raw) or raw[j].isprintable() and not unicodedata.category(raw[j]) == "Cf":
                if j < len(raw) and clean[i] == "\n" and raw[j] in "\u2028\u2029":
                    out[i] = j
                    i, j = i + 1, j + 1
                    continue
                return None
            j += 1  # a control or an invisible character the cleaning dropped
    out[len(clean)] = j
    return out


def source_offsets(source: str, article: Article) -> list[int] | None:
    """For each offset of `article.text` (and its end), the offset in `source` (the decoded
    `.txt` file) of the same character; None when a block cannot be found in `source`.

    Each block's text is searched in `source` after the previous one, any run of spaces in the
    block matching any run of whitespace in the file; inside a block, characters are paired one
    by one. The "\\n\\n" between blocks maps to the end of the block before."""
    clean = clean_text(source)
    to_raw = _to_raw(clean, source) if clean != source else None
    if clean != source and to_raw is None:
        return None
    mapped = _block_offsets(clean, article)
    if mapped is None or to_raw is None:
        return mapped
    return [to_raw[k] for k in mapped]


def _block_offsets(source: str, article: Article) -> list[int] | None:
    text = article.text
    out = [0] * (len(text) + 1)
    pos = 0
    last = 0
    for block in article.blocks:
        words = block.text.split()
        if not words:
            continue
        for i in range(last, block.start):
            out[i] = pos
        at = source.find(block.text, pos)
        if at >= 0 and not source[pos:at].strip():  # verbatim (the usual case): a shift
            out[block.start : block.end] = range(at, at + len(block.text))
            last, pos = block.end, at + len(block.text)
            continue
        rx = re.compile(r"\s+".join(re.escape(w) for w in words))
        m = rx.search(source, pos)
        if m is None:
            return None
        i, j = block.start, m.start()
        while i < block.end:
            if text[i].isspace():
                out[i] = j
                i += 1
                while j < m.end() and source[j].isspace():
                    j += 1
                continue
            out[i] = j
            i, j = i + 1, j + 1
        last, pos = block.end, m.end()
    for i in range(last, len(text) + 1):
        out[i] = pos
    return out
