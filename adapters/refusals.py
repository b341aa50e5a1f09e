"""Capabilities an adapter believes in but the live API refuses, degraded for that connection only.

Some operations rest on paths no definition promises (timeghost's working hours are named by the connector's
documentation without paths; the adapter follows the API's verb/entity pattern). When the server answers such
a call with 404, 405 or 501, the capability is not there *for this connection*: the call raises
`CapabilityRefused` (an `Unsupported`, so the person hears it in their language, once), the backend drops the
flag from its `capabilities`, and the factory remembers it (`Refusals`) so later binds of the same connection
leave it out from the start. Every other command keeps working; the service treats a capability that
disappears mid-command like one that was never declared.

Use it in an adapter:
    with believed(self, Capability.WORKING_HOURS, "working hours"):
        rows = await self._s.get("get/comego", ...)
where the backend has `capabilities` (an instance attribute) and `refused: ConnectionRefusals`.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Protocol

from adapters.backend import Capability
from adapters.credentials import Connection
from adapters.errors import BackendError, CapabilityRefused, Unsupported

REFUSED_STATUS = frozenset({404, 405, 501})  # the route is not there, not the entity
BY_ID_STATUS = frozenset({405, 501})  # on `…/{id}` a 404 may be the entity: only these say "no route"


class Refusals:
    """Per connection (keyed by a digest of backend, secret and workspace, never the secret itself), the
    flags its API refused; bounded, least recently used forgotten first (a forgotten one is tried again)."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._by_key: OrderedDict[str, Capability] = OrderedDict()

    @staticmethod
    def key(connection: Connection) -> str:
        text = f"{connection.backend}\x1f{connection.workspace_id or ''}\x1f{connection.secret}"
        return hashlib.sha256(text.encode()).hexdigest()

    def of(self, key: str) -> Capability:
        found = self._by_key.get(key)
        if found is None:
            return Capability(0)
        self._by_key.move_to_end(key)
        return found

    def add(self, key: str, flag: Capability) -> None:
        self._by_key[key] = self.of(key) | flag
        self._by_key.move_to_end(key)
        while len(self._by_key) > self._size:
            self._by_key.popitem(last=False)

    def connection(self, connection: Connection) -> ConnectionRefusals:
        return ConnectionRefusals(self, self.key(connection))


class ConnectionRefusals:
    """One connection's view of `Refusals`, handed to the backend bound to it."""

    def __init__(self, refusals: Refusals | None = None, key: str = "") -> None:
        self._refusals = refusals or Refusals(size=1)
        self._key = key

    @property
    def flags(self) -> Capability:
        return self._refusals.of(self._key)

    def add(self, flag: Capability) -> None:
        self._refusals.add(self._key, flag)


class Degradable(Protocol):
    capabilities: Capability
    refused: ConnectionRefusals


@contextmanager
def believed(
    backend: Degradable, flag: Capability, name: str, *, statuses: Collection[int] = REFUSED_STATUS
) -> Iterator[None]:
    """Around one call the adapter believes in: refused already → `Unsupported(name)` without a call; the
    server says the route is not there (`statuses`) → degrade and raise `CapabilityRefused(name, flag)`."""
    if flag not in backend.capabilities:
        raise Unsupported(name)
    try:
        yield
    except BackendError as exc:
        if exc.status not in statuses:
            raise
        backend.capabilities &= ~flag
        backend.refused.add(flag)
        raise CapabilityRefused(name, flag) from exc
