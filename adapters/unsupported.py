"""Protocol methods for what a backend's API does not offer: each says so plainly (`Unsupported`), never
fakes it. Mix these into an adapter whose capabilities leave the matching flag out."""

from __future__ import annotations

from datetime import datetime

from adapters.errors import Unsupported
from adapters.models import (
    FeedEvent,
    FeedEventDraft,
    FeedEventPatch,
    WorkingHoursDraft,
    WorkingHoursEntry,
    WorkingHoursPatch,
)


class NoWorkingHours:
    async def list_working_hours(self, start: datetime, end: datetime) -> list[WorkingHoursEntry]:
        raise Unsupported("working hours")

    async def create_working_hours(self, draft: WorkingHoursDraft) -> WorkingHoursEntry:
        raise Unsupported("working hours")

    async def update_working_hours(self, entry_id: str, patch: WorkingHoursPatch) -> WorkingHoursEntry:
        raise Unsupported("working hours")

    async def delete_working_hours(self, entry_id: str) -> None:
        raise Unsupported("working hours")


class NoFeed:
    async def list_feed_events(self, start: datetime, end: datetime) -> list[FeedEvent]:
        raise Unsupported("feed")

    async def create_feed_event(self, draft: FeedEventDraft) -> FeedEvent:
        raise Unsupported("feed")

    async def update_feed_event(self, event_id: str, patch: FeedEventPatch) -> FeedEvent:
        raise Unsupported("feed")
