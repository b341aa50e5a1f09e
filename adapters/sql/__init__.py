"""The SQL engine that the local backend (`adapters.local`) and the bot's own state (`bot.store`) share: one
database, one way to open it (SQLite or PostgreSQL), one way to read from it and to write to it (the unit of
work of `adapters.sql.unit`: one transaction per command), the same column types.

Below both of them, so neither imports the other for plumbing.
"""

from adapters.sql.engine import (
    READ_ONLY_OPTION,
    create_engine,
    dialect_insert,
    is_disconnect,
    is_postgres,
    normalize_url,
    read_connection,
    sync_engines,
)
from adapters.sql.types import NAMING_CONVENTION, UtcDateTime
from adapters.sql.unit import (
    after_commit,
    after_rollback,
    after_unit,
    current_unit,
    defer,
    unit_of_work,
    write,
)
from adapters.sql.writer import WRITE_OPTION

__all__ = [
    "NAMING_CONVENTION",
    "READ_ONLY_OPTION",
    "WRITE_OPTION",
    "UtcDateTime",
    "after_commit",
    "after_rollback",
    "after_unit",
    "create_engine",
    "current_unit",
    "defer",
    "dialect_insert",
    "is_disconnect",
    "is_postgres",
    "normalize_url",
    "read_connection",
    "sync_engines",
    "unit_of_work",
    "write",
]
