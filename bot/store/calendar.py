"""Each person's synced calendar windows: the meetings of a window and Graph's delta link for it.

A window is what `feed` asked for ([local midnight, local midnight + days) as UTC). Windows not synced for a
week are dropped on the next write; `forget` drops all of a person's (sign-out, turning the feed off).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.sql import dialect_insert, read_connection, write
from bot.store import tables as t

KEEP = timedelta(days=7)


@dataclass(frozen=True)
class Window:
    events: dict[str, dict[str, Any]]  # Graph event id → its stored fields
    delta_link: str | None
    synced_at: datetime


class CalendarWindows:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @staticmethod
    def _key(identity: Identity, start: datetime, end: datetime) -> sa.ColumnElement[bool]:
        c = t.calendar_windows.c
        return sa.and_(
            c.tenant_id == identity.tenant_id,
            c.aad_object_id == identity.aad_object_id,
            c.window_start == start,
            c.window_end == end,
        )

    async def get(self, identity: Identity, start: datetime, end: datetime) -> Window | None:
        c = t.calendar_windows.c
        async with read_connection(self._engine) as conn:
            row = (
                await conn.execute(
                    sa.select(c.events, c.delta_link, c.synced_at).where(self._key(identity, start, end))
                )
            ).one_or_none()
        return Window(dict(row.events), row.delta_link, row.synced_at) if row is not None else None

    async def save(self, identity: Identity, start: datetime, end: datetime, window: Window) -> None:
        table = t.calendar_windows
        values = {"events": window.events, "delta_link": window.delta_link, "synced_at": window.synced_at}
        async with write(self._engine) as conn:
            await conn.execute(table.delete().where(table.c.synced_at < window.synced_at - KEEP))
            stmt = dialect_insert(conn, table).values(
                tenant_id=identity.tenant_id,
                aad_object_id=identity.aad_object_id,
                window_start=start,
                window_end=end,
                **values,
            )
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["tenant_id", "aad_object_id", "window_start", "window_end"], set_=values
                )
            )

    async def forget(self, identity: Identity) -> None:
        c = t.calendar_windows.c
        async with write(self._engine) as conn:
            await conn.execute(
                t.calendar_windows.delete().where(
                    c.tenant_id == identity.tenant_id, c.aad_object_id == identity.aad_object_id
                )
            )
