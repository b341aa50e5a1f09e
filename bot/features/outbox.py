"""Writes a remote backend could not take are kept, retried, and reported — never dropped.

When `start`, `log`, `stop`… fail because the backend is down or rate-limited past our retries, the
operation is *frozen* (every "now" it depends on is fixed to the moment the person asked) and stored in the
outbox. A worker retries it with capped exponential backoff and jitter; when it succeeds the person gets
the usual confirmation card in the same conversation, and if the backend refuses it for good (a deleted
project, a revoked token) they are told that instead.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError

from adapters.errors import BackendError, Unavailable
from bot import operations as ops
from bot.activity import OutgoingMessage
from bot.app import ProactiveSender
from bot.periodic import PeriodicWorker
from bot.replies import card_for, say
from bot.service.backends import BackendRegistry
from bot.service.context import Services, UserContext
from bot.service.outcomes import Notice, Problem
from bot.service.registry import execute
from bot.store.outbox import Outbox, Pending
from bot.views.backends import backend_name
from cards.messages import error_card, notice_card

log = logging.getLogger(__name__)
_operation: TypeAdapter[Any] = TypeAdapter(ops.Operation)

WRITES: tuple[type[ops.Op], ...] = (
    ops.StartTimer, ops.StopTimer, ops.CancelTimer, ops.ContinueEntry, ops.LogEntry, ops.EditEntry,
    ops.DeleteEntry, ops.ClockIn, ops.ClockOut, ops.TakeBreak, ops.AddProject, ops.AddClient, ops.AddTask,
    ops.AddTag, ops.ChangeItem,
)  # fmt: skip
MAX_DELAY = timedelta(minutes=30)
TELL_AFTER_ATTEMPTS = 3  # say "still trying" once, so nobody wonders whether it got lost


def queueable(op: ops.Op) -> bool:
    if isinstance(op, ops.DeleteEntry):
        return op.confirmed
    return isinstance(op, WRITES)


def freeze(op: ops.Op, now: datetime) -> ops.Op:
    """The same request with every implicit "now" made explicit, so a retry later records the same times."""
    match op:
        case ops.StartTimer() | ops.StopTimer() | ops.ContinueEntry() | ops.ClockIn() | ops.ClockOut():
            return op if op.at is not None else op.model_copy(update={"at": now})
        case ops.LogEntry(start=None, end=None, day=None):
            return op.model_copy(update={"end": now})
        case ops.TakeBreak(action="start", start=None):
            return op.model_copy(update={"start": now})
        case ops.TakeBreak(action="end" | "insert", start=None, end=None):
            return op.model_copy(update={"end": now})
    return op


async def queue(ctx: UserContext, op: ops.Op, reference: dict[str, Any], outbox: Outbox) -> Notice:
    frozen = freeze(op, ctx.now)
    await outbox.add(
        ctx.identity,
        ctx.backend.kind,
        frozen.model_dump(mode="json"),
        reference,
        locale=ctx.locale,
        timezone=str(ctx.tz),
        now=ctx.now,
    )
    log.info("queued %s for %s after the backend was unavailable", type(op).__name__, ctx.backend.kind)
    return Notice(
        "outbox.queued", {"backend": backend_name(ctx.backend.kind), "time": ctx.now.strftime("%H:%M")}
    )


def backoff(attempts: int) -> timedelta:
    ceiling = min(MAX_DELAY.total_seconds(), 30 * 2**attempts)
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


class OutboxWorker(PeriodicWorker):
    """Delivers due outbox rows; one per bot process (rows are leased, so several processes may run)."""

    name = "timebot-outbox"

    def __init__(
        self,
        services: Services,
        outbox: Outbox,
        registry: BackendRegistry,
        sender: ProactiveSender,
        *,
        interval: float = 15.0,
    ) -> None:
        super().__init__(interval)
        self.services = services
        self.outbox = outbox
        self.registry = registry
        self.sender = sender

    async def round(self) -> int:
        return await self.deliver_due()

    async def deliver_due(self, rounds: int = 50) -> int:
        """Try every due row once: a person's next write becomes claimable when the one before it is
        settled, so claim again until nothing is due. Returns how many were delivered or settled."""
        settled = 0
        for _ in range(rounds):
            items = await self.outbox.claim_due(self.services.clock())
            if not items:
                break
            for item in items:
                settled += await self._deliver(item)
        return settled

    async def _deliver(self, item: Pending) -> int:
        try:
            op = _operation.validate_python(item.operation)
        except ValidationError:
            await self.outbox.done(item.id)
            await self._tell(item, Problem("outbox.unreadable"))
            return 1
        try:
            ctx = await self._context(item)
            outcome = await execute(ctx, op)
        except Unavailable as exc:
            attempts = item.attempts + 1
            later = self.services.clock() + backoff(attempts)
            await self.outbox.retry_later(item.id, attempts, later, str(exc))
            if attempts == TELL_AFTER_ATTEMPTS:
                await self._tell(item, Notice("outbox.still_trying", {"backend": backend_name(item.backend)}))
            return 0
        except BackendError as exc:
            await self.outbox.done(item.id)
            refused = Problem(
                "outbox.refused", {"backend": backend_name(item.backend), "detail": exc.message}
            )
            await self._tell(item, refused)
            return 1
        await self.outbox.done(item.id)
        asked_at = item.created_at.astimezone(ZoneInfo(item.timezone)).strftime("%H:%M")
        header = say(
            "outbox.delivered", item.locale, {"backend": backend_name(item.backend), "time": asked_at}
        )
        card = card_for(outcome, item.locale)
        message = OutgoingMessage(
            card=notice_card(header, item.locale),
            attachments=[{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
        )
        await self._send(item, message)
        return 1

    async def _context(self, item: Pending) -> UserContext:
        prefs = await self.services.store.get_prefs(item.identity.tenant_id, item.identity.aad_object_id)
        backend = await self.registry.bind(item.identity, item.backend)
        tz = ZoneInfo(item.timezone)
        return UserContext(
            identity=item.identity,
            backend=backend,
            prefs=prefs,
            tz=tz,
            locale=item.locale,
            now=self.services.clock().astimezone(tz),
            services=self.services,
        )

    async def _tell(self, item: Pending, outcome: Notice | Problem) -> None:
        if isinstance(outcome, Problem):
            card = error_card(say(outcome.key, item.locale, outcome.params), item.locale)
        else:
            card = notice_card(say(outcome.key, item.locale, outcome.params), item.locale)
        await self._send(item, OutgoingMessage(card=card))

    async def _send(self, item: Pending, message: OutgoingMessage) -> None:
        try:
            await self.sender(item.reference, message)
        except Exception:  # the write itself is settled; a lost notification must not redo it
            log.warning("could not notify about outbox item %s", item.id, exc_info=True)
