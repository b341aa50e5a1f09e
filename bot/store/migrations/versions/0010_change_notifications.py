"""Change notifications: subscriptions, received changes, last-seen entity states, webhook endpoints, the
local backend's change outbox, and whose personal chat a conversation reference is.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 14:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "local_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.String(32), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("origin", sa.String(512), nullable=True),
        sa.Column("occurred_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_changes")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "bot_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("change", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("received_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_changes")),
        sa.UniqueConstraint("key", name=op.f("uq_bot_changes_key")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_bot_changes_due", "bot_changes", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_bot_changes_received_at"), "bot_changes", ["received_at"])
    op.create_table(
        "bot_entity_snapshots",
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(128), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint(
            "backend", "workspace_id", "entity", "entity_id", name=op.f("pk_bot_entity_snapshots")
        ),
    )
    op.create_table(
        "bot_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(512), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("projects", sa.JSON(), nullable=False),
        sa.Column("owner_tenant_id", sa.String(64), nullable=False),
        sa.Column("owner_aad_object_id", sa.String(64), nullable=False),
        sa.Column("owner_user_id", sa.String(128), nullable=False),
        sa.Column("owner_name", sa.String(200), nullable=False),
        sa.Column("locale", sa.String(35), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_subscriptions")),
        sa.UniqueConstraint(
            "conversation_id",
            "backend",
            "workspace_id",
            "entity",
            name=op.f("uq_bot_subscriptions_conversation_id_backend_workspace_id_entity"),
        ),
    )
    op.create_index(
        op.f("ix_bot_subscriptions_backend_workspace_id_entity"),
        "bot_subscriptions",
        ["backend", "workspace_id", "entity"],
    )
    op.create_table(
        "bot_webhook_endpoints",
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("owner_tenant_id", sa.String(64), nullable=False),
        sa.Column("owner_aad_object_id", sa.String(64), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("remote", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("validated_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_bot_webhook_endpoints")),
        sa.UniqueConstraint(
            "backend", "workspace_id", name=op.f("uq_bot_webhook_endpoints_backend_workspace_id")
        ),
    )
    with op.batch_alter_table("bot_undo_records") as batch:
        batch.add_column(sa.Column("conversation_id", sa.String(512), nullable=True))
    with op.batch_alter_table("bot_conversation_refs") as batch:
        batch.add_column(sa.Column("scope", sa.String(16), nullable=True))
        batch.add_column(sa.Column("aad_object_id", sa.String(64), nullable=True))
        batch.create_index(
            op.f("ix_bot_conversation_refs_tenant_id_aad_object_id"), ["tenant_id", "aad_object_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("bot_conversation_refs") as batch:
        batch.drop_index(op.f("ix_bot_conversation_refs_tenant_id_aad_object_id"))
        batch.drop_column("aad_object_id")
        batch.drop_column("scope")
    with op.batch_alter_table("bot_undo_records") as batch:
        batch.drop_column("conversation_id")
    for table in (
        "bot_webhook_endpoints",
        "bot_subscriptions",
        "bot_entity_snapshots",
        "bot_changes",
        "local_changes",
    ):
        op.drop_table(table)
