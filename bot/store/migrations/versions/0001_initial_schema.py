"""Initial schema: the local backend's tables and the bot's state tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 15:02:31.456756
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "local_workspaces",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("admin_only_master_data", sa.Boolean(), nullable=False),
        sa.Column("default_timezone", sa.String(length=64), nullable=False),
        sa.Column("weekly_target_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_workspaces")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_local_workspaces_tenant_id")),
    )
    op.create_table(
        "local_clients",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["local_workspaces.id"],
            name=op.f("fk_local_clients_workspace_id_local_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_clients")),
        sa.UniqueConstraint("workspace_id", "name_key", name=op.f("uq_local_clients_workspace_id_name_key")),
    )
    op.create_table(
        "local_tags",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["local_workspaces.id"],
            name=op.f("fk_local_tags_workspace_id_local_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_tags")),
        sa.UniqueConstraint("workspace_id", "name_key", name=op.f("uq_local_tags_workspace_id_name_key")),
    )
    op.create_table(
        "local_users",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("aad_object_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["local_workspaces.id"],
            name=op.f("fk_local_users_workspace_id_local_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_users")),
        sa.UniqueConstraint(
            "workspace_id", "aad_object_id", name=op.f("uq_local_users_workspace_id_aad_object_id")
        ),
    )
    op.create_table(
        "local_projects",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=True),
        sa.Column("client_key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=True),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["local_clients.id"],
            name=op.f("fk_local_projects_client_id_local_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["local_users.id"],
            name=op.f("fk_local_projects_created_by_local_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["local_workspaces.id"],
            name=op.f("fk_local_projects_workspace_id_local_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_projects")),
        sa.UniqueConstraint(
            "workspace_id",
            "client_key",
            "name_key",
            name=op.f("uq_local_projects_workspace_id_client_key_name_key"),
        ),
    )
    op.create_table(
        "local_working_hours",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["local_users.id"],
            name=op.f("fk_local_working_hours_user_id_local_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["local_workspaces.id"],
            name=op.f("fk_local_working_hours_workspace_id_local_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_working_hours")),
    )
    op.create_index(
        op.f("ix_local_working_hours_workspace_id_user_id_start"),
        "local_working_hours",
        ["workspace_id", "user_id", "start"],
        unique=False,
    )
    op.create_index(
        "uq_local_working_hours_open",
        "local_working_hours",
        ["user_id", "type"],
        unique=True,
        sqlite_where=sa.text('"end" IS NULL'),
        postgresql_where=sa.text('"end" IS NULL'),
    )

    op.create_table(
        "local_tasks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("project_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("estimate_seconds", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["local_projects.id"],
            name=op.f("fk_local_tasks_project_id_local_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["local_workspaces.id"],
            name=op.f("fk_local_tasks_workspace_id_local_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_tasks")),
        sa.UniqueConstraint("project_id", "name_key", name=op.f("uq_local_tasks_project_id_name_key")),
    )
    op.create_index(
        op.f("ix_local_tasks_workspace_id_project_id"),
        "local_tasks",
        ["workspace_id", "project_id"],
        unique=False,
    )

    op.create_table(
        "local_time_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=32), nullable=True),
        sa.Column("task_id", sa.String(length=32), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["local_projects.id"],
            name=op.f("fk_local_time_entries_project_id_local_projects"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["local_tasks.id"],
            name=op.f("fk_local_time_entries_task_id_local_tasks"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["local_users.id"],
            name=op.f("fk_local_time_entries_user_id_local_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["local_workspaces.id"],
            name=op.f("fk_local_time_entries_workspace_id_local_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_time_entries")),
    )
    op.create_index(
        op.f("ix_local_time_entries_project_id"), "local_time_entries", ["project_id"], unique=False
    )
    op.create_index(
        op.f("ix_local_time_entries_workspace_id_user_id_start"),
        "local_time_entries",
        ["workspace_id", "user_id", "start"],
        unique=False,
    )
    op.create_index(
        "uq_local_time_entries_running",
        "local_time_entries",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text('"end" IS NULL'),
        postgresql_where=sa.text('"end" IS NULL'),
    )

    op.create_table(
        "local_feed_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=256), nullable=True),
        sa.Column("booked_entry_id", sa.String(length=32), nullable=True),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booked_entry_id"],
            ["local_time_entries.id"],
            name=op.f("fk_local_feed_events_booked_entry_id_local_time_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["local_users.id"],
            name=op.f("fk_local_feed_events_user_id_local_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["local_workspaces.id"],
            name=op.f("fk_local_feed_events_workspace_id_local_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_feed_events")),
        sa.UniqueConstraint(
            "user_id", "source", "external_id", name=op.f("uq_local_feed_events_user_id_source_external_id")
        ),
    )
    op.create_index(
        op.f("ix_local_feed_events_workspace_id_user_id_start"),
        "local_feed_events",
        ["workspace_id", "user_id", "start"],
        unique=False,
    )

    op.create_table(
        "local_time_entry_tags",
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("tag_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["local_time_entries.id"],
            name=op.f("fk_local_time_entry_tags_entry_id_local_time_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["local_tags.id"],
            name=op.f("fk_local_time_entry_tags_tag_id_local_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "tag_id", name=op.f("pk_local_time_entry_tags")),
    )
    op.create_index(
        op.f("ix_local_time_entry_tags_tag_id"), "local_time_entry_tags", ["tag_id"], unique=False
    )

    op.create_table(
        "bot_conversation_refs",
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_bot_conversation_refs")),
    )
    op.create_index(
        op.f("ix_bot_conversation_refs_tenant_id"), "bot_conversation_refs", ["tenant_id"], unique=False
    )

    op.create_table(
        "bot_seen_activities",
        sa.Column("activity_id", sa.String(length=512), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_bot_seen_activities")),
    )
    op.create_index(op.f("ix_bot_seen_activities_seen_at"), "bot_seen_activities", ["seen_at"], unique=False)

    op.create_table(
        "bot_undo_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("aad_object_id", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=128), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_undo_records")),
        sa.UniqueConstraint("token", name=op.f("uq_bot_undo_records_token")),
    )
    op.create_index(
        op.f("ix_bot_undo_records_tenant_id_aad_object_id_id"),
        "bot_undo_records",
        ["tenant_id", "aad_object_id", "id"],
        unique=False,
    )

    op.create_table(
        "bot_user_prefs",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("aad_object_id", sa.String(length=64), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("locale", sa.String(length=35), nullable=True),
        sa.Column("backend", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=128), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "aad_object_id", name=op.f("pk_bot_user_prefs")),
    )


def downgrade() -> None:
    op.drop_table("bot_user_prefs")
    op.drop_index(op.f("ix_bot_undo_records_tenant_id_aad_object_id_id"), table_name="bot_undo_records")

    op.drop_table("bot_undo_records")
    op.drop_index(op.f("ix_bot_seen_activities_seen_at"), table_name="bot_seen_activities")

    op.drop_table("bot_seen_activities")
    op.drop_index(op.f("ix_bot_conversation_refs_tenant_id"), table_name="bot_conversation_refs")

    op.drop_table("bot_conversation_refs")
    op.drop_index(op.f("ix_local_time_entry_tags_tag_id"), table_name="local_time_entry_tags")

    op.drop_table("local_time_entry_tags")
    op.drop_index(op.f("ix_local_feed_events_workspace_id_user_id_start"), table_name="local_feed_events")

    op.drop_table("local_feed_events")
    op.drop_index("uq_local_time_entries_running", table_name="local_time_entries")
    op.drop_index(op.f("ix_local_time_entries_workspace_id_user_id_start"), table_name="local_time_entries")
    op.drop_index(op.f("ix_local_time_entries_project_id"), table_name="local_time_entries")

    op.drop_table("local_time_entries")
    op.drop_index(op.f("ix_local_tasks_workspace_id_project_id"), table_name="local_tasks")

    op.drop_table("local_tasks")
    op.drop_index("uq_local_working_hours_open", table_name="local_working_hours")
    op.drop_index(op.f("ix_local_working_hours_workspace_id_user_id_start"), table_name="local_working_hours")

    op.drop_table("local_working_hours")
    op.drop_table("local_projects")
    op.drop_table("local_users")
    op.drop_table("local_tags")
    op.drop_table("local_clients")
    op.drop_table("local_workspaces")
