"""The local backend's memoised reads (SQLite only) never show data older than the last write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.local.factory import LocalBackendFactory
from adapters.models import TimeEntryDraft, TimeEntryPatch

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
