"""Run the Alembic migrations programmatically (`upgrade head`), safe on every start-up.

On PostgreSQL the whole upgrade runs in one transaction behind a transaction-scoped advisory lock, so several
bot processes starting together migrate once and the others wait, then find the schema at head (a no-op).
On SQLite the transaction starts with `BEGIN IMMEDIATE` (see `adapters.sql.engine`), which serialises them
too.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql import WRITE_OPTION

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed 64-bit number works; this one is "timebot" in ASCII.
ADVISORY_LOCK_KEY = 0x74696D65626F74


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database at `engine` to `revision` (default: the newest)."""
    async with engine.connect() as conn:
        await conn.execution_options(**{WRITE_OPTION: True})  # SQLite: BEGIN IMMEDIATE
        async with conn.begin():
            if conn.dialect.name == "postgresql":
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            await conn.run_sync(_upgrade, revision)


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(_current)
