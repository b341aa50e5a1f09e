"""One person's authenticated, budgeted view of the timeghost API (RPC paths under `/api`).

The shared `ApiClient` (one pooled `httpx.AsyncClient` for the whole backend) sends; this adds what is
specific to timeghost:
- auth per request: `x-api-key: <key>` for an API key (third-party code, [ABS]) or `Authorization: Bearer
  <AAD token>` for a sign-in's token (the only scheme the definition declares, AAD OAuth2), chosen by the
  connection's `Credential`;
- the `workspace-id` header on every call but `get/currentuser`;
- the connector's throttling limit, 100 calls per 60 s **per connection**: `ApiClient` takes one budget, so it
  gets a dispatcher that waits on the budget of the connection making the call (a context variable), which
  also counts `ApiClient`'s own retries;
- Cosmos DB's "The request rate is too large" comes back as HTTP 500 [ABS]: the request was throttled, not
  processed, so even a POST is repeated (after a backoff), unlike any other 5xx on a write.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections import OrderedDict
from contextvars import ContextVar
from typing import Any

import httpx

from adapters.credentials import Connection, Credential
from adapters.errors import Unauthorized, Unavailable
from adapters.http import IDEMPOTENT, ApiClient, CallBudget, json_body, segment

DEFAULT_URL = "https://timeghost-api.azurewebsites.net/api"
CALLS_PER_WINDOW = 100
WINDOW_SECONDS = 60.0
COSMOS_THROTTLED = "request rate is too large"

_current_budget: ContextVar[CallBudget | None] = ContextVar("timeghost_budget", default=None)


class PerConnectionBudget:
    """Given to `ApiClient` as its budget: waits on the budget of the connection that is calling."""

    async def acquire(self) -> None:
        budget = _current_budget.get()
        if budget is not None:
            await budget.acquire()


class Budgets:
    """One `CallBudget` per connection (keyed by a digest of its secret, never the secret), bounded LRU."""

    def __init__(self, calls: int, period: float, *, size: int = 10_000) -> None:
        # The server counts from when a call arrives, a little after it left: keep a margin (5 %, ≤ 1 s).
        self.calls, self.period, self._size = calls, period + min(period * 0.05, 1.0), size
        self._by_key: OrderedDict[str, CallBudget] = OrderedDict()

    def for_secret(self, secret: str) -> CallBudget:
        key = hashlib.sha256(secret.encode()).hexdigest()
        budget = self._by_key.get(key)
        if budget is None:
            budget = self._by_key[key] = CallBudget(self.calls, self.period)
            while len(self._by_key) > self._size:
                self._by_key.popitem(last=False)
        else:
            self._by_key.move_to_end(key)
        return budget


def auth_headers(connection: Connection) -> dict[str, str]:
    if not connection.secret:
        raise Unauthorized("no timeghost credentials: connect timeghost again")
    match connection.credential:
        case Credential.BEARER:
            return {"Authorization": f"Bearer {connection.secret}"}
        case Credential.API_KEY:
            return {"x-api-key": connection.secret}
    raise Unauthorized("unknown kind of timeghost credentials: connect timeghost again")


class Session:
    """Calls as one connection: its auth headers, its budget and (once known) its workspace."""

    def __init__(
        self,
        api: ApiClient,
        budget: CallBudget,
        headers: dict[str, str],
        workspace_id: str | None = None,
        *,
        cosmos_retries: int = 3,
        cosmos_delay: float = 1.0,
    ) -> None:
        self.api = api
        self._budget = budget
        self._auth = headers
        self.workspace_id = workspace_id
        self._cosmos_retries = cosmos_retries
        self._cosmos_delay = cosmos_delay

    def with_workspace(self, workspace_id: str) -> Session:
        return Session(
            self.api,
            self._budget,
            self._auth,
            workspace_id,
            cosmos_retries=self._cosmos_retries,
            cosmos_delay=self._cosmos_delay,
        )

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(self._auth)
        if self.workspace_id is not None:
            headers["workspace-id"] = self.workspace_id
        if extra:
            headers.update(extra)
        return headers

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        token = _current_budget.set(self._budget)
        try:
            attempt = 0
            while True:
                attempt += 1
                try:
                    return await self.api.request(
                        method,
                        path,
                        params=params,
                        json=json,
                        headers=self._headers(headers),
                        idempotent=idempotent,
                    )
                except Unavailable as exc:
                    # Reads were already retried by ApiClient; only writes need this second look.
                    write = idempotent is False or (idempotent is None and method.upper() not in IDEMPOTENT)
                    throttled = COSMOS_THROTTLED in exc.message.lower()
                    if not (write and throttled) or attempt > self._cosmos_retries:
                        raise
                    await asyncio.sleep(random.uniform(0.5, 1.0) * self._cosmos_delay * attempt)
        finally:
            _current_budget.reset(token)

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return json_body(await self.request(method, path, **kwargs), "timeghost")

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.json("GET", path, **kwargs)

    async def post(self, path: str, body: Any, **kwargs: Any) -> Any:
        return await self.json("POST", path, json=body, **kwargs)

    async def delete_item(self, item_type: str, item_id: str) -> None:
        await self.request("DELETE", f"delete/{segment(item_type)}/{segment(item_id)}")
