"""How remote adapters learn whose credentials to use (the bot's encrypted store implements it).

A connection is one person's link to one backend: the secret (API token or OAuth access token) and the
workspace they chose. Adapters only ever read the connection of the person they are bound to.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

from adapters.backend import Identity

CREDENTIAL = "auth"  # the `extra` key that says what the secret is (stores persist `extra` as it is)


class Credential(enum.StrEnum):
    """What a connection's secret is, so an adapter knows how to present it."""

    API_KEY = "api_key"  # a key or token the person copied from the tracker (timeghost: `x-api-key`)
    BEARER = "bearer"  # an OAuth access token from a sign-in (`Authorization: Bearer …`)


@dataclass(frozen=True)
class Connection:
    backend: str  # "toggl", "focus", "awork", "timeghost"
    secret: str = field(repr=False)  # never printed, never logged
    workspace_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # e.g. {"organization_id": "…"} for Toggl Focus

    @classmethod
    def bearer(cls, backend: str, token: str, workspace_id: str | None = None, **extra: str) -> Connection:
        """A connection whose secret is a sign-in's access token rather than an API key."""
        return cls(backend, token, workspace_id, {**extra, CREDENTIAL: Credential.BEARER.value})

    @property
    def credential(self) -> Credential | None:
        """What the secret is (an API key unless said otherwise); None for a value this code does not know
        (a newer bot wrote it): the adapter then refuses rather than guessing."""
        try:
            return Credential(self.extra.get(CREDENTIAL, Credential.API_KEY))
        except ValueError:
            return None


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
