"""How remote adapters learn whose credentials to use (the bot's encrypted store implements it).

A connection is one person's link to one backend: the secret (API token or OAuth access token) and the
workspace they chose. Adapters only ever read the connection of the person they are bound to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from adapters.backend import Identity


@dataclass(frozen=True)
class Connection:
    backend: str  # "toggl", "focus", "awork", "timeghost"
    secret: str = field(repr=False)  # never printed, never logged
    workspace_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # e.g. {"organization_id": "…"} for Toggl Focus


class ConnectionSource(Protocol):
    async def get(self, identity: Identity, backend: str) -> Connection | None:
        """The person's connection to `backend`, or None if they have not connected it."""
        ...


class StaticConnections:
    """A fixed mapping (tests, and the documented single service-account mode until OAuth sign-in exists)."""

    def __init__(
        self,
        connections: dict[tuple[str, str], Connection] | None = None,
        *,
        default: dict[str, Connection] | None = None,
    ) -> None:
        self._by_user = dict(connections or {})
        self._default = dict(default or {})

    def add(self, identity: Identity, connection: Connection) -> None:
        self._by_user[(identity.aad_object_id, connection.backend)] = connection

    async def get(self, identity: Identity, backend: str) -> Connection | None:
        return self._by_user.get((identity.aad_object_id, backend)) or self._default.get(backend)
