"""Each person's last full read of their own time entries, kept true by their own writes.

`log 30m` needs the entries around "now" only to place the new one before a running timer and to name
overlaps; a remote read for that doubles the command's cost. When the person's entries for a window were
read moments ago (`status`, `today`, `times`) and every write since went through this process, that read
still answers. The view is trusted for `ttl` seconds of the service clock: a change made elsewhere (the
tracker's own app) is seen at the next read at the latest. Only advice is drawn from it (where to place,
what overlaps); what the person is *shown* always comes from a fresh read.

With several bot processes a write through one drops the person's view in the others (`announce`, then
`forget` there: `bot.store.broadcast`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from adapters.models import TimeEntry

Key = tuple[str, str, str]  # backend kind, workspace id, user id


@dataclass
class _View:
    start: datetime
    end: datetime
    read_at: datetime
    entries: dict[str, TimeEntry] = field(default_factory=dict)


class RecentEntries:
    def __init__(self, ttl_seconds: float = 120.0, *, max_users: int = 10_000) -> None:
        self._ttl = ttl_seconds
        self._max = max_users
        self._views: dict[Key, _View] = {}
        self.announce: Callable[[Key], None] | None = None  # tells other processes of a write

    def remember(
        self, key: Key, start: datetime, end: datetime, entries: list[TimeEntry], now: datetime
    ) -> None:
        """A complete read of the person's entries overlapping [start, end), made at `now`."""
        if key not in self._views and len(self._views) >= self._max:
            self._views.pop(next(iter(self._views)))
        self._views[key] = _View(start, end, now, {e.id: e for e in entries})

    def lookup(self, key: Key, start: datetime, end: datetime, now: datetime) -> list[TimeEntry] | None:
        """Entries overlapping [start, end), newest first, if a fresh view covers it; else `None`."""
        view = self._views.get(key)
        if view is None or not view.start <= start <= end <= view.end:
            return None
        if not 0 <= (now - view.read_at).total_seconds() <= self._ttl:
            return None
        found = [e for e in view.entries.values() if e.overlaps(start, end, now)]
        return sorted(found, key=lambda e: (e.start, e.id), reverse=True)

    def wrote(self, key: Key, entry_id: str, after: TimeEntry | None) -> None:
        """One of the person's own writes: `after` is the entry now (`None` when deleted)."""
        if self.announce is not None:
            self.announce(key)
        view = self._views.get(key)
        if view is None:
            return
        view.entries.pop(entry_id, None)
        if after is not None and after.start < view.end and (after.end is None or after.end > view.start):
            view.entries[after.id] = after

    def forget(self, key: Key) -> None:
        """Drop the person's view (a write it took in was rolled back, or they wrote elsewhere)."""
        self._views.pop(key, None)

    def clear(self) -> None:
        self._views.clear()
