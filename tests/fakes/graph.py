"""A fake Microsoft Graph on loopback: `GET /v1.0/me/calendarView/delta` for the signed-in person.

Like Graph: a bearer token is required (an access token the fake Entra ID issued for
`https://graph.microsoft.com` with `Calendars.Read`; else 401 `InvalidAuthenticationToken` or 403
`ErrorAccessDenied`); the first request of a window needs `startDateTime` and `endDateTime` (400
`ErrorInvalidParameter` without); pages are `Prefer: odata.maxpagesize` long and linked with `$skiptoken`;
the last page carries an `@odata.deltaLink` (`$deltatoken`) that later returns only the events that
changed, `@removed` ones included. Times are UTC (`Prefer: outlook.timezone="UTC"`). Events are the
person's own (the token's `oid`).
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tests.fakes.entra import EntraUser, FakeEntra

RESOURCE = "https://graph.microsoft.com"


@dataclass
class _Event:
    id: str
    body: dict[str, Any]
    start: datetime
    end: datetime
    version: int
    deleted: bool = False


@dataclass
class _Cursor:
    oid: str
    start: datetime
    end: datetime
    since: int  # changes after this version (-1: everything)
    upto: int  # the version the round started at
    offset: int = 0


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000")


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


@dataclass
class FakeGraph:
    entra: FakeEntra
    events: dict[str, dict[str, _Event]] = field(default_factory=dict)  # oid → id → event
    requests: list[tuple[str, dict[str, str], dict[str, str]]] = field(
        default_factory=list
    )  # path, query, headers
    version: int = 0
    _cursors: dict[str, _Cursor] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/v1.0/me/calendarView/delta", self._delta)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/v1.0"  # type: ignore[union-attr]
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- scripting ---------------------------------------------------------------------------------------

    def add_event(
        self,
        user: EntraUser,
        subject: str,
        start: datetime,
        end: datetime,
        *,
        all_day: bool = False,
        show_as: str = "busy",
        response: str = "accepted",
        cancelled: bool = False,
        categories: tuple[str, ...] = (),
        body: str = "",
    ) -> str:
        self.version += 1
        event_id = "AAMk" + uuid.uuid4().hex
        self.events.setdefault(user.oid, {})[event_id] = _Event(
            event_id,
            {
                "subject": subject, "bodyPreview": body, "isAllDay": all_day, "isCancelled": cancelled,
                "showAs": show_as, "responseStatus": {"response": response, "time": "0001-01-01T00:00:00Z"},
                "categories": list(categories), "type": "singleInstance",
                "webLink": f"https://outlook.office365.com/owa/?itemid={event_id}&exvsurl=1&path=/calendar/item",
            },
            start, end, self.version,
        )  # fmt: skip
        return event_id

    def update_event(self, user: EntraUser, event_id: str, **fields: Any) -> None:
        self.version += 1
        event = self.events[user.oid][event_id]
        event.start = fields.pop("start", event.start)
        event.end = fields.pop("end", event.end)
        event.body.update(fields)
        event.version = self.version

    def delete_event(self, user: EntraUser, event_id: str) -> None:
        self.version += 1
        event = self.events[user.oid][event_id]
        event.deleted, event.version = True, self.version

    def delta_calls(self) -> list[str]:
        """For each request: "initial", "skip" (a next page) or "delta" (a delta link)."""
        kinds = []
        for _, query, _ in self.requests:
            kinds.append(
                "delta" if "$deltatoken" in query else "skip" if "$skiptoken" in query else "initial"
            )
        return kinds

    # ---- the endpoint --------------------------------------------------------------------------------------

    def _json(self, event: _Event) -> dict[str, Any]:
        return {
            "@odata.etag": f'W/"{event.version}"',
            "id": event.id,
            **event.body,
            "start": {"dateTime": _iso(event.start), "timeZone": "UTC"},
            "end": {"dateTime": _iso(event.end), "timeZone": "UTC"},
        }

    async def _delta(self, request: web.Request) -> web.Response:
        query, headers = dict(request.query), dict(request.headers)
        self.requests.append((request.path, query, headers))
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        claims = self.entra.verify(token, RESOURCE) if scheme == "Bearer" else None
        if claims is None:
            return _error(401, "InvalidAuthenticationToken", "Access token validation failure.")
        if "Calendars.Read" not in str(claims.get("scp", "")).split():
            return _error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        prefer = headers.get("Prefer", "")
        size = int(m.group(1)) if (m := re.search(r"odata\.maxpagesize=(\d+)", prefer)) else 10
        if "$skiptoken" in query or "$deltatoken" in query:
            token_value = query.get("$skiptoken") or query.get("$deltatoken") or ""
            cursor = self._cursors.pop(token_value, None)
            if cursor is None or cursor.oid != claims["oid"]:
                return _error(410, "SyncStateNotFound", "The sync state is not valid any more.")
            if "$deltatoken" in query:
                cursor = _Cursor(cursor.oid, cursor.start, cursor.end, cursor.upto, self.version)
        else:
            start, end = _parse(query.get("startDateTime")), _parse(query.get("endDateTime"))
            if start is None or end is None:
                return _error(400, "ErrorInvalidParameter", "startDateTime and endDateTime are required.")
            cursor = _Cursor(str(claims["oid"]), start, end, -1, self.version)
        changed = sorted(
            (
                e
                for e in self.events.get(cursor.oid, {}).values()
                if cursor.since < e.version <= cursor.upto and e.start < cursor.end and e.end > cursor.start
            ),
            key=lambda e: e.version,
        )
        page = changed[cursor.offset : cursor.offset + size]
        value = [
            {"@odata.type": "#microsoft.graph.event", "id": e.id, "@removed": {"reason": "deleted"}}
            if e.deleted
            else self._json(e)
            for e in page
            if not (e.deleted and cursor.since < 0)
        ]
        body: dict[str, Any] = {"@odata.context": f"{self.url}/$metadata#Collection(event)", "value": value}
        key = secrets.token_urlsafe(12)
        if cursor.offset + size < len(changed):
            cursor.offset += size
            self._cursors[key] = cursor
            body["@odata.nextLink"] = f"{self.url}/me/calendarView/delta?$skiptoken={key}"
        else:
            self._cursors[key] = _Cursor(cursor.oid, cursor.start, cursor.end, cursor.since, cursor.upto)
            body["@odata.deltaLink"] = f"{self.url}/me/calendarView/delta?$deltatoken={key}"
        return web.json_response(body)
