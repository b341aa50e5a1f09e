"""Sign-in: each person's encrypted MSAL token cache (and awork OAuth tokens), and pending sign-in links.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bot_token_caches",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("aad_object_id", sa.String(64), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "aad_object_id", "provider", name=op.f("pk_bot_token_caches")),
    )
    op.create_table(
        "bot_signin_states",
        sa.Column("state_hash", sa.String(64), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("aad_object_id", sa.String(64), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_bot_signin_states")),
    )
    op.create_index(
        op.f("ix_bot_signin_states_expires_at"), "bot_signin_states", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_bot_signin_states_expires_at"), table_name="bot_signin_states")
    op.drop_table("bot_signin_states")
    op.drop_table("bot_token_caches")
