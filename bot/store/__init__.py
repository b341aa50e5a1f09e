"""The bot's own state (user prefs, undo journal, conversation references, processed activity ids) and the
Alembic migrations. The engine itself comes from `adapters.sql`, which the local backend shares."""

from adapters.sql import create_engine
from bot.store.migrate import upgrade
from bot.store.state import Store, UndoRecord, UserPrefs

__all__ = ["Store", "UndoRecord", "UserPrefs", "create_engine", "upgrade"]
