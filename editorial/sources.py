"""Which files are articles: discovery of sources under the paths an editor gives.

Every entry under a folder whose name has an article's extension gets a row in the report:
regular files are published; symlinks, FIFOs, sockets and devices fail with `unsafe_source`
(`editorial.ingest.read_source` refuses them without opening them for reading); hidden files
found in a folder (`.draft.md`, editors' `.#lock.md`) are skipped with the reason: they come
back as `Hidden`, a `str` that says so, and `ignored()` tells. A hidden file named explicitly
is published. Hidden folders (`.git/`, `.state/`) are not entered, nor are symlinked folders
inside a folder given (a folder given is entered even through a symlink).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from editorial.ingest import SUPPORTED
from editorial.names import source_id
from editorial.review import REVIEW_SUFFIX

HIDDEN = "hidden file (its name starts with a dot): not published"


class Hidden(str):
    """The path of a hidden file found in a folder: reported as skipped, never published."""

    __slots__ = ()


def discover(paths: Iterable[str | Path]) -> list[str]:
    """Article entries under `paths` (files or folders), each folder's sorted.

    Unsupported files given explicitly are kept (they fail with `unsupported_format`)."""
    found: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():  # a folder named explicitly is entered even through a symlink
            found += _walk(p)
        else:
            found.append(str(p))
    unique: dict[str, str] = {}  # one job per file, whatever the spellings given
    for path in found:
        unique.setdefault(source_id(path), path)
    return list(unique.values())


def _walk(root: Path) -> list[str]:
    entries: list[str] = []
    for folder, dirs, files in os.walk(root, onerror=None, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        # os.walk lists a symlink to a folder among `dirs`: it is an entry too, never followed.
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = [d for d in dirs if d not in links]
        for name in files + links:
            if Path(name).suffix.lower() in SUPPORTED and not name.endswith(REVIEW_SUFFIX):
                path = os.path.join(folder, name)
                entries.append(Hidden(path) if name.startswith(".") else path)
    return sorted(entries)


def ignored(source: str) -> str:
    """Why `source` is reported without being published ("" when it is published)."""
    return HIDDEN if isinstance(source, Hidden) else ""
