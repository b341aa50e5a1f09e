"""Engine creation for SQLite (default, zero setup) and PostgreSQL (several bot processes).

SQLite: WAL, foreign keys and a busy timeout on every connection, and transactions that start with
`BEGIN IMMEDIATE` (the write lock is taken up front, so a read-then-write transaction can never fail with
"database is locked" half-way; writers queue on the busy timeout instead). PostgreSQL: asyncpg with a
pre-pinged connection pool. A `search_path` query parameter on a PostgreSQL URL
(`postgresql://host/db?search_path=timebot`) selects the schema, so several deployments can share a database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, pool
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from adapters.local.tables import READ_ONLY_OPTION

SQLITE_BUSY_TIMEOUT_MS = 15_000


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
    if _is_memory(url):
        # One shared connection, or every connection would see its own empty database.
        kwargs.setdefault("poolclass", pool.StaticPool)
    else:
        assert url.database is not None
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # SQLite has one writer at a time. With one pooled connection, turns queue for it in the event
        # loop; with several, a blocked writer sleeps in SQLite's busy handler (steps up to 100 ms).
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
    connect_args = dict(kwargs.pop("connect_args", {}) or {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_async_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (the "begin" hook below) own transaction boundaries instead of the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not _is_memory(url):
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Pure reads may opt into a deferred BEGIN (they never upgrade to a write lock, so cannot deadlock).
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


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
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_recycle", 1800)
    return create_async_engine(url, connect_args=connect_args, **kwargs)


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


@asynccontextmanager
async def read_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for a read-only unit of work (one transaction, rolled back at the end)."""
    async with engine.connect() as conn:
        await conn.execution_options(**{READ_ONLY_OPTION: True})
        yield conn
