"""Working-time rules per workspace (`WorkingTimeRules`): one column per rule, German ArbZG defaults.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MINUTES = {
    "break_after_minutes": 360,
    "break_minutes": 30,
    "long_break_after_minutes": 540,
    "long_break_minutes": 45,
    "min_break_block_minutes": 15,
    "max_daily_minutes": 600,
    "min_rest_minutes": 660,
}


def upgrade() -> None:
    with op.batch_alter_table("local_workspaces") as batch:
        batch.add_column(sa.Column("rules_enabled", sa.Boolean(), nullable=False, server_default=sa.true()))
        for name, default in _MINUTES.items():
            batch.add_column(
                sa.Column(f"rules_{name}", sa.Integer(), nullable=False, server_default=str(default))
            )


def downgrade() -> None:
    with op.batch_alter_table("local_workspaces") as batch:
        for name in reversed(_MINUTES):
            batch.drop_column(f"rules_{name}")
        batch.drop_column("rules_enabled")
