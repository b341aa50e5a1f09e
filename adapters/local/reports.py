"""Reading time entries for reports from the local database: a workspace's entries streamed in batches.

Keyset pagination (never OFFSET, never one huge result): each batch is one short read transaction that
continues after the last row of the previous one, so memory stays at one batch and no connection is held
while the caller writes the spreadsheet. A batch reads with `long=True` (on SQLite in aiosqlite's thread: a
thousand rows must not hold the event loop). The order is the report's: by start, or by project (name, then
id, entries without a project last) and then start; the row id breaks ties so no row is skipped or repeated.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.errors import PermissionDenied
from adapters.local import tables as t
from adapters.local.base import LocalBase, check_aware, check_interval
from adapters.local.rows import load, user_from_row
from adapters.models import TimeEntry, User
from adapters.sql import read_connection

DEFAULT_BATCH = 1000


async def iter_entries(
    engine: AsyncEngine,
    workspace_id: str,
    start: datetime,
    end: datetime,
    *,
    user_ids: Sequence[str] | None = None,
    project_ids: Sequence[str | None] | None = None,
    billable: bool | None = None,
    by_project: bool = False,
    batch_size: int = DEFAULT_BATCH,
) -> AsyncIterator[list[TimeEntry]]:
    """Finished entries of the workspace starting in [start, end) (each counted once), in batches."""
    te, pr = t.time_entries, t.projects
    conditions: list[sa.ColumnElement[bool]] = [
        te.c.workspace_id == workspace_id,
        te.c.start >= start,
        te.c.start < end,
        te.c.end.is_not(None),
    ]
    if user_ids is not None:
        conditions.append(te.c.user_id.in_(list(user_ids)))
    if project_ids is not None:
        named = [p for p in project_ids if p is not None]
        either = [te.c.project_id.in_(named)] if named else []
        if None in project_ids:
            either.append(te.c.project_id.is_(None))
        conditions.append(sa.or_(*either) if either else sa.false())
    if billable is not None:
        conditions.append(te.c.billable.is_(billable))
    keys: list[sa.ColumnElement[Any]]
    if by_project:
        keys = [
            sa.case((te.c.project_id.is_(None), 1), else_=0),
            sa.func.coalesce(pr.c.name_key, ""),
            sa.func.coalesce(te.c.project_id, ""),
            te.c.start,
            te.c.id,
        ]
    else:
        keys = [te.c.start, te.c.id]
    labels = [f"_k{i}" for i in range(len(keys))]
    base = (
        sa.select(te, *[key.label(label) for key, label in zip(keys, labels, strict=True)])
        .select_from(te.outerjoin(pr, pr.c.id == te.c.project_id) if by_project else te)
        .where(*conditions)
        .order_by(*keys)
        .limit(batch_size)
    )
    after: list[Any] | None = None
    while True:
        stmt = base
        if after is not None:
            bound = [sa.literal(value, type_=key.type) for key, value in zip(keys, after, strict=True)]
            stmt = stmt.where(sa.tuple_(*keys) > sa.tuple_(*bound))
        async with read_connection(engine, long=True) as conn:
            rows = (await conn.execute(stmt)).all()
            if not rows:
                return
            tags: dict[str, list[str]] = {row.id: [] for row in rows}
            links = await conn.execute(
                sa.select(t.time_entry_tags.c.entry_id, t.time_entry_tags.c.tag_id)
                .where(t.time_entry_tags.c.entry_id.in_(list(tags)))
                .order_by(t.time_entry_tags.c.entry_id, t.time_entry_tags.c.position)
            )
            for entry_id, tag_id in links:
                tags[entry_id].append(tag_id)
        yield [load(TimeEntry, row, tag_ids=tags[row.id]) for row in rows]
        if len(rows) < batch_size:
            return
        last = rows[-1]._mapping
        after = [last[label] for label in labels]


async def list_users(engine: AsyncEngine, workspace_id: str) -> list[User]:
    async with read_connection(engine) as conn:
        rows = (
            await conn.execute(
                sa.select(t.users).where(t.users.c.workspace_id == workspace_id).order_by(t.users.c.name)
            )
        ).all()
    return [user_from_row(row) for row in rows]


class Reports(LocalBase):
    """The REPORTS capability: whole-workspace reads, for admins (or exactly one's own time)."""

    def iter_workspace_time_entries(
        self,
        start: datetime,
        end: datetime,
        user_ids: Sequence[str] | None = None,
        *,
        project_ids: Sequence[str | None] | None = None,
        billable: bool | None = None,
        by_project: bool = False,
        batch_size: int = 1000,
    ) -> AsyncIterator[list[TimeEntry]]:
        """Finished entries starting in [start, end), streamed in batches, in report order (see
        `adapters.local.reports`). `user_ids=None` means everyone: workspace admins only; anyone may read
        exactly their own (`user_ids=[own id]`)."""
        start, end = check_aware(start, "start"), check_aware(end, "end")
        check_interval(start, end)
        if not self.user.is_admin and (user_ids is None or set(user_ids) != {self.user.id}):
            raise PermissionDenied("only workspace admins may report on other people's time")
        return iter_entries(
            self._engine,
            self.workspace.id,
            start,
            end,
            user_ids=user_ids,
            project_ids=project_ids,
            billable=billable,
            by_project=by_project,
            batch_size=batch_size,
        )

    async def list_workspace_users(self) -> list[User]:
        """Everyone in the workspace (for reports on others): workspace admins only."""
        if not self.user.is_admin:
            raise PermissionDenied("only workspace admins may list the workspace's people")
        return await list_users(self._engine, self.workspace.id)
