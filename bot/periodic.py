"""One background loop for every periodic worker (outbox, reminders, change fan-out).

Each worker only says what one round does (`round()`, returning how much it handled); this base owns the
task's life (start once, stop by cancelling and awaiting it) and the loop's rules: a round that raises is
logged and the loop goes on (the work stays in its table and comes back), a busy round may be followed at
once (or after `busy_pause`), and an idle loop sleeps `interval` seconds or until `wake` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

log = logging.getLogger(__name__)


class PeriodicWorker:
    """Base class: subclasses implement `round()` and set `name` (the asyncio task's name)."""

    name = "timebot-worker"
    again_when_busy = False  # run the next round at once when this one handled something
    busy_pause = 0.0
    """Seconds between busy rounds (with `again_when_busy`): while work keeps coming, each round takes what
    gathered meanwhile, instead of a round (with its fixed cost) for every item."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def round(self) -> int:
        """One round of work; returns how many items it handled."""
        raise NotImplementedError

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self.wake.clear()
            try:
                busy = await self.round()
            except Exception:  # the loop must survive anything: the rows stay and come back
                log.exception("%s: round failed", self.name)
                busy = 0
            if busy and self.again_when_busy:
                if self.busy_pause > 0:
                    await asyncio.sleep(self.busy_pause)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.interval)
