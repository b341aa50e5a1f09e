"""What each person booked feed events to: (external id | category | name) → project, counted.

Every booking adds one hit to the (kind, key, project) row, so the project a person books an event kind to
most (and most lately, on a tie) is the one suggested next time; a changed habit wins after a few bookings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql import dialect_insert, read_connection, write
from bot.store import tables as t

Kind = Literal["external", "category", "name"]
_KEY = ["tenant_id", "aad_object_id", "backend", "workspace_id", "kind", "key", "project_id"]
NAMES_KEPT = 500  # per person and workspace: the fuzzy match compares against at most this many names


@dataclass(frozen=True)
class Scope:
    """Whose mapping: one person in one tracker workspace (project ids only mean something there)."""

    tenant_id: str
    aad_object_id: str
    backend: str
    workspace_id: str


@dataclass(frozen=True)
class Learned:
    kind: Kind
    key: str
    project_id: str
    task_id: str | None
    hits: int
    last_used_at: datetime


class FeedMappings:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def _mine(self, scope: Scope) -> sa.ColumnElement[bool]:
        m = t.feed_mappings
        return sa.and_(
            m.c.tenant_id == scope.tenant_id,
            m.c.aad_object_id == scope.aad_object_id,
            m.c.backend == scope.backend,
            m.c.workspace_id == scope.workspace_id,
        )

    async def learn(
        self, scope: Scope, keys: list[tuple[Kind, str]], project_id: str, task_id: str | None, now: datetime
    ) -> None:
        """One booking of an event with these keys to `project_id` (and `task_id`)."""
        m = t.feed_mappings
        async with write(self._engine) as conn:
            for kind, key in keys:
                stmt = dialect_insert(conn, m).values(
                    tenant_id=scope.tenant_id,
                    aad_object_id=scope.aad_object_id,
                    backend=scope.backend,
                    workspace_id=scope.workspace_id,
                    kind=kind,
                    key=key[:256],
                    project_id=project_id,
                    task_id=task_id,
                    hits=1,
                    last_used_at=now,
                )
                stmt = stmt.on_conflict_do_update(
                    index_elements=_KEY,
                    set_={"hits": m.c.hits + 1, "task_id": stmt.excluded.task_id, "last_used_at": now},
                )
                await conn.execute(stmt)

    async def exact(self, scope: Scope, kind: Kind, keys: list[str]) -> list[Learned]:
        """Rows for these keys of one kind, the most booked (then most recent) first."""
        if not keys:
            return []
        m = t.feed_mappings
        async with read_connection(self._engine) as conn:
            rows = await conn.execute(
                sa.select(m)
                .where(self._mine(scope), m.c.kind == kind, m.c.key.in_([k[:256] for k in keys]))
                .order_by(m.c.hits.desc(), m.c.last_used_at.desc())
            )
            return [_learned(row) for row in rows]

    async def names(self, scope: Scope) -> list[Learned]:
        """The person's booked event names (most recent first, at most `NAMES_KEPT`)."""
        m = t.feed_mappings
        async with read_connection(self._engine) as conn:
            rows = await conn.execute(
                sa.select(m)
                .where(self._mine(scope), m.c.kind == "name")
                .order_by(m.c.last_used_at.desc())
                .limit(NAMES_KEPT)
            )
            return [_learned(row) for row in rows]


def _learned(row: Any) -> Learned:
    return Learned(row.kind, row.key, row.project_id, row.task_id, row.hits, row.last_used_at)
