"""The notification queue and its worker over real HTTP to a fake Teams connector, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.activity import OutgoingMessage
from bot.notify import Coalesce, DeliveryWorker, NotificationQueue, Rendering, message_item
from bot.notify.queue import DROPPED, FAILED, SENT
from bot.notify.worker import backoff
from bot.transport.connector import ConnectorClient, RetryPolicy
from bot.transport.ratelimit import ConversationRateLimiter, RateLimits
from bot.transport.server import ProactiveConnectorSender
from tests.support.db import engine_for, postgres_schema
from tests.support.teams_connector import TeamsConnector

ONE_TRY = RetryPolicy(max_attempts=1)  # the connector does not retry: the queue's own retries are tested


def reference(url: str, conversation: str) -> dict[str, Any]:
    return {
        "serviceUrl": url,
        "channelId": "msteams",
        "conversation": {"id": conversation, "conversationType": "channel", "tenantId": "t1"},
        "bot": {"id": "28:bot", "name": "timebot"},
        "user": {"id": "29:alice", "name": "Alice"},
        "locale": "en-US",
    }


def text_item(text: str) -> dict[str, Any]:
    return message_item(OutgoingMessage(text=text))


def count_renderer(rendering: Rendering) -> OutgoingMessage:
    names = ", ".join(str(i["n"]) for i in rendering.items)
    return OutgoingMessage(text=f"{rendering.item_count} changes: {names}")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class World:
    queue: NotificationQueue
    teams: TeamsConnector
    worker: DeliveryWorker
    clock: Clock
    client: ConnectorClient

    def ref(self, conversation: str) -> dict[str, Any]:
        return reference(self.teams.url, conversation)

    async def put(self, conversation: str, text: str, **kw: Any) -> int | None:
        return await self.queue.enqueue(
            self.ref(conversation), "message", text_item(text), locale="en-US", now=self.clock(), **kw
        )

    def texts(self, conversation: str) -> list[str]:
        return [str(a["text"]) for a in self.teams.conversations[conversation].values()]


@pytest.fixture
async def world(engine: AsyncEngine) -> AsyncIterator[World]:
    clock = Clock()
    async with TeamsConnector() as teams:
        # The limiter reads the same clock as the queue, so a Retry-After is waited out by advancing it.
        permits = ConversationRateLimiter(RateLimits.unlimited(), clock=lambda: clock().timestamp())
        client = ConnectorClient(retry=ONE_TRY, permits=permits)
        queue = NotificationQueue(engine, max_age=timedelta(hours=1))
        worker = DeliveryWorker(
            queue, ProactiveConnectorSender(client), {"digest": count_renderer}, clock=clock, concurrency=4
        )
        try:
            yield World(queue, teams, worker, clock, client)
        finally:
            await client.close()


async def test_a_queued_message_is_posted_once_and_recorded(world: World) -> None:
    assert await world.put("19:a@thread", "hello", key="change-1") is not None
    assert await world.worker.deliver_due() == 1
    assert world.texts("19:a@thread") == ["hello"]
    assert await world.worker.deliver_due() == 0
    [row] = await world.queue.rows()
    assert row["status"] == SENT and row["activity_id"] is not None


async def test_the_same_key_twice_is_queued_once(world: World) -> None:
    first = await world.put("19:a@thread", "hello", key="toggl:event-7")
    again = await world.put("19:a@thread", "hello", key="toggl:event-7")
    assert first is not None and again is None
    await world.worker.deliver_due()
    assert world.texts("19:a@thread") == ["hello"]


async def test_order_per_conversation_survives_a_failure_of_the_first(world: World) -> None:
    for i in range(5):
        await world.put("19:a@thread", f"m{i}")
    await world.put("19:b@thread", "other")
    world.teams.fail_next(503)  # the first claimed send (m0 or "other") fails
    await world.worker.deliver_due()
    world.clock.advance(3600 - 1)  # past any backoff, before expiry
    await world.worker.deliver_due()
    assert world.texts("19:a@thread") == [f"m{i}" for i in range(5)]
    assert world.texts("19:b@thread") == ["other"]


async def test_a_long_retry_after_is_honoured_not_hammered(world: World) -> None:
    await world.put("19:a@thread", "hello")
    world.teams.fail_next(429, headers={"Retry-After": "120"})
    assert await world.worker.deliver_due() == 0
    [row] = await world.queue.rows()
    assert row["next_attempt_at"] == world.clock() + timedelta(seconds=120)
    assert "429" in row["last_error"]
    world.clock.advance(119)
    assert await world.worker.deliver_due() == 0
    assert len(world.teams.requests) == 1  # not asked again before Teams said so
    world.clock.advance(1)
    assert await world.worker.deliver_due() == 1
    assert world.texts("19:a@thread") == ["hello"]


async def test_412_and_5xx_are_retried_with_jittered_backoff(world: World) -> None:
    await world.put("19:a@thread", "hello")
    world.teams.fail_next(412)
    world.teams.fail_next(502)
    await world.worker.deliver_due()
    [row] = await world.queue.rows()
    first_wait = (row["next_attempt_at"] - world.clock()).total_seconds()
    assert 0 < first_wait <= 1.0 and row["attempts"] == 1
    world.clock.advance(first_wait)
    await world.worker.deliver_due()
    [row] = await world.queue.rows()
    assert row["attempts"] == 2 and (row["next_attempt_at"] - world.clock()).total_seconds() <= 2.0
    world.clock.advance(2)
    await world.worker.deliver_due()
    assert world.texts("19:a@thread") == ["hello"]


def test_backoff_grows_with_full_jitter_and_is_capped() -> None:
    samples = [backoff(6) for _ in range(200)]
    assert max(samples) <= 32 and min(samples) >= 0.5 and max(samples) - min(samples) > 5
    assert max(backoff(40, ceiling=timedelta(minutes=10)) for _ in range(50)) <= 600


async def test_it_gives_up_after_the_bounded_time_with_the_reason(world: World) -> None:
    await world.put("19:a@thread", "hello")
    for _ in range(40):
        world.teams.fail_next(503)
    for _ in range(40):
        await world.worker.deliver_due()
        world.clock.advance(600)
        [row] = await world.queue.rows()
        if row["status"] != "pending":
            break
    assert row["status"] == FAILED
    assert "gave up after" in row["last_error"] and "503" in row["last_error"]
    assert world.clock() - row["created_at"] <= timedelta(hours=1, minutes=10)
    assert world.texts("19:a@thread") == []


async def test_a_refusal_for_good_is_not_retried(world: World) -> None:
    await world.put("19:a@thread", "hello")
    world.teams.fail_next(400)
    await world.worker.deliver_due()
    [row] = await world.queue.rows()
    assert row["status"] == FAILED and "400" in row["last_error"]


async def test_a_conversation_the_bot_left_drops_its_queue_instead_of_retrying(world: World) -> None:
    world.teams.gone.add("19:gone@thread")
    for i in range(3):
        await world.put("19:gone@thread", f"m{i}")
    await world.put("19:ok@thread", "fine")
    await world.worker.deliver_due()
    world.clock.advance(3600)
    await world.worker.deliver_due()
    gone = await world.queue.rows("19:gone@thread")
    assert [r["status"] for r in gone] == [DROPPED] * 3
    assert all("403" in r["last_error"] for r in gone)
    assert sum(1 for r in world.teams.requests if r.conversation_id == "19:gone@thread") == 1
    assert world.texts("19:ok@thread") == ["fine"]


async def test_coalesced_items_become_one_message_updated_in_place(world: World) -> None:
    digest = Coalesce("changes", timedelta(seconds=30))
    ref = world.ref("19:a@thread")

    async def change(n: int) -> None:
        await world.queue.enqueue(ref, "digest", {"n": n}, locale="en", now=world.clock(), coalesce=digest)

    await change(1)
    await world.worker.deliver_due()
    for n in range(2, 31):
        await change(n)
    world.clock.advance(2)  # the update gap
    await world.worker.deliver_due()
    shown = world.teams.conversations["19:a@thread"]
    assert len(shown) == 1
    [(activity_id, latest)] = shown.items()
    assert latest["text"].startswith("30 changes:") and latest["text"].endswith("30")
    assert [r.method for r in world.teams.messages] == ["POST", "PUT"]
    assert world.teams.messages[1].activity_id == activity_id
    world.clock.advance(30)  # the window closed: the next change starts a new message
    await change(31)
    await world.worker.deliver_due()
    assert len(world.teams.conversations["19:a@thread"]) == 2


async def test_an_update_to_a_deleted_message_posts_it_anew(world: World) -> None:
    digest = Coalesce("changes")
    ref = world.ref("19:a@thread")
    await world.queue.enqueue(ref, "digest", {"n": 1}, locale="en", now=world.clock(), coalesce=digest)
    await world.worker.deliver_due()
    [first] = list(world.teams.conversations["19:a@thread"])
    world.teams.delete_activity("19:a@thread", first)
    await world.queue.enqueue(ref, "digest", {"n": 2}, locale="en", now=world.clock(), coalesce=digest)
    world.clock.advance(2)
    await world.worker.deliver_due()
    [(_, shown)] = world.teams.conversations["19:a@thread"].items()
    assert shown["text"] == "2 changes: 1, 2"


@pytest.mark.postgres
async def test_two_processes_share_the_queue_as_one(tmp_path) -> None:
    """Two engines (as two bot processes would have) claim with FOR UPDATE SKIP LOCKED: each message once."""
    async with (
        postgres_schema() as url,
        engine_for(url) as engine_a,
        engine_for(url, migrate=False) as engine_b,
        TeamsConnector(per_conversation=(), overall=()) as teams,
    ):
        client = ConnectorClient(retry=ONE_TRY, limits=RateLimits.unlimited())
        queue_a, queue_b = NotificationQueue(engine_a), NotificationQueue(engine_b)
        now = datetime.now(UTC)
        for c in range(60):
            for i in range(3):
                ref = reference(teams.url, f"19:c{c}@thread")
                await queue_a.enqueue(ref, "message", text_item(f"{c}-{i}"), locale="en", now=now)
        sender = ProactiveConnectorSender(client)
        a = DeliveryWorker(queue_a, sender, concurrency=8)
        b = DeliveryWorker(queue_b, sender, concurrency=8)
        for _ in range(10):
            await asyncio.gather(a.deliver_due(), b.deliver_due())
        await client.close()
        assert a.delivered + b.delivered == 180 and a.delivered > 0 and b.delivered > 0
        for c in range(60):
            shown = [x["text"] for x in teams.conversations[f"19:c{c}@thread"].values()]
            assert shown == [f"{c}-{i}" for i in range(3)]


async def test_the_running_worker_sends_as_soon_as_something_is_queued(world: World) -> None:
    world.worker.interval = 30.0  # polling would be far too slow: the enqueue wakes the worker
    world.worker.start()
    try:
        for i in range(3):
            await world.put(f"19:c{i}@thread", "now")
        await world.teams.wait_for(3, within=2.0)
    finally:
        await world.worker.stop()
    assert sorted(r.conversation_id or "" for r in world.teams.requests) == [
        f"19:c{i}@thread" for i in range(3)
    ]
