"""A remote backend goes down mid-day: the write is kept, retried, saved with its original time, and the
person is told — through the real transport, the Toggl Focus adapter and its fake server on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.focus import FocusBackendFactory
from adapters.http import RetryPolicy
from adapters.local.factory import LocalBackendFactory
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.refdata import RefDataCache
from bot.settings import Settings
from bot.store.connections import ConnectionStore
from bot.store.outbox import Outbox
from bot.store.state import Store
from bot.timebot import Timebot
from bot.transport.connector import ConnectorClient
from bot.transport.server import create_web_app
from tests.fakes.focus import FakeFocus, Member, Organization
from tests.http.test_teams_http import card_text
from tests.support.fake_connector import FakeConnector
from tests.support.harness import activity_json

FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02, max_retry_after=1.0, deadline=2.0)


@dataclass
class World:
    client: TestClient
    connector: FakeConnector
    focus: FakeFocus
    org: Organization
    alice: Member
    bot: Timebot
    outbox: Outbox
    now: datetime

    async def post(self, data: dict[str, Any]) -> None:
        response = await self.client.post("/api/messages", json=data)
        assert response.status in (200, 201)

    async def say(self, text: str | None = None, **kw: Any) -> str:
        before = len(self.connector.messages)
        await self.post(activity_json(text, service_url=self.connector.url, user="alice", name="Alice", **kw))
        sent = self.connector.messages[before:]
        assert len(sent) == 1
        return card_text(sent[0].json["attachments"][0]["content"])


@pytest.fixture
async def world(engine: AsyncEngine) -> AsyncIterator[World]:
    async with FakeFocus() as focus, FakeConnector() as connector:
        org = focus.add_organization("Contoso", ("Main",))
        alice = focus.add_member(org, "Alice", "alice@example.com", admin=True)
        holder: dict[str, datetime] = {"now": datetime.now(UTC).replace(microsecond=0)}
        clock = lambda: holder["now"]  # noqa: E731
        connections = ConnectionStore(engine, [b"test-root-secret-" * 3])
        outbox = Outbox(engine)
        services = Services(
            store=Store(engine), refdata=RefDataCache(), clock=clock, connections=connections, outbox=outbox
        )
        registry = BackendRegistry(
            {
                "local": LocalBackendFactory(engine, clock=clock),
                "focus": FocusBackendFactory(focus.url, connections, retry=FAST),
            }
        )
        bot = Timebot(services, registry)
        app = create_web_app(Settings(_env_file=None, app_id=""), bot, connector=ConnectorClient())  # type: ignore[call-arg]
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            w = World(client, connector, focus, org, alice, bot, outbox, holder["now"])
            w.__dict__["holder"] = holder
            yield w


def advance(world: World, **delta: float) -> None:
    world.__dict__["holder"]["now"] += timedelta(**delta)


async def connect_focus(world: World) -> None:
    assert "Connect Toggl Focus" in await world.say("connect focus")
    data = {"verb": "connect_save", "backend": "focus", "token": world.alice.token,
            "organization_id": str(world.org.id)}  # fmt: skip
    assert "Connected to" in await world.say(value=data)


async def test_a_start_during_an_outage_is_kept_then_saved_with_its_time(world: World) -> None:
    await connect_focus(world)
    world.focus.fail("POST", r".*/tracking/start$", 503, times=5)
    asked_at = world.__dict__["holder"]["now"]
    kept = await world.say("start")
    assert "isn't reachable" in kept and "kept" in kept
    assert await world.outbox.pending_for(_alice()) == 1

    world.focus.failures.clear()
    advance(world, minutes=5)
    before = len(world.connector.messages)
    assert world.bot.outbox_worker is not None
    assert await world.bot.outbox_worker.deliver_due() == 1
    told = world.connector.messages[before:]
    assert len(told) == 1  # a proactive message into the same conversation
    sent = told[0].json
    assert sent["conversation"]["id"] == "a:personal-1" and "replyToId" not in sent
    texts = " ".join(card_text(a["content"]) for a in sent["attachments"])
    local_time = asked_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    assert f"Toggl Focus is back: saved what you sent at {local_time}" in texts
    assert "Timer running" in texts and f"since {local_time}" in texts
    running = await (await world.bot.backends.bind(_alice(), "focus")).current_timer()
    assert running is not None and running.start == asked_at  # when she asked, not when it got through
    assert await world.outbox.pending_for(_alice()) == 0


async def test_a_write_the_backend_refuses_for_good_is_reported_not_dropped(world: World) -> None:
    await connect_focus(world)
    world.focus.fail("POST", r".*/tracking/start$", 503, times=5)
    await world.say("start")
    world.focus.failures.clear()
    world.focus.fail("POST", r".*/tracking/start$", 400, times=5)
    advance(world, minutes=5)
    before = len(world.connector.messages)
    assert world.bot.outbox_worker is not None
    assert await world.bot.outbox_worker.deliver_due() == 1
    text = card_text(world.connector.messages[before].json["attachments"][0]["content"])
    assert "refused" in text and "enter it again" in text
    assert await world.outbox.pending_for(_alice()) == 0


async def test_still_down_keeps_it_and_backs_off(world: World) -> None:
    await connect_focus(world)
    world.focus.fail("POST", r".*/tracking/start$", 503, times=100)
    await world.say("start")
    assert world.bot.outbox_worker is not None
    for _ in range(3):
        advance(world, hours=1)
        assert await world.bot.outbox_worker.deliver_due() == 0
    assert await world.outbox.pending_for(_alice()) == 1
    texts = [card_text(m.json["attachments"][0]["content"]) for m in world.connector.messages]
    assert any("still unreachable" in t for t in texts)


def _alice():
    from adapters.backend import Identity

    return Identity("tenant-1", "alice", "Alice")
