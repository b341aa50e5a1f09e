"""Scheduled reminders: one row per person, kind and local day, so each is sent at most once, survives
restarts, and is checked by one bot process at a time.

A row is due at `due_at`. A worker claims due rows (PostgreSQL `FOR UPDATE SKIP LOCKED`; SQLite serialises
writers anyway) by moving `due_at` a lease into the future and writing its own id into `leased_by`; a worker
that dies loses the row when the lease runs out. Sending marks `sent_at` only if the worker still holds the
lease, in the same transaction as the message is queued (`bot.notify`): sent once, or not at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import dialect_insert, write
from bot.store import tables as t

Kind = Literal["timer", "nudge"]
LEASE = timedelta(minutes=2)
KEEP_DAYS = 30


@dataclass(frozen=True)
class Due:
    id: int
    tenant_id: str
    aad_object_id: str
    kind: Kind
    day: date


class Reminders:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    async def plan(
        self, tenant_id: str, aad_object_id: str, kind: Kind, day: date, due_at: datetime, now: datetime
    ) -> None:
        """Make sure the row exists and is checked by `due_at`: an earlier check already planned stays (the
        check itself finds out whether the day is over); a sent row or one being checked is left alone."""
        r = t.reminders
        async with write(self._engine) as conn:
            stmt = dialect_insert(conn, r).values(
                tenant_id=tenant_id,
                aad_object_id=aad_object_id,
                kind=kind,
                day=day,
                due_at=due_at,
                created_at=now,
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["tenant_id", "aad_object_id", "kind", "day"],
                set_={
                    "due_at": sa.case(
                        (r.c.due_at.is_(None), stmt.excluded.due_at),
                        (r.c.due_at < stmt.excluded.due_at, r.c.due_at),
                        else_=stmt.excluded.due_at,
                    )
                },
                where=sa.and_(r.c.sent_at.is_(None), r.c.leased_by.is_(None)),
            )
            await conn.execute(stmt)

    async def cancel(self, tenant_id: str, aad_object_id: str, kind: Kind, since: date) -> None:
        """Nothing more of `kind` from `since` on (the person switched it off)."""
        r = t.reminders
        async with write(self._engine) as conn:
            await conn.execute(
                r.update()
                .where(
                    r.c.tenant_id == tenant_id,
                    r.c.aad_object_id == aad_object_id,
                    r.c.kind == kind,
                    r.c.day >= since,
                    r.c.sent_at.is_(None),
                    r.c.leased_by.is_(None),
                )
                .values(due_at=None)
            )

    async def claim(self, now: datetime, worker: str, limit: int = 50) -> list[Due]:
        now = now.astimezone(UTC)
        r = t.reminders
        async with write(self._engine) as conn:
            due = (
                sa.select(r.c.id)
                .where(r.c.due_at <= now, r.c.sent_at.is_(None))
                .order_by(r.c.due_at, r.c.id)
                .limit(limit)
            )
            if conn.dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            ids = list((await conn.execute(due)).scalars())
            if not ids:
                return []
            await conn.execute(r.update().where(r.c.id.in_(ids)).values(due_at=now + LEASE, leased_by=worker))
            rows = (await conn.execute(sa.select(r).where(r.c.id.in_(ids)).order_by(r.c.id))).all()
        return [Due(row.id, row.tenant_id, row.aad_object_id, row.kind, row.day) for row in rows]

    async def later(self, item: Due, worker: str, due_at: datetime | None) -> None:
        """Check again at `due_at` (None: nothing more to do for that day); only while holding the lease."""
        r = t.reminders
        async with write(self._engine) as conn:
            await conn.execute(
                r.update()
                .where(r.c.id == item.id, r.c.leased_by == worker, r.c.sent_at.is_(None))
                .values(due_at=due_at, leased_by=None)
            )

    async def send(
        self,
        item: Due,
        worker: str,
        now: datetime,
        enqueue: Callable[[AsyncConnection], Awaitable[object]],
    ) -> bool:
        """Mark the row sent and queue its message (`enqueue`) in one transaction; False if another worker
        took the row over (its lease ran out) and nothing was queued."""
        r = t.reminders
        async with write(self._engine) as conn:
            marked = await conn.execute(
                r.update()
                .where(r.c.id == item.id, r.c.leased_by == worker, r.c.sent_at.is_(None))
                .values(sent_at=now, due_at=None, leased_by=None)
            )
            if marked.rowcount != 1:
                return False
            await enqueue(conn)
        return True

    async def prune(self, today: date) -> None:
        r = t.reminders
        async with write(self._engine) as conn:
            await conn.execute(r.delete().where(r.c.day < today - timedelta(days=KEEP_DAYS)))
