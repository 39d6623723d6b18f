"""Nothing of `editorial run` outlives it, even after kill -9.

The workers and the fork server exit with their parent by themselves (`editorial.workers`); the
processes others start for us do not: Prefect's temporary API server (an unauthenticated
uvicorn on 127.0.0.1) and multiprocessing's resource tracker. `start()` launches this small
watcher (standard library only, in its own session) with the read end of a pipe only the CLI
holds. Every half second it notes the CLI's direct children (Linux `/proc/<pid>/task/*/children`,
with their start times, so a reused pid is never hit); when the pipe reaches end of file the
CLI is gone, however it ended, and every noted child still running gets SIGTERM, then SIGKILL
after 3 s. A CLI that ended normally has stopped its children already: then it does nothing.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

_keep: list[int] = []


def start() -> None:
    """Watch this process (best effort: where /proc is missing, nothing is watched)."""
    if not Path(f"/proc/{os.getpid()}/task").is_dir() or _keep:
        return
    r, w = os.pipe()
    with contextlib.suppress(OSError):
        subprocess.Popen([sys.executable, "-I", __file__, str(os.getpid())], stdin=r,  # noqa: S603
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, close_fds=True)  # fmt: skip
    os.close(r)
    _keep.append(w)  # non-inheritable: closed only when this process ends


def _started(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _children(pid: int) -> dict[int, str]:
    found: dict[int, str] = {}
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError, ValueError):
                for child in map(int, (task / "children").read_text().split()):
                    found[child] = _started(child)
    return found


def watch(parent: int) -> None:
    seen: dict[int, str] = {}
    while True:
        ready, _, _ = select.select([sys.stdin.fileno()], [], [], 0.5)
        if ready and not os.read(sys.stdin.fileno(), 1):
            break  # end of file: the CLI is gone
        seen.update(_children(parent))
    seen.pop(os.getpid(), None)  # this watcher is one of the CLI's children too
    alive = {pid: t for pid, t in seen.items() if t and _started(pid) == t}
    for pid in alive:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 3
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = {pid: t for pid, t in alive.items() if _started(pid) == t}
    for pid in alive:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    watch(int(sys.argv[1]))
