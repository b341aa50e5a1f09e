"""Durable storage of writes waiting for a remote backend, claimed with a lease so that several bot
processes (PostgreSQL) never deliver the same write twice at the same time.

Only a person's oldest waiting write can be claimed (a row leaves when it is delivered or refused): their
`start` is sent before their `stop`, whichever process holds which row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.sql import read_connection, write
from bot.store import tables as t

LEASE = timedelta(minutes=2)  # a claimed row is invisible this long; a crashed worker's rows come back


@dataclass(frozen=True)
class Pending:
    id: int
    identity: Identity
    backend: str
    operation: dict[str, Any]
    reference: dict[str, Any]
    locale: str
    timezone: str
    attempts: int
    created_at: datetime


class Outbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(
        self,
        identity: Identity,
        backend: str,
        operation: dict[str, Any],
        reference: dict[str, Any],
        *,
        locale: str,
        timezone: str,
        now: datetime,
        first_attempt_in: timedelta = timedelta(seconds=30),
    ) -> int:
        async with write(self._engine) as conn:
            result = await conn.execute(
                t.outbox.insert()
                .values(
                    tenant_id=identity.tenant_id,
                    aad_object_id=identity.aad_object_id,
                    user_name=identity.name,
                    backend=backend,
                    operation=operation,
                    reference=reference,
                    locale=locale,
                    timezone=timezone,
                    attempts=0,
                    next_attempt_at=now + first_attempt_in,
                    created_at=now,
                )
                .returning(t.outbox.c.id)
            )
            return int(result.scalar_one())

    async def claim_due(self, now: datetime, limit: int = 20) -> list[Pending]:
        """Due rows that are their person's oldest, leased to the caller (oldest first)."""
        o = t.outbox
        older = o.alias("older")
        earlier = sa.exists().where(
            older.c.tenant_id == o.c.tenant_id,
            older.c.aad_object_id == o.c.aad_object_id,
            older.c.id < o.c.id,
        )
        async with write(self._engine) as conn:
            due = sa.select(o.c.id).where(o.c.next_attempt_at <= now, ~earlier).order_by(o.c.id).limit(limit)
            if self._engine.dialect.name == "postgresql":
                due = due.with_for_update(of=o, skip_locked=True)
            ids = list((await conn.execute(due)).scalars())
            if not ids:
                return []
            await conn.execute(o.update().where(o.c.id.in_(ids)).values(next_attempt_at=now + LEASE))
            rows = (await conn.execute(sa.select(o).where(o.c.id.in_(ids)).order_by(o.c.id))).all()
        return [
            Pending(
                id=row.id,
                identity=Identity(row.tenant_id, row.aad_object_id, row.user_name),
                backend=row.backend,
                operation=dict(row.operation),
                reference=dict(row.reference),
                locale=row.locale,
                timezone=row.timezone,
                attempts=row.attempts,
                created_at=row.created_at,
            )
            for row in rows
        ]

    async def done(self, item_id: int) -> None:
        async with write(self._engine) as conn:
            await conn.execute(t.outbox.delete().where(t.outbox.c.id == item_id))

    async def retry_later(self, item_id: int, attempts: int, at: datetime, error: str) -> None:
        async with write(self._engine) as conn:
            await conn.execute(
                t.outbox.update()
                .where(t.outbox.c.id == item_id)
                .values(attempts=attempts, next_attempt_at=at, last_error=error[:500])
            )

    async def pending_for(self, identity: Identity) -> int:
        o = t.outbox
        async with read_connection(self._engine) as conn:
            count = await conn.execute(
                sa.select(sa.func.count())
                .select_from(o)
                .where(o.c.tenant_id == identity.tenant_id, o.c.aad_object_id == identity.aad_object_id)
            )
            return int(count.scalar_one())


def utcnow() -> datetime:
    return datetime.now(UTC)
