"""`TogglBackendFactory`: binds a Teams identity to that person's own Toggl account and chosen workspace.

Binding reads the person's `Connection` (API token, optional workspace id) and asks Toggl who the token
belongs to (`GET /me`) and which workspaces it may use (`GET /me/workspaces`), both at once. Without a
chosen workspace the account's `default_workspace_id` is used. No connection, or a token Toggl refuses:
`Unauthorized`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from adapters.backend import Identity
from adapters.credentials import ConnectionSource
from adapters.errors import NotFound, PermissionDenied, Unauthorized
from adapters.http import RetryPolicy
from adapters.timer import RunningTimers
from adapters.toggl import mapping as m
from adapters.toggl.backend import TogglBackend
from adapters.toggl.client import Session, TogglApi

DEFAULT_URL = "https://api.track.toggl.com/api/v9"
DEFAULT_REPORTS_URL = "https://api.track.toggl.com/reports/api/v3"
DEFAULT_WEBHOOKS_URL = "https://api.track.toggl.com/webhooks/api/v1"


class TogglBackendFactory:
    kind = "toggl"

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        reports_url: str = DEFAULT_REPORTS_URL,
        webhooks_url: str = DEFAULT_WEBHOOKS_URL,
        *,
        connections: ConnectionSource,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Any] | None = None,
        page_size: int = 200,
        report_page_size: int = 50,
    ) -> None:
        self._connections = connections
        self.api = TogglApi(
            base_url,
            reports_url,
            webhooks_url,
            timeout=timeout,
            retry=retry,
            transport=transport,
            sleep=sleep,
        )
        self._page_size = page_size
        self._report_page_size = report_page_size
        self._timers = RunningTimers()  # outlives each bound backend: the bot re-binds every minute

    @property
    def calls(self) -> int:
        """Requests sent to Toggl so far (all users, all three APIs)."""
        return self.api.calls

    async def bind(self, identity: Identity) -> TogglBackend:
        connection = await self._connections.get(identity, self.kind)
        if connection is None or not connection.secret:
            raise Unauthorized("connect Toggl Track first (your API token is in your Toggl profile)")
        session = Session(self.api, connection.secret)
        try:
            me, workspaces = await asyncio.gather(
                session.track("GET", "me"), session.track("GET", "me/workspaces")
            )
        except PermissionDenied as exc:  # `/me` is everyone's: a refusal means the token is not valid
            raise Unauthorized("Toggl Track did not accept the API token; connect again") from exc
        wanted = connection.workspace_id or me.get("default_workspace_id")
        workspace = next((w for w in workspaces or [] if str(w.get("id")) == str(wanted)), None)
        if workspace is None:
            raise NotFound(f"the Toggl workspace {wanted!r} is not one of yours; choose another")
        return TogglBackend(
            session,
            m.workspace_from(workspace, me.get("timezone")),
            m.user_from(me, workspace, identity.aad_object_id),
            tasks_available=bool(workspace.get("premium", True)),
            page_size=self._page_size,
            report_page_size=self._report_page_size,
            timers=self._timers,
            organization_id=str(workspace["organization_id"]) if workspace.get("organization_id") else None,
        )

    def forget_timer(self, workspace_id: str | None = None, user_id: str | None = None) -> None:
        """Another bot process wrote this person's entries (None: maybe anyone's): ask the API next time."""
        self._timers.forget(None if workspace_id is None or user_id is None else (workspace_id, user_id))

    async def close(self) -> None:
        await self.api.aclose()
