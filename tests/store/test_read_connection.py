"""`adapters.sql.read_connection`: a read costs one round trip on PostgreSQL and sees committed writes."""

from __future__ import annotations

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
