"""Starting and stopping *the* running timer in as few remote calls as each API allows.

`Backend` offers the parts (`current_timer`, `update_time_entry`, `create_time_entry`); looking the timer up
first costs one remote call per command. A backend whose API can do better implements `TimerControl`:
Toggl Focus and awork stop "whatever runs" without an id, Toggl Track stops a remembered id and says 409
when it was stale. `start_timer` / `stop_timer` here use that when present and the plain parts otherwise, so
the service has one way to ask and every backend keeps the same semantics (checked by the conformance suite):

- stopping at a time before the running timer began raises `TimerStartsLater` (nothing is changed);
- starting while a timer runs stops it at the new start ("switching"); the stopped entry is returned.

`RunningTimers` is what a factory remembers of each user's running timer from its own reads and writes.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar, runtime_checkable

from adapters.backend import Backend
from adapters.errors import ValidationFailed
from adapters.models import TimeEntry, TimeEntryDraft, TimeEntryPatch

T = TypeVar("T")
NOW_SLACK = timedelta(seconds=5)  # an instant this close to the server's now is "now" (a plain stop)


class TimerStartsLater(ValidationFailed):
    """Stopping or switching at a time before the running timer began; `running` is that timer."""

    def __init__(self, running: TimeEntry) -> None:
        super().__init__("the running timer began later")
        self.running = running


@dataclass(frozen=True, slots=True)
class Started:
    entry: TimeEntry
    stopped: TimeEntry | None = None
    """The timer the start switched away from, as it is after stopping."""


@runtime_checkable
class TimerControl(Protocol):
    """Optional: a backend's own way to stop and switch the running timer (same semantics as below)."""

    async def stop_timer(self, end: datetime) -> TimeEntry | None: ...

    async def start_timer(self, draft: TimeEntryDraft) -> Started: ...


def is_now(at: datetime, now: datetime | None = None) -> bool:
    return abs(at - (now or datetime.now(UTC))) <= NOW_SLACK


async def stop_timer(backend: Backend, end: datetime) -> TimeEntry | None:
    """Stop the running timer at `end`; `None` when none runs."""
    if isinstance(backend, TimerControl):
        return await backend.stop_timer(end)
    return await stop_by_lookup(backend, end)


async def start_timer(backend: Backend, draft: TimeEntryDraft) -> Started:
    """Start `draft` (no end) as the running timer, stopping the one that runs at `draft.start`."""
    if draft.end is not None:
        raise ValueError("a timer has no end")
    if isinstance(backend, TimerControl):
        return await backend.start_timer(draft)
    stopped = await stop_by_lookup(backend, draft.start)
    return Started(await backend.create_time_entry(draft), stopped)


async def stop_whatever_runs(backend: Backend, end: datetime, stop: Callable[[], Awaitable[T]]) -> T | None:
    """For an API whose stop endpoint needs no id (`stop`): one call for a stop now. A backdated `end` is
    checked against the running timer first; a refusal (400) is looked into, since it is also what such an
    endpoint answers when nothing runs (then `None`)."""
    if not is_now(end):
        running = await backend.current_timer()
        if running is None:
            return None
        if end < running.start:
            raise TimerStartsLater(running)
    try:
        return await stop()
    except ValidationFailed:
        if await backend.current_timer() is None:
            return None
        raise


async def stop_by_lookup(backend: Backend, end: datetime) -> TimeEntry | None:
    """The plain way: read the running timer, check `end`, set it."""
    running = await backend.current_timer()
    if running is None:
        return None
    if end < running.start:
        raise TimerStartsLater(running)
    return await backend.update_time_entry(running.id, TimeEntryPatch(end=end))


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


class RunningTimers:
    """Each user's running timer as this process last saw it, keyed by (workspace id, user id).

    A remembered *entry* is kept until replaced: whoever uses it must have the API confirm it (a stop
    endpoint that refuses a stale id). "Nothing runs" cannot be confirmed by any write, so it is believed
    for `none_ttl` seconds only; after that, or for a user never seen, the answer is `UNKNOWN`.
    """

    def __init__(
        self, none_ttl: float = 600.0, *, max_users: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._none_ttl = none_ttl
        self._max = max_users
        self._clock = clock
        self._seen: dict[tuple[str, str], tuple[float, TimeEntry | None]] = {}

    def get(self, key: tuple[str, str]) -> TimeEntry | _Unknown | None:
        hit = self._seen.get(key)
        if hit is None:
            return UNKNOWN
        seen_at, entry = hit
        if entry is None and self._clock() - seen_at > self._none_ttl:
            return UNKNOWN
        return entry

    def saw(self, key: tuple[str, str], entry: TimeEntry | None) -> None:
        """Record an observation: the running entry, or `None` for "nothing runs"."""
        if entry is not None and entry.end is not None:
            entry = None
        if key not in self._seen and len(self._seen) >= self._max:
            self._seen.pop(next(iter(self._seen)))
        self._seen[key] = (self._clock(), entry)

    def wrote(self, key: tuple[str, str], entry: TimeEntry) -> TimeEntry:
        """Keep the memory true after one of our own writes returned `entry` (returned unchanged)."""
        known = self.get(key)
        if entry.running or (isinstance(known, TimeEntry) and known.id == entry.id):
            self.saw(key, entry)
        return entry

    def deleted(self, key: tuple[str, str], entry_id: str) -> None:
        known = self.get(key)
        if isinstance(known, TimeEntry) and known.id == entry_id:
            self.saw(key, None)

    def forget(self, key: tuple[str, str] | None) -> None:
        """Forget one user's timer (`None`: everyone's)."""
        if key is None:
            self._seen.clear()
        else:
            self._seen.pop(key, None)
