"""Cache invalidations between bot processes over PostgreSQL LISTEN/NOTIFY (`bot.store.broadcast`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.local.backend import LocalBackend
from adapters.local.cache import EntryReadCache
from adapters.local.factory import LocalBackendFactory
from adapters.models import WorkspaceSettings
from adapters.refcache import ReferenceCache
from adapters.sql import unit_of_work
from bot.service.backends import BackendRegistry
from bot.service.recent import RecentEntries
from bot.store.broadcast import PostgresBus
from bot.wiring import share_caches, shared_entry_cache
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


class _Process:
    """One bot process's local backend, its bindings and their caches on its own bus (as `bot.wiring`)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.bus = PostgresBus(engine)
        self.entries = shared_entry_cache(self.bus)
        self.factory = LocalBackendFactory(engine, read_cache=self.entries)
        self.registry = BackendRegistry({"local": self.factory})
        share_caches(self.bus, ReferenceCache(), RecentEntries(), self.entries, {}, self.registry)
        self.statements = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, *_: object) -> None:
        self.statements += 1

    async def bind(self, identity: Identity) -> LocalBackend:
        backend = await self.registry.bind(identity)
        assert isinstance(backend, LocalBackend)
        return backend


async def test_bindings_come_from_memory_and_a_workspace_change_elsewhere_drops_them() -> None:
    async with postgres_schema() as url, engine_for(url) as one, engine_for(url, migrate=False) as two:
        a, b = _Process(one), _Process(two)
        await a.bus.start()
        await b.bus.start()
        try:
            admin, member = Identity("t-bind", "admin", "Admin"), Identity("t-bind", "member", "Member")
            await a.bind(admin)  # the first user: the workspace's admin
            await b.bind(member)  # created (and kept, in B's registry and in its binding memo)
            before = b.statements
            assert (await b.factory.bind(member)).workspace.settings.weekly_target_minutes == 40 * 60
            assert b.statements == before  # no round trip: the memo is trusted while the bus listens

            backend = await a.bind(admin)
            received = b.bus.received
            async with unit_of_work():
                await backend.set_workspace_settings(WorkspaceSettings(weekly_target_minutes=30 * 60))
            await a.bus.flush()
            deadline = asyncio.get_running_loop().time() + 10
            while b.bus.received == received:
                assert asyncio.get_running_loop().time() < deadline, "the change never reached B"
                await asyncio.sleep(0.01)
            # Both B's bound backend and its binding memo were dropped: B reads the new settings.
            assert (await b.bind(member)).workspace.settings.weekly_target_minutes == 30 * 60
            assert (await b.factory.bind(member)).workspace.settings.weekly_target_minutes == 30 * 60
        finally:
            await a.bus.close()
            await b.bus.close()


def test_an_untrusted_memo_binds_from_the_database() -> None:
    trusted = True
    cache = EntryReadCache(trusted=lambda: trusted)
    cache.keep_binding("t", "u", SimpleNamespace(id="w"), SimpleNamespace(id="u"), cache.binding_stamp())
    assert cache.binding("t", "u") is not None
    trusted = False  # the bus lost its listener: a change may have been missed
    assert cache.binding("t", "u") is None
    stamp = cache.binding_stamp()
    trusted = True
    cache.forget_workspace("w")  # raced the read: what that read found is not kept
    cache.keep_binding("t", "u", SimpleNamespace(id="w"), SimpleNamespace(id="u"), stamp)
    assert cache.binding("t", "u") is None
