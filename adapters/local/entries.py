"""Time entries and the running timer in the local backend (tags kept in order in `local_time_entry_tags`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.errors import Conflict, NotFound, ValidationFailed
from adapters.local import tables as t
from adapters.local.base import (
    LocalBase,
    check_aware,
    check_interval,
    check_timezone,
    new_id,
    overlap_condition,
)
from adapters.local.cache import MISS
from adapters.local.rows import time_entry_from_row
from adapters.models import TimeEntry, TimeEntryDraft, TimeEntryPatch
from adapters.sql import UtcDateTime


class TimeEntries(LocalBase):
    # ---- time entries --------------------------------------------------------------------------------------

    def _own_entries(self) -> sa.ColumnElement[bool]:
        te = t.time_entries
        return sa.and_(te.c.workspace_id == self.workspace.id, te.c.user_id == self.user.id)

    def _own(self) -> dict[str, str]:
        """The parameters of `_OWN` (the prebuilt statements' owner condition)."""
        return {"own_workspace": self.workspace.id, "own_user": self.user.id}

    async def _entries(
        self, conn: AsyncConnection, stmt: sa.Select[Any], params: dict[str, Any] | None = None
    ) -> list[TimeEntry]:
        """Run `stmt` (rows of time_entries) and attach the tags with one more query (no N+1)."""
        rows = (await conn.execute(stmt, params)).all()
        if not rows:
            return []
        tag_ids: dict[str, list[str]] = {row.id: [] for row in rows}
        links = await conn.execute(_TAGS_OF, {"entry_ids": list(tag_ids)})
        for entry_id, tag_id in links:
            tag_ids[entry_id].append(tag_id)
        return [time_entry_from_row(row, tag_ids[row.id]) for row in rows]

    async def current_timer(self) -> TimeEntry | None:
        cached = self._cache.get(self.user.id, "timer") if self._cache is not None else MISS
        if cached is not MISS:
            return cached
        async with self._read() as conn:
            entries = await self._entries(conn, _RUNNING, self._own())
        timer = entries[0] if entries else None
        if self._cache is not None:
            self._cache.put(self.user.id, "timer", timer)
        return timer

    async def list_time_entries(
        self, start: datetime, end: datetime, *, limit: int | None = None
    ) -> list[TimeEntry]:
        start, end = check_aware(start, "start"), check_aware(end, "end")
        check_interval(start, end)

        async def load() -> list[TimeEntry]:
            stmt = _window(limited=limit is not None, open_counts=self._now() > start)
            params: dict[str, Any] = {**self._own(), "start": start, "end": end}
            if limit is not None:
                params["limit"] = limit
            async with self._read() as conn:
                return await self._entries(conn, stmt, params)

        return await self._memoised(("entries", start, end, limit), start, load)

    async def get_time_entry(self, entry_id: str) -> TimeEntry:
        te = t.time_entries
        async with self._read() as conn:
            entries = await self._entries(conn, sa.select(te).where(self._own_entries(), te.c.id == entry_id))
        if not entries:
            raise NotFound(f"no time entry {entry_id!r}")
        return entries[0]

    async def _check_references(
        self, conn: AsyncConnection, project_id: str | None, task_id: str | None, tag_ids: Sequence[str]
    ) -> tuple[str | None, str | None, list[str]]:
        """Check project/task/tags exist (and are visible); a task alone implies its project."""
        if task_id is not None:
            task_project = (
                await conn.execute(
                    sa.select(t.tasks.c.project_id).where(
                        t.tasks.c.workspace_id == self.workspace.id, t.tasks.c.id == task_id
                    )
                )
            ).scalar_one_or_none()
            if task_project is None:
                raise NotFound(f"no task {task_id!r}")
            if project_id is None:
                project_id = task_project
            elif project_id != task_project:
                raise ValidationFailed("the task belongs to another project")
        if project_id is not None:
            await self._visible_project(conn, project_id)
        unique_tags = list(dict.fromkeys(tag_ids))
        if unique_tags:
            found = set(
                (
                    await conn.execute(
                        sa.select(t.tags.c.id).where(
                            t.tags.c.workspace_id == self.workspace.id, t.tags.c.id.in_(unique_tags)
                        )
                    )
                ).scalars()
            )
            missing = [tag for tag in unique_tags if tag not in found]
            if missing:
                raise NotFound(f"no tag {missing[0]!r}")
        return project_id, task_id, unique_tags

    async def _running_id(self, conn: AsyncConnection, exclude: str | None = None) -> str | None:
        te = t.time_entries
        stmt = sa.select(te.c.id).where(self._own_entries(), te.c.end.is_(None))
        if exclude is not None:
            stmt = stmt.where(te.c.id != exclude)
        return (await conn.execute(stmt)).scalar_one_or_none()

    async def _set_tags(
        self, conn: AsyncConnection, entry_id: str, tag_ids: Iterable[str], *, replace: bool
    ) -> None:
        if replace:
            await conn.execute(t.time_entry_tags.delete().where(t.time_entry_tags.c.entry_id == entry_id))
        values = [{"entry_id": entry_id, "tag_id": tag, "position": i} for i, tag in enumerate(tag_ids)]
        if values:
            await conn.execute(t.time_entry_tags.insert(), values)

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        check_interval(draft.start, draft.end)
        check_timezone(draft.timezone)
        created: list[TimeEntry] = []
        async with self._write(
            "another timer is already running", created=created if draft.end is not None else None
        ) as conn:
            project_id, task_id, tag_ids = await self._check_references(
                conn, draft.project_id, draft.task_id, draft.tag_ids
            )
            if draft.end is None and await self._running_id(conn) is not None:
                raise Conflict("another timer is already running")
            now = self._now()
            entry = TimeEntry(
                id=new_id(),
                workspace_id=self.workspace.id,
                user_id=self.user.id,
                start=draft.start,
                end=draft.end,
                timezone=draft.timezone,
                project_id=project_id,
                task_id=task_id,
                tag_ids=tag_ids,
                description=draft.description,
                billable=draft.billable,
            )
            await conn.execute(
                _INSERT_ENTRY, entry.model_dump(exclude={"tag_ids"}) | {"created_at": now, "updated_at": now}
            )
            await self._set_tags(conn, entry.id, tag_ids, replace=False)
            await self._record(conn, "times", "created", entry, entry.id)
            created.append(entry)  # once committed, the memoised day gains it instead of being read again
        return entry

    async def update_time_entry(self, entry_id: str, patch: TimeEntryPatch) -> TimeEntry:
        te = t.time_entries
        fields = patch.model_fields_set
        async with self._write("another timer is already running") as conn:
            current = await self._entries(
                conn, self._lock(sa.select(te).where(self._own_entries(), te.c.id == entry_id))
            )
            if not current:
                raise NotFound(f"no time entry {entry_id!r}")
            entry = current[0]
            values: dict[str, Any] = {}
            for name in ("start", "end", "description", "billable", "timezone"):
                if name in fields and (getattr(patch, name) is not None or name == "end"):
                    values[name] = getattr(patch, name)
            if "timezone" in values:
                check_timezone(values["timezone"])
            start = values.get("start", entry.start)
            end = values.get("end", entry.end) if "end" in fields else entry.end
            check_interval(start, end)

            project_id, task_id = entry.project_id, entry.task_id
            if "project_id" in fields:
                project_id = patch.project_id
                if project_id != entry.project_id and "task_id" not in fields:
                    task_id = None  # the old task belongs to the old project
            if "task_id" in fields:
                task_id = patch.task_id
            tag_ids = entry.tag_ids if patch.tag_ids is None else patch.tag_ids
            project_id, task_id, tag_ids = await self._check_references(conn, project_id, task_id, tag_ids)
            values.update(project_id=project_id, task_id=task_id)

            if end is None and entry.end is not None and await self._running_id(conn, exclude=entry.id):
                raise Conflict("another timer is already running")
            values["updated_at"] = self._now()
            await conn.execute(te.update().where(te.c.id == entry.id).values(**values))
            if patch.tag_ids is not None and tag_ids != entry.tag_ids:
                await self._set_tags(conn, entry.id, tag_ids, replace=True)
            values.pop("updated_at")
            updated = entry.model_copy(update={**values, "tag_ids": tag_ids})
            await self._record(conn, "times", "changed", updated, entry.id, before=entry)
            return updated

    async def delete_time_entry(self, entry_id: str) -> None:
        te = t.time_entries
        async with self._write() as conn:
            gone = await self._entries(conn, sa.select(te).where(self._own_entries(), te.c.id == entry_id))
            result = await conn.execute(te.delete().where(self._own_entries(), te.c.id == entry_id))
            if result.rowcount == 0 or not gone:
                raise NotFound(f"no time entry {entry_id!r}")
            await self._record(conn, "times", "deleted", gone[0], entry_id)


# Built once, the hot statements: SQLAlchemy neither rebuilds them nor computes their cache key per call
# (≈100 µs a statement), which cost more than SQLite's indexed lookup itself.
_INSERT_ENTRY = t.time_entries.insert()
_te = t.time_entries
_OWN = sa.and_(_te.c.workspace_id == sa.bindparam("own_workspace"), _te.c.user_id == sa.bindparam("own_user"))
_RUNNING = sa.select(_te).where(_OWN, _te.c.end.is_(None))
_TAGS_OF = (
    sa.select(t.time_entry_tags.c.entry_id, t.time_entry_tags.c.tag_id)
    .where(t.time_entry_tags.c.entry_id.in_(sa.bindparam("entry_ids", expanding=True)))
    .order_by(t.time_entry_tags.c.entry_id, t.time_entry_tags.c.position)
)


@lru_cache(maxsize=4)
def _window(*, limited: bool, open_counts: bool) -> sa.Select[Any]:
    """The entries overlapping [:start, :end), newest first (at most :limit): `overlapping()` with parameters.

    `open_counts`: a running entry overlaps (the window began before now), else not."""
    start = sa.bindparam("start", type_=UtcDateTime())
    end = sa.bindparam("end", type_=UtcDateTime())
    stmt = (
        sa.select(_te)
        .where(_OWN, overlap_condition(_te, start, end, open_counts=open_counts))
        .order_by(_te.c.start.desc(), _te.c.id.desc())
    )
    return stmt.limit(sa.bindparam("limit", type_=sa.Integer())) if limited else stmt
