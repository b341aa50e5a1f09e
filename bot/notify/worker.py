"""The delivery worker: takes due rows from the notification queue and posts (or updates) them in Teams.

Rate limits are the transport's: every send goes through the `ProactiveSender`, whose connector waits for
the conversation's and the app's windows and retries short 429/412/5xx itself. What it cannot absorb comes
back as `DeliveryFailed`, and the row is planned again here: `Retry-After` when Teams sent one, otherwise
exponential backoff with full jitter (tenacity), until the row's `expires_at`, after which it is marked
`failed` with the reason. 403/404 for a conversation means the bot was removed from it: its queued sends
and subscriptions are dropped (`on_gone`) instead of retried.

A send and the commit that records it cannot be one transaction. If the process dies between them, the
row's lease runs out and the message is sent again: at most one repeat per conversation that had a send in
flight (so at most `concurrency` in all); an update in place repeats harmlessly.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import tenacity

from bot.activity import OutgoingMessage
from bot.app import DeliveryFailed, ProactiveSender
from bot.notify.queue import Claimed, NotificationQueue, utcnow

log = logging.getLogger(__name__)

RETRYABLE = frozenset({401, 408, 412, 429, 500, 502, 503, 504})
GONE = frozenset({403, 404})
PRUNE_EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class Rendering:
    """What a renderer gets: the newest items of one message (coalesced ones capped), how many there were
    in all, the conversation's language, and whether the result replaces a message already posted."""

    kind: str
    items: list[dict[str, Any]]
    item_count: int
    locale: str
    updating: bool


Renderer = Callable[[Rendering], OutgoingMessage]
OnGone = Callable[[str, str], Awaitable[None]]


def message_item(message: OutgoingMessage) -> dict[str, Any]:
    """An `OutgoingMessage` as a queue item of kind `message` (rendered by the caller, sent as it is)."""
    return message.model_dump(mode="json", exclude={"replace_activity_id"}, exclude_defaults=True)


def render_message(rendering: Rendering) -> OutgoingMessage:
    """Kind `message`: the newest item is the message (coalesced, the latest state replaces the card)."""
    return OutgoingMessage.model_validate(rendering.items[-1])


def backoff(attempt: int, *, ceiling: timedelta = timedelta(minutes=10)) -> float:
    """Seconds before retry `attempt` (from 1): full-jitter exponential, 1 s doubling, capped."""
    wait = tenacity.wait_random_exponential(multiplier=1, min=0.5, max=ceiling.total_seconds())
    state = tenacity.RetryCallState(tenacity.AsyncRetrying(), None, (), {})
    state.attempt_number = attempt
    return float(wait(state))


class DeliveryWorker:
    """One per bot process. `start()` runs it in the background; `deliver_due()` runs one round (tests)."""

    def __init__(
        self,
        queue: NotificationQueue,
        sender: ProactiveSender,
        renderers: Mapping[str, Renderer] | None = None,
        *,
        concurrency: int = 16,
        interval: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
        on_gone: OnGone | None = None,
        max_backoff: timedelta = timedelta(minutes=10),
    ) -> None:
        self.queue = queue
        self.sender = sender
        self.renderers: dict[str, Renderer] = {"message": render_message, **(renderers or {})}
        self.concurrency = max(1, concurrency)
        self.interval = interval
        self.clock = clock
        self.on_gone = on_gone
        self.max_backoff = max_backoff
        self.owner = uuid.uuid4().hex
        self.delivered = 0  # messages posted or updated by this worker (instrumentation)
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._slot_free = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._last_prune: datetime | None = None

    # ---- lifecycle --------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="timebot-notify")
            self._heartbeat = asyncio.create_task(self._renew_leases(), name="timebot-notify-leases")

    async def stop(self) -> None:
        for task in (self._task, self._heartbeat):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._heartbeat = None
        if self._inflight:  # sends already under way finish (and are recorded) rather than repeat later
            await asyncio.wait(list(self._inflight.values()), timeout=10)

    # ---- the loop ---------------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            self.queue.wake.clear()  # before claiming: an enqueue during the claim is not missed
            self._slot_free.clear()
            try:
                claimed = await self._claim()
                await self._maybe_prune()
            except Exception:  # the loop survives anything: the rows stay and come back
                log.exception("notification round failed")
                claimed = 0
            if claimed and len(self._inflight) < self.concurrency:
                continue  # there may be more due right now
            await self._wait_for_work()

    async def _wait_for_work(self) -> None:
        waits = [asyncio.create_task(self.queue.wake.wait()), asyncio.create_task(self._slot_free.wait())]
        try:
            await asyncio.wait(waits, timeout=self.interval, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waits:
                waiter.cancel()

    async def _claim(self) -> int:
        free = self.concurrency - len(self._inflight)
        items = await self.queue.claim(self.clock(), self.owner, free)
        for item in items:
            task = asyncio.create_task(self._deliver(item), name=f"timebot-notify-{item.id}")
            self._inflight[item.id] = task
            task.add_done_callback(functools.partial(self._done, item.id))
        return len(items)

    def _done(self, item_id: int, _task: asyncio.Task[None]) -> None:
        self._inflight.pop(item_id, None)
        self._slot_free.set()

    async def deliver_due(self) -> int:
        """One round without the background loop: claim what is due now, deliver it, wait for the sends."""
        started = self.delivered
        while await self._claim():
            await asyncio.gather(*self._inflight.values(), return_exceptions=True)
        return self.delivered - started

    async def _renew_leases(self) -> None:
        period = max(0.05, self.queue.lease.total_seconds() / 3)
        while True:
            await asyncio.sleep(period)
            try:
                await self.queue.renew(list(self._inflight), self.owner, self.clock())
            except Exception:
                log.warning("could not renew notification leases", exc_info=True)

    async def _maybe_prune(self) -> None:
        now = self.clock()
        if self._last_prune is None or now - self._last_prune >= PRUNE_EVERY:
            self._last_prune = now
            await self.queue.prune(now)

    # ---- one message ------------------------------------------------------------------------------------

    def _render(self, item: Claimed) -> OutgoingMessage:
        renderer = self.renderers.get(item.kind)
        if renderer is None:
            raise LookupError(f"no renderer for notification kind {item.kind!r}")
        rendering = Rendering(
            item.kind, item.items, item.item_count, item.locale, item.activity_id is not None
        )
        message = renderer(rendering)
        if item.activity_id:
            message = message.model_copy(update={"replace_activity_id": item.activity_id})
        return message

    async def _deliver(self, item: Claimed) -> None:
        try:
            message = self._render(item)
        except Exception as exc:
            log.exception("notification %s cannot be rendered", item.id)
            reason = f"cannot render: {type(exc).__name__}: {exc}"
            await self.queue.give_up(item, self.owner, reason, self.clock())
            return
        try:
            activity_id = await self.sender(item.reference, message)
        except DeliveryFailed as exc:
            await self._failed(item, exc)
            return
        except Exception as exc:  # a bug or an unexpected transport error: retried like a network problem
            log.warning("notification %s: unexpected send error", item.id, exc_info=True)
            await self._failed(item, DeliveryFailed(f"{type(exc).__name__}: {exc}"))
            return
        self.delivered += 1
        await self.queue.sent(item, self.owner, activity_id, self.clock())

    async def _failed(self, item: Claimed, exc: DeliveryFailed) -> None:
        now = self.clock()
        status = exc.status
        reason = f"HTTP {status}: {exc}" if status else str(exc)
        if status == 404 and item.activity_id:
            # The message we update was deleted; post it anew (a gone conversation then answers 403/404).
            await self.queue.forget_activity(item, self.owner)
            await self.queue.retry_later(item, self.owner, now, reason)
            return
        if status in GONE:
            log.info("conversation gone (%s): dropping its notifications and subscriptions", status)
            if self.on_gone is not None:
                await self.on_gone(item.conversation_id, reason)
            else:
                await self.queue.drop_conversation(item.conversation_id, reason, now)
            return
        if status is not None and status not in RETRYABLE:
            log.warning("notification %s refused for good: %s", item.id, reason)
            await self.queue.give_up(item, self.owner, reason, now)
            return
        attempt = item.attempts + 1
        delay = exc.retry_after if exc.retry_after is not None else backoff(attempt, ceiling=self.max_backoff)
        at = now + timedelta(seconds=delay)
        if at > item.expires_at:
            log.warning("notification %s: giving up after %d attempts: %s", item.id, attempt, reason)
            await self.queue.give_up(item, self.owner, f"gave up after {attempt} attempts: {reason}", now)
            return
        await self.queue.retry_later(item, self.owner, at, reason)
