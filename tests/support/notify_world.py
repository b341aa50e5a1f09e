"""The whole bot with its outbound half over real HTTP: activities in on `/api/messages`, webhooks in on
`/api/webhooks/…`, proactive cards out to a fake Teams connector that enforces Teams' limits.

The bot listens on a port chosen before it starts, so its public URL (what trackers call back) is known
to the services, as in production.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import BackendFactory, Identity
from adapters.local.factory import LocalBackendFactory
from bot.activity import Activity
from bot.notify import NotificationQueue
from bot.notify.changes import ChangeStore
from bot.notify.subscriptions import Subscription, SubscriptionStore
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.refdata import RefDataCache
from bot.settings import Settings
from bot.store.connections import ConnectionStore
from bot.store.state import Store
from bot.timebot import Timebot
from bot.transport.connector import ConnectorClient
from bot.transport.server import create_web_app
from tests.support.db import engine_for
from tests.support.harness import activity_json
from tests.support.teams_connector import TeamsConnector

ROOTS = [b"test-root-secret-for-notify-" * 2]
CHANNEL = "19:general@thread.tacv2"


def readable(card: dict[str, Any]) -> str:
    """What a person reads on a card: its texts and buttons (`card_text`), and its facts as "title: value"."""
    from tests.http.test_teams_http import card_text

    lines = [card_text(card)]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "FactSet":
                lines.extend(f"{f['title']}: {f['value']}" for f in node.get("facts", []))
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card)
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class NotifyWorld:
    client: TestClient
    teams: TeamsConnector
    bot: Timebot
    services: Services
    url: str

    @property
    def queue(self) -> NotificationQueue:
        assert self.services.notifications is not None
        return self.services.notifications

    @property
    def subscriptions(self) -> SubscriptionStore:
        assert self.services.subscriptions is not None
        return self.services.subscriptions

    async def say(
        self,
        text: str,
        *,
        user: str = "alice",
        name: str = "Alice",
        conversation_id: str = "a:alice",
        conversation_type: str = "personal",
        locale: str = "en-US",
        **kw: Any,
    ) -> dict[str, Any]:
        """Send a message; return the card the bot answered with (in the same conversation)."""
        before = len(self.teams.requests)
        if conversation_type != "personal":
            text = f"<at>timebot</at> {text}"
        data = activity_json(
            text,
            user=user,
            name=name,
            conversation_id=conversation_id,
            conversation_type=conversation_type,
            service_url=self.teams.url,
            locale=locale,
            **kw,
        )
        response = await self.client.post("/api/messages", json=data)
        assert response.status == 200, await response.text()
        replies = [r for r in self.teams.requests[before:] if r.conversation_id == conversation_id]
        assert replies, f"no reply to {text!r}"
        return dict(replies[-1].json["attachments"][0]["content"])

    async def post(self, data: dict[str, Any]) -> tuple[int, Any]:
        response = await self.client.post("/api/messages", json=data)
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body

    async def webhook(self, path: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        response = await self.client.post(
            path, data=body, headers={"Content-Type": "application/json", **(headers or {})}
        )
        answer = await response.json() if response.content_type == "application/json" else None
        return response.status, answer

    def shown(self, conversation_id: str) -> list[dict[str, Any]]:
        """The cards the conversation shows now (latest version of each message), oldest first."""
        return [
            a["attachments"][0]["content"] for a in self.teams.conversations.get(conversation_id, {}).values()
        ]

    async def settle(self, within: float = 20.0) -> None:
        """Wait until every stored change is fanned out and every queued notification sent."""
        deadline = time.monotonic() + within
        assert self.services.changes is not None
        while time.monotonic() < deadline:
            # Upstream first: each step hands on atomically, so nothing slips between two looks.
            if (
                not await _relay_left(self)
                and not await self.services.changes.pending()
                and not (await self.queue.counts()).get("pending")
            ):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"not settled: {await self.queue.counts()}")

    async def until(self, condition: Callable[[], bool], within: float = 10.0) -> None:
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            await asyncio.sleep(0.05)


async def _relay_left(world: NotifyWorld) -> bool:
    import sqlalchemy as sa

    from adapters.local import tables as lt

    async with world.queue.engine.connect() as conn:
        return bool((await conn.execute(sa.select(sa.func.count()).select_from(lt.changes))).scalar_one())


@asynccontextmanager
async def notify_world(
    engine: AsyncEngine,
    remote: Callable[[ConnectionStore], dict[str, BackendFactory]] | None = None,
    *,
    teams: TeamsConnector | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    window: timedelta = timedelta(seconds=30),
    poll_seconds: float = 300.0,
) -> AsyncIterator[NotifyWorld]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    connections = ConnectionStore(engine, ROOTS)
    services = Services(
        store=Store(engine),
        refdata=RefDataCache(),
        clock=clock,
        connections=connections,
        notifications=NotificationQueue(engine),
        subscriptions=SubscriptionStore(engine, ROOTS),
        changes=ChangeStore(engine),
        public_url=url,
        poll_seconds=poll_seconds,
    )
    factories: dict[str, BackendFactory] = {"local": LocalBackendFactory(engine, clock=clock)}
    if remote is not None:
        factories |= remote(connections)
    bot = Timebot(services, BackendRegistry(factories), notify_window=window)
    settings = Settings(_env_file=None, app_id="")  # type: ignore[call-arg]
    async with teams or TeamsConnector() as fake_teams:
        app = create_web_app(settings, bot, connector=ConnectorClient())
        async with TestClient(TestServer(app, host="127.0.0.1", port=port)) as client:
            yield NotifyWorld(client, fake_teams, bot, services, url)


async def subscribed_channels(url: str, teams_url: str, owner: Identity, count: int, prefix: str) -> None:
    """`owner`'s workspace, and `count` channels `19:<prefix>-<i>@thread.tacv2` subscribed to its new
    projects (what as many `subscribe projects` make), in the database at `url`."""
    async with engine_for(url) as engine:
        alice = await LocalBackendFactory(engine).bind(owner)
        store, subscriptions = Store(engine), SubscriptionStore(engine, ROOTS)
        now = datetime.now(UTC)
        for i in range(count):
            conversation = f"19:{prefix}-{i}@thread.tacv2"
            activity = activity_json(
                conversation_id=conversation, conversation_type="channel", service_url=teams_url
            )
            reference = Activity.model_validate(activity).reference()
            await store.save_conversation_ref(conversation, owner.tenant_id, reference, scope="channel")
            await subscriptions.put(
                Subscription(
                    conversation_id=conversation, tenant_id=owner.tenant_id, scope="channel", backend="local",
                    workspace_id=alice.workspace.id, entity="projects", events=["created"], projects=[],
                    owner_tenant_id=owner.tenant_id, owner_aad_object_id=owner.aad_object_id,
                    owner_user_id=alice.user.id, owner_name=owner.name, locale="en-US",
                    timezone="Europe/Berlin",
                ),
                now,
            )  # fmt: skip
