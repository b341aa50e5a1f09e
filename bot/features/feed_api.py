"""The application side of the feed API (`bot.app.FeedIntake`): authenticate the key, validate the body, store
the event through `FeedPosts`, then hand new events on (to the person's chat, into a subscribed channel).

Answers are HTTP statuses with JSON bodies: 201 (stored), 200 (updated, or a repeated POST), 400 with the
field at fault, 401 (missing, wrong or refused key), 404 (PATCH of an unknown externalId), 409 (POST of an
externalId that exists with other content). Nothing the caller sent is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.features.feed_openapi import openapi_document
from bot.service.context import Services
from bot.service.feedposts import (
    FeedEventIn,
    FeedEventPatchIn,
    FeedPosts,
    FieldError,
    KeyRefused,
    Posted,
    validated,
    wire,
)
from bot.store.feedkeys import FeedKey

log = logging.getLogger(__name__)

Answer = tuple[int, dict[str, Any]]
AfterPost = Callable[[FeedKey, Posted], Awaitable[None]]
UNAUTHORIZED: Answer = (
    401,
    {"error": "unauthorized: unknown, revoked or no longer valid key", "field": None},
)


class FeedApi:
    def __init__(self, services: Services, posts: FeedPosts, after_post: AfterPost | None = None) -> None:
        self.services = services
        self.posts = posts
        self.after_post = after_post

    async def _key(self, secret: str) -> FeedKey | None:
        assert self.services.feed is not None
        return await self.services.feed.keys.authenticate(secret, self.services.clock())

    async def add(self, key: str, body: Any) -> Answer:
        found = await self._key(key)
        if found is None:
            return UNAUTHORIZED
        return await self._run(found, lambda: self._add(found, body))

    async def update(self, key: str, external_id: str, body: Any) -> Answer:
        found = await self._key(key)
        if found is None:
            return UNAUTHORIZED
        return await self._run(found, lambda: self._update(found, external_id, body))

    async def _add(self, key: FeedKey, body: Any) -> Answer:
        data = validated(FeedEventIn, body)
        posted = await self.posts.add(key, data, self.services.clock())
        if posted.status == "created" and self.after_post is not None:
            await self.after_post(key, posted)
        return (201 if posted.status == "created" else 200), wire(posted)

    async def _update(self, key: FeedKey, external_id: str, body: Any) -> Answer:
        data = validated(FeedEventPatchIn, body)
        posted = await self.posts.update(key, external_id, data, self.services.clock())
        return 200, wire(posted)

    async def _run(self, key: FeedKey, work: Callable[[], Awaitable[Answer]]) -> Answer:
        try:
            return await work()
        except FieldError as exc:
            return exc.status, {"error": exc.message, "field": exc.field}
        except KeyRefused as exc:
            log.info("feed key %s of workspace %s refused: %s", key.name, key.workspace_id, exc)
            return UNAUTHORIZED

    def openapi(self, server_url: str) -> dict[str, Any]:
        return openapi_document(server_url)
