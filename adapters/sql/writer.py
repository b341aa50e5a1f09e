"""Where a unit of work's transaction comes from: SQLite's single writer, or a pooled PostgreSQL connection.

SQLite allows one writer at a time. Rather than letting writers meet in SQLite's busy handler (which sleeps in
steps of up to 100 ms), every write transaction of an engine goes through its one `SqliteWriter`: units queue
for it in the event loop, in arrival order, and run on a connection that starts with `BEGIN IMMEDIATE`.
Readers use their own pooled connections with a deferred `BEGIN` (WAL: they see the last commit and never wait
for the writer).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

WRITE_OPTION = "timebot_write"
"""Execution option of connections that write: on SQLite their transaction starts with BEGIN IMMEDIATE (the
write lock up front, so a read-then-write transaction never fails half-way); everything else with BEGIN."""


class Transaction(Protocol):
    conn: AsyncConnection

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class _Pooled:
    """A pooled connection with its transaction (PostgreSQL: units run side by side)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def commit(self) -> None:
        try:
            await self.conn.commit()
        finally:
            await self.conn.close()

    async def rollback(self) -> None:
        try:
            await self.conn.rollback()
        finally:
            await self.conn.close()


async def begin_transaction(engine: AsyncEngine) -> Transaction:
    """A new write transaction on `engine` (SQLite: waits for the writer)."""
    if engine.dialect.name == "sqlite":
        return await writer_for(engine).begin()
    conn = await engine.connect()
    try:
        await conn.begin()
    except BaseException:
        await conn.close()
        raise
    return _Pooled(conn)


class _WriterTransaction:
    def __init__(self, conn: AsyncConnection, writer: SqliteWriter) -> None:
        self.conn = conn
        self._writer = writer

    async def commit(self) -> None:
        try:
            await self.conn.commit()
        finally:
            await self._close()

    async def rollback(self) -> None:
        try:
            await self.conn.rollback()
        finally:
            await self._close()

    async def _close(self) -> None:
        try:
            await self.conn.close()
        finally:
            self._writer.slot.release()


class SqliteWriter:
    """The one writer of a SQLite engine: a write transaction at a time, taken in arrival order.

    Its connections come from `engine` (the inline writer engine of a SQLite file, see `adapters.sql.engine`).
    Another process holding the write lock is waited for here, with `asyncio.sleep`, never in SQLite's busy
    handler, which would block the event loop the inline connection runs on.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.slot = asyncio.Lock()

    async def begin(self) -> Transaction:
        await self.slot.acquire()
        try:
            conn = await self._begin_immediate()
        except BaseException:
            self.slot.release()
            raise
        return _WriterTransaction(conn, self)

    async def _begin_immediate(self) -> AsyncConnection:
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        delay = 0.001
        while True:
            conn = await self.engine.connect()
            try:
                await conn.execution_options(**{WRITE_OPTION: True})
                await conn.begin()
                return conn
            except OperationalError as exc:
                await conn.close()
                if not _busy(exc) or time.monotonic() > deadline:
                    raise
            except BaseException:
                await conn.close()
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)


BUSY_WAIT_SECONDS = 15.0


def _busy(exc: OperationalError) -> bool:
    orig = exc.orig
    return isinstance(orig, sqlite3.OperationalError) and orig.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY


_WRITERS: WeakKeyDictionary[Any, SqliteWriter] = WeakKeyDictionary()


def use_writer_engine(engine: AsyncEngine, writer: AsyncEngine) -> None:
    """Let `writer` (one connection) do every write of `engine`; disposed with it."""
    _WRITERS[engine.sync_engine] = SqliteWriter(writer)

    @event.listens_for(engine.sync_engine, "engine_disposed")
    def _disposed(_: Any) -> None:
        writer.sync_engine.dispose()


def writer_for(engine: AsyncEngine) -> SqliteWriter:
    writer = _WRITERS.get(engine.sync_engine)
    if writer is None:  # a memory database: one connection for reading and writing
        writer = _WRITERS[engine.sync_engine] = SqliteWriter(engine)
    return writer
