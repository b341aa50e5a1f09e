"""The bot's own state: user preferences, the undo journal, conversation references, processed activity ids.

Works the same on SQLite and PostgreSQL: upserts use each dialect's `INSERT … ON CONFLICT`, and the undo pop
is a single `DELETE … RETURNING` so two concurrent pops can never return the same record.

Writes join the command's unit of work (`adapters.sql.unit`): the undo record and the processed activity id
are deferred to its COMMIT, so they commit together with the write they belong to. Nothing is pruned on the
request path: `prune` (run by `bot.features.housekeeping`) trims each person's journal to `undo_depth` and
forgets old activity ids, and reads never look past `undo_depth` records.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql import after_commit, after_unit, defer, dialect_insert, read_connection, write
from bot.store import tables as t
from bot.store.broadcast import Bus
from bot.store.memos import Memos

UNDO_DEPTH = 20
SEEN_RETENTION = timedelta(days=2)
_POP_ATTEMPTS = 10


class AlreadyProcessed(Exception):
    """The activity's writes were committed before (Teams redelivered it): the unit is rolled back."""


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
        bus: Bus | None = None,
    ) -> None:
        self._engine = engine
        self._undo_depth = undo_depth
        self._seen_retention = seen_retention
        # SQLite means one bot process (several need PostgreSQL): then this process sees every write, and
        # preferences and recently processed activity ids can be answered from memory (written through).
        self._single_process = engine.dialect.name == "sqlite"
        self._prefs: dict[tuple[str, str], UserPrefs] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_insert: Any = None
        self._refs: dict[str, tuple[str, dict[str, Any], str | None, str | None]] = {}
        self._memos = Memos(self._prefs, self._refs, single=self._single_process, bus=bus)

    # ---- preferences ---------------------------------------------------------------------------------------

    async def get_prefs(self, tenant_id: str, aad_object_id: str) -> UserPrefs:
        if self._memos.trusted() and (hit := self._prefs.get((tenant_id, aad_object_id))) is not None:
            return hit
        epoch = self._memos.epoch
        prefs = await self._load_prefs(tenant_id, aad_object_id)
        if self._memos.trusted() and epoch == self._memos.epoch:
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
        async with write(self._engine) as conn:
            stmt = dialect_insert(conn, t.user_prefs).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=["tenant_id", "aad_object_id"],
                set_={k: stmt.excluded[k] for k in values if k not in {"tenant_id", "aad_object_id"}},
            )
            await conn.execute(stmt)
        key = (prefs.tenant_id, prefs.aad_object_id)
        self._memos.drop_prefs(key)
        after_unit(lambda: self._memos.drop_prefs(key))  # a read before the commit may have kept the old
        self._memos.announce("prefs", *key)

    # ---- undo journal --------------------------------------------------------------------------------------

    async def push_undo(self, tenant_id: str, aad_object_id: str, record: UndoRecord) -> None:
        """Remember `record` as the user's latest write, committed with the command's unit of work."""
        await defer(
            self._engine,
            _INSERT_UNDO,
            {
                "tenant_id": tenant_id,
                "aad_object_id": aad_object_id,
                "token": record.token,
                "action": record.action,
                "entity": record.entity,
                "entity_id": record.entity_id,
                "before": record.before,
                "after": record.after,
                "description": record.description,
                "created_at": _aware(record.created_at),
                "conversation_id": record.conversation_id,
            },
        )

    def _newest(self, mine: sa.ColumnElement[bool]) -> sa.Select[Any]:
        """The ids of the newest `undo_depth` records (older ones wait for `prune`, unseen)."""
        u = t.undo_records
        # Wrapped in a derived table: some databases refuse LIMIT directly inside IN (…).
        keep = sa.select(u.c.id).where(mine).order_by(u.c.id.desc()).limit(self._undo_depth)
        return sa.select(keep.subquery().c.id)

    async def pop_undo(
        self, tenant_id: str, aad_object_id: str, token: str | None = None
    ) -> UndoRecord | None:
        """Remove and return the user's latest record (or the one with `token`); None if there is none."""
        u = t.undo_records
        person = sa.and_(u.c.tenant_id == tenant_id, u.c.aad_object_id == aad_object_id)
        mine = person if token is None else sa.and_(person, u.c.token == token)
        for attempt in range(_POP_ATTEMPTS):
            async with write(self._engine) as conn:
                if attempt == 0:  # their journal trimmed to `undo_depth` first: older records never come back
                    await conn.execute(u.delete().where(person, u.c.id.not_in(self._newest(person))))
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
            rows = (
                await conn.execute(sa.select(u).where(mine).order_by(u.c.id.desc()).limit(self._undo_depth))
            ).all()
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
        memo = (tenant_id, reference, scope, aad_object_id)  # JSON values: == compares them deeply
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
        insert = postgresql.insert if self._engine.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(t.conversation_refs).values(**values)
        updated = ["tenant_id", "reference", "updated_at"] + (["scope", "aad_object_id"] if scope else [])
        stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={k: stmt.excluded[k] for k in updated})
        # With the turn's COMMIT: the reference is for later (notifications), and the turn need not hold the
        # database from its start for it.
        await defer(self._engine, stmt)

        def saved() -> None:
            if len(self._refs) >= _MEMO_LIMIT:
                self._refs.clear()
            self._refs[key] = memo

        after_commit(saved)  # remembered only once committed (a rolled-back turn must save it again)

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
        async with write(self._engine) as conn:
            await conn.execute(t.conversation_refs.delete().where(t.conversation_refs.c.key == key))
        self._memos.announce("ref", key)  # another process must not skip saving it again as "unchanged"

    async def get_conversation_ref(self, key: str) -> dict[str, Any] | None:
        c = t.conversation_refs
        async with read_connection(self._engine) as conn:
            value = (await conn.execute(sa.select(c.c.reference).where(c.c.key == key))).scalar_one_or_none()
        return dict(value) if value is not None else None

    # ---- processed activities ------------------------------------------------------------------------------

    async def guard_activity(self, activity_id: str) -> bool:
        """True if `activity_id` was processed before (a Teams retry); else record it with this turn's writes.

        Activity ids are only unique within a conversation: callers pass e.g. f"{conversation_id}|{id}".
        Recent ids are kept in memory (Teams redelivers within seconds). The durable record is deferred to the
        turn's unit of work and sent only if the turn writes: the id commits exactly with the writes it
        guards, and if another delivery of it committed first (another process, or before a crash), the
        INSERT finds it and `AlreadyProcessed` rolls the whole turn back. A turn that only reads writes
        nothing; its retry (rare) is answered again.
        """
        if activity_id in self._seen:
            return True
        self._remember_seen(activity_id)

        def first_time(result: Any) -> None:
            if result.rowcount != 1:
                raise AlreadyProcessed(activity_id)

        await defer(
            self._engine,
            self._insert_seen(),
            {"activity_id": activity_id, "seen_at": datetime.now(UTC)},
            check=first_time,
            alone=False,
        )
        return False

    async def recall_activities(self, since: datetime) -> int:
        """Load the ids processed since `since` into memory (at start-up): what Teams redelivers after a
        crash is then ignored at once instead of being run up to its commit. Returns how many."""
        s = t.seen_activities
        async with read_connection(self._engine) as conn:
            ids = (
                await conn.execute(
                    sa.select(s.c.activity_id).where(s.c.seen_at >= _aware(since)).order_by(s.c.seen_at)
                )
            ).scalars()
            for activity_id in ids:
                self._remember_seen(activity_id)
        return len(self._seen)

    def forget_activity(self, activity_id: str) -> None:
        """The turn of `activity_id` failed and was rolled back: a redelivery of it must run."""
        self._seen.pop(activity_id, None)

    def _remember_seen(self, activity_id: str) -> None:
        self._seen[activity_id] = None
        if len(self._seen) > _MEMO_LIMIT:
            self._seen.popitem(last=False)

    def _insert_seen(self) -> Any:
        if self._seen_insert is None:
            insert = postgresql.insert if self._engine.dialect.name == "postgresql" else sqlite.insert
            statement = insert(t.seen_activities)
            self._seen_insert = statement.on_conflict_do_nothing(index_elements=["activity_id"])
        return self._seen_insert

    async def seen_activity(self, activity_id: str) -> bool:
        """Record `activity_id` now, committed on its own; True if it was recorded before, else False.

        For a record that must stay whatever the turn does next (a sign-in token exchange); turns use
        `guard_activity`.
        """
        if self._single_process and activity_id in self._seen:
            return True
        async with write(self._engine, separate=True) as conn:
            result = await conn.execute(
                self._insert_seen(), {"activity_id": activity_id, "seen_at": datetime.now(UTC)}
            )
        self._remember_seen(activity_id)
        return result.rowcount != 1

    async def unsee_activity(self, activity_id: str) -> None:
        """Forget one recorded id: its processing failed and a retry of it must run (a token exchange)."""
        self._seen.pop(activity_id, None)
        async with write(self._engine, separate=True) as conn:
            seen = t.seen_activities
            await conn.execute(seen.delete().where(seen.c.activity_id == activity_id))

    # ---- housekeeping --------------------------------------------------------------------------------------

    async def prune(self, now: datetime) -> tuple[int, int]:
        """Off the request path: each person's journal beyond `undo_depth`, and activity ids older than the
        retention. Returns (undo records, activity ids) removed."""
        return await self.prune_undo(), await self.prune_seen_activities(now - self._seen_retention)

    async def prune_undo(self) -> int:
        """Delete every record that has `undo_depth` newer ones of the same person."""
        u = t.undo_records
        ranked = sa.select(
            u.c.id,
            sa.func.row_number()
            .over(partition_by=(u.c.tenant_id, u.c.aad_object_id), order_by=u.c.id.desc())
            .label("n"),
        ).subquery()
        old = sa.select(ranked.c.id).where(ranked.c.n > self._undo_depth)
        async with write(self._engine) as conn:
            result = await conn.execute(u.delete().where(u.c.id.in_(old)))
        return int(result.rowcount or 0)

    async def prune_seen_activities(self, before: datetime) -> int:
        """Forget activity ids recorded before `before`; returns how many were removed."""
        s = t.seen_activities
        async with write(self._engine) as conn:
            result = await conn.execute(s.delete().where(s.c.seen_at < _aware(before)))
        return int(result.rowcount or 0)


_INSERT_UNDO = t.undo_records.insert()
