"""The Prefect server of `editorial serve` begins its SQLite write transactions IMMEDIATE
(flows.prefectserver), so a write that another connection commits between a transaction's read
and its write makes it wait instead of failing with "database is locked" (an editor's Resume
click was lost that way: the resume endpoint reads the run, then writes its state).

Prefect's own SQLite configuration class and engine on a real SQLite file, WAL mode and
busy_timeout as the server sets them; the concurrent writer is a second sqlite3 connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest


def _read_then_write(db: Path, wait: float) -> bool:
    """A transaction as the resume endpoint makes one: read, another connection writes (given
    up to `wait` s to commit), then write. Whether the other write committed before this
    transaction's; raises what SQLite raised."""
    from prefect.server.database.configurations import AioSqliteConfiguration
    from sqlalchemy import text

    config = AioSqliteConfiguration(connection_url=f"sqlite+aiosqlite:///{db}", timeout=10)
    other_done = threading.Event()
    committed_first: list[bool] = []

    def other_writer() -> None:
        with sqlite3.connect(db, timeout=10) as conn:  # waits for a lock, up to 10 s
            conn.execute("INSERT INTO runs (state) VALUES ('written by another connection')")
        other_done.set()

    async def scenario() -> None:
        engine = await config.engine()
        try:
            async with engine.connect() as conn:
                await conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS runs (state TEXT)")
                await conn.exec_driver_sql("INSERT INTO runs (state) VALUES ('Paused')")
                await conn.commit()
            session = await config.session(engine)
            async with session:
                async with config.begin_transaction(session):
                    await session.execute(text("SELECT state FROM runs"))  # the read
                    writer = threading.Thread(target=other_writer)
                    writer.start()
                    # DEFERRED: it commits at once; IMMEDIATE: it waits for this transaction.
                    committed_first.append(other_done.wait(wait))
                    await session.execute(text("INSERT INTO runs (state) VALUES ('Running')"))
                writer.join(10)
                assert other_done.is_set()
        finally:
            await engine.dispose()

    asyncio.run(scenario())
    return committed_first[0]


def test_a_read_then_write_transaction_waits_for_a_concurrent_writer(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from prefect.server.database.configurations import AioSqliteConfiguration
    from sqlalchemy.exc import OperationalError

    from flows.prefectserver import immediate_writes

    # Prefect as it is: the transaction fails at once.
    with pytest.raises(OperationalError, match="database is locked"):
        _read_then_write(tmp_path / "deferred.db", wait=30)  # returns once the other committed

    # Patched (restored after the test): the other writer waits, both writes land.
    monkeypatch.setattr(AioSqliteConfiguration, "begin_transaction",
                        AioSqliteConfiguration.begin_transaction)  # fmt: skip
    assert immediate_writes()
    assert immediate_writes()  # once per process: a second call changes nothing
    assert not _read_then_write(tmp_path / "immediate.db", wait=1.0)  # the other one waited
    with sqlite3.connect(tmp_path / "immediate.db") as conn:
        states = [s for (s,) in conn.execute("SELECT state FROM runs ORDER BY rowid")]
    assert states == ["Paused", "Running", "written by another connection"]

