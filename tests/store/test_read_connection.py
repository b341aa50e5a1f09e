"""`adapters.sql.read_connection`: a read costs one round trip on PostgreSQL and sees committed writes."""

from __future__ import annotations

import asyncio
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine


@pytest.fixture
def postgres(engine: AsyncEngine) -> AsyncEngine:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite reads are one deferred transaction (they never block a writer)")
    return engine


async def test_a_read_on_postgresql_opens_no_transaction(postgres: AsyncEngine) -> None:
    """No BEGIN and ROLLBACK around the statement: asyncpg's connection is never inside a transaction."""
    from adapters.sql import read_connection

    async with read_connection(postgres) as conn:
        assert (await conn.execute(sa.text("SELECT 1"))).scalar_one() == 1
        raw = await conn.get_raw_connection()
        assert raw.driver_connection.is_in_transaction() is False  # type: ignore[union-attr]


async def test_a_read_on_postgresql_sees_each_commit_as_before(postgres: AsyncEngine) -> None:
    """READ COMMITTED as the transaction gave: every statement sees what was committed before it."""
    from adapters.sql import read_connection

    async with postgres.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE read_probe (x INTEGER)"))
    async with read_connection(postgres) as reader:
        assert (await reader.execute(sa.text("SELECT count(*) FROM read_probe"))).scalar_one() == 0
        async with postgres.begin() as writer:
            await writer.execute(sa.text("INSERT INTO read_probe VALUES (1)"))
        assert (await reader.execute(sa.text("SELECT count(*) FROM read_probe"))).scalar_one() == 1


@pytest.fixture
def sqlite_file(engine: AsyncEngine) -> AsyncEngine:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL reads go to asyncpg's pool")
    return engine


async def _thread_of_read(engine: AsyncEngine, *, long: bool) -> int:
    """The thread that SQLite itself runs a read's statement on (a function evaluated by SQLite)."""
    from adapters.sql import read_connection

    async with read_connection(engine, long=long) as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        await raw.create_function("thread_id", 0, threading.get_ident)  # type: ignore[union-attr]
        return int((await conn.execute(sa.text("SELECT thread_id()"))).scalar_one())


async def test_a_short_read_on_sqlite_runs_on_the_loops_thread_and_a_long_one_does_not(
    sqlite_file: AsyncEngine,
) -> None:
    assert await _thread_of_read(sqlite_file, long=False) == threading.get_ident()
    assert await _thread_of_read(sqlite_file, long=True) != threading.get_ident()


async def test_an_inline_read_sees_what_committed_and_never_waits_for_the_writer(
    sqlite_file: AsyncEngine,
) -> None:
    """WAL: a reader on the loop's thread reads the last commit while a write transaction is open (were it to
    wait for the write lock, it would hold the very loop the writer needs to finish)."""
    from adapters.sql import read_connection, unit_of_work, write

    async with sqlite_file.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE read_probe (x INTEGER)"))
    holding, release = asyncio.Event(), asyncio.Event()

    async def unit() -> None:
        async with unit_of_work():
            async with write(sqlite_file) as conn:
                await conn.execute(sa.text("INSERT INTO read_probe VALUES (1)"))
            holding.set()
            await release.wait()

    async def count() -> int:
        async with read_connection(sqlite_file) as reader:
            return int((await reader.execute(sa.text("SELECT count(*) FROM read_probe"))).scalar_one())

    writing = asyncio.create_task(unit())
    await holding.wait()
    assert await count() == 0  # the open transaction is not seen, and the read did not wait for it
    release.set()
    await writing
    assert await count() == 1
