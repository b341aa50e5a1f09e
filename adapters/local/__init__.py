"""The embedded **local** backend: everything stored in the bot's own SQL database (SQLite or PostgreSQL)."""

from adapters.local.backend import LocalBackend
from adapters.local.factory import LocalBackendFactory

__all__ = ["LocalBackend", "LocalBackendFactory"]
