"""The SQLite writer's connection: aiosqlite's API, but each call runs at once on the event loop's thread.

aiosqlite hands every call (cursor, execute, fetch, close, commit: three to four per statement) to the
connection's own thread and back, about 100 µs each here, while a write statement takes SQLite a few
microseconds. Worse, each hand-off lets every other ready task run before the writer continues, so a
transaction held across them stretches with the load. The writer only runs short statements on a WAL
database with `synchronous=NORMAL` (no fsync per COMMIT), so it calls SQLite directly: each call completes
before the awaiting code resumes, without a thread hop and without giving up the loop. Readers keep
aiosqlite's threads (a long report query must not stall the loop). The connection never waits in SQLite's
busy handler (timeout 0): a busy database is waited for with `asyncio.sleep` by the writer
(`adapters.sql.writer`).

This relies on two details of aiosqlite's `Connection` (the `_tx` queue its calls go through and the worker
thread `__await__` starts); the storage test suite runs every write through it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator
from typing import Any

import aiosqlite


class _RunNow:
    """Stands in for aiosqlite's queue to its thread: runs each queued call immediately."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]

    def __await__(self) -> Generator[Any, None, aiosqlite.Connection]:
        return self._connect().__await__()  # no worker thread


def inline_creator(database: str) -> Callable[[], Any]:
    """An `async_creator` for SQLAlchemy's aiosqlite dialect that opens `database` inline."""

    async def connect() -> aiosqlite.Connection:
        return await InlineConnection(
            lambda: sqlite3.connect(database, timeout=0, isolation_level=None, check_same_thread=False)
        )

    return connect
