"""The bot's own copy of every feed event posted to it, and what each person did with feed events.

Kept for every backend: timeghost takes custom feed events but cannot list them, Toggl and awork have no feed
at all, and even the local backend's feed knows nothing of who posted an event or into which channel. The
copy is what `feed` lists; the tracker gets the event too where it has a feed. Rows expire after
`FEED_RETENTION` (180 days, like timeghost's).

Marks (booked into entry X, dismissed) are kept per person, source and event id, so they work the same for
posted events and for events a source computes on the fly (e.g. calendar meetings).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.models import FEED_RETENTION, FeedEvent
from adapters.sql import dialect_insert, read_connection, write
from bot.store import tables as t
from bot.store.feedkeys import FeedKeys
from bot.store.feedmap import FeedMappings

POSTED = "custom"  # the source name of events posted through the API (timeghost's "custom feed event")
MARK_RETENTION = FEED_RETENTION + timedelta(days=30)


class DuplicateExternalId(Exception):
    """The workspace already has an event with that external id."""


@dataclass(frozen=True)
class Owner:
    """Whose feed: a tracker workspace and the person in it, by Entra object id and/or tracker user id."""

    tenant_id: str
    backend: str
    workspace_id: str
    aad_object_id: str | None
    user_id: str | None


@dataclass(frozen=True)
class StoredEvent:
    id: str
    tenant_id: str
    backend: str
    workspace_id: str
    aad_object_id: str | None
    user_id: str | None
    name: str
    description: str
    start: datetime
    end: datetime
    icon_url: str | None
    url: str | None
    category: str | None
    external_id: str | None
    channel: str | None
    remote_id: str | None
    key_id: int | None
    created_at: datetime
    modified_at: datetime
    expires_at: datetime

    def event(self) -> FeedEvent:
        return FeedEvent(
            id=self.id,
            workspace_id=self.workspace_id,
            user_id=self.user_id or self.aad_object_id or "",
            name=self.name,
            description=self.description,
            start=self.start,
            end=self.end,
            icon_url=self.icon_url,
            url=self.url,
            category=self.category,
            external_id=self.external_id,
            source=POSTED,
        )


EVENT_FIELDS = ("name", "description", "start", "end", "icon_url", "url", "category", "external_id")
_COLUMNS = [f.name for f in fields(StoredEvent)]


def _stored(row: Any) -> StoredEvent:
    return StoredEvent(**{name: getattr(row, name) for name in _COLUMNS})


@dataclass(frozen=True)
class Mark:
    booked_entry_id: str | None
    dismissed: bool


class FeedStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    # ---- posted events -------------------------------------------------------------------------------------

    async def add(
        self,
        owner: Owner,
        event: Mapping[str, Any],
        *,
        now: datetime,
        channel: str | None = None,
        key_id: int | None = None,
    ) -> StoredEvent:
        """Store a new event (`event` holds `EVENT_FIELDS`). Raises `DuplicateExternalId`."""
        now = now.astimezone(UTC)  # 180 days of elapsed time, not of wall clock across a DST change
        values = {
            "id": uuid.uuid4().hex,
            "tenant_id": owner.tenant_id,
            "backend": owner.backend,
            "workspace_id": owner.workspace_id,
            "aad_object_id": owner.aad_object_id,
            "user_id": owner.user_id,
            **{name: event.get(name) for name in EVENT_FIELDS},
            "description": event.get("description") or "",
            "channel": channel,
            "remote_id": None,
            "key_id": key_id,
            "created_at": now,
            "modified_at": now,
            "expires_at": now + FEED_RETENTION,
        }
        e = t.feed_events
        try:
            async with write(self._engine) as conn:
                if (
                    values["external_id"] is not None
                ):  # an expired event not pruned yet no longer holds its id
                    await conn.execute(
                        e.delete().where(
                            e.c.tenant_id == owner.tenant_id,
                            e.c.backend == owner.backend,
                            e.c.workspace_id == owner.workspace_id,
                            e.c.external_id == values["external_id"],
                            e.c.expires_at <= now,
                        )
                    )
                row = (await conn.execute(e.insert().values(**values).returning(*e.c))).one()
        except IntegrityError as exc:
            raise DuplicateExternalId(str(event.get("external_id"))) from exc
        return _stored(row)

    async def by_external_id(
        self, tenant_id: str, backend: str, workspace_id: str, external_id: str, now: datetime
    ) -> StoredEvent | None:
        e = t.feed_events
        async with read_connection(self._engine) as conn:
            row = (
                await conn.execute(
                    sa.select(e).where(
                        e.c.tenant_id == tenant_id,
                        e.c.backend == backend,
                        e.c.workspace_id == workspace_id,
                        e.c.external_id == external_id,
                        e.c.expires_at > now,
                    )
                )
            ).one_or_none()
        return _stored(row) if row is not None else None

    async def get(self, event_id: str, now: datetime) -> StoredEvent | None:
        e = t.feed_events
        async with read_connection(self._engine) as conn:
            row = (
                await conn.execute(sa.select(e).where(e.c.id == event_id, e.c.expires_at > now))
            ).one_or_none()
        return _stored(row) if row is not None else None

    async def update(self, event_id: str, changes: Mapping[str, Any], now: datetime) -> StoredEvent:
        """Change some of `EVENT_FIELDS` (or `remote_id`/`channel`). Raises `DuplicateExternalId`."""
        allowed = {*EVENT_FIELDS, "remote_id", "channel"}
        values = {k: v for k, v in changes.items() if k in allowed}
        if "description" in values and values["description"] is None:
            values["description"] = ""
        e = t.feed_events
        try:
            async with write(self._engine) as conn:
                row = (
                    await conn.execute(
                        e.update().where(e.c.id == event_id).values(**values, modified_at=now).returning(*e.c)
                    )
                ).one()
        except IntegrityError as exc:
            raise DuplicateExternalId(str(values.get("external_id"))) from exc
        return _stored(row)

    async def set_remote_id(self, event_id: str, remote_id: str) -> None:
        e = t.feed_events
        async with write(self._engine) as conn:
            await conn.execute(e.update().where(e.c.id == event_id).values(remote_id=remote_id))

    async def list_for(
        self, owner: Owner, start: datetime, end: datetime, now: datetime
    ) -> list[StoredEvent]:
        """The person's unexpired events overlapping [start, end), earliest first."""
        e = t.feed_events
        whose = []
        if owner.aad_object_id:
            whose.append(e.c.aad_object_id == owner.aad_object_id)
        if owner.user_id:
            whose.append(e.c.user_id == owner.user_id)
        if not whose:
            return []
        async with read_connection(self._engine) as conn:
            rows = await conn.execute(
                sa.select(e)
                .where(
                    e.c.tenant_id == owner.tenant_id,
                    e.c.backend == owner.backend,
                    e.c.workspace_id == owner.workspace_id,
                    sa.or_(*whose),
                    e.c.start < end,
                    e.c.end > start,
                    e.c.expires_at > now,
                )
                .order_by(e.c.start, e.c.id)
            )
            return [_stored(row) for row in rows]

    async def prune(self, now: datetime) -> int:
        """Forget expired events and old marks; returns how many events went."""
        now = now.astimezone(UTC)
        async with write(self._engine) as conn:
            gone = await conn.execute(t.feed_events.delete().where(t.feed_events.c.expires_at <= now))
            await conn.execute(t.feed_marks.delete().where(t.feed_marks.c.marked_at < now - MARK_RETENTION))
        return int(gone.rowcount or 0)

    # ---- marks ---------------------------------------------------------------------------------------------

    async def mark(
        self,
        tenant_id: str,
        aad_object_id: str,
        source: str,
        event_id: str,
        now: datetime,
        *,
        booked_entry_id: str | None = None,
        dismissed: bool = False,
    ) -> None:
        values = {
            "tenant_id": tenant_id,
            "aad_object_id": aad_object_id,
            "source": source,
            "event_id": event_id,
            "booked_entry_id": booked_entry_id,
            "dismissed": dismissed,
            "marked_at": now,
        }
        async with write(self._engine) as conn:
            stmt = dialect_insert(conn, t.feed_marks).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=["tenant_id", "aad_object_id", "source", "event_id"],
                set_={k: stmt.excluded[k] for k in ("booked_entry_id", "dismissed", "marked_at")},
            )
            await conn.execute(stmt)

    async def unmark(self, tenant_id: str, aad_object_id: str, source: str, event_id: str) -> None:
        m = t.feed_marks
        async with write(self._engine) as conn:
            await conn.execute(
                m.delete().where(
                    m.c.tenant_id == tenant_id,
                    m.c.aad_object_id == aad_object_id,
                    m.c.source == source,
                    m.c.event_id == event_id,
                )
            )

    async def marks(
        self, tenant_id: str, aad_object_id: str, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], Mark]:
        """The marks among `keys` ((source, event id) pairs)."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        m = t.feed_marks
        found: dict[tuple[str, str], Mark] = {}
        async with read_connection(self._engine) as conn:
            for chunk in (wanted[i : i + 200] for i in range(0, len(wanted), 200)):
                rows = await conn.execute(
                    sa.select(m).where(
                        m.c.tenant_id == tenant_id,
                        m.c.aad_object_id == aad_object_id,
                        sa.tuple_(m.c.source, m.c.event_id).in_(chunk),
                    )
                )
                for row in rows:
                    found[(row.source, row.event_id)] = Mark(row.booked_entry_id, row.dismissed)
        return found


@dataclass(frozen=True)
class FeedState:
    """The feed's three stores, on one database."""

    events: FeedStore
    keys: FeedKeys
    mappings: FeedMappings

    @classmethod
    def on(cls, engine: AsyncEngine) -> FeedState:
        return cls(FeedStore(engine), FeedKeys(engine), FeedMappings(engine))
