"""The one cache of reference data (clients, projects, tasks, tags and what adapters derive from them), with
one policy: least recently used entries go first beyond `size`, every entry expires `ttl` seconds after it
was stored (other people and the tracker's own app change master data too), and our own writes drop the
whole workspace at once (`invalidate`).

Keys are tuples that start with the backend kind and the workspace id — `("timeghost", ws, "refs", user)`,
`("toggl", ws, "refdata", user)` — so a write through any layer drops every view of that workspace: the
service's resolved names and an adapter's lookups alike. One instance serves the whole bot (`bot.wiring`
builds it from `TIMEBOT_REFDATA_TTL_SECONDS` and `TIMEBOT_REFDATA_CACHE_SIZE`); a factory made without one
gets its own with the same defaults.

With several bot processes, `announce` tells the others about an invalidation (`bot.store.broadcast`), and
theirs arrive as `invalidate(…, announce=False)`. A value read while its workspace was invalidated is not
stored: it may predate the write (a `put` after a `get` that missed checks that no invalidation came
in between).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

DEFAULT_TTL = 120.0
DEFAULT_SIZE = 10_000

Key = tuple[Hashable, ...]


class ReferenceCache:
    def __init__(
        self,
        *,
        ttl: float = DEFAULT_TTL,
        size: int = DEFAULT_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl < 0 or size < 1:
            raise ValueError("the reference cache needs ttl >= 0 and size >= 1")
        self.ttl, self.size = ttl, size
        self._clock = clock
        self._entries: OrderedDict[Key, tuple[float, Any]] = OrderedDict()
        self._by_workspace: dict[Key, set[Key]] = {}  # (kind, workspace) → its keys
        self._epoch = 0  # invalidations so far (master data changes rarely: one counter for all)
        self._missed: dict[Key, int] = {}  # key → the epoch when a `get` missed it
        self.announce: Callable[[str, str], None] | None = None  # other processes learn of invalidations

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> Any | None:
        """The value stored under `key`, or None when there is none or it expired (values are never None)."""
        hit = self._entries.get(key)
        if hit is None or hit[0] <= self._clock():
            if hit is not None:
                self._forget(key)
            if len(self._missed) >= self.size:
                self._missed.clear()
            self._missed[key] = self._epoch
            return None
        self._entries.move_to_end(key)
        return hit[1]

    def put(self, key: Key, value: Any) -> Any:
        if value is None:
            raise ValueError("None cannot be cached: it means 'not cached'")
        missed_at = self._missed.pop(key, None)
        if missed_at is not None and missed_at != self._epoch:
            return value  # read while an invalidation landed: it may be older than the write
        self._entries[key] = (self._clock() + self.ttl, value)
        self._entries.move_to_end(key)
        self._by_workspace.setdefault(key[:2], set()).add(key)
        while len(self._entries) > self.size:
            self._forget(next(iter(self._entries)))
        return value

    def drop(self, key: Key) -> None:
        if key in self._entries:
            self._forget(key)

    def invalidate(self, kind: str, workspace_id: str, *, announce: bool = True) -> None:
        """Drop everything cached about one workspace of one backend (after a write: it is shared)."""
        workspace = (kind, workspace_id)
        for key in list(self._by_workspace.pop(workspace, ())):
            self._entries.pop(key, None)
        self._epoch += 1
        if announce and self.announce is not None:
            self.announce(kind, workspace_id)

    def clear(self) -> None:
        """Forget everything (invalidations from other processes may have been missed)."""
        self._entries.clear()
        self._by_workspace.clear()
        self._epoch += 1

    def _forget(self, key: Key) -> None:
        self._entries.pop(key, None)
        keys = self._by_workspace.get(key[:2])
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_workspace[key[:2]]
