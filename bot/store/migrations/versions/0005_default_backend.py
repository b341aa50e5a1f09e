"""A person who never chose a backend follows the bot's configured default (`TIMEBOT_BACKEND`).

`bot_user_prefs.backend` was NOT NULL with "local" written for everyone who saved any preference, so the
configured default never applied. NULL now means "the default"; `connect local` still stores "local". Rows
written before cannot be told apart from an explicit choice and are kept as they are.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 18:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bot_user_prefs") as batch:  # SQLite rebuilds the table; PostgreSQL alters
        batch.alter_column("backend", existing_type=sa.String(32), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE bot_user_prefs SET backend = 'local' WHERE backend IS NULL")
    with op.batch_alter_table("bot_user_prefs") as batch:
        batch.alter_column("backend", existing_type=sa.String(32), nullable=False)
