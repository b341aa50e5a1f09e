"""Migrations: upgrade from empty works on both databases, is idempotent, concurrent-safe, and matches the
table metadata exactly (no autogenerate diff)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.local.tables import metadata as local_metadata
from bot.store.migrate import alembic_config, current_revision, upgrade
from bot.store.tables import metadata as store_metadata
from bot.store.tables import seen_activities
from tests.support.db import engine_for

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    # Alembic accepts a sequence of MetaData here (its type hint says one).
    return list(compare_metadata(context, [local_metadata, store_metadata]))  # type: ignore[arg-type]


def _tables(connection: Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


async def test_upgrade_from_empty_creates_every_table(database_url: str) -> None:
    async with engine_for(database_url, migrate=False) as engine:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) == HEAD
        async with engine.connect() as conn:
            tables = await conn.run_sync(_tables)
    expected = set(local_metadata.tables) | set(store_metadata.tables) | {"alembic_version"}
    assert tables == expected


async def test_upgrade_twice_is_a_no_op(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(seen_activities.insert().values(activity_id="a", seen_at=datetime.now(UTC)))
    await upgrade(engine)
    await upgrade(engine)
    assert await current_revision(engine) == HEAD
    async with engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT count(*) FROM bot_seen_activities"))).scalar_one() == 1


async def test_concurrent_upgrades_migrate_once(database_url: str) -> None:
    async with (
        engine_for(database_url, migrate=False) as first,
        engine_for(database_url, migrate=False) as second,
    ):
        await asyncio.gather(upgrade(first), upgrade(second), upgrade(first))
        assert await current_revision(second) == HEAD


async def test_migration_matches_metadata(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == []


async def test_metadata_comparison_would_notice_a_missing_schema(database_url: str) -> None:
    async with engine_for(database_url, migrate=False) as engine, engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    added = {entry[1].name for entry in diff if isinstance(entry, tuple) and entry[0] == "add_table"}
    assert added == set(local_metadata.tables) | set(store_metadata.tables)
