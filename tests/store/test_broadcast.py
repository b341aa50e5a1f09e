"""Cache invalidations between bot processes over PostgreSQL LISTEN/NOTIFY (`bot.store.broadcast`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import pytest

from bot.store.broadcast import PostgresBus
from tests.support.db import engine_for, postgres_schema

pytestmark = pytest.mark.postgres


class Heard:
    """A subscriber that records what it was told and wakes a waiting test."""

    def __init__(self) -> None:
        self.dropped: list[list[str]] = []
        self.resets = 0
        self.changed = asyncio.Event()

    def drop(self, key: Sequence[str]) -> None:
        self.dropped.append(list(key))
        self.changed.set()

    def reset(self) -> None:
        self.resets += 1
        self.changed.set()

    async def until(self, condition: object, within: float = 10.0) -> None:
        async def wait() -> None:
            while not condition():  # type: ignore[operator]
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(wait(), within)


@asynccontextmanager
async def two_buses(url: str) -> AsyncIterator[tuple[PostgresBus, Heard, PostgresBus, Heard]]:
    async with engine_for(url) as one, engine_for(url, migrate=False) as two:
        first, second = PostgresBus(one), PostgresBus(two)
        heard_first, heard_second = Heard(), Heard()
        first.subscribe("prefs", heard_first.drop, heard_first.reset)
        second.subscribe("prefs", heard_second.drop, heard_second.reset)
        await first.start()
        await second.start()
        try:
            yield first, heard_first, second, heard_second
        finally:
            await first.close()
            await second.close()


async def test_a_publish_reaches_the_other_process_not_the_publisher() -> None:
    async with postgres_schema() as url, two_buses(url) as (first, heard_first, second, heard_second):
        first.publish("prefs", "tenant-1", "ada")
        first.publish("other-topic", "ignored")
        await first.flush()
        await heard_second.until(lambda: heard_second.dropped)
        assert heard_second.dropped == [["tenant-1", "ada"]]
        assert heard_first.dropped == []  # it dropped its own copy already
        assert second.live and first.live


async def test_another_schema_on_the_same_server_hears_nothing() -> None:
    async with (
        postgres_schema() as url,
        postgres_schema() as elsewhere,
        two_buses(url) as (first, _h, _second, heard_second),
        engine_for(elsewhere) as engine,
    ):
        stranger, heard_stranger = PostgresBus(engine), Heard()
        stranger.subscribe("prefs", heard_stranger.drop, heard_stranger.reset)
        await stranger.start()
        try:
            assert stranger.channel != first.channel
            first.publish("prefs", "tenant-1", "ada")
            await first.flush()
            await heard_second.until(lambda: heard_second.dropped)
            await stranger._raw.execute("SELECT 1")  # a round trip: a notification would be in by now
            assert heard_stranger.dropped == []
        finally:
            await stranger.close()


async def test_a_lost_listener_empties_the_caches_until_it_is_back() -> None:
    async with postgres_schema() as url, two_buses(url) as (first, _h, second, heard_second):
        resets_at_start = heard_second.resets
        pid = second._raw.get_server_pid()
        await first._raw.execute("SELECT pg_terminate_backend($1)", pid)
        await heard_second.until(lambda: heard_second.resets >= resets_at_start + 2)  # lost, then back
        assert second.live
        first.publish("prefs", "tenant-1", "grace")
        await first.flush()
        await heard_second.until(lambda: heard_second.dropped)
        assert heard_second.dropped == [["tenant-1", "grace"]]
