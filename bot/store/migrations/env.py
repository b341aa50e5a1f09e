"""Alembic environment for timebot: the local backend's tables and the bot's state tables.

Programmatic use (`bot.store.migrate.upgrade`) hands over an open connection in `config.attributes`;
the `alembic` command line builds its own engine from `TIMEBOT_DATABASE_URL` (or the bot's settings).
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from adapters.local.tables import metadata as local_metadata
from bot.store.tables import metadata as store_metadata

config = context.config
target_metadata = [local_metadata, store_metadata]


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch mode for ALTER
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _database_url() -> str:
    url = os.environ.get("TIMEBOT_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.settings import Settings

    return Settings().effective_database_url


async def _run_online_with_own_engine() -> None:
    from adapters.sql import create_engine

    engine = create_engine(_database_url())
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_configure)
    finally:
        await engine.dispose()


def _run_offline() -> None:
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _configure(connection)
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    if context.is_offline_mode():
        _run_offline()
    else:
        asyncio.run(_run_online_with_own_engine())
