"""`start_timer` / `stop_timer` (adapters/timer.py) mean the same on every backend, whichever way they go:
the plain lookup-then-write, or the backend's own `TimerControl` (Toggl's remembered id, the stop endpoints
of Focus and awork, timeghost's single lookup)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.backend import Backend, Capability
from adapters.models import ProjectDraft, TimeEntryDraft
from adapters.timer import TimerStartsLater, start_timer, stop_timer

H = timedelta(hours=1)
CLOSE = timedelta(seconds=3)


@pytest.fixture
async def timer_backend(backend: Backend) -> Backend:
    if Capability.TIMER not in backend.capabilities:
        pytest.skip(f"{backend.kind} has no timer")
    return backend


def _draft(start: datetime, project_id: str | None = None, note: str = "") -> TimeEntryDraft:
    return TimeEntryDraft(start=start, project_id=project_id, description=note, timezone="Europe/Berlin")


async def test_stop_with_nothing_running_is_none(timer_backend: Backend) -> None:
    assert await stop_timer(timer_backend, datetime.now(UTC)) is None
    assert await timer_backend.current_timer() is None


async def test_start_then_stop_now(timer_backend: Backend) -> None:
    project = await timer_backend.create_project(ProjectDraft(name="Website"))
    started = await start_timer(timer_backend, _draft(datetime.now(UTC), project.id, "header"))
    assert started.stopped is None
    assert started.entry.running and started.entry.project_id == project.id

    stopped = await stop_timer(timer_backend, datetime.now(UTC))
    assert stopped is not None and stopped.id == started.entry.id
    assert stopped.end is not None and abs(stopped.end - datetime.now(UTC)) < CLOSE
    assert stopped.project_id == project.id and stopped.description == "header"
    assert await timer_backend.current_timer() is None
    assert await stop_timer(timer_backend, datetime.now(UTC)) is None


async def test_starting_while_running_switches_at_the_new_start(timer_backend: Backend) -> None:
    first = await start_timer(timer_backend, _draft(datetime.now(UTC) - H, note="first"))
    second = await start_timer(timer_backend, _draft(datetime.now(UTC), note="second"))
    assert second.stopped is not None and second.stopped.id == first.entry.id
    assert second.stopped.end is not None and abs(second.stopped.end - second.entry.start) < CLOSE

    current = await timer_backend.current_timer()
    assert current is not None and current.id == second.entry.id and current.description == "second"
    ended = await timer_backend.get_time_entry(first.entry.id)
    assert ended.end is not None and abs(ended.end - second.entry.start) < CLOSE


async def test_a_backdated_stop_sets_that_end(timer_backend: Backend) -> None:
    began = datetime.now(UTC) - 2 * H
    started = await start_timer(timer_backend, _draft(began))
    stopped = await stop_timer(timer_backend, began + H)
    assert stopped is not None and stopped.id == started.entry.id
    assert stopped.end is not None and abs(stopped.end - (began + H)) < timedelta(seconds=1)
    assert await timer_backend.current_timer() is None


async def test_stopping_or_switching_before_the_timer_began_changes_nothing(timer_backend: Backend) -> None:
    began = datetime.now(UTC) - H
    started = await start_timer(timer_backend, _draft(began, note="running"))

    with pytest.raises(TimerStartsLater) as stop_refused:
        await stop_timer(timer_backend, began - H)
    assert stop_refused.value.running.id == started.entry.id

    with pytest.raises(TimerStartsLater) as switch_refused:
        await start_timer(timer_backend, _draft(began - H, note="earlier"))
    assert switch_refused.value.running.id == started.entry.id

    current = await timer_backend.current_timer()
    assert current is not None and current.id == started.entry.id and current.running
    listed = await timer_backend.list_time_entries(began - 3 * H, datetime.now(UTC))
    assert [e.description for e in listed] == ["running"]
