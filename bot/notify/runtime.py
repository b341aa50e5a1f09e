"""The outbound half of one bot process: the delivery worker, the change fan-out (with the pollers of
trackers that have no webhooks) and the webhook intake, built from the bot's services."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bot.app import ProactiveSender
from bot.notify.changes import ChangeStore
from bot.notify.conversations import forget_conversation
from bot.notify.fanout import ChangeFanout
from bot.notify.intake import WebhookIntake
from bot.notify.sources.focus import FocusPoller
from bot.notify.worker import DeliveryWorker, Renderer
from bot.service.backends import BackendRegistry
from bot.service.context import Services


class Notifications:
    def __init__(
        self,
        services: Services,
        registry: BackendRegistry,
        sender: ProactiveSender | None,
        renderers: Mapping[str, Renderer],
        *,
        window: timedelta = timedelta(seconds=30),
        concurrency: int = 16,
    ) -> None:
        queue, subscriptions = services.notifications, services.subscriptions
        if queue is None:
            raise ValueError("notifications need the notification queue")
        self.services = services
        self.queue = queue
        self.delivery: DeliveryWorker | None = None
        self.fanout: ChangeFanout | None = None
        self.intake: WebhookIntake | None = None
        if sender is not None:
            self.delivery = DeliveryWorker(
                queue, sender, renderers, concurrency=concurrency, clock=services.clock, on_gone=self._gone
            )
        if subscriptions is not None:
            changes = services.changes or ChangeStore(queue.engine)
            poller = FocusPoller(subscriptions, changes, registry, interval=services.poll_seconds)
            self.fanout = ChangeFanout(
                queue.engine,
                changes,
                subscriptions,
                queue,
                registry,
                services.refdata,
                window=window,
                clock=services.clock,
                pollers=[poller],
            )
            self.intake = WebhookIntake(
                subscriptions, changes, clock=services.clock, on_stored=self.fanout.wake.set
            )

    async def _gone(self, conversation_id: str, reason: str) -> None:
        services = self.services
        await forget_conversation(
            self.queue, conversation_id, reason, services.clock(), services.subscriptions
        )
        await services.store.delete_conversation_ref(conversation_id)

    def start(self) -> None:
        if self.delivery is not None:
            self.delivery.start()
        if self.fanout is not None:
            self.fanout.start()

    async def stop(self) -> None:
        if self.fanout is not None:
            await self.fanout.stop()
        if self.delivery is not None:
            await self.delivery.stop()

    async def receive_webhook(
        self, backend: str, subscription: str, headers: Mapping[str, str], body: bytes, url: str
    ) -> tuple[int, dict[str, Any] | None]:
        if self.intake is None:
            return 404, {"error": "webhooks are not enabled"}
        answer = await self.intake.receive(backend, subscription, headers, body, url)
        return answer.status, answer.body
