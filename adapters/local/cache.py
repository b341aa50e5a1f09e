"""A per-user memo of time-entry reads, for a database that this process alone writes.

SQLite is the single-process deployment (several bot processes need PostgreSQL), so on SQLite every write
to a user's data passes through this process and can drop that user's memo. Reads such as "today's
entries" and "the running timer", which `status` asks on every turn, then cost no database round trip; nor
does binding a person to their workspace and user rows (dropped when the workspace's settings change).
On PostgreSQL several processes write: there the cache is used only with `trusted` (the invalidation bus
is listening, `bot.store.broadcast`), each write (and each change of a workspace's settings) is
`announce`d to the other processes, and a value read while its memo was dropped is not stored (it may
predate the write).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_MISS = object()


class EntryReadCache:
    def __init__(
        self,
        max_users: int = 10_000,
        max_keys_per_user: int = 32,
        *,
        trusted: Callable[[], bool] | None = None,
        announce: Callable[[str], None] | None = None,
        announce_workspace: Callable[[str], None] | None = None,
    ) -> None:
        self._users: OrderedDict[str, dict[Hashable, Any]] = OrderedDict()
        self._max_users = max_users
        self._max_keys = max_keys_per_user
        self._bindings: OrderedDict[tuple[str, str], tuple[str, Any, Any]] = OrderedDict()
        self._trusted = trusted
        self.announce = announce
        self.announce_workspace = announce_workspace
        self._binding_epoch = 0  # bumped whenever bindings are dropped: a lookup that raced it keeps nothing
        self._generation = 0  # bumped when everything is dropped
        self._epochs: dict[str, int] = {}  # user → drops of their memo so far
        self._missed: dict[tuple[str, Hashable], tuple[int, int]] = {}  # what a `get` missed, and when
        self.hits = 0
        self.misses = 0

    def get(self, user_id: str, key: Hashable) -> Any:
        """The memoised value, or `MISS`."""
        if self._trusted is not None and not self._trusted():
            self.misses += 1
            return _MISS
        memo = self._users.get(user_id)
        value = memo.get(key, _MISS) if memo is not None else _MISS
        if value is _MISS:
            self.misses += 1
            if len(self._missed) >= self._max_users:
                self._missed.clear()
            self._missed[(user_id, key)] = self._stamp(user_id)
        else:
            self.hits += 1
            self._users.move_to_end(user_id)
        return value

    def put(self, user_id: str, key: Hashable, value: Any) -> None:
        missed_at = self._missed.pop((user_id, key), None)
        if missed_at != self._stamp(user_id):
            return  # a drop came in while this was read (it may be older than the write), or no `get` asked
        if self._trusted is not None and not self._trusted():
            return
        memo = self._users.setdefault(user_id, {})
        self._users.move_to_end(user_id)
        if len(memo) >= self._max_keys:
            memo.clear()
        memo[key] = value
        while len(self._users) > self._max_users:
            self._users.popitem(last=False)

    def invalidate(self, user_id: str, *, announce: bool = True) -> None:
        self._users.pop(user_id, None)
        if user_id not in self._epochs and len(self._epochs) >= 4 * self._max_users:
            self._epochs.clear()
            self._generation += 1
        self._epochs[user_id] = self._epochs.get(user_id, 0) + 1
        if announce and self.announce is not None:
            self.announce(user_id)

    def snapshot(self, user_id: str) -> tuple[tuple[int, int], dict[Hashable, Any]]:
        """The user's memo as it is now (a copy) and its stamp: what `restore` may put back after a write."""
        return self._stamp(user_id), dict(self._users.get(user_id, {}))

    def stamp(self, user_id: str) -> tuple[int, int]:
        """Changes with every drop of the user's memo (theirs or everybody's)."""
        return self._stamp(user_id)

    def restore(self, user_id: str, memo: dict[Hashable, Any]) -> None:
        """Put a memo back that the caller brought up to date itself (its own committed write)."""
        if not memo or (self._trusted is not None and not self._trusted()):
            return
        self._users[user_id] = dict(list(memo.items())[-self._max_keys :])
        self._users.move_to_end(user_id)
        while len(self._users) > self._max_users:
            self._users.popitem(last=False)

    def clear(self) -> None:
        self._users.clear()
        self._generation += 1
        self._bindings.clear()
        self._binding_epoch += 1

    def _stamp(self, user_id: str) -> tuple[int, int]:
        return self._generation, self._epochs.get(user_id, 0)

    def binding(self, tenant_id: str, aad_object_id: str) -> tuple[Any, Any] | None:
        """The (workspace row, user row) a person was last bound to, or None (also while not `trusted`)."""
        if self._trusted is not None and not self._trusted():
            return None
        hit = self._bindings.get((tenant_id, aad_object_id))
        if hit is None:
            return None
        self._bindings.move_to_end((tenant_id, aad_object_id))
        return hit[1], hit[2]

    def binding_stamp(self) -> int:
        """Taken before a binding is read from the database; `keep_binding` needs it unchanged."""
        return self._binding_epoch

    def keep_binding(
        self, tenant_id: str, aad_object_id: str, workspace_row: Any, user_row: Any, stamp: int
    ) -> None:
        if stamp != self._binding_epoch or (self._trusted is not None and not self._trusted()):
            return  # a workspace changed while this was read (the rows may be the old ones)
        self._bindings[(tenant_id, aad_object_id)] = (str(workspace_row.id), workspace_row, user_row)
        self._bindings.move_to_end((tenant_id, aad_object_id))
        while len(self._bindings) > self._max_users:
            self._bindings.popitem(last=False)

    def forget_workspace(self, workspace_id: str, *, announce: bool = True) -> None:
        """The workspace row changed (its settings): every member's binding is read again, here and (when
        `announce`) in the other processes."""
        for key in [k for k, (ws, _w, _u) in self._bindings.items() if ws == workspace_id]:
            del self._bindings[key]
        self._binding_epoch += 1
        if announce and self.announce_workspace is not None:
            self.announce_workspace(workspace_id)

    def forget_binding(self, tenant_id: str, aad_object_id: str) -> None:
        """The person's user row was written (name, e-mail): read it again next time."""
        self._bindings.pop((tenant_id, aad_object_id), None)
        self._binding_epoch += 1


MISS: Any = _MISS
