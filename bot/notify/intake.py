"""`POST /api/webhooks/{backend}/{subscription}`: verify, store durably, acknowledge — nothing else.

The handler makes no backend call: a delivery is checked (endpoint known, authentic, not replayed, well
formed) and its changes are committed to `bot_changes` before the 200, in one transaction; the fan-out
does the rest later. Refusals are logged with the reason and never the body, and change nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adapters.sql import dialect_insert, write
from bot.notify.changes import ChangeStore
from bot.notify.queue import utcnow
from bot.notify.sources import Delivery, Refused, WebhookSource
from bot.notify.sources.awork import AworkSource
from bot.notify.sources.timeghost import TimeghostSource
from bot.notify.sources.toggl import TogglSource
from bot.notify.subscriptions import SubscriptionStore
from bot.store import tables as t

log = logging.getLogger(__name__)

SOURCES: dict[str, WebhookSource] = {s.backend: s for s in (TogglSource(), AworkSource(), TimeghostSource())}


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any] | None = None


class WebhookIntake:
    def __init__(
        self,
        subscriptions: SubscriptionStore,
        changes: ChangeStore,
        *,
        clock: Callable[[], datetime] = utcnow,
        on_stored: Callable[[], None] | None = None,
    ) -> None:
        self._subscriptions = subscriptions
        self._changes = changes
        self._clock = clock
        self._on_stored = on_stored
        self.received = 0  # deliveries stored (instrumentation)

    async def receive(
        self, backend: str, token: str, headers: Mapping[str, str], body: bytes, url: str
    ) -> Answer:
        source = SOURCES.get(backend)
        endpoint = await self._subscriptions.endpoint(token) if source is not None else None
        if source is None or endpoint is None or endpoint.backend != backend:
            log.info("webhook for an unknown subscription (%s) refused (404)", backend[:16])
            return Answer(404, {"error": "unknown subscription"})
        now = self._clock()
        delivery = Delivery({k.lower(): v for k, v in headers.items()}, body, url, now)
        try:
            source.verify(endpoint, delivery)
            parsed = source.parse(endpoint, delivery)
        except Refused as refused:
            log.info("webhook %s/%s… refused (%d): %s", backend, token[:6], refused.status, refused.reason)
            return Answer(refused.status, {"error": refused.reason})
        stored = 0
        async with write(self._subscriptions.engine) as conn:
            signature = delivery.headers.get("x-webhook-signature-256")
            if signature:  # a signed delivery is accepted once: the same bytes again are a replay
                seen = (
                    dialect_insert(conn, t.notification_keys)
                    .values(key=f"webhook-signature:{signature[:200]}", created_at=now)
                    .on_conflict_do_nothing(index_elements=["key"])
                )
                if (await conn.execute(seen)).rowcount != 1:
                    log.info("webhook %s/%s… refused (401): replayed delivery", backend, token[:6])
                    return Answer(401, {"error": "replayed delivery"})
            for change in parsed.changes:
                stored += await self._changes.add(change, now, conn=conn)
        if parsed.validated and endpoint.validated_at is None:
            await self._subscriptions.update_endpoint(token, validated_at=now)
        self.received += 1
        if stored and self._on_stored is not None:
            self._on_stored()
        return Answer(200, parsed.answer if parsed.answer is not None else {"stored": stored})
