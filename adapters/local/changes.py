"""The local backend's transactional outbox: each write records what it changed in the same transaction.

`record` is called inside the write's transaction, so a change is in `local_changes` exactly when the write
committed: none is notified that did not happen, none is lost. The bot relays and deletes the rows
(`bot.notify.sources.local`). `ORIGIN` names the conversation a write came from (set by the bot for the
turn), so a person's own chat is not told about what they just did there.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.local import tables as t

ORIGIN: ContextVar[str | None] = ContextVar("timebot_change_origin", default=None)


def _state(value: BaseModel | dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in value.items()}


async def record(
    conn: AsyncConnection,
    entity: str,
    event: str,
    after: BaseModel | dict[str, Any] | None,
    *,
    workspace_id: str,
    entity_id: str,
    actor_id: str,
    now: datetime,
    before: BaseModel | dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        _INSERT,
        {
            "workspace_id": workspace_id,
            "entity": entity,
            "event": event,
            "entity_id": entity_id,
            "actor_id": actor_id,
            "before": _state(before),
            "after": _state(after),
            "origin": ORIGIN.get(),
            "occurred_at": now,
        },
    )


_INSERT = t.changes.insert()  # built once: every write records its change
