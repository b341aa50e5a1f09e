"""The notification queue: proactive messages (change cards, digests, feed posts, reminders) kept until sent.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bot_notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(512), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(35), nullable=False),
        sa.Column("coalesce_key", sa.String(255), nullable=True),
        sa.Column("open_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sent_version", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(512), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("leased_by", sa.String(64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_notifications")),
    )
    op.create_index("ix_bot_notifications_due", "bot_notifications", ["status", "next_attempt_at"])
    op.create_index(
        "ix_bot_notifications_conversation", "bot_notifications", ["conversation_id", "status", "id"]
    )
    op.create_index(
        "ix_bot_notifications_coalesce",
        "bot_notifications",
        ["conversation_id", "coalesce_key", "open_until"],
    )
    op.create_table(
        "bot_notification_keys",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_bot_notification_keys")),
    )
    op.create_index(op.f("ix_bot_notification_keys_created_at"), "bot_notification_keys", ["created_at"])


def downgrade() -> None:
    op.drop_table("bot_notification_keys")
    op.drop_table("bot_notifications")
