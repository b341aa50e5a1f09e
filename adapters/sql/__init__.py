"""The SQL engine that the local backend (`adapters.local`) and the bot's own state (`bot.store`) share: one
database, one way to open it (SQLite or PostgreSQL), one way to read from it, the same column types.

Below both of them, so neither imports the other for plumbing.
"""

from adapters.sql.engine import (
    READ_ONLY_OPTION,
    create_engine,
    dialect_insert,
    is_postgres,
    normalize_url,
    read_connection,
)
from adapters.sql.types import NAMING_CONVENTION, UtcDateTime

__all__ = [
    "NAMING_CONVENTION",
    "READ_ONLY_OPTION",
    "UtcDateTime",
    "create_engine",
    "dialect_insert",
    "is_postgres",
    "normalize_url",
    "read_connection",
]
