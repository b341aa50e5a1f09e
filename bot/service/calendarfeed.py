"""The person's Outlook meetings as feed events (`feed calendar`), next to the posted ones.

Nothing is read without the person's opt-in: `feed calendar` needs the Graph sign-in (`Calendars.Read`) and
records the choice on that connection (`extra.feed = "on"`); `feed calendar off` stops it and drops what was
synced. A window (the local day or days `feed` shows, so the person's zone decides what "today" is) is read
with Graph's calendarView delta once and then only for changes, at most every `refresh` seconds. Declined,
cancelled, free ("show as free") and all-day events are left out; a meeting is booked like any feed event.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.backend import Identity
from adapters.credentials import Connection
from adapters.errors import BackendError, Unauthorized
from adapters.graph import GraphCalendar
from adapters.models import FeedEvent
from bot.operations import FeedCalendar
from bot.service.account import forget_synced
from bot.service.context import UserContext
from bot.service.feed import feed_view
from bot.service.outcomes import FeedShown, Notice, Outcome, Problem, SignInPrompt
from bot.signin.connections import SignInNeeded
from bot.signin.entra import SignInRequired
from bot.signin.service import SIGNED_IN
from bot.store.calendar import CalendarWindows, Window

log = logging.getLogger(__name__)

SOURCE = "calendar"
BACKEND = "calendar"  # what the person signs in to (`signin calendar`)
REFRESH = timedelta(seconds=60)
_KEPT = ("subject", "bodyPreview", "isAllDay", "showAs", "isCancelled", "webLink")


def _kept(event: dict[str, Any]) -> dict[str, Any]:
    """The fields a feed event needs, from a Graph event (UTC times: `Prefer: outlook.timezone="UTC"`)."""
    kept = {key: event.get(key) for key in _KEPT}
    kept["start"] = (event.get("start") or {}).get("dateTime")
    kept["end"] = (event.get("end") or {}).get("dateTime")
    kept["response"] = (event.get("responseStatus") or {}).get("response")
    categories = event.get("categories") or []
    kept["category"] = categories[0] if categories and isinstance(categories[0], str) else None
    return kept


def _utc(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value[:26].rstrip("Z"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def bookable(event: dict[str, Any]) -> bool:
    """A meeting the person attends and that blocks their time: not declined, cancelled, free or all day."""
    return not (
        event.get("isAllDay")
        or event.get("isCancelled")
        or event.get("showAs") == "free"
        or event.get("response") == "declined"
    )


def feed_event(ctx: UserContext, event_id: str, event: dict[str, Any]) -> FeedEvent | None:
    start, end = _utc(event.get("start")), _utc(event.get("end"))
    if start is None or end is None or end <= start:
        return None
    url = event.get("webLink")
    category = event.get("category")
    return FeedEvent(
        id=event_id,
        workspace_id=ctx.backend.workspace.id,
        user_id=ctx.backend.user.id,
        name=(str(event.get("subject") or "").strip() or "(no subject)")[:200],
        description=" ".join(str(event.get("bodyPreview") or "").split())[:500],
        start=start,
        end=end,
        url=url if isinstance(url, str) and url.startswith("https://") and len(url) <= 2048 else None,
        category=category[:256] if isinstance(category, str) and category else None,
        source=SOURCE,
    )


async def opted_in(ctx: UserContext) -> Connection | None:
    """The person's calendar sign-in, if they turned the calendar feed on."""
    store = ctx.services.connections
    connection = await store.get(ctx.identity, BACKEND) if store is not None else None
    if (
        connection is None
        or connection.extra.get("auth") != SIGNED_IN
        or connection.extra.get("feed") != "on"
    ):
        return None
    return connection


class CalendarFeed:
    """A `bot.service.feedsources.FeedSource` over Microsoft Graph."""

    name = SOURCE

    def __init__(
        self, graph: GraphCalendar, windows: CalendarWindows, *, refresh: timedelta = REFRESH
    ) -> None:
        self.graph = graph
        self.windows = windows
        self.refresh = refresh

    async def forget(self, identity: Identity) -> None:
        await self.windows.forget(identity)

    async def events(self, ctx: UserContext, start: datetime, end: datetime) -> Sequence[FeedEvent]:
        signin = ctx.services.signin
        if signin is None or await opted_in(ctx) is None:
            return []
        window = await self._sync(ctx, start, end)
        found = (
            feed_event(ctx, event_id, event) for event_id, event in window.events.items() if bookable(event)
        )
        return [e for e in found if e is not None and e.start < end and e.end > start]

    async def _sync(self, ctx: UserContext, start: datetime, end: datetime) -> Window:
        now = ctx.services.clock()
        stored = await self.windows.get(ctx.identity, start, end)
        if stored is not None and now - stored.synced_at < self.refresh:
            return stored
        assert ctx.services.signin is not None
        try:
            token = await ctx.services.signin.token(ctx.identity, BACKEND)
        except SignInRequired as exc:
            raise SignInNeeded(BACKEND, exc.reason) from None
        events = dict(stored.events) if stored is not None else {}
        link = stored.delta_link if stored is not None else None
        try:
            changes = await self.graph.changes(token, start, end, link)
        except Unauthorized:
            raise
        except BackendError:
            if link is None:
                raise
            log.info("calendar delta link refused: reading the window again")  # e.g. 410 resyncRequired
            events, changes = {}, await self.graph.changes(token, start, end)
        for event in changes.events:
            events[str(event["id"])] = _kept(event)
        for removed in changes.removed:
            events.pop(removed, None)
        window = Window(events, changes.delta_link, now)
        await self.windows.save(ctx.identity, start, end, window)
        return window


async def feed_calendar(ctx: UserContext, op: FeedCalendar) -> Outcome:
    """`feed calendar` (sign in to Graph if needed, then show the feed with meetings) or `… off`."""
    signin, store = ctx.services.signin, ctx.services.connections
    if signin is None or store is None or not signin.offers(BACKEND) or not ctx.services.feed_sources:
        return Problem("feed.calendar_unavailable")
    connection = await store.get(ctx.identity, BACKEND)
    signed_in = connection is not None and connection.extra.get("auth") == SIGNED_IN
    if not op.enabled:
        if signed_in and connection is not None:
            await store.save(ctx.identity, _with_feed(connection, "off"))
        await forget_synced(ctx.services, ctx.identity)
        return Notice("feed.calendar_off")
    if not signed_in or connection is None:
        return SignInPrompt(BACKEND, "no_account")
    try:
        await signin.token(ctx.identity, BACKEND)
    except SignInRequired as exc:
        return SignInPrompt(BACKEND, exc.reason)
    await store.save(ctx.identity, _with_feed(connection, "on"))
    return FeedShown(await feed_view(ctx, op.period, notice=("feed.calendar_on", {})))


def _with_feed(connection: Connection, state: str) -> Connection:
    return Connection(
        connection.backend, connection.secret, connection.workspace_id, {**connection.extra, "feed": state}
    )
