"""Temporary folders outside `--out` (worker claims, WeasyPrint's fonts): each is named
`<prefix><pid>-…` after the process that made it and removed by it on exit; the folders of a
process that was killed (kill -9, the OOM killer) are removed by the next run's `clear_stale`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

CLAIMS_PREFIX = "editorial-claims-"  # editorial.workers: which worker runs which article
FONTS_PREFIX = "editorial-fonts-"  # editorial.render.fonts: WeasyPrint's @font-face files


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def make(prefix: str) -> Path:
    """A new private folder `<tmp>/<prefix><pid>-XXXXXXXX`."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def owner(folder: Path, prefix: str) -> int | None:
    head = folder.name[len(prefix) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def clear_stale(prefix: str, root: str | None = None) -> int:
    """Remove this user's `<prefix><pid>-…` folders whose process is gone. Returns how many."""
    removed = 0
    with contextlib.suppress(OSError):
        for d in Path(root or tempfile.gettempdir()).glob(f"{prefix}*"):
            with contextlib.suppress(OSError):
                st = d.lstat()
                pid = owner(d, prefix)
                if st.st_uid != os.getuid() or not d.is_dir() or d.is_symlink() or pid is None:
                    continue
                if not alive(pid):
                    shutil.rmtree(d, ignore_errors=True)
                    removed += 1
    return removed
