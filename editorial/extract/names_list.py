"""The newsroom name list: names the extractor must always get right, kept as plain text.

`editorial/data/names.txt` holds one `Name<TAB>LABEL[<TAB>Canonical]` line per name (LABEL is
PERSON, ORG or LOC; `#` starts a comment). Editors change it without touching code; it is read
once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "names.txt"


@dataclass(frozen=True, slots=True)
class NameEntry:
    name: str
    label: str
    canonical: str


@lru_cache(maxsize=4)
def load_names(path: Path = NAMES_FILE) -> tuple[NameEntry, ...]:
    """The newsroom name list: `Name<TAB>LABEL[<TAB>Canonical]`, `#` comments, blank lines."""
    entries: list[NameEntry] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ()
    for line in lines:
        line = line.split("#", 1)[0].rstrip() if not line.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 2 or parts[1] not in ("PERSON", "ORG", "LOC"):
            continue
        canonical = parts[2] if len(parts) > 2 and parts[2] else parts[0]
        entries.append(NameEntry(parts[0], parts[1], canonical))
    return tuple(entries)
