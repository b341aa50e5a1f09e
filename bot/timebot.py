"""The application: routes each activity to its feature and never lets an error escape as a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.backend import BackendFactory
from adapters.local.changes import ORIGIN
from adapters.sql import is_disconnect, unit_of_work
from adapters.sql.unit import Unit
from bot.activity import Activity, InvokeResponse, OutgoingMessage, TurnResult
from bot.app import ProactiveSender
from bot.features import card_actions, commands, lifecycle, reports, search, signin
from bot.features.feed_api import FeedApi
from bot.features.feed_push import FeedPush
from bot.features.housekeeping import Housekeeping
from bot.features.notifications import RENDERERS
from bot.features.outbox import OutboxWorker
from bot.features.people import PersonalChats
from bot.features.reminders import ReminderWorker
from bot.features.respond import render
from bot.features.signin_pages import SignInPages
from bot.notify import DeliveryWorker
from bot.notify.runtime import Notifications
from bot.routing.router import Route, Router
from bot.routing.turn import Turn
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.feedposts import ChannelCheck, FeedPosts, SubscribedChannels
from bot.service.outcomes import Problem
from bot.store.state import AlreadyProcessed

log = logging.getLogger(__name__)
RECALL_ACTIVITIES = timedelta(minutes=15)
Hook = Callable[[], Awaitable[None]]


def build_router() -> Router:
    root = Router("timebot")
    features = (lifecycle, reports, signin, card_actions, search, commands)
    for feature in (module.router for module in features):
        root.include(feature)
    return root


class Timebot:
    """Implements `bot.app.TurnHandler` over a backend factory and the bot's state store."""

    def __init__(
        self,
        services: Services,
        backends: BackendRegistry | BackendFactory,
        *,
        default_timezone: str = "UTC",
        default_backend: str = "local",
        on_startup: list[Hook] | None = None,
        on_shutdown: list[Hook] | None = None,
        notify_concurrency: int = 16,
        reminder_interval: float = 30.0,
        channels: ChannelCheck | None = None,
        notify_window: timedelta = timedelta(seconds=30),
    ) -> None:
        self.services = services
        self.backends = (
            backends if isinstance(backends, BackendRegistry) else BackendRegistry({backends.kind: backends})
        )
        self.default_timezone = default_timezone
        self.default_backend = default_backend
        self.router = build_router()
        self.auth_pages = SignInPages(self)  # `/auth/start`, `/auth/callback` (sign-in links)
        self._on_startup = on_startup or []
        self._sender: ProactiveSender | None = None
        self.outbox_worker: OutboxWorker | None = None
        self.notifications: Notifications | None = None
        self.notify_concurrency = notify_concurrency
        self.notify_window = notify_window
        self._on_shutdown = on_shutdown or []
        # The bot speaks first: people's personal chats, the feed API and the reminders (issue 10 §3, §4).
        self.chats = PersonalChats(services, self.backends, default_backend)
        self.reminder_interval = reminder_interval
        self.reminder_worker: ReminderWorker | None = None
        self.housekeeping = Housekeeping(services.store)  # real time: the ids are stamped with it
        self.feed_api: FeedApi | None = None
        if services.feed is not None:
            if channels is None:
                subscriptions = services.subscriptions
                channels = (
                    SubscribedChannels(subscriptions, services.store) if subscriptions else ChannelCheck()
                )
            posts = FeedPosts(services.feed, self.backends, channels)
            self.feed_api = FeedApi(services, posts, after_post=FeedPush(services, self.chats, channels))

    @property
    def delivery_worker(self) -> DeliveryWorker | None:
        """The notification queue's worker (tests drive it with `deliver_due()`)."""
        return self.notifications.delivery if self.notifications is not None else None

    def use_sender(self, sender: ProactiveSender) -> None:
        """The transport's way to post outside a turn; enables delivering the outbox."""
        self._sender = sender
        self.services.outbound.sender = sender

    async def startup(self) -> None:
        for hook in self._on_startup:
            await hook()
        # Teams redelivers within minutes: what this or another process committed lately is known at once.
        await self.services.store.recall_activities(datetime.now(UTC) - RECALL_ACTIVITIES)
        outbox = self.services.outbox
        if outbox is not None and self._sender is not None:
            self.outbox_worker = OutboxWorker(self.services, outbox, self.backends, self._sender)
            self.outbox_worker.start()
        if self.services.notifications is not None:
            self.notifications = Notifications(
                self.services,
                self.backends,
                self._sender,
                RENDERERS,
                window=self.notify_window,
                concurrency=self.notify_concurrency,
            )
            self.notifications.start()
        if (
            self.services.reminders is not None
            and self.services.people is not None
            and self._sender is not None
        ):
            self.reminder_worker = ReminderWorker(self.services, self.chats, interval=self.reminder_interval)
            self.reminder_worker.start()
        self.housekeeping.start()

    async def shutdown(self) -> None:
        await self.housekeeping.stop()
        if self.reminder_worker is not None:
            await self.reminder_worker.stop()
        if self.notifications is not None:
            await self.notifications.stop()
        if self.outbox_worker is not None:
            await self.outbox_worker.stop()
        await self.backends.close()
        for hook in self._on_shutdown:
            await hook()

    async def receive_webhook(
        self, backend: str, subscription: str, headers: Mapping[str, str], body: bytes, url: str
    ) -> tuple[int, dict[str, Any] | None]:
        """`bot.app.WebhookReceiver`: a tracker's change delivery (stored now, fanned out later)."""
        if self.notifications is None:
            return 404, {"error": "webhooks are not enabled"}
        return await self.notifications.receive_webhook(backend, subscription, headers, body, url)

    async def handle(self, activity: Activity) -> TurnResult:
        """Run one activity as one unit of work: whatever it writes (the entry, its undo record, the activity
        id) commits together before the reply is returned, or nothing does."""
        try:
            return await self._handle(activity)
        finally:
            # Other processes drop what this turn changed (once committed) before its reply leaves.
            await self.services.bus.flush()

    async def _handle(self, activity: Activity) -> TurnResult:
        for attempt in (1, 2):
            turn = Turn(activity, self.services, self.backends, self.default_timezone, self.default_backend)
            route = self.router.find(turn)
            if route is None:
                # Typing, reactions, … are fine to ignore; an unknown invoke is answered "not implemented".
                if activity.type == "invoke":
                    return TurnResult(invoke=InvokeResponse(status=501))
                return TurnResult()
            guard = (
                f"{activity.conversation.id}|{activity.id}"
                if activity.type == "message" and activity.id
                else None
            )
            unit: Unit | None = None
            try:
                async with unit_of_work() as unit:
                    return await self._run(turn, route, guard)
            except AlreadyProcessed:
                log.info("ignoring redelivered activity (its writes were committed before)")
                return TurnResult()
            except Exception as exc:
                if guard is not None:
                    self.services.store.forget_activity(guard)  # nothing of it was committed
                if attempt == 1 and is_disconnect(exc) and unit is not None and not unit.statements:
                    # A pooled connection that dropped fails its first statement (there is no ping on
                    # checkout); nothing of the turn has run yet, so it runs again on a fresh connection.
                    log.warning("the database connection dropped; running the turn again")
                    continue
                log.exception("route %s failed", route.name)
                return _failed(turn)
        raise AssertionError("unreachable")

    async def _run(self, turn: Turn, route: Route, guard: str | None) -> TurnResult:
        if route.name != "removed":
            await lifecycle.remember(turn)  # every activity brings the conversation's freshest reference
        ORIGIN.set(turn.activity.conversation.id or None)  # this turn's local writes say where they came from
        if guard is not None and await self.services.store.guard_activity(guard):
            log.info("ignoring redelivered activity")
            return TurnResult()
        result = await route.handler(turn)
        await self._remember(turn)
        return result

    async def _remember(self, turn: Turn) -> None:
        """Where to reach the person later, and their reminders for the day ahead (never fails the turn)."""
        try:
            await self.chats.note(turn)
        except Exception:
            log.exception("could not remember the personal chat")


def _failed(turn: Turn) -> TurnResult:
    """The error card (nothing of the turn was committed): no stack trace ever reaches a person."""
    activity = turn.activity
    text = (activity.text or "").strip() or None
    card = render(turn, Problem("error.internal", retry_command=text))
    if activity.type == "invoke":
        body = {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": card}
        return TurnResult(invoke=InvokeResponse(body=body))
    return TurnResult(messages=[OutgoingMessage(card=card)])
