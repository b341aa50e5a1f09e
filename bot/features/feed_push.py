"""A new posted feed event goes out at once: into the person's personal chat (unless they switched it off
in `settings`), as a card they can book from, and into the channel it names (which subscribed to `feed`).

Both are queued (`bot.notify`) before the API answers, each under a key of the event, so a retried post or
a crash never sends one twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from adapters.errors import BackendError
from bot.activity import OutgoingMessage
from bot.commands.timeparse import parse_period
from bot.features.people import PersonalChats, zone
from bot.i18n import Message, t
from bot.notify import message_item
from bot.operations import ParseContext, Period
from bot.service.context import Services, UserContext
from bot.service.feed import feed_view
from bot.service.feedposts import ChannelCheck, Posted
from bot.store.feed import POSTED, StoredEvent
from bot.store.feedkeys import FeedKey
from bot.store.people import Person
from bot.views.feed import FeedDay, FeedEventView, FeedView
from cards import feed as cards

log = logging.getLogger(__name__)


class FeedPush:
    def __init__(self, services: Services, chats: PersonalChats, channels: ChannelCheck) -> None:
        self.services = services
        self.chats = chats
        self.channels = channels

    async def __call__(self, key: FeedKey, posted: Posted) -> None:
        event = posted.event
        if event.channel:
            await self._to_channel(key, event)
        person = await self._person(event)
        if person is not None:
            await self._to_person(person, event)

    async def _person(self, event: StoredEvent) -> Person | None:
        people = self.services.people
        if people is None:
            return None
        if event.aad_object_id:
            found = await people.get(event.tenant_id, event.aad_object_id)
            if found is not None:
                return found
        if event.user_id:
            return await people.by_tracker_user(
                event.tenant_id, event.backend, event.workspace_id, event.user_id
            )
        return None

    async def _to_person(self, person: Person, event: StoredEvent) -> None:
        queue = self.services.notifications
        prefs = await self.services.store.get_prefs(person.tenant_id, person.aad_object_id)
        if queue is None or not prefs.feed_push:
            return
        try:
            ctx = await self.chats.context(person, prefs)
            if (ctx.backend.kind, ctx.backend.workspace.id) != (event.backend, event.workspace_id):
                return  # they work elsewhere now; the event waits in that workspace's feed
            view = await feed_view(ctx, _day_period(ctx, event), only={(POSTED, event.id)})
        except BackendError as exc:
            log.info(
                "feed push: the person's tracker did not answer (%s); the event waits in their feed", exc
            )
            return
        if not view.days:
            return
        card = cards.pushed_card(view, person.locale)
        message = OutgoingMessage(card=card, summary=t("feed.new", person.locale))
        await queue.enqueue(
            person.reference,
            "message",
            message_item(message),
            locale=person.locale,
            now=self.services.clock(),
            key=f"feed:{event.tenant_id}:{event.id}:person",
        )

    async def _to_channel(self, key: FeedKey, event: StoredEvent) -> None:
        queue = self.services.notifications
        reference = await self.channels.reference(key, event.channel or "")
        if queue is None or reference is None:
            return
        locale = str(reference.get("locale") or "en-US")
        tz = zone(None)
        local_start = event.start.astimezone(tz)
        view = FeedView(
            period_start=local_start.date(),
            period_end=local_start.date() + timedelta(days=1),
            period_name=Message("parse.period.date", {"date": local_start.date().isoformat()}),
            days=[FeedDay(day=local_start.date(), events=[_event_view(event, tz)])],
            can_book=False,
        )
        message = OutgoingMessage(card=cards.posted_card(view, locale), summary=t("feed.posted", locale))
        await queue.enqueue(
            reference,
            "message",
            message_item(message),
            locale=locale,
            now=self.services.clock(),
            key=f"feed:{event.tenant_id}:{event.id}:channel",
        )


def _day_period(ctx: UserContext, event: StoredEvent) -> Period:
    day = event.start.astimezone(ctx.tz).date()
    found = parse_period(day.isoformat(), ParseContext(now=ctx.now, tz=ctx.tz, locale=ctx.locale))
    return found or Period(
        start=day, end=day + timedelta(days=1), name=Message("parse.period.date", {"date": day.isoformat()})
    )


def _event_view(event: StoredEvent, tz: ZoneInfo) -> FeedEventView:
    feed_event = event.event()
    return FeedEventView(
        source=POSTED,
        id=event.id,
        name=feed_event.name,
        description=feed_event.description,
        start=feed_event.start.astimezone(tz),
        end=feed_event.end.astimezone(tz),
        duration_seconds=int((feed_event.end - feed_event.start).total_seconds()),
        icon_url=feed_event.icon_url,
        url=feed_event.url,
        category=feed_event.category,
    )
