"""A fake Bot Connector (the service behind `activity.serviceUrl`) on 127.0.0.1, for tests and the bench.

It records every request (method, path, headers, JSON) and answers like the real one:
`POST /v3/conversations/{id}/activities[/{activityId}]` → 201 `{"id": …}`, `PUT …/activities/{id}` →
200 `{"id": id}`, `POST /v3/conversations` → 201 `{"id": …}`. Failures can be scripted per call:
`fake.fail_next(429, headers={"Retry-After": "0"})` makes the next matching request get a 429.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class RecordedRequest:
    method: str
    path: str  # raw (still percent-encoded) path
    headers: dict[str, str]
    json: Any
    conversation_id: str | None = None  # decoded
    activity_id: str | None = None


@dataclass
class ScriptedFailure:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0  # seconds to wait before answering (for timeout tests)


class FakeConnector:
    def __init__(self, *, record: bool = True) -> None:
        self.requests: list[RecordedRequest] = []
        self.record = record
        self.count = 0
        self._failures: list[ScriptedFailure] = []
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ---- lifecycle ---------------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        # Real service URLs have a region prefix (https://smba.trafficmanager.net/emea/): accept one.
        for prefix in ("", "/{region}"):
            base = prefix + "/v3/conversations"
            app.router.add_post(base, self._create_conversation)
            app.router.add_post(base + "/{conversation}/activities", self._post_activity)
            app.router.add_post(base + "/{conversation}/activities/{activity}", self._post_activity)
            app.router.add_put(base + "/{conversation}/activities/{activity}", self._put_activity)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        bound_port = sockets[0].getsockname()[1]
        self.url = f"http://{host}:{bound_port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeConnector:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- scripting and assertions ------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Any = None,
        delay: float = 0.0,
    ) -> None:
        for _ in range(times):
            self._failures.append(ScriptedFailure(status, dict(headers or {}), body, delay))

    @property
    def messages(self) -> list[RecordedRequest]:
        """Successful-or-not requests that carried an activity (POST/PUT …/activities)."""
        return [r for r in self.requests if "/activities" in r.path]

    async def wait_for(self, n: int, within: float = 5.0) -> list[RecordedRequest]:
        """Wait until at least `n` requests have been recorded; return them."""

        async def _enough() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.requests) >= n)

        await asyncio.wait_for(_enough(), within)
        return list(self.requests)

    def reset(self) -> None:
        self.requests.clear()
        self._failures.clear()
        self.count = 0

    # ---- handlers ----------------------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> tuple[RecordedRequest, web.Response | None]:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        rec = RecordedRequest(
            method=request.method,
            path=request.raw_path,
            headers=dict(request.headers),
            json=body,
            conversation_id=request.match_info.get("conversation"),
            activity_id=request.match_info.get("activity"),
        )
        self.count += 1
        if self.record:
            async with self._changed:
                self.requests.append(rec)
                self._changed.notify_all()
        failure: web.Response | None = None
        if self._failures:
            scripted = self._failures.pop(0)
            if scripted.delay:
                await asyncio.sleep(scripted.delay)
            failure = web.json_response(
                scripted.body if scripted.body is not None else {"error": {"code": "Scripted"}},
                status=scripted.status,
                headers=scripted.headers,
            )
        return rec, failure

    def _new_id(self) -> str:
        return f"activity-{next(self._ids)}"

    async def _post_activity(self, request: web.Request) -> web.Response:
        _rec, failure = await self._record(request)
        if failure is not None:
            return failure
        return web.json_response({"id": self._new_id()}, status=201)

    async def _put_activity(self, request: web.Request) -> web.Response:
        rec, failure = await self._record(request)
        if failure is not None:
            return failure
        return web.json_response({"id": rec.activity_id}, status=200)

    async def _create_conversation(self, request: web.Request) -> web.Response:
        _rec, failure = await self._record(request)
        if failure is not None:
            return failure
        return web.json_response(
            {"id": f"a:conversation-{next(self._ids)}", "activityId": self._new_id()}, status=201
        )
