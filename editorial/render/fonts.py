"""WeasyPrint's font configurations, with a temporary folder that does not outlive the process.

WeasyPrint writes each @font-face font into a `weasyprint-*` folder it removes in
`FontConfiguration.__del__`, which never runs for the configurations a process keeps for its
lifetime (ours are cached: one per worker for the report, one for the cards), so every run
left them in /tmp. Here the folder is named after the process (`editorial-fonts-<pid>-…`),
removed when the process exits (also a worker of the pool, through multiprocessing's
finalizers), and a killed process's folders are removed by the next run
(`editorial.tmpfiles.clear_stale`, called by the worker pool).
"""

from __future__ import annotations

import atexit
import os
import shutil
from multiprocessing import util
from pathlib import Path

from weasyprint.text.fonts import FontConfiguration

from editorial import tmpfiles

PREFIX = tmpfiles.FONTS_PREFIX
_folders: list[tuple[int, Path]] = []


def _cleanup() -> None:
    pid = os.getpid()
    for owner, folder in _folders:
        if owner == pid:  # never a folder a forked child inherited from its parent
            shutil.rmtree(folder, ignore_errors=True)


def font_configuration() -> FontConfiguration:
    """A FontConfiguration whose font folder is removed when this process exits."""
    config = FontConfiguration()
    folder = tmpfiles.make(PREFIX)
    config._folder = folder  # WeasyPrint creates its own only when this is None
    if not any(owner == os.getpid() for owner, _ in _folders):
        atexit.register(_cleanup)
        util.Finalize(None, _cleanup, exitpriority=10)
    _folders.append((os.getpid(), folder))
    return config
