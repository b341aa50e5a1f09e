"""The bot's own state: user preferences, the undo journal, conversation references, processed activity ids.

Works the same on SQLite and PostgreSQL: upserts use each dialect's `INSERT … ON CONFLICT`, and the undo pop
is a single `DELETE … RETURNING` so two concurrent pops can never return the same record.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import dialect_insert, read_connection
from bot.store import tables as t

UNDO_DEPTH = 20
SEEN_RETENTION = timedelta(days=2)
_PRUNE_EVERY = 100
_POP_ATTEMPTS = 10


class UserPrefs(BaseModel):
    tenant_id: str
    aad_object_id: str
    timezone: str | None = None
    locale: str | None = None
    backend: str | None = None  # never chosen: the bot's configured default backend
    workspace_id: str | None = None
    end_of_day: str | None = None  # "HH:MM" in their zone; None: 18:00
    long_timer_hours: int | None = None  # a timer running longer gets a reminder; None: 10
    remind_timer: bool = True
    remind_nudge: bool = True
    feed_push: bool = True  # new feed events are posted into their personal chat


class UndoRecord(BaseModel):
    token: str
    action: Literal["create", "update", "delete"]
    entity: Literal["time_entry", "working_hours", "project"]
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    description: str = ""
    conversation_id: str | None = None  # where the write was asked (a webhook echo is not news there)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_MEMO_LIMIT = 100_000


class Store:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        undo_depth: int = UNDO_DEPTH,
        seen_retention: timedelta = SEEN_RETENTION,
    ) -> None:
        self._engine = engine
        self._undo_depth = undo_depth
        self._seen_retention = seen_retention
        self._seen_calls = 0
        # SQLite means one bot process (several need PostgreSQL): then this process sees every write, and
        # preferences and recently processed activity ids can be answered from memory (written through).
        self._single_process = engine.dialect.name == "sqlite"
        self._prefs: dict[tuple[str, str], UserPrefs] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._refs: dict[str, tuple[str, str, str | None, str | None]] = {}

    # ---- preferences ---------------------------------------------------------------------------------------

    async def get_prefs(self, tenant_id: str, aad_object_id: str) -> UserPrefs:
        if self._single_process and (hit := self._prefs.get((tenant_id, aad_object_id))) is not None:
            return hit
        prefs = await self._load_prefs(tenant_id, aad_object_id)
        if self._single_process:
            if len(self._prefs) >= _MEMO_LIMIT:
                self._prefs.clear()
            self._prefs[(tenant_id, aad_object_id)] = prefs
        return prefs

    async def _load_prefs(self, tenant_id: str, aad_object_id: str) -> UserPrefs:
        p = t.user_prefs
        async with read_connection(self._engine) as conn:
            row = (
                await conn.execute(
                    sa.select(p).where(p.c.tenant_id == tenant_id, p.c.aad_object_id == aad_object_id)
                )
            ).one_or_none()
        if row is None:
            return UserPrefs(tenant_id=tenant_id, aad_object_id=aad_object_id)
        return UserPrefs(**{name: getattr(row, name) for name in UserPrefs.model_fields})

    async def save_prefs(self, prefs: UserPrefs) -> None:
        values = prefs.model_dump() | {"updated_at": datetime.now(UTC)}
        async with self._engine.begin() as conn:
            stmt = dialect_insert(conn, t.user_prefs).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=["tenant_id", "aad_object_id"],
                set_={k: stmt.excluded[k] for k in values if k not in {"tenant_id", "aad_object_id"}},
            )
            await conn.execute(stmt)
        self._prefs.pop((prefs.tenant_id, prefs.aad_object_id), None)

    # ---- undo journal --------------------------------------------------------------------------------------

    async def push_undo(self, tenant_id: str, aad_object_id: str, record: UndoRecord) -> None:
        """Remember `record` as the user's latest write; only the newest `undo_depth` are kept."""
        u = t.undo_records
        mine = sa.and_(u.c.tenant_id == tenant_id, u.c.aad_object_id == aad_object_id)
        async with self._engine.begin() as conn:
            await conn.execute(
                u.insert().values(
                    tenant_id=tenant_id,
                    aad_object_id=aad_object_id,
                    token=record.token,
                    action=record.action,
                    entity=record.entity,
                    entity_id=record.entity_id,
                    before=record.before,
                    after=record.after,
                    description=record.description,
                    created_at=_aware(record.created_at),
                    conversation_id=record.conversation_id,
                )
            )
            keep = sa.select(u.c.id).where(mine).order_by(u.c.id.desc()).limit(self._undo_depth)
            # Wrapped in a derived table: some databases refuse LIMIT directly inside IN (…).
            await conn.execute(u.delete().where(mine, u.c.id.not_in(sa.select(keep.subquery().c.id))))

    async def pop_undo(
        self, tenant_id: str, aad_object_id: str, token: str | None = None
    ) -> UndoRecord | None:
        """Remove and return the user's latest record (or the one with `token`); None if there is none."""
        u = t.undo_records
        mine = sa.and_(u.c.tenant_id == tenant_id, u.c.aad_object_id == aad_object_id)
        if token is not None:
            mine = sa.and_(mine, u.c.token == token)
        for _ in range(_POP_ATTEMPTS):
            async with self._engine.begin() as conn:
                latest = sa.select(u.c.id).where(mine).order_by(u.c.id.desc()).limit(1).scalar_subquery()
                # One statement: whoever deletes the row gets it; a concurrent pop deletes nothing, retries.
                row = (await conn.execute(u.delete().where(u.c.id == latest).returning(*u.c))).one_or_none()
                if row is not None:
                    return UndoRecord(
                        token=row.token,
                        action=row.action,
                        entity=row.entity,
                        entity_id=row.entity_id,
                        before=row.before,
                        after=row.after,
                        created_at=row.created_at,
                        description=row.description,
                    )
                remaining = (await conn.execute(sa.select(sa.exists().where(mine)))).scalar_one()
                if not remaining:
                    return None
        return None

    async def undo_history(self, tenant_id: str, aad_object_id: str) -> list[UndoRecord]:
        """The user's journal, newest first, without taking anything out (what was written last)."""
        u = t.undo_records
        mine = sa.and_(u.c.tenant_id == tenant_id, u.c.aad_object_id == aad_object_id)
        async with read_connection(self._engine) as conn:
            rows = (await conn.execute(sa.select(u).where(mine).order_by(u.c.id.desc()))).all()
        return [
            UndoRecord(
                token=row.token,
                action=row.action,
                entity=row.entity,
                entity_id=row.entity_id,
                before=row.before,
                after=row.after,
                created_at=row.created_at,
                description=row.description,
            )
            for row in rows
        ]

    # ---- conversation references ---------------------------------------------------------------------------

    async def save_conversation_ref(
        self,
        key: str,
        tenant_id: str,
        reference: dict[str, Any],
        *,
        scope: str | None = None,
        aad_object_id: str | None = None,
        force: bool = False,
    ) -> None:
        """Upsert; `aad_object_id` marks a personal chat as that person's (for `personal_conversation`).
        A reference this process saved unchanged is not written again (it arrives with every message)."""
        memo = (tenant_id, json.dumps(reference, sort_keys=True, default=str), scope, aad_object_id)
        if not force and self._refs.get(key) == memo:
            return
        values = {
            "key": key,
            "tenant_id": tenant_id,
            "reference": reference,
            "updated_at": datetime.now(UTC),
            "scope": scope,
            "aad_object_id": aad_object_id if scope == "personal" else None,
        }
        async with self._engine.begin() as conn:
            stmt = dialect_insert(conn, t.conversation_refs).values(**values)
            updated = ["tenant_id", "reference", "updated_at"] + (["scope", "aad_object_id"] if scope else [])
            stmt = stmt.on_conflict_do_update(
                index_elements=["key"], set_={k: stmt.excluded[k] for k in updated}
            )
            await conn.execute(stmt)
        if len(self._refs) >= _MEMO_LIMIT:
            self._refs.clear()
        self._refs[key] = memo

    async def personal_conversation(self, tenant_id: str, aad_object_id: str) -> dict[str, Any] | None:
        """The reference of the person's 1:1 chat with the bot (the latest seen), if they ever had one."""
        c = t.conversation_refs
        async with read_connection(self._engine) as conn:
            value = (
                await conn.execute(
                    sa.select(c.c.reference)
                    .where(c.c.tenant_id == tenant_id, c.c.aad_object_id == aad_object_id)
                    .order_by(c.c.updated_at.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
        return dict(value) if value is not None else None

    async def delete_conversation_ref(self, key: str) -> None:
        self._refs.pop(key, None)
        async with self._engine.begin() as conn:
            await conn.execute(t.conversation_refs.delete().where(t.conversation_refs.c.key == key))

    async def get_conversation_ref(self, key: str) -> dict[str, Any] | None:
        c = t.conversation_refs
        async with read_connection(self._engine) as conn:
            value = (await conn.execute(sa.select(c.c.reference).where(c.c.key == key))).scalar_one_or_none()
        return dict(value) if value is not None else None

    # ---- processed activities ------------------------------------------------------------------------------

    async def seen_activity(self, activity_id: str) -> bool:
        """Record `activity_id`; True if it was already recorded (a Teams retry), False the first time.

        Activity ids are only unique within a conversation: callers pass e.g. f"{conversation_id}|{id}".
        With a single process (SQLite) the recent ids are kept in memory: Teams redelivers within seconds.
        """
        if self._single_process:
            if activity_id in self._seen:
                return True
            self._seen[activity_id] = None
            if len(self._seen) > _MEMO_LIMIT:
                self._seen.popitem(last=False)
            return False
        now = datetime.now(UTC)
        async with self._engine.begin() as conn:
            stmt = (
                dialect_insert(conn, t.seen_activities)
                .values(activity_id=activity_id, seen_at=now)
                .on_conflict_do_nothing(index_elements=["activity_id"])
            )
            inserted = (await conn.execute(stmt)).rowcount == 1
            if self._seen_calls % _PRUNE_EVERY == 0:
                await self._prune_seen(conn, now - self._seen_retention)
            self._seen_calls += 1
        return not inserted

    async def unsee_activity(self, activity_id: str) -> None:
        """Forget one recorded id: its processing failed and a retry of it must run (a token exchange)."""
        self._seen.pop(activity_id, None)
        if self._single_process:
            return
        async with self._engine.begin() as conn:
            seen = t.seen_activities
            await conn.execute(seen.delete().where(seen.c.activity_id == activity_id))

    async def prune_seen_activities(self, before: datetime) -> int:
        """Forget activity ids recorded before `before`; returns how many were removed."""
        async with self._engine.begin() as conn:
            return await self._prune_seen(conn, _aware(before))

    @staticmethod
    async def _prune_seen(conn: AsyncConnection, before: datetime) -> int:
        s = t.seen_activities
        result = await conn.execute(s.delete().where(s.c.seen_at < before))
        return int(result.rowcount or 0)
