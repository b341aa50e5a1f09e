"""The feed in the local backend: calendar-like events a person may book as time (kept `FEED_RETENTION`)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.errors import NotFound, PermissionDenied
from adapters.local import tables as t
from adapters.local.base import LocalBase, check_aware, check_interval, new_id, overlapping
from adapters.local.rows import exists, feed_event_from_row
from adapters.models import FEED_RETENTION, FeedEvent, FeedEventDraft, FeedEventPatch


class Feed(LocalBase):
    # ---- feed ----------------------------------------------------------------------------------------------

    async def list_feed_events(self, start: datetime, end: datetime) -> list[FeedEvent]:
        start, end = check_aware(start, "start"), check_aware(end, "end")
        check_interval(start, end)
        fe = t.feed_events
        now = self._now()
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(fe)
                .where(
                    fe.c.workspace_id == self.workspace.id,
                    fe.c.user_id == self.user.id,
                    fe.c.created_at > now - FEED_RETENTION,
                    overlapping(fe, start, end, now),
                )
                .order_by(fe.c.start.desc(), fe.c.id.desc())
            )
            return [feed_event_from_row(row) for row in rows]

    async def create_feed_event(self, draft: FeedEventDraft) -> FeedEvent:
        """Add an event for the acting user, or (workspace admins) for `draft.user_id` in the workspace."""
        check_interval(draft.start, draft.end)
        message = f"a feed event {draft.external_id!r} from {draft.source!r} already exists"
        async with self._write(message) as conn:
            owner = await self._feed_owner(conn, draft.user_id)
            fields = draft.model_dump(exclude={"user_id"})
            event = FeedEvent(id=new_id(), workspace_id=self.workspace.id, user_id=owner, **fields)
            await conn.execute(t.feed_events.insert().values(**event.model_dump(), created_at=self._now()))
        return event

    async def update_feed_event(self, event_id: str, patch: FeedEventPatch) -> FeedEvent:
        fe = t.feed_events
        async with self._write("another feed event already has that external id") as conn:
            row = (
                await conn.execute(
                    self._lock(
                        sa.select(fe).where(fe.c.workspace_id == self.workspace.id, fe.c.id == event_id)
                    )
                )
            ).one_or_none()
            if row is None or (row.user_id != self.user.id and not self.user.is_admin):
                raise NotFound(f"no feed event {event_id!r}")
            values = {name: getattr(patch, name) for name in patch.model_fields_set}
            updated = feed_event_from_row(row).model_copy(update=values)
            check_interval(updated.start, updated.end)
            if values:
                await conn.execute(fe.update().where(fe.c.id == event_id).values(**values))
        return FeedEvent.model_validate(updated.model_dump())

    async def _feed_owner(self, conn: AsyncConnection, user_id: str | None) -> str:
        if user_id is None or user_id == self.user.id:
            return self.user.id
        if not self.user.is_admin:
            raise PermissionDenied("only workspace admins may add feed events for other people")
        us = t.users
        if not await exists(conn, us, us.c.workspace_id == self.workspace.id, us.c.id == user_id):
            raise NotFound(f"no user {user_id!r} in this workspace")
        return user_id
