"""The feed and reminders: per-workspace API keys (hashed), the bot's own copy of posted feed events (kept
180 days), what each person booked or dismissed, the learned event → project mapping; people's personal
chats, their scheduled reminders (one row per person, kind and day) and their reminder settings.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bot_feed_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("hint", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_by_name", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_used_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_feed_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_bot_feed_keys_key_hash")),
        sa.UniqueConstraint("tenant_id", "backend", "workspace_id", "name", name="uq_bot_feed_keys_name"),
    )
    op.create_table(
        "bot_feed_events",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("aad_object_id", sa.String(64), nullable=True),
        sa.Column("user_id", sa.String(128), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("start", WHEN, nullable=False),
        sa.Column("end", WHEN, nullable=False),
        sa.Column("icon_url", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("category", sa.String(256), nullable=True),
        sa.Column("external_id", sa.String(256), nullable=True),
        sa.Column("channel", sa.String(512), nullable=True),
        sa.Column("remote_id", sa.String(128), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("modified_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_feed_events")),
        sa.UniqueConstraint(
            "tenant_id", "backend", "workspace_id", "external_id", name="uq_bot_feed_events_external_id"
        ),
    )
    op.create_index(
        "ix_bot_feed_events_person",
        "bot_feed_events",
        ["tenant_id", "backend", "workspace_id", "aad_object_id", "start"],
    )
    op.create_index(
        "ix_bot_feed_events_user",
        "bot_feed_events",
        ["tenant_id", "backend", "workspace_id", "user_id", "start"],
    )
    op.create_index(op.f("ix_bot_feed_events_expires_at"), "bot_feed_events", ["expires_at"])
    op.create_table(
        "bot_feed_marks",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("aad_object_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(256), nullable=False),
        sa.Column("booked_entry_id", sa.String(128), nullable=True),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
        sa.Column("marked_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "aad_object_id", "source", "event_id", name=op.f("pk_bot_feed_marks")
        ),
    )
    op.create_index(op.f("ix_bot_feed_marks_marked_at"), "bot_feed_marks", ["marked_at"])
    op.create_table(
        "bot_feed_mappings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("aad_object_id", sa.String(64), nullable=False),
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(256), nullable=False),
        sa.Column("project_id", sa.String(128), nullable=False),
        sa.Column("task_id", sa.String(128), nullable=True),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("last_used_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_feed_mappings")),
        sa.UniqueConstraint(
            "tenant_id",
            "aad_object_id",
            "backend",
            "workspace_id",
            "kind",
            "key",
            "project_id",
            name="uq_bot_feed_mappings_key",
        ),
    )

    with op.batch_alter_table("bot_user_prefs") as batch:
        batch.add_column(sa.Column("end_of_day", sa.String(5), nullable=True))
        batch.add_column(sa.Column("long_timer_hours", sa.Integer(), nullable=True))
        for name in ("remind_timer", "remind_nudge", "feed_push"):
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table(
        "bot_people",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("aad_object_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("locale", sa.String(35), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("backend", sa.String(32), nullable=True),
        sa.Column("workspace_id", sa.String(128), nullable=True),
        sa.Column("user_id", sa.String(128), nullable=True),
        sa.Column("last_active_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "aad_object_id", name=op.f("pk_bot_people")),
    )
    op.create_index(
        "ix_bot_people_tracker_user", "bot_people", ["tenant_id", "backend", "workspace_id", "user_id"]
    )
    op.create_table(
        "bot_reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("aad_object_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("leased_by", sa.String(32), nullable=True),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_reminders")),
        sa.UniqueConstraint("tenant_id", "aad_object_id", "kind", "day", name="uq_bot_reminders_day"),
    )
    op.create_index(op.f("ix_bot_reminders_due_at"), "bot_reminders", ["due_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bot_reminders_due_at"), table_name="bot_reminders")
    op.drop_table("bot_reminders")
    op.drop_index("ix_bot_people_tracker_user", table_name="bot_people")
    op.drop_table("bot_people")
    with op.batch_alter_table("bot_user_prefs") as batch:
        for name in ("feed_push", "remind_nudge", "remind_timer", "long_timer_hours", "end_of_day"):
            batch.drop_column(name)
    op.drop_table("bot_feed_mappings")
    op.drop_index(op.f("ix_bot_feed_marks_marked_at"), table_name="bot_feed_marks")
    op.drop_table("bot_feed_marks")
    op.drop_index(op.f("ix_bot_feed_events_expires_at"), table_name="bot_feed_events")
    op.drop_index("ix_bot_feed_events_user", table_name="bot_feed_events")
    op.drop_index("ix_bot_feed_events_person", table_name="bot_feed_events")
    op.drop_table("bot_feed_events")
    op.drop_table("bot_feed_keys")
