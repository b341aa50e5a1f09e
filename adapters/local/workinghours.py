"""Working hours (come/go and breaks) in the local backend: at most one open interval per person and type."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.errors import Conflict, NotFound
from adapters.local import tables as t
from adapters.local.base import LocalBase, check_aware, check_interval, check_timezone, new_id, overlapping
from adapters.local.rows import working_hours_from_row
from adapters.models import WorkingHoursDraft, WorkingHoursEntry, WorkingHoursPatch


class WorkingHours(LocalBase):
    # ---- working hours -------------------------------------------------------------------------------------

    def _own_hours(self) -> sa.ColumnElement[bool]:
        wh = t.working_hours
        return sa.and_(wh.c.workspace_id == self.workspace.id, wh.c.user_id == self.user.id)

    async def list_working_hours(self, start: datetime, end: datetime) -> list[WorkingHoursEntry]:
        start, end = check_aware(start, "start"), check_aware(end, "end")
        check_interval(start, end)

        async def load() -> list[WorkingHoursEntry]:
            wh = t.working_hours
            async with self._read() as conn:
                rows = await conn.execute(
                    sa.select(wh)
                    .where(self._own_hours(), overlapping(wh, start, end, self._now()))
                    .order_by(wh.c.start.desc(), wh.c.id.desc())
                )
                return [working_hours_from_row(row) for row in rows]

        return await self._memoised(("hours", start, end), start, load)

    async def _open_hours_id(
        self, conn: AsyncConnection, kind: str, exclude: str | None = None
    ) -> str | None:
        wh = t.working_hours
        stmt = sa.select(wh.c.id).where(self._own_hours(), wh.c.end.is_(None), wh.c.type == kind)
        if exclude is not None:
            stmt = stmt.where(wh.c.id != exclude)
        return (await conn.execute(stmt)).scalar_one_or_none()

    async def create_working_hours(self, draft: WorkingHoursDraft) -> WorkingHoursEntry:
        check_interval(draft.start, draft.end)
        check_timezone(draft.timezone)
        message = f"an open {draft.type} interval already exists"
        async with self._write(message) as conn:
            if draft.end is None and await self._open_hours_id(conn, draft.type) is not None:
                raise Conflict(message)
            entry = WorkingHoursEntry(
                id=new_id(),
                workspace_id=self.workspace.id,
                user_id=self.user.id,
                start=draft.start,
                end=draft.end,
                type=draft.type,
                timezone=draft.timezone,
            )
            await conn.execute(t.working_hours.insert().values(**entry.model_dump(), created_at=self._now()))
        return entry

    async def update_working_hours(self, entry_id: str, patch: WorkingHoursPatch) -> WorkingHoursEntry:
        wh = t.working_hours
        fields = patch.model_fields_set
        async with self._write("an open interval of this type already exists") as conn:
            row = (
                await conn.execute(self._lock(sa.select(wh).where(self._own_hours(), wh.c.id == entry_id)))
            ).one_or_none()
            if row is None:
                raise NotFound(f"no working hours entry {entry_id!r}")
            entry = working_hours_from_row(row)
            values: dict[str, Any] = {}
            if "start" in fields and patch.start is not None:
                values["start"] = patch.start
            if "end" in fields:
                values["end"] = patch.end
            if "type" in fields and patch.type is not None:
                values["type"] = patch.type
            updated = entry.model_copy(update=values)
            check_interval(updated.start, updated.end)
            if updated.end is None and await self._open_hours_id(conn, updated.type, exclude=entry.id):
                raise Conflict(f"an open {updated.type} interval already exists")
            if values:
                await conn.execute(wh.update().where(wh.c.id == entry.id).values(**values))
        return updated

    async def delete_working_hours(self, entry_id: str) -> None:
        wh = t.working_hours
        async with self._write() as conn:
            result = await conn.execute(wh.delete().where(self._own_hours(), wh.c.id == entry_id))
            if result.rowcount == 0:
                raise NotFound(f"no working hours entry {entry_id!r}")
