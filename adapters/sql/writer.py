"""Where a unit of work's transaction comes from: SQLite's single writer, or a pooled PostgreSQL connection.

SQLite allows one writer at a time. Rather than letting writers meet in SQLite's busy handler (which sleeps in
steps of up to 100 ms), every write transaction of an engine goes through its one `SqliteWriter`: units queue
for it in the event loop, in arrival order, each runs in a SAVEPOINT of the open transaction, and the writer
group-commits them (see `SqliteWriter`). Readers use their own pooled connections with a deferred `BEGIN`
(WAL: they see the last commit and never wait for the writer).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

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


class _Batch:
    """One SQLite transaction shared by the units that ran in it, one after the other, until its COMMIT."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.units = 0  # units whose work is in it (released savepoints)
        self.committed: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class _UnitTransaction:
    """A unit's part of a batch: a SAVEPOINT. Its COMMIT waits for the batch's."""

    def __init__(self, writer: SqliteWriter, batch: _Batch, savepoint: AsyncTransaction | None) -> None:
        self.conn = batch.conn
        self._writer = writer
        self._batch = batch
        self._savepoint = savepoint

    async def commit(self) -> None:
        batch = self._batch
        try:
            if self._savepoint is not None:
                await self._savepoint.commit()  # RELEASE: the unit's work joins the batch
        except BaseException as exc:
            await self._writer.fail(batch, exc)
            raise
        batch.units += 1
        await self._writer.hand_over(batch)
        await asyncio.shield(batch.committed)  # "Logged" means committed: wait for the batch's COMMIT

    async def rollback(self) -> None:
        batch = self._batch
        if self._savepoint is None:  # the batch's first unit: nothing else is in its transaction
            await self._writer.fail(batch, None)
            return
        try:
            await self._savepoint.rollback()  # ROLLBACK TO: only this unit's work goes
        except BaseException as exc:
            await self._writer.fail(batch, exc)
            raise
        await self._writer.hand_over(batch)


class SqliteWriter:
    """The one writer of a SQLite engine, committing units in groups.

    Units run one at a time (in arrival order) in the open batch transaction: the first directly, every
    later one in a SAVEPOINT. A unit that finishes hands the writer to the next one waiting; the one that
    finds nobody waiting (or the batch full, `MAX_BATCH`) COMMITs the batch for all of them, and each unit
    returns only then. Under load one COMMIT serves many commands; alone, a unit commits at once and pays
    no SAVEPOINT. A unit that fails rolls back to its savepoint (the batch's first: the whole, still its
    own, transaction): the others' work stays. If the COMMIT fails, every unit of the batch fails with it.

    Its connections come from `engine` (the inline writer engine of a SQLite file, see `adapters.sql.engine`).
    Another process holding the write lock is waited for here, with `asyncio.sleep`, never in SQLite's busy
    handler, which would block the event loop the inline connection runs on.
    """

    MAX_BATCH = 64

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.slot = asyncio.Lock()
        self.waiting = 0  # units queued for the slot
        self.commits = 0  # batches committed (instrumentation)
        self._batch: _Batch | None = None
        self._background: set[asyncio.Future[None]] = set()

    async def begin(self) -> Transaction:
        self.waiting += 1
        try:
            await self.slot.acquire()
        except BaseException:
            self.waiting -= 1
            if not self.slot.locked() and self._batch is not None:
                # We were the one the last unit left its batch to: commit it for them.
                task = asyncio.ensure_future(self._commit_left_over())
                self._background.add(task)
                task.add_done_callback(self._background.discard)
            raise
        self.waiting -= 1
        try:
            if self._batch is None:
                # The batch's first unit runs in the transaction itself: if it fails, nothing else is in it
                # (so a writer nobody queues for costs no SAVEPOINT).
                batch = self._batch = _Batch(await self._begin_immediate())
                savepoint = None
            else:
                batch = self._batch
                try:
                    savepoint = await batch.conn.begin_nested()
                except BaseException as exc:
                    await self.fail(batch, exc, release=False)
                    raise
        except BaseException:
            self.slot.release()
            raise
        return _UnitTransaction(self, batch, savepoint)

    async def hand_over(self, batch: _Batch) -> None:
        """The unit holding the slot is done: commit the batch if nobody is waiting, then free the slot."""
        try:
            if self.waiting == 0 or batch.units >= self.MAX_BATCH:
                await asyncio.shield(asyncio.ensure_future(self._commit(batch)))
        finally:
            self.slot.release()

    async def fail(self, batch: _Batch, exc: BaseException | None, *, release: bool = True) -> None:
        """Roll the whole batch back: its only unit failed (`exc` None), or a savepoint statement failed
        (the transaction cannot be trusted: every unit of the batch fails with `exc`)."""
        if self._batch is batch:
            self._batch = None
        try:
            await asyncio.shield(asyncio.ensure_future(self._abort(batch, exc)))
        finally:
            if release:
                self.slot.release()

    async def _commit(self, batch: _Batch) -> None:
        if self._batch is batch:
            self._batch = None
        if batch.units == 0:  # only units that rolled back: nothing to commit
            await self._abort(batch, None)
            return
        try:
            await batch.conn.commit()
        except BaseException as exc:
            await self._abort(batch, exc)
            return
        self.commits += 1
        await batch.conn.close()
        if not batch.committed.done():
            batch.committed.set_result(None)

    async def _abort(self, batch: _Batch, exc: BaseException | None) -> None:
        try:
            await batch.conn.rollback()
        except Exception:
            pass
        finally:
            await batch.conn.close()
        if not batch.committed.done():
            if exc is None:
                batch.committed.set_result(None)
            else:
                batch.committed.set_exception(exc)
                batch.committed.exception()  # retrieved: units that rolled back do not wait for it

    async def _commit_left_over(self) -> None:
        async with self.slot:
            batch = self._batch
            if batch is not None and self.waiting == 0:
                await self._commit(batch)

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
