"""Databases for tests: a temporary SQLite file, or a fresh PostgreSQL schema that is dropped afterwards.

Use the `database_url` / `engine` fixtures (import them into a folder's conftest.py), or the context managers
`database(kind, tmp_path)` and `engine_for(url)` directly. PostgreSQL comes from `TIMEBOT_TEST_POSTGRES_URL`
(default `postgresql+asyncpg://postgres@127.0.0.1:5432/test`); each use gets its own schema (selected with
`?search_path=`, which `adapters.sql.create_engine` turns into asyncpg's `server_settings`), so parallel and
repeated runs never collide. If PostgreSQL is unreachable its tests fail when `CI` is set and skip otherwise.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import os
import shutil
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.local.tables import metadata as local_metadata
from adapters.sql import create_engine
from bot.store.migrate import upgrade
from bot.store.tables import metadata as store_metadata

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
POSTGRES_URL = os.environ.get("TIMEBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]
"""Parameters for anything that should run on both databases."""


def _asyncpg_dsn(url: str) -> str:
    parsed = make_url(url)
    parsed = parsed.set(drivername="postgresql", query={})
    return parsed.render_as_string(hide_password=False)


@functools.cache
def _postgres_problem() -> str | None:
    """None if PostgreSQL answers, else why not (checked once per test session)."""

    async def probe() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def require_postgres() -> None:
    # Runs in a worker thread: the probe needs its own event loop and the test's loop is already running.
    problem = _postgres_problem()
    if problem is None:
        return
    message = f"PostgreSQL at {POSTGRES_URL} is unreachable ({problem}); set TIMEBOT_TEST_POSTGRES_URL"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A fresh, empty schema; yields a URL whose connections use it. Dropped (with everything) afterwards."""
    await asyncio.to_thread(require_postgres)
    schema = f"timebot_test_{uuid.uuid4().hex[:16]}"
    dsn = _asyncpg_dsn(POSTGRES_URL)
    admin = await asyncpg.connect(dsn, timeout=5)
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        separator = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{separator}search_path={schema}"
    finally:
        try:
            await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await admin.close()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@asynccontextmanager
async def database(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of `kind` ("sqlite" or "postgres"); yields its URL."""
    if kind == "sqlite":
        yield sqlite_url(tmp_path / f"timebot-{uuid.uuid4().hex[:8]}.db")
    elif kind == "postgres":
        async with postgres_schema() as url:
            yield url
    else:
        raise ValueError(f"unknown database kind {kind!r}")


@asynccontextmanager
async def engine_for(url: str, *, migrate: bool = True) -> AsyncIterator[AsyncEngine]:
    """An engine for `url` (migrated to head unless `migrate=False`), disposed afterwards."""
    engine = create_engine(url)
    try:
        if migrate:
            await upgrade(engine)
        yield engine
    finally:
        await engine.dispose()


class _Templates:
    """Migrated databases made once per test session and reused: a SQLite file that each test copies, and a
    PostgreSQL schema that each test empties before use. Migrations are tested on their own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sqlite: Path | None = None
        self._postgres: str | None = None
        self._postgres_schema: str | None = None

    def sqlite(self) -> Path:
        with self._lock:
            if self._sqlite is None:
                import tempfile

                folder = Path(tempfile.mkdtemp(prefix="timebot-template-"))
                path = folder / "template.db"
                asyncio.run(self._migrate(sqlite_url(path)))
                atexit.register(shutil.rmtree, folder, True)
                self._sqlite = path
            return self._sqlite

    def postgres(self) -> str:
        require_postgres()
        with self._lock:
            if self._postgres is None:
                schema = f"timebot_test_{uuid.uuid4().hex[:16]}"
                asyncio.run(_execute(f'CREATE SCHEMA "{schema}"'))
                self._postgres_schema = schema
                atexit.register(self._drop_postgres)
                separator = "&" if "?" in POSTGRES_URL else "?"
                url = f"{POSTGRES_URL}{separator}search_path={schema}"
                asyncio.run(self._migrate(url))
                self._postgres = url
            return self._postgres

    def _drop_postgres(self) -> None:
        if self._postgres_schema:
            asyncio.run(_execute(f'DROP SCHEMA IF EXISTS "{self._postgres_schema}" CASCADE'))

    @staticmethod
    async def _migrate(url: str) -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()


async def _execute(sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


_TEMPLATES = _Templates()
_EMPTYING_ORDER = [*reversed(local_metadata.sorted_tables), *reversed(store_metadata.sorted_tables)]


@asynccontextmanager
async def migrated_engine(kind: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database of `kind` ("sqlite" or "postgres"), fast: cloned from a session template.

    The PostgreSQL one is shared by the tests of a session (emptied before each), so do not use it from two
    tests at once; use `database()` + `engine_for()` for a private one.
    """
    if kind == "sqlite":
        template = await asyncio.to_thread(_TEMPLATES.sqlite)
        path = tmp_path / f"timebot-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template, path)
        url = sqlite_url(path)
    elif kind == "postgres":
        url = await asyncio.to_thread(_TEMPLATES.postgres)
    else:
        raise ValueError(f"unknown database kind {kind!r}")
    engine = create_engine(url)
    try:
        if kind == "postgres":
            # DELETE beats TRUNCATE on a handful of tiny tables (no new files, no fsync per table).
            async with engine.begin() as conn:
                for table in _EMPTYING_ORDER:
                    await conn.execute(table.delete())
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture(params=DATABASES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database, once on SQLite and once on PostgreSQL."""
    async with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(params=DATABASES)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database, once on SQLite and once on PostgreSQL (see `migrated_engine`)."""
    async with migrated_engine(request.param, tmp_path) as migrated:
        yield migrated
