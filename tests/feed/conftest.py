"""The whole bot over HTTP for the feed and the reminders: `/api/messages` and `/api/feed` on loopback, the
local backend, the notification queue delivering to a fake Teams connector, and a clock the test moves."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import BackendFactory, Identity
from adapters.local.factory import LocalBackendFactory
from bot.notify import NotificationQueue
from bot.notify.subscriptions import SubscriptionStore
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.refdata import RefDataCache
from bot.settings import Settings
from bot.store.feed import FeedState
from bot.store.people import People
from bot.store.reminders import Reminders
from bot.store.state import Store
from bot.timebot import Timebot
from bot.transport.connector import ConnectorClient
from bot.transport.server import create_web_app
from tests.http.test_teams_http import card_text
from tests.support.cards import assert_valid_card
from tests.support.db import engine as engine
from tests.support.fake_connector import FakeConnector
from tests.support.harness import TENANT, activity_json

ALICE = "2d4b4c63-1f8e-4a53-9d1b-6f0d1a2b3c01"  # Entra object ids are GUIDs
BOB = "7e9a0f12-3c4d-4e5f-8a9b-0c1d2e3f4a02"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> None:
        """Elapsed time (in UTC: across a DST change a day is 23 or 25 hours of wall clock)."""
        self.now = self.now.astimezone(UTC) + timedelta(**delta)


@dataclass
class World:
    client: TestClient
    connector: FakeConnector
    bot: Timebot
    clock: Clock
    services: Services
    engine: AsyncEngine
    names: dict[str, str] = field(default_factory=lambda: {ALICE: "Alice", BOB: "Bob"})

    def chat(self, user: str) -> str:
        return f"a:personal-{user}"

    def activity(self, text: str | None = None, *, user: str = ALICE, **kw: Any) -> dict[str, Any]:
        kw.setdefault("conversation_id", self.chat(user))
        kw.setdefault("tz", "Europe/Berlin")
        return activity_json(text, service_url=self.connector.url, user=user, name=self.names[user], **kw)

    async def say(self, text: str, *, user: str = ALICE, **kw: Any) -> dict[str, Any]:
        """A message; returns the one card the bot answered with (checked against Adaptive Cards 1.5).
        Proactive cards the delivery worker posts meanwhile are not answers (they reply to nothing)."""
        before = len(self.connector.messages)
        response = await self.client.post("/api/messages", json=self.activity(text, user=user, **kw))
        assert response.status == 200
        sent = [m for m in self.connector.messages[before:] if "replyToId" in (m.json or {})]
        assert len(sent) == 1, [r.json for r in sent]
        card = sent[0].json["attachments"][0]["content"]
        assert_valid_card(card)
        return card

    async def press(
        self,
        action: dict[str, Any],
        *,
        user: str = ALICE,
        inputs: dict[str, Any] | None = None,
        card: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Tap an `Action.Execute` button (with the card's inputs, as Teams sends them); returns the card
        the invoke response put in its place."""
        data = {**action["data"], **(input_values(card) if card else {}), **(inputs or {})}
        value = {
            "action": {"type": "Action.Execute", "verb": action["verb"], "data": data},
            "trigger": "manual",
        }
        body = self.activity(None, user=user, kind="invoke", invoke_name="adaptiveCard/action", value=value)
        response = await self.client.post("/api/messages", json=body)
        assert response.status == 200
        answer = await response.json()
        assert answer["type"] == "application/vnd.microsoft.card.adaptive", answer
        assert_valid_card(answer["value"])
        return answer["value"]

    async def api(
        self, method: str, path: str, body: Any = None, *, key: str | None = None, raw: bytes | None = None
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        if raw is None:
            import json

            raw = json.dumps(body).encode()
        response = await self.client.request(method, path, data=raw, headers=headers)
        return response.status, await response.json()

    async def delivered(self, conversation: str, n: int = 1) -> list[dict[str, Any]]:
        """Wait until `n` proactive cards reached `conversation`; return all of them (newest last)."""
        assert self.bot.delivery_worker is not None
        for _ in range(200):
            await self.bot.delivery_worker.deliver_due()
            cards = self.proactive(conversation)
            if len(cards) >= n:
                return cards
            import asyncio

            await asyncio.sleep(0.02)
        raise AssertionError(f"{len(self.proactive(conversation))} cards reached {conversation}, wanted {n}")

    def proactive(self, conversation: str) -> list[dict[str, Any]]:
        """Cards posted into `conversation` that answered no activity (the bot spoke first)."""
        found = []
        for request in self.connector.messages:
            body = request.json or {}
            if (
                request.conversation_id == conversation
                and "replyToId" not in body
                and body.get("attachments")
            ):
                found.append(body["attachments"][0]["content"])
        return found

    async def backend(self, user: str = ALICE) -> Any:
        return await self.bot.backends.bind(Identity(TENANT, user, self.names[user]), "local")


async def make_world(
    engine: AsyncEngine,
    now: datetime,
    sources: tuple[Any, ...] = (),
    factories: dict[str, BackendFactory] | None = None,
) -> AsyncIterator[World]:
    clock = Clock(now)
    services = Services(
        store=Store(engine),
        refdata=RefDataCache(),
        clock=clock,
        feed=FeedState.on(engine),
        people=People(engine),
        reminders=Reminders(engine),
        notifications=NotificationQueue(engine),
        subscriptions=SubscriptionStore(engine, [b"test-root-secret-for-the-feed-" * 2]),
        feed_sources=sources,
    )
    registry = BackendRegistry({"local": LocalBackendFactory(engine, clock=clock), **(factories or {})})
    bot = Timebot(services, registry, default_timezone="Europe/Berlin", reminder_interval=3600)
    settings = Settings(_env_file=None, app_id="")  # type: ignore[call-arg]
    async with FakeConnector() as connector:
        app = create_web_app(settings, bot, connector=ConnectorClient())
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            yield World(client, connector, bot, clock, services, engine)


def input_values(card: dict[str, Any]) -> dict[str, Any]:
    """The values a card's inputs start with (what Teams sends when the person changes nothing)."""
    found: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "value" in node:
                found[node["id"]] = node["value"]
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card)
    return found


def secret_of(card: dict[str, Any]) -> str:
    keys = [line for line in card_text(card).splitlines() if line.startswith("tbf_")]
    assert len(keys) == 1, card_text(card)
    return keys[0]


def new_id() -> str:
    return uuid.uuid4().hex
