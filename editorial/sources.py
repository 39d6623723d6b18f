"""Which files are articles: discovery of sources under the paths an editor gives."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from editorial.ingest import SUPPORTED


def discover(paths: Iterable[str | Path]) -> list[str]:
    """Article files under `paths` (files or folders), sorted, hidden files skipped.

    Unsupported files given explicitly are kept (they fail with `unsupported_format`)."""
    found: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(
                str(f) for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in SUPPORTED
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )  # fmt: skip
        else:
            found.append(str(p))
    return list(dict.fromkeys(found))
