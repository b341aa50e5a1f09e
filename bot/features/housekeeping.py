"""Pruning the bot's own state off the request path: undo journals beyond their depth, old activity ids.

A write only inserts (its undo record, its activity id); once an hour this worker deletes what fell out of
the window, in one statement per table. Until then reads never look past the newest `undo_depth` records, so
the extra rows are invisible. With several processes each prunes; the deletes are idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.periodic import PeriodicWorker
from bot.store.state import Store

PRUNE_SECONDS = 3600.0


class Housekeeping(PeriodicWorker):
    name = "timebot-housekeeping"

    def __init__(
        self,
        store: Store,
        *,
        interval: float = PRUNE_SECONDS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(interval)
        self.store = store
        self.clock = clock

    async def run_once(self) -> tuple[int, int]:
        """Prune now; returns (undo records, activity ids) removed."""
        return await self.store.prune(self.clock())

    async def round(self) -> int:
        return sum(await self.run_once())
