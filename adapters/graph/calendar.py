"""The signed-in person's Outlook calendar from Microsoft Graph: `GET /me/calendarView/delta`.

The first read of a window (`startDateTime`, `endDateTime`) pages through `@odata.nextLink` and ends with an
`@odata.deltaLink`; reading that link later returns only what changed since (new, updated and
`@removed` events), so looking at the same day again costs one small request. Times come back in UTC
(`Prefer: outlook.timezone="UTC"`); the caller shows them in the person's zone. Links are followed only on
the Graph host itself: the person's token never goes anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from adapters.errors import Unavailable
from adapters.http import ApiClient, RetryPolicy, json_body

DEFAULT_URL = "https://graph.microsoft.com/v1.0"
PAGE_SIZE = 50
MAX_PAGES = 40  # a day or a week of meetings; more is not a calendar a person books from


@dataclass
class CalendarChanges:
    """What a delta round brought: changed or new events (Graph JSON), removed ids, the next delta link."""

    events: list[dict[str, Any]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    delta_link: str | None = None
    requests: int = 0


def _graph_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class GraphCalendar:
    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.api = ApiClient(
            base_url or DEFAULT_URL, name="Microsoft Graph", timeout=timeout, retry=retry, transport=transport
        )
        self._host = urlsplit(self.api.base_url).netloc

    async def aclose(self) -> None:
        await self.api.aclose()

    async def changes(
        self, token: str, start: datetime, end: datetime, delta_link: str | None = None
    ) -> CalendarChanges:
        """Every page of one delta round: the whole window without `delta_link`, else what changed."""
        headers = {
            "Authorization": f"Bearer {token}",
            "Prefer": f'outlook.timezone="UTC", odata.maxpagesize={PAGE_SIZE}',
        }
        found = CalendarChanges()
        url: str | None = delta_link
        params: dict[str, str] | None = None
        if url is None:
            url = "me/calendarView/delta"
            params = {"startDateTime": _graph_time(start), "endDateTime": _graph_time(end)}
        for _ in range(MAX_PAGES):
            if url.startswith("http") and urlsplit(url).netloc != self._host:
                raise Unavailable("Microsoft Graph sent a link to another host")
            body = json_body(
                await self.api.request("GET", url, headers=headers, params=params), self.api.name
            )
            found.requests += 1
            params = None  # links carry their own query
            for item in body.get("value", []) if isinstance(body, dict) else []:
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    continue
                if "@removed" in item:
                    found.removed.append(item["id"])
                else:
                    found.events.append(item)
            next_link = body.get("@odata.nextLink") if isinstance(body, dict) else None
            if isinstance(next_link, str):
                url = next_link
                continue
            delta = body.get("@odata.deltaLink") if isinstance(body, dict) else None
            found.delta_link = delta if isinstance(delta, str) else None
            return found
        raise Unavailable("Microsoft Graph kept paging: too many calendar events in this window")
