"""What every part of the local backend shares: validation helpers, and `LocalBase` (the engine, the bound
workspace and user, read and write transactions, the read memo, visibility and permission rules).

Every write method is one step of the command's unit of work (`adapters.sql.unit`: the entry commits with
its undo record and the activity id), or a transaction of its own outside one. Invariants that matter under
concurrency are enforced by the database (unique constraints for names, partial unique indexes for "one
running timer" and "one open work interval"), and the pre-checks in Python only exist to give a clear
message; an `IntegrityError` becomes `Conflict`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from adapters.local import tables as t
from adapters.local.cache import MISS, EntryReadCache
from adapters.local.changes import record as record_change
from adapters.models import TimeEntry, User, Workspace
from adapters.sql import after_commit, after_rollback, after_unit, read_connection, write

Clock = Callable[[], datetime]
R = TypeVar("R")


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed("the name is empty")
    return cleaned


@lru_cache(maxsize=512)
def _zone_exists(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_timezone(zone: str) -> str:
    if not zone or not _zone_exists(zone):
        raise ValidationFailed(f"unknown time zone {zone!r}")
    return zone


def check_aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(f"{what} must be timezone-aware")
    return value.astimezone(UTC)


def check_interval(start: datetime, end: datetime | None) -> None:
    if end is not None and end < start:
        raise ValidationFailed("the end is before the start")


def overlapping(table: sa.Table, start: datetime, end: datetime, now: datetime) -> sa.ColumnElement[bool]:
    """Rows whose interval overlaps [start, end); an open interval (no end) lasts until `now`.

    A row that begins inside the window always overlaps (this also covers zero-length rows and timers started
    in the future); one that began earlier overlaps if it ends (or, open, `now` is) after the window starts.
    """
    return overlap_condition(table, start, end, open_counts=now > start)


def overlap_condition(table: sa.Table, start: Any, end: Any, *, open_counts: bool) -> sa.ColumnElement[bool]:
    """`overlapping()` for values or bound parameters; `open_counts`: `now` is after the window's start."""
    still_open: sa.ColumnElement[bool] = table.c.end.is_(None) if open_counts else sa.false()
    return sa.and_(
        table.c.start < end,
        sa.or_(table.c.start >= start, table.c.end > start, still_open),
    )


class LocalBase:
    """One user's view of one workspace in the embedded database (the parts are mixins of `LocalBackend`)."""

    def __init__(
        self,
        engine: AsyncEngine,
        workspace: Workspace,
        user: User,
        *,
        clock: Clock = utcnow,
        cache: EntryReadCache | None = None,
    ) -> None:
        self._engine = engine
        self.workspace = workspace
        self.user = user
        self._clock = clock
        self._cache = cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace={self.workspace.id!r}, user={self.user.id!r})"

    # ---- plumbing ------------------------------------------------------------------------------------------

    def _read(self) -> Any:
        return read_connection(self._engine)

    @asynccontextmanager
    async def _write(
        self,
        conflict_message: str = "conflicts with existing data",
        *,
        created: list[TimeEntry] | None = None,
    ) -> AsyncIterator[AsyncConnection]:
        """A write step; this user's read memo is dropped now and again once the unit ended.

        `created`: the block appends the finished entries it inserted (and writes nothing else a memo holds).
        Once they committed they are merged into the user's memoised entry lists instead of those being
        reloaded, but only if nothing else dropped the memo from before the write until the commit
        (another write of theirs, an announcement from another process): then the old lists plus the new
        entries are what a fresh read would give.
        """
        cache, user_id = self._cache, self.user.id
        before = cache.snapshot(user_id) if cache is not None and created is not None else None
        try:
            async with write(self._engine) as conn:
                yield conn
        except IntegrityError as exc:
            raise Conflict(conflict_message, detail=type(exc.orig).__name__ if exc.orig else None) from exc
        finally:
            if cache is not None:
                unchanged = before is not None and cache.stamp(user_id) == before[0]
                cache.invalidate(user_id)
                if unchanged and created:
                    assert before is not None
                    _keep_current(cache, user_id, cache.stamp(user_id), before[1], list(created), self._now)
                else:
                    # Again once the command's transaction ended (committed or not): a read that raced the
                    # write and memoised the old rows, or read this command's own rows before a rollback, is
                    # dropped.
                    after_unit(lambda: cache.invalidate(user_id))

    def _now(self) -> datetime:
        return self._clock().astimezone(UTC)

    async def _record(
        self,
        conn: AsyncConnection,
        entity: str,
        event: str,
        after: Any,
        entity_id: str,
        *,
        before: Any = None,
    ) -> None:
        """The change, in the write's own transaction (the transactional outbox, `adapters.local.changes`)."""
        await record_change(
            conn,
            entity,
            event,
            after,
            workspace_id=self.workspace.id,
            entity_id=entity_id,
            actor_id=self.user.id,
            now=self._now(),
            before=before,
        )

    def _lock(self, stmt: sa.Select[Any]) -> sa.Select[Any]:
        """Row lock on PostgreSQL; SQLite write transactions are serialised by BEGIN IMMEDIATE anyway."""
        if self._engine.dialect.name == "postgresql":
            return stmt.with_for_update()
        return stmt

    async def _check_may_create_master_data(self, conn: AsyncConnection) -> None:
        row = (
            await conn.execute(
                sa.select(t.workspaces.c.admin_only_master_data, t.users.c.is_admin)
                .select_from(t.workspaces.join(t.users, t.users.c.workspace_id == t.workspaces.c.id))
                .where(t.workspaces.c.id == self.workspace.id, t.users.c.id == self.user.id)
            )
        ).one_or_none()
        if row is None:
            raise NotFound("the workspace or user no longer exists")
        if row.admin_only_master_data and not row.is_admin:
            raise PermissionDenied("only workspace admins may create clients, projects, tasks and tags here")

    def _project_visible(self) -> sa.ColumnElement[bool]:
        if self.user.is_admin:
            return sa.true()
        return sa.or_(t.projects.c.private.is_(False), t.projects.c.created_by == self.user.id)

    async def _visible_project(self, conn: AsyncConnection, project_id: str) -> sa.Row[Any]:
        row = (
            await conn.execute(
                sa.select(t.projects).where(
                    t.projects.c.workspace_id == self.workspace.id,
                    t.projects.c.id == project_id,
                    self._project_visible(),
                )
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"no project {project_id!r}")
        return row

    async def _memoised(
        self, key: tuple[Any, ...], window_start: datetime, load: Callable[[], Awaitable[list[R]]]
    ) -> list[R]:
        """A window's rows from the read cache, or loaded and kept there until this user's next write.

        A window that has begun gives the same rows until the next write (open entries stay in it); one still
        in the future changes as time passes, so it is never memoised.
        """
        cacheable = self._cache is not None and self._now() > window_start
        if cacheable and (cached := self._cache.get(self.user.id, key)) is not MISS:  # type: ignore[union-attr]
            return list(cached)
        rows = await load()
        if cacheable:
            self._cache.put(self.user.id, key, rows)  # type: ignore[union-attr]
        return list(rows)


def _keep_current(
    cache: EntryReadCache,
    user_id: str,
    dropped: tuple[int, int],
    memo: dict[Any, Any],
    created: list[TimeEntry],
    now: Clock,
) -> None:
    """Once the unit ended, drop the user's memo again (a read that raced the write may have stored old rows);
    if it committed and nobody else dropped the memo since this write did (`dropped`), put the memo from
    before the write back with the new entries merged in."""

    def committed() -> None:
        unchanged = cache.stamp(user_id) == dropped
        cache.invalidate(user_id)
        if unchanged:
            cache.restore(user_id, with_entries(memo, created, now()))

    after_commit(committed)
    after_rollback(lambda: cache.invalidate(user_id))


def with_entries(memo: dict[Any, Any], created: list[TimeEntry], now: datetime) -> dict[Any, Any]:
    """`memo` (a user's memoised reads) as it is after `created` (finished entries) were inserted.

    Entry lists (`("entries", start, end, limit)`, newest first, at most `limit`) gain the new entries that
    overlap their window; the running timer and working hours are unchanged by a finished entry; anything
    else is left out (read again).
    """
    kept: dict[Any, Any] = {}
    for key, value in memo.items():
        if key == "timer" or (isinstance(key, tuple) and key[0] == "hours"):
            kept[key] = value
        elif isinstance(key, tuple) and key[0] == "entries":
            _, start, end, limit = key
            rows = [*value, *(e for e in created if e.overlaps(start, end, now))]
            rows.sort(key=lambda e: (e.start, e.id), reverse=True)
            kept[key] = rows if limit is None else rows[:limit]
    return kept
