"""From stored changes to queued notifications: one change, every subscribed conversation, exactly once.

Each claimed change is fanned out in one transaction: the entity's last-seen state is swapped (so a webhook
that carries only the new state still shows old → new), a notification is enqueued for every conversation
whose subscription wants it (coalesced per conversation into the digest), and the change is marked done.
A crash rolls all of it back and the change comes back after its lease; it cannot be notified twice.

Names (project path, who) come from the first subscriber's reference data, read before the transaction
(the only backend calls here, cached); when the backend cannot be reached the card shows what the change
itself carries.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.backend import ReportSource
from adapters.sql import write
from bot.notify.changes import Change, ChangeStore, swap_snapshot
from bot.notify.display import Names, view_of
from bot.notify.queue import Coalesce, NotificationQueue, utcnow
from bot.notify.sources import local
from bot.notify.subscriptions import Subscription, SubscriptionStore
from bot.notify.worker import backoff
from bot.periodic import PeriodicWorker
from bot.service.backends import BackendRegistry
from bot.service.refdata import RefDataCache
from bot.store import tables as t

log = logging.getLogger(__name__)

DIGEST = "changes"
MADE_HERE = timedelta(minutes=2)  # a personal chat is not told about what its person just did via the bot
MAX_ATTEMPTS = 8
USERS_TTL = 600.0


class ChangeFanout(PeriodicWorker):
    """One per bot process; `start()` runs it in the background, `run_once()` is one round (tests)."""

    name = "timebot-fanout"
    again_when_busy = True
    busy_pause = 0.1  # under load a round takes the changes of 0.1 s at once (a round per write cost ~10 %)

    def __init__(
        self,
        engine: AsyncEngine,
        changes: ChangeStore,
        subscriptions: SubscriptionStore,
        queue: NotificationQueue,
        registry: BackendRegistry,
        refdata: RefDataCache,
        *,
        window: timedelta = timedelta(seconds=30),
        clock: Callable[[], datetime] = utcnow,
        interval: float = 1.0,
        pollers: list[Any] | None = None,
    ) -> None:
        super().__init__(interval)
        self.engine = engine
        self.changes = changes
        self.subscriptions = subscriptions
        self.queue = queue
        self.registry = registry
        self.refdata = refdata
        self.window = window
        self.clock = clock
        self.pollers = pollers or []
        self.fanned_out = 0  # notifications enqueued (instrumentation)
        self._users: dict[tuple[str, str], tuple[float, dict[str, str]]] = {}

    async def round(self) -> int:
        return await self.run_once()

    async def run_once(self) -> int:
        """Poll what is due, relay the local outbox, fan out due changes; returns how many were handled."""
        now = self.clock()
        for poller in self.pollers:
            try:
                await poller.poll_due(now)
            except Exception:
                log.warning("change poller failed", exc_info=True)
        handled = await local.relay(self.engine, self.changes, now)
        claimed = await self.changes.claim(now)
        # The subscriptions of every workspace in the round in one read, not one per change.
        matching = await self.subscriptions.matching_all(
            (c.backend, c.workspace_id, c.entity) for _, c, _ in claimed
        )
        # In order (each change swaps its entity's last-seen state); a run of changes nobody is told about
        # is settled in one transaction instead of one each.
        for unwanted, run in itertools.groupby(claimed, lambda item: not self._wanted(item[1], matching)):
            items = list(run)
            if unwanted and await self._settle(items):
                handled += len(items)
                continue
            for change_id, change, attempts in items:
                handled += 1
                await self._one(change_id, change, attempts, matching)
        return handled

    async def _one(
        self,
        change_id: int,
        change: Change,
        attempts: int,
        matching: dict[tuple[str, str, str], list[Subscription]],
    ) -> None:
        try:
            await self._fan_out(change_id, change, matching)
        except Exception as exc:
            attempts += 1
            log.warning("fan-out of change %s failed (%d)", change_id, attempts, exc_info=True)
            if attempts >= MAX_ATTEMPTS:
                async with write(self.engine) as conn:
                    await ChangeStore.done(conn, change_id)
                return
            at = self.clock() + timedelta(seconds=backoff(attempts, ceiling=timedelta(minutes=5)))
            await self.changes.retry_later(change_id, attempts, at, f"{type(exc).__name__}: {exc}")

    def _wanted(self, change: Change, matching: dict[tuple[str, str, str], list[Subscription]]) -> bool:
        subs = matching.get((change.backend, change.workspace_id, change.entity))
        return subs is None or any(self._wants(s, change) for s in subs)  # unknown: the full path decides

    async def _settle(self, items: list[tuple[int, Change, int]]) -> bool:
        """Changes no subscription wants: their last-seen states swapped and marked done, together. False if
        that failed (rolled back: each then goes the full way, with its own retries)."""
        try:
            async with write(self.engine) as conn:
                now = self.clock()
                for change_id, change, _ in items:
                    await _seen(conn, change_id, change, now)
                    await ChangeStore.done(conn, change_id)
        except Exception:
            log.warning("settling %d changes nobody is told about failed", len(items), exc_info=True)
            return False
        return True

    # ---- one change -------------------------------------------------------------------------------------

    async def _fan_out(
        self, change_id: int, change: Change, matching: dict[tuple[str, str, str], list[Subscription]]
    ) -> None:
        key = (change.backend, change.workspace_id, change.entity)
        subs = matching.get(key)
        if subs is None:
            subs = matching[key] = await self.subscriptions.matching(*key)
        wanted = [s for s in subs if self._wants(s, change)]
        names, users = (await self._names(wanted[0], change)) if wanted else (Names(), {})
        now = self.clock()
        enqueued = 0
        async with write(self.engine) as conn:
            before = await _seen(conn, change_id, change, now)
            for sub in wanted:
                if sub.scope == "personal" and await self._made_here(conn, sub, change, now):
                    continue
                reference = await _reference(conn, sub.conversation_id)
                if reference is None:
                    log.info("no conversation reference for a subscription; skipped")
                    continue
                actor = change.actor_name or users.get(change.actor_id or "")
                if actor is None and change.actor_id == sub.owner_user_id:
                    actor = sub.owner_name
                view = view_of(change_id, change, before, names, timezone=sub.timezone, actor=actor)
                queued = await self.queue.enqueue(
                    reference,
                    DIGEST,
                    view.model_dump(mode="json"),
                    locale=sub.locale,
                    now=now,
                    key=f"change:{change_id}:{sub.conversation_id}",
                    coalesce=Coalesce(DIGEST, self.window),
                    conn=conn,
                )
                enqueued += queued is not None
            await ChangeStore.done(conn, change_id)
        self.fanned_out += enqueued
        if enqueued:
            self.queue.wake.set()

    @staticmethod
    def _wants(sub: Subscription, change: Change) -> bool:
        if change.origin is not None and change.origin == sub.conversation_id:
            return False  # made in this very conversation: its reply already said so
        if sub.scope == "personal" and (change.entity != "times" or change.owner_id != sub.owner_user_id):
            return False  # a personal chat hears about its person's own entries only
        return sub.wants(change.event, change.project_id)

    @staticmethod
    async def _made_here(conn: AsyncConnection, sub: Subscription, change: Change, now: datetime) -> bool:
        """The person changed this entry through the bot in this very chat moments ago (a remote tracker's
        webhook echoes it back; a local write carries its origin instead)."""
        u = t.undo_records
        found = await conn.execute(
            sa.select(u.c.id)
            .where(
                u.c.tenant_id == sub.owner_tenant_id,
                u.c.aad_object_id == sub.owner_aad_object_id,
                u.c.entity_id == change.entity_id,
                u.c.conversation_id == sub.conversation_id,
                u.c.created_at >= now - MADE_HERE,
            )
            .limit(1)
        )
        return found.first() is not None

    async def _names(self, sub: Subscription, change: Change) -> tuple[Names, dict[str, str]]:
        try:
            backend = await self.registry.bind(sub.owner, sub.backend)
            names = Names.of(await self.refdata.get(backend))
        except Exception as exc:
            log.info("names for a change unavailable (%s): the card shows ids it carries", type(exc).__name__)
            return Names(), {}
        users: dict[str, str] = {}
        if change.actor_name is None and change.actor_id and isinstance(backend, ReportSource):
            key = (change.backend, change.workspace_id)
            hit = self._users.get(key)
            if hit and hit[0] > time.monotonic():
                users = hit[1]
            else:
                with contextlib.suppress(Exception):  # people's names are a nicety, not worth a retry
                    users = {u.id: u.name for u in await backend.list_workspace_users()}
                    self._users[key] = (time.monotonic() + USERS_TTL, users)
        return names, users


async def _seen(
    conn: AsyncConnection, change_id: int, change: Change, now: datetime
) -> dict[str, Any] | None:
    """Swap the entity's last-seen state for the change's; the state before it (the change's own, else the
    last seen one, then kept in the change: what Undo restores)."""
    previous = await swap_snapshot(conn, change, now)
    if change.before is None and previous is not None and change.event == "changed":
        kept = change.model_copy(update={"before": previous})
        await conn.execute(
            t.changes.update().where(t.changes.c.id == change_id).values(change=kept.model_dump(mode="json"))
        )
    return change.before if change.before is not None else previous


async def _reference(conn: AsyncConnection, conversation_id: str) -> dict[str, Any] | None:
    c = t.conversation_refs
    value = (
        await conn.execute(sa.select(c.c.reference).where(c.c.key == conversation_id))
    ).scalar_one_or_none()
    return dict(value) if value is not None else None
