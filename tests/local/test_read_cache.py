"""The local backend's memoised reads (SQLite only) never show data older than the last write."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.local.cache import EntryReadCache
from adapters.local.factory import LocalBackendFactory
from adapters.models import TimeEntryDraft, TimeEntryPatch
from adapters.sql import sync_engines, unit_of_work, write

NOW = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)


async def test_reads_follow_every_write(engine: AsyncEngine) -> None:
    factory = LocalBackendFactory(engine, clock=lambda: NOW)
    backend = await factory.bind(Identity("t-cache", "u-cache", "Cache User"))
    day = (NOW.replace(hour=0), NOW.replace(hour=0) + timedelta(days=1))
    assert await backend.current_timer() is None and await backend.list_time_entries(*day) == []
    entry = await backend.create_time_entry(TimeEntryDraft(start=NOW - timedelta(hours=1)))
    assert (await backend.current_timer()) == entry
    assert [e.id for e in await backend.list_time_entries(*day)] == [entry.id]
    await backend.update_time_entry(entry.id, TimeEntryPatch(end=NOW))
    assert await backend.current_timer() is None
    assert (await backend.list_time_entries(*day))[0].end == NOW
    await backend.delete_time_entry(entry.id)
    assert await backend.list_time_entries(*day) == []
    # Another binding of the same user (a later turn) sees the same, current state.
    again = await factory.bind(Identity("t-cache", "u-cache", "Cache User"))
    assert await again.list_time_entries(*day) == []


async def test_a_returned_list_cannot_corrupt_the_memo(engine: AsyncEngine) -> None:
    backend = await LocalBackendFactory(engine, clock=lambda: NOW).bind(Identity("t-cache", "u-2", "U"))
    day = (NOW.replace(hour=0), NOW.replace(hour=0) + timedelta(days=1))
    await backend.create_time_entry(
        TimeEntryDraft(start=NOW - timedelta(hours=2), end=NOW - timedelta(hours=1))
    )
    first = await backend.list_time_entries(*day)
    first.clear()
    assert len(await backend.list_time_entries(*day)) == 1


async def test_working_hours_reads_follow_writes(engine: AsyncEngine) -> None:
    from adapters.models import WorkingHoursDraft, WorkingHoursPatch

    backend = await LocalBackendFactory(engine, clock=lambda: NOW).bind(Identity("t-cache", "u-3", "U"))
    day = (NOW.replace(hour=0), NOW.replace(hour=0) + timedelta(days=1))
    assert await backend.list_working_hours(*day) == []
    opened = await backend.create_working_hours(WorkingHoursDraft(start=NOW - timedelta(hours=3)))
    assert [w.id for w in await backend.list_working_hours(*day)] == [opened.id]
    await backend.update_working_hours(opened.id, WorkingHoursPatch(end=NOW))
    assert (await backend.list_working_hours(*day))[0].end == NOW
    await backend.delete_working_hours(opened.id)
    assert await backend.list_working_hours(*day) == []


def _selects(engine: AsyncEngine) -> tuple[list[str], Callable[[], None]]:
    """SELECTs sent from now on (on SQLite also by the writer's and the inline readers' engines)."""
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engines = sync_engines(engine)
    for sync_engine in engines:
        event.listen(sync_engine, "before_cursor_execute", record)

    def stop() -> None:
        for sync_engine in engines:
            event.remove(sync_engine, "before_cursor_execute", record)

    return seen, stop


async def test_a_logged_entry_joins_the_memoised_lists_and_they_equal_a_fresh_read(
    engine: AsyncEngine,
) -> None:
    """`log` reads the day, then writes: the memo keeps the day (plus the new entry) instead of reading it
    again at the next turn, and what it answers is exactly what the database holds."""
    factory = LocalBackendFactory(engine, clock=lambda: NOW, read_cache=EntryReadCache())
    who = Identity("t-cache", "u-merge", "U")
    backend = await factory.bind(who)
    day = (NOW.replace(hour=0), NOW.replace(hour=0) + timedelta(days=1))
    morning = (NOW.replace(hour=8), NOW.replace(hour=10))
    for hour in (8, 9):
        start = NOW.replace(hour=hour)
        await backend.create_time_entry(TimeEntryDraft(start=start, end=start + timedelta(minutes=30)))
    windows = [(*day, None), (*day, 2), (*morning, None)]
    for start, end, limit in windows:
        await backend.list_time_entries(start, end, limit=limit)
    await backend.current_timer()

    noon = NOW.replace(hour=12)
    new = await backend.create_time_entry(
        TimeEntryDraft(start=noon, end=noon + timedelta(minutes=30), description="after lunch")
    )
    seen, stop = _selects(engine)
    try:
        memoised = [await backend.list_time_entries(s, e, limit=n) for s, e, n in windows]
        assert await backend.current_timer() is None
    finally:
        stop()
    assert seen == []  # answered from the memo, not read again
    fresh = await LocalBackendFactory(engine, clock=lambda: NOW).bind(who)  # a cache of its own
    assert memoised == [await fresh.list_time_entries(s, e, limit=n) for s, e, n in windows]
    assert [e.id for e in memoised[1]] == [new.id, memoised[0][1].id]  # newest first, at most the limit
    assert new.id not in {e.id for e in memoised[2]}  # outside the morning


async def test_a_memo_is_read_again_after_a_rolled_back_or_second_write_in_one_unit(
    engine: AsyncEngine,
) -> None:
    factory = LocalBackendFactory(engine, clock=lambda: NOW)
    who = Identity("t-cache", "u-unit", "U")
    backend = await factory.bind(who)
    day = (NOW.replace(hour=0), NOW.replace(hour=0) + timedelta(days=1))
    one = TimeEntryDraft(start=NOW.replace(hour=8), end=NOW.replace(hour=9))
    two = TimeEntryDraft(start=NOW.replace(hour=10), end=NOW.replace(hour=11))
    assert await backend.list_time_entries(*day) == []
    with pytest.raises(RuntimeError):
        async with unit_of_work():
            await backend.create_time_entry(one)
            raise RuntimeError("the turn failed")
    assert await backend.list_time_entries(*day) == []
    async with unit_of_work():
        first = await backend.create_time_entry(one)
        entry = await backend.create_time_entry(two)
        await backend.update_time_entry(entry.id, TimeEntryPatch(description="changed"))
    listed = await backend.list_time_entries(*day)
    assert [(e.id, e.description) for e in listed] == [(entry.id, "changed"), (first.id, "")]


async def test_a_write_that_waited_for_another_of_the_same_person_merges_nothing_stale(
    engine: AsyncEngine,
) -> None:
    """Two turns of one person queue for the writer (on SQLite: behind a third unit) with the same memo from
    before either wrote: the second's must not be put back over the first one's entry."""
    factory = LocalBackendFactory(engine, clock=lambda: NOW, read_cache=EntryReadCache())
    backend = await factory.bind(Identity("t-cache", "u-race", "U"))
    day = (NOW.replace(hour=0), NOW.replace(hour=0) + timedelta(days=1))
    assert await backend.list_time_entries(*day) == []
    held, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with unit_of_work():
            async with write(engine) as conn:
                await conn.execute(sa.text("SELECT 1"))
            held.set()
            await release.wait()

    async def turn(hour: int) -> None:
        async with unit_of_work():
            await backend.create_time_entry(
                TimeEntryDraft(start=NOW.replace(hour=hour), end=NOW.replace(hour=hour, minute=30))
            )

    holding = asyncio.create_task(holder())
    await held.wait()
    turns = [asyncio.create_task(turn(hour)) for hour in (8, 9)]
    await asyncio.sleep(0.05)  # both are in their write step, waiting for the writer (on SQLite)
    release.set()
    await asyncio.gather(holding, *turns)
    assert len(await backend.list_time_entries(*day)) == 2


async def test_a_person_just_created_binds_from_memory_next_time(engine: AsyncEngine) -> None:
    factory = LocalBackendFactory(engine, clock=lambda: NOW, read_cache=EntryReadCache())
    identity = Identity("t-cache", "u-new", "New User")
    created = await factory.bind(identity)
    statements, stop = _selects(engine)
    again = await factory.bind(identity)
    stop()
    assert statements == [] and again.user.id == created.user.id
