"""Prefect's temporary API server (the one `editorial run` starts when no server answers) in a
session of its own.

Prefect 3 starts it with `subprocess.Popen` in the CLI's process group, so a terminal's Ctrl-C
or a service manager's SIGTERM to the group stopped the server together with the CLI: the flow
engine then reported the stop to a closed server, retried for over a minute and ended with
`httpx.ConnectError` instead of a clean cancellation. In its own session the server outlives the
signal long enough for the engine to record the stop; Prefect stops it at the CLI's exit as
before, and `flows.reaper` stops it should the CLI die without doing so (kill -9).
Version-guarded: on a Prefect whose server class no longer looks like 3.x's, nothing changes.
"""

from __future__ import annotations

import functools
import subprocess
from typing import Any


def detach() -> bool:
    """Patch the temporary server's start (once per process); whether the patch is in place."""
    try:
        from prefect.server.api import server
    except ImportError:
        return False
    cls = getattr(server, "SubprocessASGIServer", None)
    original = getattr(cls, "_run_uvicorn_command", None)
    if cls is None or original is None or server.subprocess is not subprocess:
        return False
    if getattr(original, "_editorial_detached", False):
        return True

    @functools.wraps(original)
    def run_uvicorn_command(self: Any) -> subprocess.Popen[Any]:
        popen = subprocess.Popen

        def in_own_session(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
            kwargs.setdefault("start_new_session", True)
            return popen(*args, **kwargs)

        subprocess.Popen = in_own_session  # type: ignore[misc,assignment]
        try:
            return original(self)  # type: ignore[no-any-return]
        finally:
            subprocess.Popen = popen  # type: ignore[misc]

    run_uvicorn_command._editorial_detached = True  # type: ignore[attr-defined]
    cls._run_uvicorn_command = run_uvicorn_command
    return True
