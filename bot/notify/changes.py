"""Changes in a tracker, as every source reports them, and where they wait to be fanned out.

A `Change` is one created/changed/deleted client, project, task, tag or time entry in one tracker
workspace, with the fields the cards show. Sources (the local backend's outbox, the webhook intake, the
Toggl Focus poller) store them with `ChangeStore.add`; the same change from the same source has the same
`key`, so a webhook retry or a second poll adds nothing. The fan-out (`bot.notify.fanout`) claims them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import dialect_insert, read_connection, write
from bot.store import tables as t

Entity = Literal["clients", "projects", "tasks", "tags", "times"]
Event = Literal["created", "changed", "deleted"]
ENTITIES: tuple[Entity, ...] = ("clients", "projects", "tasks", "tags", "times")
EVENTS: tuple[Event, ...] = ("created", "changed", "deleted")
PENDING, DONE = "pending", "done"
LEASE = timedelta(minutes=2)
RETENTION = timedelta(days=7)  # done changes stay this long (the Undo button of a card needs them)

# The fields a card may show, per entity, in display order. Values are JSON: str, bool, int, list[str],
# ISO 8601 datetimes for `start`/`end`; ids end in `_id` and are resolved to names before display.
FIELDS: dict[str, tuple[str, ...]] = {
    "times": ("name", "project", "task", "start", "end", "billable", "tags"),
    "projects": ("name", "client", "billable", "active", "color"),
    "tasks": ("name", "project", "active"),
    "clients": ("name", "active"),
    "tags": ("name",),
}


class Change(BaseModel):
    model_config = ConfigDict(frozen=True)

    backend: str
    workspace_id: str
    entity: Entity
    event: Event
    entity_id: str
    key: str = Field(max_length=255)
    occurred_at: datetime
    actor_id: str | None = None  # who made the change, in the tracker's ids
    actor_name: str | None = None
    owner_id: str | None = None  # times: whose entry it is
    fields: dict[str, Any] = Field(default_factory=dict)  # the state after (for deleted: the last state)
    before: dict[str, Any] | None = None  # the state before, when the source knows it
    url: str | None = None  # the entity in the tracker's web app
    origin: str | None = None  # the conversation the change was made from through the bot (local)

    @property
    def project_id(self) -> str | None:
        if self.entity == "projects":
            return self.entity_id
        value = self.fields.get("project_id") or (self.before or {}).get("project_id")
        return str(value) if value else None


class ChangeStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, change: Change, now: datetime, *, conn: AsyncConnection | None = None) -> bool:
        """Store `change` once; False if its key was stored before (a duplicate)."""
        values = {
            "key": change.key,
            "backend": change.backend,
            "workspace_id": change.workspace_id,
            "entity": change.entity,
            "change": change.model_dump(mode="json"),
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "received_at": now,
        }
        if conn is None:
            async with write(self._engine) as own:
                return await self._add(own, values)
        return await self._add(conn, values)

    @staticmethod
    async def _add(conn: AsyncConnection, values: dict[str, Any]) -> bool:
        stmt = _INSERT_CHANGE.get(conn.dialect.name)
        if stmt is None:
            stmt = _INSERT_CHANGE[conn.dialect.name] = dialect_insert(conn, t.changes).on_conflict_do_nothing(
                index_elements=["key"]
            )
        return (await conn.execute(stmt, values)).rowcount == 1

    async def claim(self, now: datetime, limit: int = 50) -> list[tuple[int, Change, int]]:
        """(row id, change, attempts) of due pending changes, leased for `LEASE` (SKIP LOCKED on Postgres)."""
        c = t.changes
        due = (
            sa.select(c.c.id)
            .where(c.c.status == PENDING, c.c.next_attempt_at <= now)
            .order_by(c.c.id)
            .limit(limit)
        )
        async with write(self._engine) as conn:
            if conn.dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            ids = list((await conn.execute(due)).scalars())
            if not ids:
                return []
            await conn.execute(c.update().where(c.c.id.in_(ids)).values(next_attempt_at=now + LEASE))
            rows = (await conn.execute(sa.select(c).where(c.c.id.in_(ids)).order_by(c.c.id))).all()
        return [(row.id, Change.model_validate(row.change), row.attempts) for row in rows]

    @staticmethod
    async def done(conn: AsyncConnection, change_id: int) -> None:
        await conn.execute(_DONE, {"done_id": change_id})

    async def retry_later(self, change_id: int, attempts: int, at: datetime, error: str) -> None:
        c = t.changes
        async with write(self._engine) as conn:
            await conn.execute(
                c.update()
                .where(c.c.id == change_id)
                .values(attempts=attempts, next_attempt_at=at, last_error=error[:500])
            )

    async def get(self, change_id: int) -> Change | None:
        c = t.changes
        async with read_connection(self._engine) as conn:
            value = (
                await conn.execute(sa.select(c.c.change).where(c.c.id == change_id))
            ).scalar_one_or_none()
        return Change.model_validate(value) if value is not None else None

    async def prune(self, now: datetime) -> int:
        c = t.changes
        async with write(self._engine) as conn:
            result = await conn.execute(
                c.delete().where(c.c.status == DONE, c.c.received_at < now - RETENTION)
            )
        return int(result.rowcount or 0)

    async def pending(self) -> int:
        c = t.changes
        async with read_connection(self._engine) as conn:
            count = await conn.execute(sa.select(sa.func.count()).select_from(c).where(c.c.status == PENDING))
            return int(count.scalar_one())


# ---- last-seen states -------------------------------------------------------------------------------------


async def swap_snapshot(conn: AsyncConnection, change: Change, now: datetime) -> dict[str, Any] | None:
    """The entity's previous state as last seen (None if never), replaced by this change's state."""
    which = {
        "of_backend": change.backend,
        "of_workspace": change.workspace_id,
        "of_entity": change.entity,
        "of_id": change.entity_id,
    }
    previous = (await conn.execute(_SNAPSHOT, which)).scalar_one_or_none()
    if change.event == "deleted":
        await conn.execute(_DROP_SNAPSHOT, which)
    elif previous is None:
        await conn.execute(
            _NEW_SNAPSHOT,
            {
                "backend": change.backend,
                "workspace_id": change.workspace_id,
                "entity": change.entity,
                "entity_id": change.entity_id,
                "fields": change.fields,
                "updated_at": now,
            },
        )
    else:
        await conn.execute(_SET_SNAPSHOT, {**which, "fields": change.fields, "updated_at": now})
    return dict(previous) if previous is not None else None


# Built once (statements of every change a fan-out round handles): SQLAlchemy neither rebuilds them nor
# computes their cache keys per change.
_INSERT_CHANGE: dict[str, Any] = {}  # by dialect (ON CONFLICT DO NOTHING)

_DONE = t.changes.update().where(t.changes.c.id == sa.bindparam("done_id")).values(status=DONE)
_s = t.entity_snapshots
_WHICH = sa.and_(
    _s.c.backend == sa.bindparam("of_backend"),
    _s.c.workspace_id == sa.bindparam("of_workspace"),
    _s.c.entity == sa.bindparam("of_entity"),
    _s.c.entity_id == sa.bindparam("of_id"),
)
_SNAPSHOT = sa.select(_s.c.fields).where(_WHICH)
_DROP_SNAPSHOT = _s.delete().where(_WHICH)
_NEW_SNAPSHOT = _s.insert()
_SET_SNAPSHOT = _s.update().where(_WHICH)


async def snapshots(
    engine: AsyncEngine, backend: str, workspace_id: str, entity: str
) -> dict[str, dict[str, Any]]:
    """Every last-seen state of one entity kind in one workspace (the poller diffs against these)."""
    s = t.entity_snapshots
    async with read_connection(engine) as conn:
        rows = await conn.execute(
            sa.select(s.c.entity_id, s.c.fields).where(
                s.c.backend == backend, s.c.workspace_id == workspace_id, s.c.entity == entity
            )
        )
        return {row.entity_id: dict(row.fields) for row in rows}


async def seed_snapshots(
    engine: AsyncEngine,
    backend: str,
    workspace_id: str,
    entity: str,
    states: dict[str, dict[str, Any]],
    now: datetime,
) -> None:
    """Record states as seen without notifying (a poller's first look: nothing "changed" yet)."""
    s = t.entity_snapshots
    async with write(engine) as conn:
        for entity_id, fields in states.items():
            stmt = (
                dialect_insert(conn, s)
                .values(
                    backend=backend,
                    workspace_id=workspace_id,
                    entity=entity,
                    entity_id=entity_id,
                    fields=fields,
                    updated_at=now,
                )
                .on_conflict_do_nothing(index_elements=["backend", "workspace_id", "entity", "entity_id"])
            )
            await conn.execute(stmt)
