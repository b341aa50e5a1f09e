"""`POST /api/feed`, `PATCH /api/feed/{externalId}` and `GET /api/openapi.json`: the feed API's HTTP side.

Only what HTTP knows happens here — the size limit (413, read no further), the content type (415), JSON
(400), the `Authorization: Bearer <key>` header (401 when missing) — then the application's `FeedIntake`
answers. Bodies and keys are never logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.app import FeedIntake

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="timebot feed"'}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": message, "field": None}, status=status, headers=headers)


def _bearer(request: web.Request) -> str | None:
    scheme, _, key = (request.headers.get("Authorization") or "").partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key and " " not in key else None


async def _body(request: web.Request) -> Any | web.Response:
    if request.content_type != "application/json":
        return _error(415, "Content-Type must be application/json")
    raw = bytearray()
    while chunk := await request.content.read(MAX_BODY_BYTES + 1 - len(raw)):  # chunked or a lying length
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            return _error(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return _error(400, "the body is not valid JSON")


class FeedRoutes:
    def __init__(self, intake: Callable[[], FeedIntake | None], public_url: str) -> None:
        self._intake = intake  # looked up per request: the application may be built on start-up
        self._public_url = public_url

    def _ready(self) -> FeedIntake | web.Response:
        intake = self._intake()
        return intake if intake is not None else _error(404, "the feed API is not enabled on this bot")

    async def post(self, request: web.Request) -> web.Response:
        return await self._handle(request, None)

    async def patch(self, request: web.Request) -> web.Response:
        return await self._handle(request, request.match_info["external_id"])

    async def _handle(self, request: web.Request, external_id: str | None) -> web.Response:
        intake = self._ready()
        if isinstance(intake, web.Response):
            return intake
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return _error(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
        key = _bearer(request)
        if key is None:
            return _error(401, "send the workspace's feed key as Authorization: Bearer <key>", _CHALLENGE)
        body = await _body(request)
        if isinstance(body, web.Response):
            return body
        if external_id is None:
            status, answer = await intake.add(key, body)
        else:
            status, answer = await intake.update(key, external_id, body)
        log.info("feed API %s: %d", request.method, status)
        return web.json_response(answer, status=status, headers=_CHALLENGE if status == 401 else None)

    async def openapi(self, request: web.Request) -> web.Response:
        intake = self._ready()
        if isinstance(intake, web.Response):
            return intake
        return web.json_response(intake.openapi(self._public_url))


def add_feed_routes(app: web.Application, intake: Callable[[], FeedIntake | None], public_url: str) -> None:
    routes = FeedRoutes(intake, public_url)
    app.router.add_post("/api/feed", routes.post)
    app.router.add_patch("/api/feed/{external_id}", routes.patch)
    app.router.add_get("/api/openapi.json", routes.openapi)
