"""The bot's own state (user prefs, undo journal, conversation references, processed activity ids) and the
database plumbing shared with the local backend: engine creation and Alembic migrations."""

from bot.store.db import create_engine
from bot.store.migrate import upgrade
from bot.store.state import Store, UndoRecord, UserPrefs

__all__ = ["Store", "UndoRecord", "UserPrefs", "create_engine", "upgrade"]
