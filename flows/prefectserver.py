"""`prefect server start` for `editorial serve`, its write transactions on SQLite begun IMMEDIATE.

Prefect 3.9 begins a write transaction on SQLite as DEFERRED unless the endpoint asks for
`with_for_update`; resuming a paused run does not (`POST /flow_runs/{id}/resume` reads the run,
then writes its Running state). In WAL mode such a transaction fails at once with "database is
locked" when another connection commits between its read and its write: SQLite cannot wait for
it (the snapshot it read is stale), so `busy_timeout` does not help. `editorial serve` writes
often (the runner records each poll, every half second; logs; events), and an editor's Resume
click was lost that way: the server answered 500 and the run stayed Paused (seen in a clean-clone
run of the walk-through). Begun IMMEDIATE, the transaction takes the write lock first and a
concurrent writer waits (`busy_timeout`, 60 s) instead of failing, as SQLite's documentation
advises. Reads outside a transaction are unchanged. Only SQLite: PostgreSQL has its own
configuration class. Version-guarded: when Prefect's SQLite configuration is not 3.9's, nothing
is patched and the server starts as before.

Run as `python -m flows.prefectserver [prefect server start options]`.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

__all__ = ["immediate_writes", "main"]


def immediate_writes() -> bool:
    """Begin every SQLite transaction Prefect's server opens for writing as IMMEDIATE (once per
    process); whether the patch is in place."""
    try:
        from prefect.server.database import configurations as conf
    except ImportError:
        return False
    cls = getattr(conf, "AioSqliteConfiguration", None)
    mode = getattr(conf, "SQLITE_BEGIN_MODE", None)
    original = getattr(cls, "begin_transaction", None)
    if cls is None or mode is None or original is None:
        return False
    if getattr(original, "_editorial_immediate", False):
        return True
    wrapped = inspect.unwrap(original)
    if list(inspect.signature(wrapped).parameters) != ["self", "session", "with_for_update"]:
        return False
    if "SQLITE_BEGIN_MODE" not in inspect.getsource(wrapped):
        return False

    @asynccontextmanager
    async def begin_transaction(
        self: Any, session: Any, with_for_update: bool = False
    ) -> AsyncGenerator[Any, None]:
        token = mode.set("IMMEDIATE")
        try:
            async with session.begin() as transaction:
                yield transaction
        finally:
            mode.reset(token)

    begin_transaction._editorial_immediate = True  # type: ignore[attr-defined]
    cls.begin_transaction = begin_transaction
    return True


def main(argv: list[str] | None = None) -> None:
    if not immediate_writes():
        print("editorial: Prefect's SQLite configuration is not as expected; write transactions "
              "stay DEFERRED", file=sys.stderr, flush=True)  # fmt: skip
    from prefect.cli import app  # the `prefect` command: it reads sys.argv

    sys.argv = ["prefect", "server", "start", *(sys.argv[1:] if argv is None else argv)]
    app()


if __name__ == "__main__":
    main()
