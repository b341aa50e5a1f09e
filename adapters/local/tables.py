"""Tables of the local backend (SQLAlchemy Core, own `MetaData`).

Datetimes are `adapters.sql.types.UtcDateTime` (aware UTC in and out on every dialect). Names carry a
lower-cased `name_key` so uniqueness is case-insensitive on both databases with a plain unique constraint.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from adapters.sql.types import NAMING_CONVENTION, UtcDateTime

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

ID = sa.String(32)
"""Opaque ids: uuid4 hex."""


def _created() -> sa.Column[datetime]:
    return sa.Column("created_at", UtcDateTime(), nullable=False)


RULE_MINUTES_DEFAULTS: dict[str, int] = {
    "break_after_minutes": 360,
    "break_minutes": 30,
    "long_break_after_minutes": 540,
    "long_break_minutes": 45,
    "min_break_block_minutes": 15,
    "max_daily_minutes": 600,
    "min_rest_minutes": 660,
}
"""Frozen copy of the `WorkingTimeRules` defaults at migration 0002 (the migration repeats them)."""

workspaces = sa.Table(
    "local_workspaces",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("admin_only_master_data", sa.Boolean(), nullable=False),
    sa.Column("default_timezone", sa.String(64), nullable=False),
    sa.Column("weekly_target_minutes", sa.Integer(), nullable=False),
    _created(),
    # WorkingTimeRules, one column per field (`rules_<field>`); server defaults are the German ArbZG ones.
    sa.Column("rules_enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
    *(
        sa.Column(f"rules_{name}", sa.Integer(), nullable=False, server_default=str(default))
        for name, default in RULE_MINUTES_DEFAULTS.items()
    ),
    sa.UniqueConstraint("tenant_id"),
)

users = sa.Table(
    "local_users",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("workspace_id", ID, sa.ForeignKey("local_workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("aad_object_id", sa.String(64), nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=True),
    sa.Column("is_admin", sa.Boolean(), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=True),
    _created(),
    sa.UniqueConstraint("workspace_id", "aad_object_id"),
)

clients = sa.Table(
    "local_clients",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("workspace_id", ID, sa.ForeignKey("local_workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_key", sa.String(200), nullable=False),
    sa.Column("archived", sa.Boolean(), nullable=False),
    _created(),
    sa.UniqueConstraint("workspace_id", "name_key"),
)

projects = sa.Table(
    "local_projects",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("workspace_id", ID, sa.ForeignKey("local_workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("client_id", ID, sa.ForeignKey("local_clients.id", ondelete="RESTRICT"), nullable=True),
    # '' when the project has no client: NULLs are distinct in unique constraints, '' is not.
    sa.Column("client_key", sa.String(32), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_key", sa.String(200), nullable=False),
    sa.Column("billable", sa.Boolean(), nullable=False),
    sa.Column("color", sa.String(7), nullable=True),
    sa.Column("private", sa.Boolean(), nullable=False),
    sa.Column("done", sa.Boolean(), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("created_by", ID, sa.ForeignKey("local_users.id", ondelete="SET NULL"), nullable=True),
    _created(),
    sa.UniqueConstraint("workspace_id", "client_key", "name_key"),
)

tasks = sa.Table(
    "local_tasks",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("workspace_id", ID, sa.ForeignKey("local_workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("project_id", ID, sa.ForeignKey("local_projects.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_key", sa.String(200), nullable=False),
    sa.Column("done", sa.Boolean(), nullable=False),
    sa.Column("estimate_seconds", sa.Integer(), nullable=True),
    _created(),
    sa.UniqueConstraint("project_id", "name_key"),
    sa.Index(None, "workspace_id", "project_id"),
)

tags = sa.Table(
    "local_tags",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("workspace_id", ID, sa.ForeignKey("local_workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_key", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    _created(),
    sa.UniqueConstraint("workspace_id", "name_key"),
)

time_entries = sa.Table(
    "local_time_entries",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("workspace_id", ID, sa.ForeignKey("local_workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", ID, sa.ForeignKey("local_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("start", UtcDateTime(), nullable=False),
    sa.Column("end", UtcDateTime(), nullable=True),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("project_id", ID, sa.ForeignKey("local_projects.id", ondelete="SET NULL"), nullable=True),
    sa.Column("task_id", ID, sa.ForeignKey("local_tasks.id", ondelete="SET NULL"), nullable=True),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("billable", sa.Boolean(), nullable=False),
    _created(),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index(None, "workspace_id", "user_id", "start"),
    # One running timer per user, enforced by the database (race-safe) and serving the running-timer lookup.
    sa.Index(
        "uq_local_time_entries_running",
        "user_id",
        unique=True,
        sqlite_where=sa.text('"end" IS NULL'),
        postgresql_where=sa.text('"end" IS NULL'),
    ),
    sa.Index(None, "project_id"),
)

time_entry_tags = sa.Table(
    "local_time_entry_tags",
    metadata,
    sa.Column("entry_id", ID, sa.ForeignKey("local_time_entries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", ID, sa.ForeignKey("local_tags.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Index(None, "tag_id"),
)

working_hours = sa.Table(
    "local_working_hours",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("workspace_id", ID, sa.ForeignKey("local_workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", ID, sa.ForeignKey("local_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("start", UtcDateTime(), nullable=False),
    sa.Column("end", UtcDateTime(), nullable=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    _created(),
    sa.Index(None, "workspace_id", "user_id", "start"),
    # At most one open interval per user and type (one open "work", one open "break").
    sa.Index(
        "uq_local_working_hours_open",
        "user_id",
        "type",
        unique=True,
        sqlite_where=sa.text('"end" IS NULL'),
        postgresql_where=sa.text('"end" IS NULL'),
    ),
)

feed_events = sa.Table(
    "local_feed_events",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("workspace_id", ID, sa.ForeignKey("local_workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", ID, sa.ForeignKey("local_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("description", sa.Text(), nullable=False, server_default=""),
    sa.Column("start", UtcDateTime(), nullable=False),
    sa.Column("end", UtcDateTime(), nullable=False),
    sa.Column("icon_url", sa.Text(), nullable=True),
    sa.Column("url", sa.Text(), nullable=True),
    sa.Column("category", sa.String(256), nullable=True),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("external_id", sa.String(256), nullable=True),
    sa.Column(
        "booked_entry_id", ID, sa.ForeignKey("local_time_entries.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("dismissed", sa.Boolean(), nullable=False),
    _created(),
    sa.Index(None, "workspace_id", "user_id", "start"),
    sa.UniqueConstraint("user_id", "source", "external_id"),
)

# The transactional outbox of changes: written in the same transaction as the write it describes, read and
# deleted by the bot's change relay (`bot.notify.sources.local`), so no committed change goes unnoticed.
changes = sa.Table(
    "local_changes",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("workspace_id", ID, nullable=False),
    sa.Column("entity", sa.String(16), nullable=False),  # clients | projects | tasks | tags | times
    sa.Column("event", sa.String(16), nullable=False),  # created | changed | deleted
    sa.Column("entity_id", ID, nullable=False),
    sa.Column("actor_id", ID, nullable=True),
    sa.Column("before", sa.JSON(), nullable=True),
    sa.Column("after", sa.JSON(), nullable=True),
    sa.Column("origin", sa.String(512), nullable=True),  # the conversation the write came from, if any
    sa.Column("occurred_at", UtcDateTime(), nullable=False),
    sqlite_autoincrement=True,  # ids are never reused after the relay deleted rows: they key the changes
)
