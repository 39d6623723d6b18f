"""Editors' corrections of an article's quotes: `<source file name>.review.yaml` beside it.

```yaml
quotes:
  - match: "Without open source"     # the beginning of the quote's text
    speaker: "Alexandre Lavallee"    # or: drop: true
```

Pure: `parse()` reads the file's bytes (safe YAML, validated), `apply()` returns a corrected
Extraction and the warnings (an entry that matches no quote), `dump()` writes the format back
and `corrections_from_review()` turns a reviewed list of quotes into entries. The file is read
by every run of the article (`editorial.stages.produce`) and is part of its content key
(`editorial.cache.job_key`); `editorial.store.write_review_file` is the one place it is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from editorial.errors import EditorialError, ReviewFileError
from editorial.model import Extraction, Quote

__all__ = [
    "REVIEW_SUFFIX",
    "Correction",
    "apply",
    "corrections_from_review",
    "dump",
    "load_for",
    "parse",
    "review_path",
]

REVIEW_SUFFIX = ".review.yaml"
MAX_REVIEW_BYTES = 1_000_000
MAX_ENTRIES = 5_000
MAX_FIELD_CHARS = 2_000
_MIN_MATCH_CHARS = 24


@dataclass(frozen=True)
class Correction:
    """One entry: the quotes whose text begins with `match` get `speaker`, or are dropped."""

    match: str
    speaker: str | None = None
    drop: bool = False


def review_path(source: str | Path) -> Path:
    """`sources/a.txt` -> `sources/a.txt.review.yaml`."""
    p = Path(source)
    return p.with_name(p.name + REVIEW_SUFFIX)


def _norm(text: str) -> str:
    """What `match` is compared on: NFC, curly quotes and dashes straightened, spaces
    collapsed, case folded (an editor types straight quotes and may not copy the case)."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(str.maketrans("‘’‚‛“”„‟–—", "''''\"\"\"\"--"))
    return re.sub(r"\s+", " ", text).strip().casefold()


def parse(data: bytes, name: str) -> tuple[Correction, ...]:
    """The entries of a corrections file; ReviewFileError naming `name` when it is malformed."""

    def bad(why: str) -> ReviewFileError:
        return ReviewFileError(f"malformed corrections file {name}: {why}")

    if len(data) > MAX_REVIEW_BYTES:
        raise bad(f"larger than {MAX_REVIEW_BYTES} bytes")
    try:
        doc = yaml.safe_load(data.decode("utf-8")) if data.strip() else {}
    except UnicodeDecodeError as exc:
        raise bad("not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise bad(f"not valid YAML{where}") from exc
    if doc is None:
        doc = {}
    if not isinstance(doc, dict) or set(doc) - {"quotes"}:
        raise bad("expected a mapping with one key, 'quotes'")
    entries = doc.get("quotes") or []
    if not isinstance(entries, list):
        raise bad("'quotes' must be a list")
    if len(entries) > MAX_ENTRIES:
        raise bad(f"more than {MAX_ENTRIES} entries")
    out: list[Correction] = []
    for n, e in enumerate(entries, 1):
        if not isinstance(e, dict) or set(e) - {"match", "speaker", "drop"}:
            raise bad(f"entry {n} must be a mapping of match, and speaker or drop")
        match, speaker, drop = e.get("match"), e.get("speaker"), e.get("drop", False)
        if not isinstance(match, str) or not match.strip():
            raise bad(f"entry {n} needs a non-empty 'match' (the beginning of the quote)")
        if speaker is not None and not isinstance(speaker, str):
            raise bad(f"entry {n}: 'speaker' must be text")
        if not isinstance(drop, bool):
            raise bad(f"entry {n}: 'drop' must be true or false")
        if (speaker is None) == (not drop):
            raise bad(f"entry {n} needs exactly one of 'speaker' or 'drop: true'")
        if len(match) > MAX_FIELD_CHARS or len(speaker or "") > MAX_FIELD_CHARS:
            raise bad(f"entry {n} is longer than {MAX_FIELD_CHARS} characters")
        out.append(Correction(match=match, speaker=None if drop else (speaker or "").strip(),
                              drop=drop))  # fmt: skip
    return tuple(out)


MAX_REVIEW_BYTES = 1 << 20  # a corrections file is a few lines per quote


def load_for(source: str | Path) -> tuple[Correction, ...] | None:
    """The corrections beside `source`, or None when it has no file (a regular file only)."""
    path = review_path(source)
    if path.is_symlink() or not path.is_file():
        return None
    from editorial.ingest import read_source  # the same bounded, no-follow read as a source

    try:
        data = read_source(path, MAX_REVIEW_BYTES)
    except OSError as exc:
        raise ReviewFileError(f"cannot read corrections file {path.name}: {exc.strerror}") from exc
    except EditorialError as exc:
        raise ReviewFileError(f"cannot read corrections file {path.name}: {exc}") from exc
    return parse(data, path.name)


def apply(
    extraction: Extraction, corrections: Sequence[Correction], name: str
) -> tuple[Extraction, tuple[str, ...]]:
    """`extraction` with the corrections applied, and one warning per entry that matches no
    quote (naming it and the file `name`). An entry applies to every quote it begins."""
    keys = [_norm(c.match) for c in corrections]
    used = [False] * len(corrections)
    quotes: list[Quote] = []
    for q in extraction.quotes:
        text = _norm(q.text)
        hits = [i for i, k in enumerate(keys) if text.startswith(k)]
        for i in hits:
            used[i] = True
        if not hits:
            quotes.append(q)
            continue
        last = corrections[hits[-1]]  # the later entry wins, as in a file read top to bottom
        if last.drop:
            continue
        speaker = last.speaker or ""
        if speaker == q.speaker:
            quotes.append(q)
        else:
            quotes.append(q.model_copy(update={"speaker": speaker, "speaker_mention": "",
                                               "speaker_named": bool(speaker)}))  # fmt: skip
    warnings = tuple(
        f"{name}: correction {c.match[:60]!r} matches no quote (left unused)"
        for c, u in zip(corrections, used, strict=True)
        if not u
    )
    return extraction.model_copy(update={"quotes": tuple(quotes)}), warnings


def unique_prefix(text: str, others: Iterable[str]) -> str:
    """The shortest beginning of `text` (at least a few words) that begins no other quote."""
    rest = [_norm(o) for o in others]
    words = text.split()
    for n in range(1, len(words) + 1):
        prefix = " ".join(words[:n])
        if len(prefix) < _MIN_MATCH_CHARS and n < len(words):
            continue
        key = _norm(prefix)
        if not any(o.startswith(key) for o in rest):
            return prefix
    return " ".join(words)


def corrections_from_review(
    quotes: Sequence[Quote], speakers: Sequence[str], keep: Sequence[bool]
) -> tuple[Correction, ...]:
    """Entries for what an editor changed in a review: a new speaker or a dropped quote.
    Quotes kept as proposed need no entry."""
    out: list[Correction] = []
    for i, (q, speaker, kept) in enumerate(zip(quotes, speakers, keep, strict=True)):
        others = [o.text for j, o in enumerate(quotes) if j != i]
        if not kept:
            out.append(Correction(match=unique_prefix(q.text, others), drop=True))
        elif speaker.strip() != q.speaker:
            out.append(Correction(match=unique_prefix(q.text, others), speaker=speaker.strip()))
    return tuple(out)


def dump(corrections: Sequence[Correction], *, header: str = "") -> bytes:
    """The file's text for `corrections` (what `parse` reads back)."""
    items = [
        {"match": c.match, "drop": True} if c.drop else {"match": c.match, "speaker": c.speaker}
        for c in corrections
    ]
    body = yaml.safe_dump({"quotes": items}, allow_unicode=True, sort_keys=False, width=1000)
    lines = [f"# {line}" for line in header.splitlines()]
    return ("\n".join([*lines, body]) if lines else body).encode("utf-8")


def merge(old: Sequence[Correction], new: Sequence[Correction]) -> tuple[Correction, ...]:
    """`old` entries that `new` does not replace (same match), then `new`."""
    replaced = {_norm(c.match) for c in new}
    return tuple(c for c in old if _norm(c.match) not in replaced) + tuple(new)
