"""What every backend must do, written against the `Backend` protocol only (harnesses in harnesses.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.backend import Backend, Capability
from adapters.errors import Conflict, NotFound, PermissionDenied, Unsupported, ValidationFailed
from adapters.models import (
    ClientDraft,
    FeedEventDraft,
    FeedEventPatch,
    Project,
    ProjectDraft,
    TagDraft,
    TaskDraft,
    TimeEntryDraft,
    TimeEntryPatch,
    WorkingHoursDraft,
    WorkingHoursPatch,
)
from tests.conformance.harnesses import Harness

H = timedelta(hours=1)


def _monday() -> datetime:
    """Monday 00:00 UTC two weeks ago: a fixed, fully past week to log into."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=today.weekday() + 14)


def _requires(backend: Backend, capability: Capability) -> None:
    if capability not in backend.capabilities:
        pytest.skip(f"{backend.kind} lacks {capability.name}")


async def _task_project(backend: Backend, name: str) -> Project:
    """A project that can hold tasks: timeghost keeps tasks under a client (`TaskCreate.client` is required,
    and so is the `clientid` header to list them), so where clients exist the project gets one."""
    client_id = None
    if Capability.CLIENTS in backend.capabilities:
        client_id = (await backend.create_client(ClientDraft(name=f"{name} client"))).id
    return await backend.create_project(ProjectDraft(name=name, client_id=client_id))


def _entry_task(backend: Backend, task_id: str) -> str | None:
    """The task an entry echoes: the one asked for, or none where the API cannot link tasks to times (it is
    then never claimed)."""
    return task_id if getattr(backend, "links_entry_tasks", True) else None


async def test_binding_gives_a_user_in_a_workspace(harness: Harness, backend: Backend) -> None:
    assert backend.user.name == "Alice"
    assert backend.user.workspace_id == backend.workspace.id
    again = await harness.bind(harness.identity("alice"))
    assert (again.user.id, again.workspace.id) == (backend.user.id, backend.workspace.id)


async def test_master_data_round_trip(backend: Backend) -> None:
    for capability in (Capability.CLIENTS, Capability.PROJECTS, Capability.TASKS, Capability.TAGS):
        _requires(backend, capability)
    client = await backend.create_client(ClientDraft(name="Acme"))
    project = await backend.create_project(
        ProjectDraft(name="Website", client_id=client.id, billable=True, color="#0000FF")
    )
    internal = await backend.create_project(ProjectDraft(name="Internal"))
    task = await backend.create_task(TaskDraft(project_id=project.id, name="Design", estimate_seconds=3600))
    tag = await backend.create_tag(TagDraft(name="meeting"))

    assert [c.id for c in await backend.list_clients()] == [client.id]
    projects = {p.id: p for p in await backend.list_projects()}
    assert set(projects) == {project.id, internal.id}
    assert projects[project.id].client_id == client.id and projects[project.id].billable
    assert [t.id for t in await backend.list_tasks(project.id)] == [task.id]
    assert [t.id for t in await backend.list_tasks()] == [task.id]
    assert [t.name for t in await backend.list_tags()] == ["meeting"]
    assert tag.kind == "time"


async def test_duplicate_names_conflict(backend: Backend) -> None:
    for capability in (Capability.CLIENTS, Capability.PROJECTS, Capability.TASKS, Capability.TAGS):
        _requires(backend, capability)
    client = await backend.create_client(ClientDraft(name="Acme"))
    with pytest.raises(Conflict):
        await backend.create_client(ClientDraft(name="ACME"))
    project = await backend.create_project(ProjectDraft(name="Website", client_id=client.id))
    with pytest.raises(Conflict):
        await backend.create_project(ProjectDraft(name="website", client_id=client.id))
    other = await backend.create_client(ClientDraft(name="Globex"))
    await backend.create_project(ProjectDraft(name="Website", client_id=other.id))  # per client: fine
    await backend.create_task(TaskDraft(project_id=project.id, name="Design"))
    with pytest.raises(Conflict):
        await backend.create_task(TaskDraft(project_id=project.id, name="design"))
    await backend.create_tag(TagDraft(name="Billable"))
    with pytest.raises(Conflict):
        await backend.create_tag(TagDraft(name="billable"))


async def test_timer_start_current_stop(backend: Backend) -> None:
    _requires(backend, Capability.TIMER)
    assert await backend.current_timer() is None
    project = await backend.create_project(ProjectDraft(name="Website"))
    started = datetime.now(UTC) - H
    timer = await backend.create_time_entry(
        TimeEntryDraft(start=started, project_id=project.id, description="header", timezone="Europe/Berlin")
    )
    assert timer.running and timer.user_id == backend.user.id
    current = await backend.current_timer()
    assert current is not None and current.id == timer.id
    if getattr(backend, "keeps_entry_timezones", True):  # Toggl Focus answers in the profile zone only
        assert current.timezone == "Europe/Berlin"
    assert abs(current.start - started) < timedelta(seconds=1)

    with pytest.raises(Conflict):
        await backend.create_time_entry(TimeEntryDraft(start=started + timedelta(minutes=5)))

    stopped = await backend.update_time_entry(timer.id, TimeEntryPatch(end=started + H))
    assert stopped.end is not None and not stopped.running
    assert await backend.current_timer() is None
    assert (await backend.get_time_entry(timer.id)).end == stopped.end


async def test_log_edit_delete(backend: Backend) -> None:
    for capability in (Capability.TIME_ENTRIES, Capability.PROJECTS, Capability.TASKS):
        _requires(backend, capability)
    project = await _task_project(backend, "Website")
    task = await backend.create_task(TaskDraft(project_id=project.id, name="Design"))
    tagged = Capability.TAGS in backend.capabilities  # without tags: the same scenario, entries untagged
    meeting = [(await backend.create_tag(TagDraft(name="meeting"))).id] if tagged else []
    billable = [(await backend.create_tag(TagDraft(name="billable"))).id] if tagged else []
    start = _monday() + timedelta(hours=9)
    entry = await backend.create_time_entry(
        TimeEntryDraft(
            start=start,
            end=start + 1.5 * H,
            project_id=project.id,
            task_id=task.id,
            tag_ids=meeting,
            description="standup",
        )
    )
    assert (entry.project_id, entry.task_id, entry.tag_ids) == (
        project.id,
        _entry_task(backend, task.id),
        meeting,
    )
    assert entry.duration() == 1.5 * H
    assert await backend.get_time_entry(entry.id) == entry

    edited = await backend.update_time_entry(
        entry.id,
        TimeEntryPatch(end=start + 2 * H, description="planning", tag_ids=billable + meeting, billable=True),
    )
    assert edited.end == start + 2 * H and edited.description == "planning" and edited.billable
    assert edited.tag_ids == billable + meeting
    assert (edited.project_id, edited.task_id, edited.start) == (
        project.id,
        _entry_task(backend, task.id),
        start,
    )
    assert await backend.get_time_entry(entry.id) == edited

    await backend.delete_time_entry(entry.id)
    with pytest.raises(NotFound):
        await backend.get_time_entry(entry.id)
    with pytest.raises(NotFound):
        await backend.delete_time_entry(entry.id)


async def test_an_entrys_project_can_be_removed(backend: Backend) -> None:
    """The edit form's "no project": a patch setting the project (and task) to None leaves the entry without
    them; the rest of the entry stays."""
    for capability in (Capability.TIME_ENTRIES, Capability.PROJECTS, Capability.TASKS):
        _requires(backend, capability)
    project = await _task_project(backend, "Website")
    task = await backend.create_task(TaskDraft(project_id=project.id, name="Design"))
    start = _monday() + timedelta(hours=13)
    entry = await backend.create_time_entry(
        TimeEntryDraft(start=start, end=start + H, project_id=project.id, task_id=task.id, description="call")
    )
    if not getattr(backend, "removes_entry_projects", True):  # Toggl: a refusal that names it, no change
        with pytest.raises(Unsupported, match="removing the project"):
            await backend.update_time_entry(entry.id, TimeEntryPatch(project_id=None, task_id=None))
        assert await backend.get_time_entry(entry.id) == entry
        return
    cleared = await backend.update_time_entry(entry.id, TimeEntryPatch(project_id=None, task_id=None))
    assert (cleared.project_id, cleared.task_id) == (None, None), cleared
    assert (cleared.start, cleared.end, cleared.description) == (start, start + H, "call")
    assert await backend.get_time_entry(entry.id) == cleared


async def test_list_week_overlap_order_and_running(backend: Backend) -> None:
    monday = _monday()
    week_end = monday + timedelta(days=7)

    async def log(start: datetime, hours: float) -> str:
        return (await backend.create_time_entry(TimeEntryDraft(start=start, end=start + hours * H))).id

    before = await log(monday - 3 * H, 2)  # ends 01:00 before the week starts
    across_start = await log(monday - H, 2)  # Sunday 23:00 – Monday 01:00
    tuesday = await log(monday + timedelta(days=1, hours=9), 1)
    wednesday = await log(monday + timedelta(days=2, hours=9), 1)
    across_end = await log(week_end - H, 2)  # Sunday 23:00 – next Monday 01:00
    after = await log(week_end, 1)  # starts exactly at the (exclusive) end
    running = (await backend.create_time_entry(TimeEntryDraft(start=monday + timedelta(days=3)))).id

    listed = [e.id for e in await backend.list_time_entries(monday, week_end)]
    assert listed == [across_end, running, wednesday, tuesday, across_start]
    assert before not in listed and after not in listed

    # A running timer counts up to now: it overlaps any later window that starts before now …
    now = datetime.now(UTC)
    assert running in [e.id for e in await backend.list_time_entries(week_end, now + H)]
    # … but not a window that lies entirely in the future.
    assert running not in [e.id for e in await backend.list_time_entries(now + H, now + 2 * H)]
    assert [e.id for e in await backend.list_time_entries(monday + H, monday + timedelta(days=1))] == []


async def test_end_before_start_is_rejected(backend: Backend) -> None:
    start = _monday() + timedelta(hours=10)
    with pytest.raises(ValidationFailed):
        await backend.create_time_entry(TimeEntryDraft(start=start, end=start - H))
    entry = await backend.create_time_entry(TimeEntryDraft(start=start, end=start + H))
    with pytest.raises(ValidationFailed):
        await backend.update_time_entry(entry.id, TimeEntryPatch(end=start - H))
    with pytest.raises(ValidationFailed):
        await backend.update_time_entry(entry.id, TimeEntryPatch(start=start + 2 * H))
    assert await backend.get_time_entry(entry.id) == entry


async def test_references_must_exist(backend: Backend) -> None:
    start = _monday() + timedelta(hours=10)
    with pytest.raises((NotFound, ValidationFailed)):
        await backend.create_time_entry(TimeEntryDraft(start=start, end=start + H, project_id="nope"))
    if Capability.TAGS in backend.capabilities:
        with pytest.raises((NotFound, ValidationFailed)):
            await backend.create_time_entry(TimeEntryDraft(start=start, end=start + H, tag_ids=["nope"]))
    website = await _task_project(backend, "Website")
    other = await backend.create_project(ProjectDraft(name="Other"))
    task = await backend.create_task(TaskDraft(project_id=website.id, name="Design"))
    with pytest.raises((NotFound, ValidationFailed)):
        await backend.create_time_entry(
            TimeEntryDraft(start=start, end=start + H, project_id=other.id, task_id=task.id)
        )
    assert await backend.list_time_entries(start - H, start + 2 * H) == []


async def test_other_users_entries_are_invisible(backend: Backend, other_backend: Backend) -> None:
    start = _monday() + timedelta(hours=10)
    mine = await backend.create_time_entry(TimeEntryDraft(start=start, end=start + H))
    assert other_backend.user.id != backend.user.id
    assert other_backend.workspace.id == backend.workspace.id
    with pytest.raises(NotFound):
        await other_backend.get_time_entry(mine.id)
    with pytest.raises(NotFound):
        await other_backend.update_time_entry(mine.id, TimeEntryPatch(description="hijack"))
    with pytest.raises(NotFound):
        await other_backend.delete_time_entry(mine.id)
    assert await other_backend.list_time_entries(start - H, start + 2 * H) == []
    assert await backend.get_time_entry(mine.id) == mine
    # Timers are per user: Bob may run one while Alice runs hers.
    await backend.create_time_entry(TimeEntryDraft(start=datetime.now(UTC) - H))
    await other_backend.create_time_entry(TimeEntryDraft(start=datetime.now(UTC) - H))


async def test_admin_only_master_data(harness: Harness, backend: Backend, other_backend: Backend) -> None:
    _requires(backend, Capability.WORKSPACE_SETTINGS)
    assert backend.user.is_admin and not other_backend.user.is_admin
    await other_backend.create_client(ClientDraft(name="Allowed"))  # open by default
    await harness.set_admin_only_master_data(backend, True)
    with pytest.raises(PermissionDenied):
        await other_backend.create_client(ClientDraft(name="Denied"))
    with pytest.raises(PermissionDenied):
        await other_backend.create_project(ProjectDraft(name="Denied"))
    with pytest.raises(PermissionDenied):
        await other_backend.create_tag(TagDraft(name="denied"))
    project = await _task_project(backend, "Admin made")
    with pytest.raises(PermissionDenied):
        await other_backend.create_task(TaskDraft(project_id=project.id, name="Denied"))
    await backend.create_task(TaskDraft(project_id=project.id, name="Fine"))
    # Time entries stay open to everyone.
    start = _monday() + timedelta(hours=8)
    await other_backend.create_time_entry(TimeEntryDraft(start=start, end=start + H, project_id=project.id))


async def test_working_hours(backend: Backend) -> None:
    _requires(backend, Capability.WORKING_HOURS)
    day = _monday() + timedelta(days=1)
    come = await backend.create_working_hours(WorkingHoursDraft(start=day + 8 * H, timezone="Europe/Berlin"))
    assert come.end is None and come.type == "work"
    with pytest.raises(Conflict):
        await backend.create_working_hours(WorkingHoursDraft(start=day + 9 * H))
    lunch = await backend.create_working_hours(
        WorkingHoursDraft(start=day + 12 * H, end=day + 12.5 * H, type="break")
    )
    gone = await backend.update_working_hours(come.id, WorkingHoursPatch(end=day + 17 * H))
    assert gone.end == day + 17 * H
    with pytest.raises(ValidationFailed):
        await backend.update_working_hours(come.id, WorkingHoursPatch(end=day + 7 * H))
    listed = await backend.list_working_hours(day, day + timedelta(days=1))
    assert [w.id for w in listed] == [lunch.id, come.id]
    assert listed[1].timezone == "Europe/Berlin" and listed[0].type == "break"
    await backend.create_working_hours(WorkingHoursDraft(start=day + timedelta(days=1, hours=8)))  # next day
    await backend.delete_working_hours(lunch.id)
    with pytest.raises(NotFound):
        await backend.delete_working_hours(lunch.id)
    assert [w.id for w in await backend.list_working_hours(day, day + timedelta(days=1))] == [come.id]


async def test_feed_events(backend: Backend) -> None:
    _requires(backend, Capability.FEED)
    day = _monday() + timedelta(days=2)
    event = await backend.create_feed_event(
        FeedEventDraft(
            name="Sprint review",
            description="Demo of sprint 12",
            start=day + 14 * H,
            end=day + 15 * H,
            icon_url="https://example.com/icon.png",
            url="https://example.com/review",
            category="Planner",
            external_id="ext-1",
        )
    )
    assert (event.name, event.source, event.booked_entry_id, event.dismissed) == (
        "Sprint review",
        "custom",
        None,
        False,
    )
    assert (event.description, event.icon_url, event.url, event.category, event.external_id) == (
        "Demo of sprint 12",
        "https://example.com/icon.png",
        "https://example.com/review",
        "Planner",
        "ext-1",
    )
    assert await backend.list_feed_events(day, day + timedelta(days=1)) == [event]
    assert await backend.list_feed_events(day + timedelta(days=1), day + timedelta(days=2)) == []
    moved = await backend.update_feed_event(
        event.id, FeedEventPatch(name="Sprint 12 review", end=day + 16 * H, url=None)
    )
    assert (moved.name, moved.end, moved.url, moved.category) == (
        "Sprint 12 review",
        day + 16 * H,
        None,
        "Planner",
    )
    assert await backend.list_feed_events(day, day + timedelta(days=1)) == [moved]
    with pytest.raises(ValidationFailed):
        await backend.update_feed_event(event.id, FeedEventPatch(end=day + 13 * H))
    with pytest.raises(NotFound):
        await backend.update_feed_event("no-such-event", FeedEventPatch(name="x"))


async def test_a_timer_started_yesterday_is_listed_today(backend: Backend) -> None:
    """`status` relies on this: today's list includes a timer that has been running since yesterday."""
    _requires(backend, Capability.TIMER)
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.replace(hour=0, minute=0, second=0)
    running = await backend.create_time_entry(TimeEntryDraft(start=today - 2 * H))
    try:
        listed = await backend.list_time_entries(today, today + timedelta(days=1))
        assert [e.id for e in listed if e.end is None] == [running.id]
    finally:
        await backend.delete_time_entry(running.id)


async def test_a_zero_length_entry_at_the_window_start_is_listed_and_one_ending_there_is_not(
    backend: Backend,
) -> None:
    _requires(backend, Capability.TIME_ENTRIES)
    at = _monday() + 10 * H
    zero = await backend.create_time_entry(TimeEntryDraft(start=at, end=at))
    before = await backend.create_time_entry(TimeEntryDraft(start=at - H, end=at))
    listed = [e.id for e in await backend.list_time_entries(at, at + H)]
    assert zero.id in listed and before.id not in listed


async def test_a_deleted_tag_leaves_its_entries_with_their_time(backend: Backend) -> None:
    from adapters.backend import MasterDataEditor

    _requires(backend, Capability.TAGS)
    assert isinstance(backend, MasterDataEditor)
    review = await backend.create_tag(TagDraft(name="review"))
    keep = await backend.create_tag(TagDraft(name="keep"))
    start = _monday() + timedelta(hours=9)
    entry = await backend.create_time_entry(
        TimeEntryDraft(start=start, end=start + H, tag_ids=[review.id, keep.id])
    )
    await backend.delete_tag(review)
    assert [t.name for t in await backend.list_tags()] == ["keep"]
    after = await backend.get_time_entry(entry.id)
    assert keep.id in after.tag_ids and after.duration() == H
    if backend.kind != "timeghost":  # its definition says nothing of the times: the reference may stay
        assert after.tag_ids == [keep.id]
