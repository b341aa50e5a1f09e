"""The calendar feed: each person's Outlook meetings per window, with Graph's delta link to read only changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bot_calendar_windows",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("aad_object_id", sa.String(64), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delta_link", sa.Text(), nullable=True),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "aad_object_id", "window_start", "window_end", name=op.f("pk_bot_calendar_windows")
        ),
    )
    op.create_index(
        op.f("ix_bot_calendar_windows_synced_at"), "bot_calendar_windows", ["synced_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_bot_calendar_windows_synced_at"), table_name="bot_calendar_windows")
    op.drop_table("bot_calendar_windows")
