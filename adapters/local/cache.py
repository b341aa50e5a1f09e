"""A per-user memo of time-entry reads, for a database that this process alone writes.

SQLite is the single-process deployment (several bot processes need PostgreSQL), so on SQLite every write
to a user's data passes through this process and can drop that user's memo. Reads such as "today's
entries" and "the running timer", which `status` asks on every turn, then cost no database round trip; nor
does binding a person to their workspace and user rows (dropped when the workspace's settings change).
On PostgreSQL the factory passes no cache and every read goes to the database.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

_MISS = object()


class EntryReadCache:
    def __init__(self, max_users: int = 10_000, max_keys_per_user: int = 32) -> None:
        self._users: OrderedDict[str, dict[Hashable, Any]] = OrderedDict()
        self._max_users = max_users
        self._max_keys = max_keys_per_user
        self._bindings: OrderedDict[tuple[str, str], tuple[str, Any, Any]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, user_id: str, key: Hashable) -> Any:
        """The memoised value, or `MISS`."""
        memo = self._users.get(user_id)
        value = memo.get(key, _MISS) if memo is not None else _MISS
        if value is _MISS:
            self.misses += 1
        else:
            self.hits += 1
            self._users.move_to_end(user_id)
        return value

    def put(self, user_id: str, key: Hashable, value: Any) -> None:
        memo = self._users.setdefault(user_id, {})
        self._users.move_to_end(user_id)
        if len(memo) >= self._max_keys:
            memo.clear()
        memo[key] = value
        while len(self._users) > self._max_users:
            self._users.popitem(last=False)

    def invalidate(self, user_id: str) -> None:
        self._users.pop(user_id, None)

    def binding(self, tenant_id: str, aad_object_id: str) -> tuple[Any, Any] | None:
        """The (workspace row, user row) a person was last bound to, or None."""
        hit = self._bindings.get((tenant_id, aad_object_id))
        if hit is None:
            return None
        self._bindings.move_to_end((tenant_id, aad_object_id))
        return hit[1], hit[2]

    def keep_binding(self, tenant_id: str, aad_object_id: str, workspace_row: Any, user_row: Any) -> None:
        self._bindings[(tenant_id, aad_object_id)] = (str(workspace_row.id), workspace_row, user_row)
        self._bindings.move_to_end((tenant_id, aad_object_id))
        while len(self._bindings) > self._max_users:
            self._bindings.popitem(last=False)

    def forget_workspace(self, workspace_id: str) -> None:
        """The workspace row changed (its settings): every member's binding is read again."""
        for key in [k for k, (ws, _w, _u) in self._bindings.items() if ws == workspace_id]:
            del self._bindings[key]


MISS: Any = _MISS
