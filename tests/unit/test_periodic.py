"""The one background loop of the outbox, reminder and fan-out workers."""

from __future__ import annotations

import asyncio

import pytest

from bot.periodic import PeriodicWorker


class Script(PeriodicWorker):
    """Rounds return (or raise) what the test scripted, then idle."""

    name = "test-worker"

    def __init__(
        self,
        results: list[int | Exception],
        *,
        interval: float,
        busy_again: bool = False,
        busy_pause: float = 0.0,
    ) -> None:
        super().__init__(interval)
        self.results = results
        self.again_when_busy = busy_again
        self.busy_pause = busy_pause
        self.rounds = 0
        self.idle = asyncio.Event()

    async def round(self) -> int:
        self.rounds += 1
        if not self.results:
            self.idle.set()
            return 0
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


async def test_a_failing_round_is_logged_and_the_loop_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    worker = Script([RuntimeError("backend down"), 1], interval=0.001)
    worker.start()
    await asyncio.wait_for(worker.idle.wait(), 5)
    await worker.stop()
    assert worker.rounds == 3
    assert "test-worker: round failed" in caplog.text


async def test_busy_rounds_follow_at_once_only_when_asked() -> None:
    eager = Script([1, 1, 1], interval=3600, busy_again=True)
    eager.start()
    await asyncio.wait_for(eager.idle.wait(), 5)  # three busy rounds, then the idle fourth, no hour's wait
    await eager.stop()
    assert eager.rounds == 4

    patient = Script([1, 1], interval=3600)
    patient.start()
    await asyncio.sleep(0.05)
    assert patient.rounds == 1  # waits its interval after a busy round
    patient.wake.set()
    await asyncio.sleep(0.05)
    assert patient.rounds == 2  # … or until woken
    await patient.stop()


async def test_a_busy_pause_spaces_busy_rounds_even_when_woken() -> None:
    """The fan-out's rounds gather what came meanwhile: a wake-up (a write) does not cut the pause short."""
    spaced = Script([1, 1], interval=0.001, busy_again=True, busy_pause=3600)
    spaced.start()
    await asyncio.sleep(0.05)
    spaced.wake.set()
    await asyncio.sleep(0.05)
    assert spaced.rounds == 1
    await spaced.stop()


async def test_start_is_idempotent_and_stop_ends_the_task() -> None:
    worker = Script([], interval=3600)
    worker.start()
    task = worker._task
    worker.start()
    assert worker._task is task
    await worker.stop()
    assert task is not None and task.cancelled()
    assert worker._task is None
    await worker.stop()  # stopping a stopped worker is harmless
