"""`RunningTimers`: a remembered running entry is kept until replaced; "nothing runs" only for a while."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.models import TimeEntry
from adapters.timer import UNKNOWN, RunningTimers

KEY = ("ws", "user")
T0 = datetime(2026, 11, 17, 9, tzinfo=UTC)


def _entry(entry_id: str, end: datetime | None = None) -> TimeEntry:
    return TimeEntry(id=entry_id, workspace_id="ws", user_id="user", start=T0, end=end)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_nothing_known_is_unknown() -> None:
    assert RunningTimers().get(KEY) is UNKNOWN


def test_nothing_runs_is_believed_for_the_ttl_only() -> None:
    clock = Clock()
    timers = RunningTimers(60, clock=clock)
    timers.saw(KEY, None)
    clock.now = 59
    assert timers.get(KEY) is None
    clock.now = 61
    assert timers.get(KEY) is UNKNOWN


def test_a_running_entry_is_kept_until_replaced_and_a_finished_one_means_none() -> None:
    clock = Clock()
    timers = RunningTimers(60, clock=clock)
    timers.saw(KEY, _entry("a"))
    clock.now = 10_000
    assert timers.get(KEY) == _entry("a")
    timers.saw(KEY, _entry("a", end=T0 + timedelta(hours=1)))
    assert timers.get(KEY) is None


def test_own_writes_keep_it_true() -> None:
    timers = RunningTimers()
    timers.wrote(KEY, _entry("a"))  # started
    timers.wrote(KEY, _entry("b", end=T0))  # a finished entry logged meanwhile changes nothing
    assert timers.get(KEY) == _entry("a")
    timers.wrote(KEY, _entry("a", end=T0 + timedelta(minutes=5)))  # stopped
    assert timers.get(KEY) is None
    timers.wrote(KEY, _entry("c"))
    timers.deleted(KEY, "other")
    assert timers.get(KEY) == _entry("c")
    timers.deleted(KEY, "c")
    assert timers.get(KEY) is None


def test_the_memory_is_bounded() -> None:
    timers = RunningTimers(max_users=2)
    for user in ("u1", "u2", "u3"):
        timers.saw(("ws", user), _entry(user))
    assert timers.get(("ws", "u1")) is UNKNOWN and timers.get(("ws", "u3")) == _entry("u3")
