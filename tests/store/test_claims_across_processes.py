"""The queues several bot processes share on PostgreSQL: each row is claimed by one of them at a time
(`FOR UPDATE SKIP LOCKED` plus a lease), and one person's or one conversation's rows in the order made.

Each "process" here is an engine of its own (its own connection pool), as two `timebot serve` have."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from bot.notify.queue import NotificationQueue
from bot.store.outbox import Outbox
from bot.store.reminders import Reminders
from tests.support.db import engine_for, postgres_schema

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
PEOPLE = [Identity("tenant-1", f"person-{i}", f"Person {i}") for i in range(12)]


@asynccontextmanager
async def two_processes() -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    async with postgres_schema() as url, engine_for(url) as first, engine_for(url, migrate=False) as second:
        yield first, second


async def test_outbox_rows_are_claimed_once_and_each_persons_in_order() -> None:
    async with two_processes() as (one, two):
        outbox = Outbox(one)
        for n in range(4):  # each person's writes: n = 0, 1, 2, 3 (a start, then a stop, …)
            for person in PEOPLE:
                await outbox.add(person, "toggl", {"n": n}, {}, locale="en", timezone="UTC", now=NOW,
                                 first_attempt_in=timedelta(0))  # fmt: skip
        workers = [Outbox(one), Outbox(two), Outbox(one), Outbox(two)]
        done: list[tuple[str, int]] = []
        claimed: Counter[int] = Counter()

        async def work(box: Outbox) -> None:
            while items := await box.claim_due(NOW, limit=5):
                for item in items:
                    claimed[item.id] += 1
                    done.append((item.identity.aad_object_id, int(item.operation["n"])))
                    await asyncio.sleep(0)  # another process may claim meanwhile
                    await box.done(item.id)

        await asyncio.gather(*(work(w) for w in workers))
    assert len(claimed) == 4 * len(PEOPLE) and set(claimed.values()) == {1}  # all, each once
    for person in PEOPLE:
        order = [n for who, n in done if who == person.aad_object_id]
        assert order == [0, 1, 2, 3], (person, order)  # a person's writes never overtake each other


async def test_notifications_leave_each_conversation_in_order_with_two_consumers() -> None:
    async with two_processes() as (one, two):
        producer = NotificationQueue(one)
        conversations = [f"19:c{i}@thread.tacv2" for i in range(10)]
        for n in range(5):
            for conversation in conversations:
                reference = {"serviceUrl": "http://127.0.0.1:9/", "conversation": {"id": conversation}}
                await producer.enqueue(reference, "test", {"n": n}, locale="en", now=NOW)
        sent: list[tuple[str, int]] = []
        claimed: Counter[int] = Counter()

        async def consume(queue: NotificationQueue, owner: str) -> None:
            idle = 0
            while idle < 3:
                items = await queue.claim(NOW, owner, limit=4)
                idle = 0 if items else idle + 1
                for item in items:
                    claimed[item.id] += 1
                    sent.append((item.conversation_id, int(item.items[0]["n"])))
                    await asyncio.sleep(0)
                    await queue.sent(item, owner, None, NOW)
                await asyncio.sleep(0)

        await asyncio.gather(consume(NotificationQueue(one), "a"), consume(NotificationQueue(two), "b"))
    assert len(claimed) == 50 and set(claimed.values()) == {1}
    for conversation in conversations:
        assert [n for c, n in sent if c == conversation] == [0, 1, 2, 3, 4]


async def test_reminders_are_claimed_by_one_process_each() -> None:
    async with two_processes() as (one, two):
        plan = Reminders(one)
        for person in PEOPLE:
            await plan.plan(person.tenant_id, person.aad_object_id, "nudge", date(2026, 12, 4), NOW, NOW)
        results = await asyncio.gather(
            Reminders(one).claim(NOW, "a", limit=7), Reminders(two).claim(NOW, "b", limit=7)
        )
    ids = [due.id for batch in results for due in batch]
    assert len(ids) == len(PEOPLE) and len(set(ids)) == len(ids)
