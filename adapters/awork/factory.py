"""`AworkBackendFactory`: binds a Teams identity to that person's awork user through their connection.

Whose token: each person's own (OAuth per user, from the sign-in work that follows). Until that exists,
`service_account_connections()` offers the **single service-account mode**: one token from
`TIMEBOT_AWORK_SERVICE_TOKEN`, used for *everyone* — every Teams user then acts as the token's awork user (an
API key is admin-level and not user-specific). It is off unless that variable is set, and it logs a warning.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import httpx

from adapters.awork.backend import AworkBackend
from adapters.awork.client import MAX_PAGE_SIZE, AworkClient
from adapters.awork.mapping import user_from_awork, workspace_from_awork
from adapters.backend import Identity
from adapters.credentials import Connection, ConnectionSource, StaticConnections
from adapters.errors import Unauthorized, Unavailable
from adapters.http import RetryPolicy
from adapters.refcache import ReferenceCache
from adapters.timer import RunningTimers

log = logging.getLogger(__name__)

DEFAULT_URL = "https://api.awork.com/api/v1"
SERVICE_TOKEN_ENV = "TIMEBOT_AWORK_SERVICE_TOKEN"


class AworkBackendFactory:
    kind = "awork"

    def __init__(
        self,
        base_url: str,
        connections: ConnectionSource,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        retry: RetryPolicy | None = None,
        page_size: int = MAX_PAGE_SIZE,
        cache: ReferenceCache | None = None,
    ) -> None:
        self._client = AworkClient(base_url, transport=transport, retry=retry, page_size=page_size)
        self._connections = connections
        self._cache = cache if cache is not None else ReferenceCache()
        self._timers = RunningTimers()  # outlives each bound backend: the bot re-binds every minute

    @property
    def calls(self) -> int:
        """Requests sent so far (for the remote-call benchmark)."""
        return self._client.api.calls

    async def bind(self, identity: Identity) -> AworkBackend:
        connection = await self._connections.get(identity, self.kind)
        if connection is None or not connection.secret:
            raise Unauthorized("connect your awork account first")
        me = await self._client.json(connection.secret, "GET", "users/me")
        if not isinstance(me, dict) or not me.get("id"):
            raise Unavailable("awork did not say who the token belongs to")
        workspace = workspace_from_awork(me, identity.tenant_id)
        if connection.workspace_id and connection.workspace_id != workspace.id:
            raise Unauthorized("this awork token belongs to another workspace; connect again")
        user = user_from_awork(me, workspace.id, identity.aad_object_id)
        return AworkBackend(
            self._client,
            connection.secret,
            workspace,
            user,
            cache=self._cache,
            type_of_work=connection.extra.get("type_of_work"),
            timers=self._timers,
        )

    def forget_timer(self, workspace_id: str | None = None, user_id: str | None = None) -> None:
        """Another bot process wrote this person's entries (None: maybe anyone's): ask the API next time."""
        self._timers.forget(None if workspace_id is None or user_id is None else (workspace_id, user_id))

    async def close(self) -> None:
        await self._client.aclose()


def service_account_connections(environ: Mapping[str, str] | None = None) -> StaticConnections:
    """The documented single service-account mode: everyone uses `TIMEBOT_AWORK_SERVICE_TOKEN`, if set.

    Without the variable nobody has an awork connection (binding says "connect first").
    """
    env = os.environ if environ is None else environ
    token = env.get(SERVICE_TOKEN_ENV, "").strip()
    if not token:
        return StaticConnections()
    log.warning(
        "awork: service-account mode (%s is set): every Teams user acts as this one awork user",
        SERVICE_TOKEN_ENV,
    )
    return StaticConnections(default={"awork": Connection("awork", token)})
