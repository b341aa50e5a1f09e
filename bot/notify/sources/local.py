"""The local backend's change outbox (`local_changes`), relayed into `bot_changes`.

The local backend writes a row in the same transaction as each write; the relay moves rows into the
change store and deletes them in one transaction, keyed `local:<row id>`, so a crash mid-way repeats
nothing and loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.local import tables as lt
from adapters.sql import write
from bot.notify.changes import Change, ChangeStore


def _change(row: Any, actor_name: str | None) -> Change:
    state = row.after if row.after is not None else row.before or {}
    owner = state.get("user_id") if row.entity == "times" else None
    return Change(
        backend="local",
        workspace_id=row.workspace_id,
        entity=row.entity,
        event=row.event,
        entity_id=row.entity_id,
        key=f"local:{row.id}",
        occurred_at=row.occurred_at,
        actor_id=row.actor_id,
        actor_name=actor_name,
        owner_id=str(owner) if owner else None,
        fields=dict(state),
        before=dict(row.before) if row.before is not None and row.event != "deleted" else None,
        origin=row.origin,
    )


async def relay(engine: AsyncEngine, changes: ChangeStore, now: datetime, limit: int = 500) -> int:
    """Move up to `limit` outbox rows into the change store; returns how many."""
    c, users = lt.changes, lt.users
    query = (
        sa.select(c, users.c.name.label("actor_name"))
        .select_from(c.outerjoin(users, users.c.id == c.c.actor_id))
        .order_by(c.c.id)
        .limit(limit)
    )
    async with write(engine) as conn:
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(of=c, skip_locked=True)
        rows = (await conn.execute(query)).all()
        for row in rows:
            await changes.add(_change(row, row.actor_name), now, conn=conn)
        if rows:
            await conn.execute(c.delete().where(c.c.id.in_([r.id for r in rows])))
    return len(rows)
