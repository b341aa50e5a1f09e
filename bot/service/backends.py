"""Which backend each person uses: a factory per kind, and bound backends cached for a short while."""

from __future__ import annotations

import time

from adapters.backend import Backend, BackendFactory, Identity
from adapters.errors import Unsupported


class BackendRegistry:
    """The configured backend factories by kind (`local` always; remote ones as configured)."""

    def __init__(
        self, factories: dict[str, BackendFactory], *, ttl_seconds: float = 60.0, max_size: int = 4096
    ) -> None:
        if "local" not in factories:
            raise ValueError("the local backend is always available")
        self.factories = factories
        self._ttl = ttl_seconds
        self._max = max_size
        self._bound: dict[tuple[str, str, str], tuple[float, Backend]] = {}

    @property
    def kinds(self) -> list[str]:
        return list(self.factories)

    async def bind(self, identity: Identity, kind: str = "local") -> Backend:
        """The person's backend of `kind`, bound with their own connection (binding looks up the user)."""
        factory = self.factories.get(kind)
        if factory is None:
            raise Unsupported(f"the {kind} backend (not configured on this bot)")
        key = (kind, identity.tenant_id, identity.aad_object_id)
        hit = self._bound.get(key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        backend = await factory.bind(identity)
        if len(self._bound) >= self._max:
            self._bound.pop(next(iter(self._bound)))
        self._bound[key] = (time.monotonic() + self._ttl, backend)
        return backend

    def forget(self, identity: Identity) -> None:
        """Drop the person's bindings: after connecting, switching workspace or changing settings."""
        for key in [k for k in self._bound if k[1:] == (identity.tenant_id, identity.aad_object_id)]:
            del self._bound[key]
        for factory in self.factories.values():
            forget = getattr(factory, "forget", None)  # a factory's own memo of the binding (the local one)
            if forget is not None:
                forget(identity)

    def forget_workspace(self, kind: str, workspace_id: str) -> None:
        """Drop every binding to that workspace: its settings changed (in another process)."""
        bound = self._bound.items()
        for key in [k for k, (_t, b) in bound if k[0] == kind and b.workspace.id == workspace_id]:
            del self._bound[key]

    def forget_kind(self, kind: str) -> None:
        """Drop every binding of `kind`: a change to them may have been missed."""
        for key in [k for k in self._bound if k[0] == kind]:
            del self._bound[key]

    async def close(self) -> None:
        for factory in self.factories.values():
            await factory.close()
