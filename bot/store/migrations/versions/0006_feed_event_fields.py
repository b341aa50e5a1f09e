"""Local feed events carry timeghost's custom feed event fields: `title` becomes `name`, and `description`,
`icon_url`, `url` and `category` are added (existing rows get an empty description).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("local_feed_events") as batch:  # SQLite rebuilds the table; PostgreSQL alters
        batch.alter_column("title", new_column_name="name", existing_type=sa.Text(), existing_nullable=False)
        batch.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("icon_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("category", sa.String(length=256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("local_feed_events") as batch:
        batch.drop_column("category")
        batch.drop_column("url")
        batch.drop_column("icon_url")
        batch.drop_column("description")
        batch.alter_column("name", new_column_name="title", existing_type=sa.Text(), existing_nullable=False)
