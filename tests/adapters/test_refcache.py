"""The one reference-data cache: LRU beyond its size, entries expire after the TTL, a write drops the whole
workspace at once — the service's view and the adapter's lookups alike, because they share it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.backend import Identity
from adapters.credentials import Connection, StaticConnections
from adapters.http import RetryPolicy
from adapters.models import ProjectDraft
from adapters.refcache import ReferenceCache
from adapters.timeghost import TimeghostBackendFactory
from bot.service.refdata import RefDataCache
from tests.fakes.timeghost import FakeTimeghost


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_least_recently_used_goes_first_beyond_the_size() -> None:
    cache = ReferenceCache(size=2)
    cache.put(("k", "w", 1), "one")
    cache.put(("k", "w", 2), "two")
    assert cache.get(("k", "w", 1)) == "one"  # now the most recently used
    cache.put(("k", "w", 3), "three")
    assert (cache.get(("k", "w", 1)), cache.get(("k", "w", 2)), cache.get(("k", "w", 3))) == (
        "one",
        None,
        "three",
    )
    assert len(cache) == 2


def test_entries_expire_after_the_ttl() -> None:
    clock = Clock()
    cache = ReferenceCache(ttl=60, clock=clock)
    cache.put(("k", "w", "x"), [1])
    clock.now = 59.9
    assert cache.get(("k", "w", "x")) == [1]
    clock.now = 60.0
    assert cache.get(("k", "w", "x")) is None and len(cache) == 0


def test_invalidate_drops_one_workspace_of_one_backend_only() -> None:
    cache = ReferenceCache()
    for key in [("toggl", "w1", "a"), ("toggl", "w1", "b", "u"), ("toggl", "w2", "a"), ("awork", "w1", "a")]:
        cache.put(key, key)
    cache.invalidate("toggl", "w1")
    assert cache.get(("toggl", "w1", "a")) is None and cache.get(("toggl", "w1", "b", "u")) is None
    assert cache.get(("toggl", "w2", "a")) and cache.get(("awork", "w1", "a"))
    with pytest.raises(ValueError):
        cache.put(("toggl", "w1", "a"), None)
    with pytest.raises(ValueError):
        ReferenceCache(size=0)


@pytest.fixture
async def timeghost() -> AsyncIterator[tuple[FakeTimeghost, TimeghostBackendFactory, RefDataCache, Identity]]:
    fake = FakeTimeghost()
    url = await fake.start()
    workspace = fake.add_workspace()
    _, key = fake.add_user(workspace, "Alice", admin=True)
    connections = StaticConnections()
    alice = Identity(tenant_id="t", aad_object_id="aad-alice", name="Alice")
    connections.add(alice, Connection("timeghost", key, workspace))
    shared = ReferenceCache()
    retry = RetryPolicy(base_delay=0.01, max_delay=0.02, deadline=5.0)
    factory = TimeghostBackendFactory(url, connections, retry=retry, cache=shared)
    try:
        yield fake, factory, RefDataCache(shared), alice
    finally:
        await factory.close()
        await fake.close()


async def test_the_service_and_the_adapter_share_one_cache_and_one_invalidation(
    timeghost: tuple[FakeTimeghost, TimeghostBackendFactory, RefDataCache, Identity],
) -> None:
    fake, factory, refdata, alice = timeghost
    backend = await factory.bind(alice)
    assert (await refdata.get(backend)).projects == []
    before = len(fake.requests)
    assert (await refdata.get(backend)).projects == [] and len(fake.requests) == before  # warm: no call
    await backend.create_project(ProjectDraft(name="Website"))  # an adapter write, not through the service
    assert [p.name for p in (await refdata.get(backend)).projects] == ["Website"]
    before = len(fake.requests)
    refdata.invalidate(backend)  # a service-side invalidation reaches the adapter's lookups
    await backend.list_projects()
    assert fake.count("GET", "get/projects") and len(fake.requests) == before + 1
