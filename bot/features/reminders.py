"""The reminder worker: checks due reminders (`bot.store.reminders`) and queues the cards (`bot.notify`);
and the reminder cards' buttons Stop at…, Keep running and Log like yesterday (Stop now, Book from feed and
Open log form reuse `stop`, `run` and `log_form`).

One per bot process; rows are leased, so several processes share the work and each reminder is checked by
one of them at a time. A card is queued in the same transaction that marks the row sent, under a key of
person, kind and day, so it goes out once however the processes race or restart. After a day's check the
next day is planned, so a person's reminders continue without another message from them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.errors import BackendError
from bot.activity import OutgoingMessage
from bot.features.people import PersonalChats, zone
from bot.features.respond import run_operation
from bot.i18n import t
from bot.notify import message_item
from bot.operations import Ambiguity, CopyDay, ParseFailure, StopTimer
from bot.periodic import PeriodicWorker
from bot.replies import card_for
from bot.routing.turn import Turn
from bot.service.context import Services
from bot.service.outcomes import Notice, Outcome
from bot.service.reminders import Check, check_nudge, check_timer
from bot.service.schedule import enabled, end_of_day_at, next_day
from bot.store.reminders import Due
from bot.views import verbs
from bot.views.verbs import CopyDayData, Empty, StopAtData

log = logging.getLogger(__name__)

RETRY = timedelta(minutes=10)  # the person's tracker did not answer: look again then
PRUNE_EVERY = timedelta(hours=1)
_SUMMARY = {"timer": "reminder.timer.title", "nudge": "reminder.nudge.title"}


class ReminderWorker(PeriodicWorker):
    name = "timebot-reminders"

    def __init__(self, services: Services, chats: PersonalChats, *, interval: float = 30.0) -> None:
        assert services.reminders is not None and services.people is not None
        super().__init__(interval)
        self.services = services
        self.chats = chats
        self.reminders = services.reminders
        self.id = uuid.uuid4().hex
        self._pruned: datetime | None = None

    async def round(self) -> int:
        sent = await self.run_due()
        await self._prune()
        return sent

    async def run_due(self) -> int:
        """One round: check every due reminder once. Returns how many cards were queued."""
        sent = 0
        for item in await self.reminders.claim(self.services.clock(), self.id):
            try:
                sent += await self._check(item)
            except Exception:
                log.exception("reminder %s failed", item.id)
                await self.reminders.later(item, self.id, self.services.clock() + RETRY)
        return sent

    async def _check(self, item: Due) -> int:
        assert self.services.people is not None
        person = await self.services.people.get(item.tenant_id, item.aad_object_id)
        prefs = await self.services.store.get_prefs(item.tenant_id, item.aad_object_id)
        if person is None or item.kind not in enabled(prefs):
            await self.reminders.later(item, self.id, None)
            return 0
        try:
            ctx = await self.chats.context(person, prefs)
            check = (
                await check_timer(ctx, item.day, person.last_active_at)
                if item.kind == "timer"
                else await check_nudge(ctx, item.day)
            )
        except BackendError as exc:
            log.info("reminder %s: the tracker did not answer (%s)", item.id, type(exc).__name__)
            await self.reminders.later(item, self.id, self.services.clock() + RETRY)
            return 0
        sent = 0
        now = self.services.clock()
        if check.outcome is not None:
            sent = int(await self._send(item, check, person.reference, person.locale, now))
        else:
            await self.reminders.later(item, self.id, check.again_at)
        if check.outcome is not None or check.again_at is None:  # that day is done: plan the next one
            tz = zone(person.timezone)
            day = max(item.day + timedelta(days=1), next_day(now, tz, prefs))
            await self.reminders.plan(
                item.tenant_id, item.aad_object_id, item.kind, day, end_of_day_at(day, tz, prefs), now
            )
        return sent

    async def _send(
        self, item: Due, check: Check, reference: dict[str, object], locale: str, now: datetime
    ) -> bool:
        queue = self.services.notifications
        assert check.outcome is not None
        if queue is None:
            log.warning("reminder %s not sent: no notification queue", item.id)
            await self.reminders.later(item, self.id, None)
            return False
        message = OutgoingMessage(
            card=card_for(check.outcome, locale), summary=t(_SUMMARY[item.kind], locale)
        )

        async def enqueue(conn: AsyncConnection) -> object:
            return await queue.enqueue(
                dict(reference),
                "message",
                message_item(message),
                locale=locale,
                now=now,
                key=reminder_key(item.tenant_id, item.aad_object_id, item.kind, item.day),
                conn=conn,
            )

        return await self.reminders.send(item, self.id, now, enqueue)

    async def _prune(self) -> None:
        now = self.services.clock()
        if self._pruned is not None and now - self._pruned < PRUNE_EVERY:
            return
        self._pruned = now
        await self.reminders.prune(now.date())
        if self.services.feed is not None:
            await self.services.feed.events.prune(now)


def reminder_key(tenant_id: str, aad_object_id: str, kind: str, day: date) -> str:
    return f"reminder:{tenant_id}:{aad_object_id}:{kind}:{day.isoformat()}"


# ---- the reminder cards' buttons ---------------------------------------------------------------------------


async def _stop_at(turn: Turn, data: StopAtData) -> Result:
    return await run_operation(turn, StopTimer(at=data.at), None)


async def _keep(turn: Turn, data: Empty) -> Result:
    return Notice("reminder.kept")


async def _copy_day(turn: Turn, data: CopyDayData) -> Result:
    return await run_operation(turn, CopyDay(source=data.source, target=data.target), None)


Result = Outcome | Ambiguity | ParseFailure
Action = Callable[[Turn, Any], Awaitable[Result]]

REMINDER_HANDLERS: dict[str, tuple[Action, bool]] = {
    verbs.REMINDER_STOP: (_stop_at, True),
    verbs.REMINDER_KEEP: (_keep, True),
    verbs.COPY_DAY: (_copy_day, True),
}
