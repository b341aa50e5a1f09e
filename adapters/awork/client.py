"""awork's HTTP surface on top of the shared `ApiClient`: bearer token per call, paging, error codes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from adapters.awork.mapping import error_message, last_error_code
from adapters.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)
from adapters.http import ApiClient, RetryPolicy, json_body

MAX_PAGE_SIZE = 1000  # awork: `pageSize` at most 1000
CONFLICT_CODES = frozenset({"duplication-violation", "already-exist-error", "concurrency-violation"})


class AworkClient:
    """Shared by all users of one factory; the token travels with each call and never sits on the client."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        self.api = ApiClient(
            base_url, name="awork", error_message=error_message, transport=transport, retry=retry
        )
        self.page_size = max(1, min(page_size, MAX_PAGE_SIZE))

    async def aclose(self) -> None:
        await self.api.aclose()

    async def call(
        self,
        token: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """One request; awork's error `code` refines the status mapping.

        401 with `unauthorized` means "insufficient permissions" in awork's docs (PermissionDenied); other
        401s (`workspaceid-missing`: a bad token) mean sign in again. 400s with a duplicate/concurrency code
        are conflicts.
        """
        marker = last_error_code.set(None)
        try:
            return await self.api.request(
                method, path, headers={"Authorization": f"Bearer {token}"}, params=params, json=json
            )
        except Unauthorized as exc:
            if last_error_code.get() == "unauthorized":
                raise PermissionDenied(exc.message) from exc
            raise
        except ValidationFailed as exc:
            code = last_error_code.get()
            if code in CONFLICT_CODES:
                raise Conflict(exc.message) from exc
            if code == "not-found":
                raise NotFound(exc.message) from exc
            raise
        finally:
            last_error_code.reset(marker)

    async def json(self, token: str, method: str, path: str, **kwargs: Any) -> Any:
        return json_body(await self.call(token, method, path, **kwargs), "awork")

    async def pages(
        self, token: str, path: str, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every page of a list endpoint (`page`/`pageSize`), stopping at `aw-totalitems` or a short page."""
        page = 1
        seen = 0
        while True:
            response = await self.call(
                token, "GET", path, params={**(params or {}), "page": page, "pageSize": self.page_size}
            )
            items = json_body(response, "awork")
            if items is None:
                items = []
            if not isinstance(items, list):
                raise Unavailable("awork sent an unexpected list response")
            yield items
            seen += len(items)
            total = _int_header(response, "aw-totalitems")
            if not items or len(items) < self.page_size or (total is not None and seen >= total):
                return
            page += 1

    async def list_all(
        self, token: str, path: str, params: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        async for items in self.pages(token, path, params):
            out.extend(items)
        return out


def _int_header(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
