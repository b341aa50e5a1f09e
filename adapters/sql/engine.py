"""Engines for SQLite (default, zero setup) and PostgreSQL (several bot processes), and read connections.

SQLite: WAL, foreign keys and a busy timeout on every connection; write transactions (`WRITE_OPTION`, set by
`adapters.sql.writer`) start with `BEGIN IMMEDIATE` (the write lock is taken up front, so a read-then-write
transaction can never fail with "database is locked" half-way), everything else with a deferred `BEGIN`, so
readers never wait for the writer. A file has three pools: the writer's one connection and the short reads'
connections run inline on the event loop's thread (`adapters.sql.inline`), long reads (`read_connection(…,
long=True)`: report batches) use aiosqlite's threads. `synchronous=NORMAL` in WAL: a commit is durable
against a crash of the process (the WAL is in the OS's page cache before COMMIT returns); only a power loss
or OS crash may lose the last commits, never corrupt the file; FULL would add an fsync to every commit.

PostgreSQL: asyncpg with a connection pool of `pool_size` + `max_overflow` connections and no ping on checkout
(a round trip per checkout); a connection that dropped is invalidated on its first error and the turn retried
once (`bot.timebot`). A `search_path` query parameter on a PostgreSQL URL
(`postgresql://host/db?search_path=timebot`) selects the schema, so several deployments can share a database.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlalchemy import event, pool
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from adapters.sql.inline import inline_creator
from adapters.sql.unit import current_unit, joined_connection
from adapters.sql.writer import WRITE_OPTION, use_writer_engine, writer_for

SQLITE_BUSY_TIMEOUT_MS = 15_000

SQLITE_READERS = 4
"""Threaded read connections of a SQLite file, for long reads (the writer has one more of its own)."""

SQLITE_INLINE_READERS = 8
"""Read connections of a SQLite file that run on the event loop's thread, for the short reads of a turn."""

SQLITE_INLINE_READ_BUSY_MS = 1_000
"""An inline reader waits in SQLite's busy handler (holding the loop): in WAL mode a reader meets a lock only
while another connection opens or recovers the WAL, so this bounds a rare stall."""

READ_ONLY_OPTION = "timebot_read_only"
"""Execution option for connections that only read (`read_connection`)."""


def normalize_url(url: str | URL) -> URL:
    """Pick the async driver for the plain scheme names people write (`sqlite:///…`, `postgres://…`)."""
    parsed = make_url(url) if isinstance(url, str) else url
    backend = parsed.get_backend_name()
    if backend in {"postgres", "postgresql"}:
        return parsed.set(drivername="postgresql+asyncpg")
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    raise ValueError(f"unsupported database {backend!r}: use sqlite:///path or postgresql://host/db")


def _is_memory(url: URL) -> bool:
    database = url.database or ""
    return database in {"", ":memory:"} or database.startswith("file::memory:") or "mode=memory" in database


def create_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """An `AsyncEngine` for `url` with sensible settings; extra keyword arguments go to SQLAlchemy."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    return _postgres_engine(parsed, **kwargs)


def _sqlite_engine(url: URL, **kwargs: Any) -> AsyncEngine:
    memory = _is_memory(url)
    if memory:
        # One shared connection, or every connection would see its own empty database.
        kwargs.setdefault("poolclass", pool.StaticPool)
    else:
        assert url.database is not None
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("pool_size", SQLITE_READERS)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
    connect_args = dict(kwargs.pop("connect_args", {}) or {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_async_engine(url, connect_args=connect_args, **kwargs)
    _sqlite_events(engine, memory=memory, busy_timeout_ms=SQLITE_BUSY_TIMEOUT_MS)
    if not memory:
        # The one writer, on a connection of its own that runs inline (`adapters.sql.inline`); a memory
        # database has one connection for everything, so its writer uses the engine itself.
        database = str(Path(str(url.database)).expanduser())
        writer = create_async_engine(
            url, async_creator=inline_creator(database), pool_size=1, max_overflow=0, pool_timeout=60
        )
        _sqlite_events(writer, memory=False, busy_timeout_ms=0)
        use_writer_engine(engine, writer)
        # Short reads inline too (see `read_connection`); long ones keep the threaded pool of `engine`.
        reader = create_async_engine(
            url,
            async_creator=inline_creator(database),
            pool_size=SQLITE_INLINE_READERS,
            max_overflow=0,
            pool_timeout=60,
        )
        _sqlite_events(reader, memory=False, busy_timeout_ms=SQLITE_INLINE_READ_BUSY_MS)
        _INLINE_READERS[engine.sync_engine] = reader
        _dispose_with(engine, reader)
    return engine


_INLINE_READERS: WeakKeyDictionary[Any, AsyncEngine] = WeakKeyDictionary()


def _dispose_with(engine: AsyncEngine, other: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "engine_disposed")
    def _disposed(_: Any) -> None:
        other.sync_engine.dispose()


def sync_engines(engine: AsyncEngine) -> list[Any]:
    """Every sync engine that runs statements for `engine` (itself; on a SQLite file its writer and its
    inline readers): where to listen for statement events."""
    engines = [engine.sync_engine]
    reader = _INLINE_READERS.get(engine.sync_engine)
    if reader is not None:
        engines.append(reader.sync_engine)
    if engine.dialect.name == "sqlite":
        writer = writer_for(engine).engine.sync_engine
        if writer is not engine.sync_engine:
            engines.append(writer)
    return engines


def _sqlite_events(engine: AsyncEngine, *, memory: bool, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (the "begin" hook below) own transaction boundaries instead of the sqlite3 module.
        dbapi_connection.isolation_level = None
        dbapi_connection.run_async(lambda raw: _prepare_sqlite(raw, memory=memory, busy_ms=busy_timeout_ms))

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Only the writer takes the write lock up front; a deferred BEGIN never waits for it (WAL).
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    _track_statements(engine)


async def _prepare_sqlite(raw: Any, *, memory: bool, busy_ms: int) -> None:
    """Per-connection settings; the busy timeout first, so everything after it waits for locks."""
    await raw.execute(f"PRAGMA busy_timeout={busy_ms}")
    await raw.execute("PRAGMA foreign_keys=ON")
    if not memory:
        await _enable_wal(raw)
        await raw.execute("PRAGMA synchronous=NORMAL")


async def _enable_wal(raw: Any) -> None:
    """Switch the file to WAL (a persistent property of the file), retrying while the switch is refused.

    The switch needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without calling the busy
    handler, when another connection holds a write lock on a file still in rollback mode (several processes
    or engines opening a new database together). Once the file is in WAL mode the pragma is a no-op.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.001
    while True:
        try:
            cursor = await raw.execute("PRAGMA journal_mode=WAL")
            row = await cursor.fetchone()
            await cursor.close()
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
        else:
            if row is not None and str(row[0]).lower() == "wal":
                return
            if time.monotonic() > deadline:
                raise sqlite3.OperationalError(f"could not switch the database to WAL (it is in {row})")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)


def _postgres_engine(url: URL, **kwargs: Any) -> AsyncEngine:
    query = dict(url.query)
    search_path = query.pop("search_path", None)
    url = url.set(query=query)
    connect_args = dict(kwargs.pop("connect_args", {}) or {})
    if search_path:
        server_settings = dict(connect_args.get("server_settings", {}) or {})
        server_settings.setdefault("search_path", str(search_path))
        connect_args["server_settings"] = server_settings
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", False)
    kwargs.setdefault("pool_recycle", 1800)
    engine = create_async_engine(url, connect_args=connect_args, **kwargs)
    _track_statements(engine)
    return engine


def _track_statements(engine: AsyncEngine) -> None:
    """Count the statements that completed in the current unit of work (see `unit.statements`)."""

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _done(*_: Any) -> None:
        unit = current_unit()
        if unit is not None:
            unit.statements += 1


def is_disconnect(exc: BaseException) -> bool:
    """True for an error that came from a connection the database or the network dropped."""
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


@asynccontextmanager
async def read_connection(engine: AsyncEngine, *, long: bool = False) -> AsyncIterator[AsyncConnection]:
    """A connection for a read-only unit of work.

    Inside a unit of work that has written on `engine`, its connection: a command reads its own writes.
    Otherwise on SQLite one deferred transaction, rolled back at the end (readers never queue behind the
    writer). On a SQLite file it runs inline on the event loop's thread (`adapters.sql.inline`): a turn's
    short indexed reads take SQLite microseconds, while each of aiosqlite's thread hops costs ≈100 µs and
    contends for the GIL. `long=True` (a report batch, an export) keeps aiosqlite's threads, so a long
    query never stalls the loop. On PostgreSQL no transaction at all (autocommit), so a read is its
    statement's one round trip instead of BEGIN, the statement and ROLLBACK. Under PostgreSQL's READ
    COMMITTED every statement of a transaction takes its own snapshot anyway, so what they see is the same.
    """
    joined = joined_connection(engine)
    if joined is not None:
        yield joined
        return
    inline = None if long else _INLINE_READERS.get(engine.sync_engine)
    async with (inline or engine).connect() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execution_options(isolation_level="AUTOCOMMIT")
        else:
            await conn.execution_options(**{READ_ONLY_OPTION: True})
        yield conn


def dialect_insert(conn: AsyncConnection, table: sa.Table) -> Any:
    """A dialect insert that supports `on_conflict_do_update/nothing` (same API on both dialects)."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
