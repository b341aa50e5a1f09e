"""The people who have a personal chat with the bot: where to reach them, in which language and zone, which
tracker they work in, and when they were last active (for "Stop at HH:MM")."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql import dialect_insert, read_connection, write
from bot.store import tables as t


@dataclass(frozen=True)
class Person:
    tenant_id: str
    aad_object_id: str
    name: str
    reference: dict[str, Any]
    locale: str
    timezone: str
    backend: str | None
    workspace_id: str | None
    user_id: str | None
    last_active_at: datetime


_FIELDS = [f.name for f in fields(Person)]


def _person(row: Any) -> Person:
    values = {name: getattr(row, name) for name in _FIELDS}
    return Person(**values | {"reference": dict(values["reference"])})


class People:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def save(self, person: Person, now: datetime) -> None:
        values = {name: getattr(person, name) for name in _FIELDS} | {"updated_at": now}
        async with write(self._engine) as conn:
            stmt = dialect_insert(conn, t.people).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=["tenant_id", "aad_object_id"],
                set_={k: stmt.excluded[k] for k in values if k not in ("tenant_id", "aad_object_id")},
            )
            await conn.execute(stmt)

    async def get(self, tenant_id: str, aad_object_id: str) -> Person | None:
        p = t.people
        async with read_connection(self._engine) as conn:
            row = (
                await conn.execute(
                    sa.select(p).where(p.c.tenant_id == tenant_id, p.c.aad_object_id == aad_object_id)
                )
            ).one_or_none()
        return _person(row) if row is not None else None

    async def by_tracker_user(
        self, tenant_id: str, backend: str, workspace_id: str, user_id: str
    ) -> Person | None:
        p = t.people
        async with read_connection(self._engine) as conn:
            row = (
                await conn.execute(
                    sa.select(p)
                    .where(
                        p.c.tenant_id == tenant_id,
                        p.c.backend == backend,
                        p.c.workspace_id == workspace_id,
                        p.c.user_id == user_id,
                    )
                    .order_by(p.c.last_active_at.desc())
                    .limit(1)
                )
            ).one_or_none()
        return _person(row) if row is not None else None
