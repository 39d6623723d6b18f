"""A run paused for review keeps its process alive after Prefect gives its deployment slot back.

Prefect 3.9 holds a deployment's concurrency slot with a lease that the flow engine renews every
225 s from the run's own process, and it cancels the run when a renewal fails
(`raise_on_lease_renewal_failure=True`). The server revokes that lease when the run leaves
Running, Paused included (`ReleaseFlowConcurrencySlots`): a paused run is not counted against the
limit, and a resumed one is not counted again. The engine's renewal thread does not know: its
first renewal after the pause gets 410 Gone and cancels the run, which ends Crashed ("Execution
was cancelled by the runtime environment"). So every review that the editor resumed more than
about 3 min 45 s after the run started crashed and published nothing (issue 15).

`pausing()` marks the current flow run as paused in this process; `install()` wraps Prefect's
renewal-failure handler so that, for a run marked so, a failed renewal is logged and the run goes
on (what Prefect itself does for a lease lost after the run's end), while any other run is
cancelled as before. Prefect 3.9.1's own fix for the same clash with `AwaitingRetry`
(`RetryFailedFlows`) does not cover Paused. Version-guarded: when the handler is not where or
what 3.9 has, nothing is patched and `install()` says so.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["install", "kept_leases", "pausing"]

_HANDLER_PARAMS = [
    "exc",
    "lease_id",
    "raise_on_lease_renewal_failure",
    "suppress_warnings",
    "cancel_scope",
]
_paused: set[str] = set()  # flow-run ids of this process that have paused
_kept: list[str] = []  # leases whose failed renewal did not cancel a paused run
_lock = threading.Lock()
_logger = logging.getLogger("editorial.leases")


def _current_run_id() -> str | None:
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    run = getattr(ctx, "flow_run", None)
    return str(run.id) if run is not None else None


def install() -> bool:
    """Patch Prefect's lease-renewal failure handler (once per process); whether it is patched."""
    try:
        from prefect.concurrency import _leases
    except ImportError:
        return False
    original = getattr(_leases, "_handle_lease_renewal_failure", None)
    if original is None:
        return False
    if getattr(original, "_editorial_pause_aware", False):
        return True
    if list(inspect.signature(original).parameters) != _HANDLER_PARAMS:
        return False

    @functools.wraps(original)
    def handle(exc: BaseException, lease_id: Any, raise_on_lease_renewal_failure: bool,
               suppress_warnings: bool, cancel_scope: Any) -> None:  # fmt: skip
        run_id = _current_run_id()
        with _lock:
            paused = run_id is not None and run_id in _paused
            if paused:
                _kept.append(str(lease_id))
        if paused:
            _run_logger().info(
                "The concurrency lease %s ended while the run was paused for review (Prefect "
                "releases a paused run's deployment slot); the run goes on.", lease_id)  # fmt: skip
            return
        original(exc, lease_id, raise_on_lease_renewal_failure, suppress_warnings, cancel_scope)

    handle._editorial_pause_aware = True  # type: ignore[attr-defined]
    _leases._handle_lease_renewal_failure = handle
    return True


def _run_logger() -> Any:
    from prefect.logging.loggers import get_run_logger

    try:
        return get_run_logger()
    except Exception:  # noqa: BLE001 - outside a run context: the module's logger
        return _logger


def kept_leases() -> tuple[str, ...]:
    """The leases of this process whose renewal failed during or after a pause (in order)."""
    with _lock:
        return tuple(_kept)


@contextmanager
def pausing() -> Iterator[bool]:
    """Around an in-process pause of the current flow run: its lease renewal failing from now on
    does not cancel it. Yields whether the patch is in place (False: Prefect changed; the run
    may then crash after a long pause, as before)."""
    patched = install()
    run_id = _current_run_id()
    if run_id is not None:
        with _lock:
            _paused.add(run_id)
    yield patched
    # Stays marked after the resume: the slot is not given back, and the renewal thread still
    # holds the revoked lease until the run ends.
