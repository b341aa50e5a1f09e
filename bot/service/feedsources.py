"""Where feed events come from: a small interface, so new sources (calendar meetings, …) plug in.

A source is an object with a `name` and `events(ctx, start, end)`: the person's events overlapping
[start, end), each with `source == name` and an `id` that is stable and unique within the source (booked and
dismissed marks are kept by that pair). The service asks every source; `PostedEvents` (what came in through
`POST /api/feed`) is always one of them, others come from `Services.feed_sources`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from adapters.models import FeedEvent
from bot.service.context import UserContext
from bot.store.feed import POSTED, Owner


class FeedSource(Protocol):
    name: str

    async def events(self, ctx: UserContext, start: datetime, end: datetime) -> Sequence[FeedEvent]: ...


def owner_of(ctx: UserContext) -> Owner:
    """The person's feed in the workspace they work in now."""
    backend = ctx.backend
    return Owner(
        ctx.identity.tenant_id,
        backend.kind,
        backend.workspace.id,
        ctx.identity.aad_object_id,
        backend.user.id,
    )


class PostedEvents:
    """Events posted through the feed API: the bot's own copy (every backend has one)."""

    name = POSTED

    async def events(self, ctx: UserContext, start: datetime, end: datetime) -> Sequence[FeedEvent]:
        feed = ctx.services.feed
        if feed is None:
            return []
        rows = await feed.events.list_for(owner_of(ctx), start, end, ctx.services.clock())
        return [row.event() for row in rows]


def sources(ctx: UserContext) -> list[FeedSource]:
    return [PostedEvents(), *ctx.services.feed_sources]
