"""Local-backend specifics beyond the conformance suite: binding races, admins, privacy, storage details."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Backend, BackendFactory, Capability, Identity
from adapters.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from adapters.local import LocalBackendFactory
from adapters.local import tables as t
from adapters.models import (
    FeedEventDraft,
    FeedEventPatch,
    ProjectDraft,
    TagDraft,
    TaskDraft,
    TimeEntryDraft,
    TimeEntryPatch,
    WorkingHoursDraft,
    WorkingHoursPatch,
    WorkspaceSettings,
)
from adapters.sql import sync_engines

H = timedelta(hours=1)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def ident(who: str, tenant: str = "t1", **kw: str) -> Identity:
    return Identity(tenant_id=tenant, aad_object_id=f"aad-{who}", name=kw.pop("name", who.title()), **kw)


@pytest.fixture
def factory(engine: AsyncEngine) -> LocalBackendFactory:
    return LocalBackendFactory(engine)


async def _count(engine: AsyncEngine, table: sa.Table) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()


async def test_protocol_conformance(factory: LocalBackendFactory) -> None:
    backend = await factory.bind(ident("alice"))
    assert isinstance(backend, Backend)
    assert isinstance(factory, LocalBackendFactory) and factory.kind == "local"
    _factory: BackendFactory = factory  # static check of the factory protocol
    assert Capability.WEBHOOKS not in backend.capabilities
    assert Capability.WORKING_HOURS in backend.capabilities


async def test_workspace_per_tenant_first_user_admin(factory: LocalBackendFactory) -> None:
    alice = await factory.bind(ident("alice", tenant_name="Contoso"))
    bob = await factory.bind(ident("bob"))
    eve = await factory.bind(ident("eve", tenant="t2"))
    assert alice.workspace.id == bob.workspace.id != eve.workspace.id
    assert alice.workspace.name == "Contoso" and eve.workspace.name == "Workspace"
    assert alice.workspace.tenant_id == "t1"
    assert alice.user.is_admin and not bob.user.is_admin and eve.user.is_admin


async def test_profile_changes_are_stored(factory: LocalBackendFactory) -> None:
    first = await factory.bind(ident("alice", email="a@old.example"))
    again = await factory.bind(ident("alice", name="Alice Smith", email="alice@new.example"))
    assert again.user.id == first.user.id
    assert (again.user.name, again.user.email) == ("Alice Smith", "alice@new.example")
    assert (await factory.bind(ident("alice", name="Alice Smith"))).user.email == "alice@new.example"


async def test_concurrent_first_messages_create_one_workspace_and_one_admin(
    engine: AsyncEngine, factory: LocalBackendFactory
) -> None:
    people = ["alice", "bob", "carol", "dave", "alice", "bob"]
    backends = await asyncio.gather(*(factory.bind(ident(who)) for who in people))
    assert len({b.workspace.id for b in backends}) == 1
    assert await _count(engine, t.workspaces) == 1
    assert await _count(engine, t.users) == 4
    admins = {b.user.id for b in backends if b.user.is_admin}
    assert len(admins) == 1


async def test_concurrent_timer_starts_leave_one_running(factory: LocalBackendFactory) -> None:
    backend = await factory.bind(ident("alice"))
    results = await asyncio.gather(
        *(backend.create_time_entry(TimeEntryDraft(start=T0 + i * H)) for i in range(5)),
        return_exceptions=True,
    )
    created = [r for r in results if not isinstance(r, BaseException)]
    assert len(created) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, BaseException))
    assert (await backend.current_timer()) == created[0]


async def test_only_admins_change_settings(factory: LocalBackendFactory) -> None:
    alice = await factory.bind(ident("alice"))
    bob = await factory.bind(ident("bob"))
    with pytest.raises(PermissionDenied):
        await bob.set_workspace_settings(WorkspaceSettings(admin_only_master_data=True))
    with pytest.raises(ValidationFailed):
        await alice.set_workspace_settings(WorkspaceSettings(default_timezone="Mars/Olympus"))
    settings = WorkspaceSettings(admin_only_master_data=True, default_timezone="Europe/Berlin")
    workspace = await alice.set_workspace_settings(settings)
    assert workspace.settings == settings == await bob.get_workspace_settings()
    assert (await factory.bind(ident("carol"))).workspace.settings == settings


async def test_a_person_bound_again_sees_the_workspace_as_it_is_now(factory: LocalBackendFactory) -> None:
    """Binding is answered from memory on SQLite: a settings change and a new name must still show."""
    alice = await factory.bind(ident("alice"))
    await factory.bind(ident("bob"))  # created
    bob = await factory.bind(ident("bob"))  # found (and remembered)
    assert bob.workspace.settings.weekly_target_minutes == 40 * 60
    settings = WorkspaceSettings(weekly_target_minutes=30 * 60, default_timezone="Europe/Berlin")
    await alice.set_workspace_settings(settings)
    again = await factory.bind(ident("bob"))
    assert again.workspace.settings == settings
    assert again.user.id == bob.user.id
    renamed = await factory.bind(ident("bob", name="Robert"))
    assert (renamed.user.id, renamed.user.name) == (bob.user.id, "Robert")
    assert (await factory.bind(ident("bob", name="Robert"))).user.name == "Robert"


async def test_private_projects_visible_to_creator_and_admins(factory: LocalBackendFactory) -> None:
    alice = await factory.bind(ident("alice"))  # admin
    bob = await factory.bind(ident("bob"))
    carol = await factory.bind(ident("carol"))
    secret = await bob.create_project(ProjectDraft(name="Secret", private=True))
    task = await bob.create_task(TaskDraft(project_id=secret.id, name="Plan"))
    await alice.create_project(ProjectDraft(name="Public"))
    assert {p.name for p in await bob.list_projects()} == {"Secret", "Public"}
    assert {p.name for p in await alice.list_projects()} == {"Secret", "Public"}
    assert {p.name for p in await carol.list_projects()} == {"Public"}
    assert await carol.list_tasks() == []
    with pytest.raises(NotFound):
        await carol.list_tasks(secret.id)
    with pytest.raises(NotFound):
        await carol.create_time_entry(TimeEntryDraft(start=T0, end=T0 + H, project_id=secret.id))
    with pytest.raises(NotFound):
        await carol.create_task(TaskDraft(project_id=secret.id, name="Peek"))
    entry = await bob.create_time_entry(TimeEntryDraft(start=T0, end=T0 + H, task_id=task.id))
    assert entry.project_id == secret.id  # the task implies its project


async def test_done_projects_hidden_unless_asked(engine: AsyncEngine, factory: LocalBackendFactory) -> None:
    alice = await factory.bind(ident("alice"))
    project = await alice.create_project(ProjectDraft(name="Old"))
    task = await alice.create_task(TaskDraft(project_id=project.id, name="Old task"))
    async with engine.begin() as conn:
        await conn.execute(t.projects.update().values(done=True))
        await conn.execute(t.tasks.update().values(done=True))
    assert await alice.list_projects() == []
    assert [p.id for p in await alice.list_projects(include_done=True)] == [project.id]
    assert [x.id for x in await alice.list_tasks(include_done=True)] == [task.id]
    assert await alice.list_tasks() == []


async def test_times_round_trip_as_utc_with_their_zone(factory: LocalBackendFactory) -> None:
    alice = await factory.bind(ident("alice"))
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 3, 29, 1, 30, tzinfo=berlin)  # the night the clocks go forward
    entry = await alice.create_time_entry(
        TimeEntryDraft(start=start, end=start + 2 * H, timezone="Europe/Berlin")
    )
    loaded = await alice.get_time_entry(entry.id)
    assert loaded.start == start and loaded.start.tzinfo == UTC and loaded.timezone == "Europe/Berlin"
    assert loaded.duration() == H  # 01:30 → 03:30 Berlin wall time is one real hour that night
    assert (await alice.list_time_entries(start - H, start + H))[0].id == entry.id
    with pytest.raises(ValidationFailed):
        await alice.create_time_entry(TimeEntryDraft(start=start, end=start + H, timezone="Nowhere/Land"))
    with pytest.raises(ValidationFailed):
        await alice.list_time_entries(datetime(2026, 3, 29), datetime(2026, 3, 30))  # naive


async def test_zero_length_and_boundary_entries(factory: LocalBackendFactory) -> None:
    alice = await factory.bind(ident("alice"))
    zero = await alice.create_time_entry(TimeEntryDraft(start=T0, end=T0))
    ends_at_start = await alice.create_time_entry(TimeEntryDraft(start=T0 - H, end=T0))
    listed = [e.id for e in await alice.list_time_entries(T0, T0 + H)]
    assert listed == [zero.id] and ends_at_start.id not in listed


async def test_edit_moves_project_and_restarts(factory: LocalBackendFactory) -> None:
    alice = await factory.bind(ident("alice"))
    web = await alice.create_project(ProjectDraft(name="Web"))
    app = await alice.create_project(ProjectDraft(name="App"))
    design = await alice.create_task(TaskDraft(project_id=web.id, name="Design"))
    tag = await alice.create_tag(TagDraft(name="focus"))
    entry = await alice.create_time_entry(
        TimeEntryDraft(start=T0, end=T0 + H, project_id=web.id, task_id=design.id, tag_ids=[tag.id, tag.id])
    )
    assert entry.tag_ids == [tag.id]
    moved = await alice.update_time_entry(entry.id, TimeEntryPatch(project_id=app.id))
    assert (moved.project_id, moved.task_id, moved.tag_ids) == (app.id, None, [tag.id])
    with pytest.raises(ValidationFailed):
        await alice.update_time_entry(entry.id, TimeEntryPatch(task_id=design.id))
    cleared = await alice.update_time_entry(entry.id, TimeEntryPatch(project_id=None, tag_ids=[]))
    assert (cleared.project_id, cleared.tag_ids) == (None, [])
    assert await alice.get_time_entry(entry.id) == cleared

    restarted = await alice.update_time_entry(entry.id, TimeEntryPatch(end=None))
    assert restarted.running and (await alice.current_timer()) == restarted
    other = await alice.create_time_entry(TimeEntryDraft(start=T0 + 3 * H, end=T0 + 4 * H))
    with pytest.raises(Conflict):
        await alice.update_time_entry(other.id, TimeEntryPatch(end=None))


async def test_working_hours_breaks_and_reopen(factory: LocalBackendFactory) -> None:
    alice = await factory.bind(ident("alice"))
    work = await alice.create_working_hours(WorkingHoursDraft(start=T0))
    open_break = await alice.create_working_hours(WorkingHoursDraft(start=T0 + 3 * H, type="break"))
    with pytest.raises(Conflict):
        await alice.create_working_hours(WorkingHoursDraft(start=T0 + 4 * H, type="break"))
    await alice.update_working_hours(open_break.id, WorkingHoursPatch(end=T0 + 3.5 * H))
    closed = await alice.update_working_hours(work.id, WorkingHoursPatch(end=T0 + 8 * H))
    second = await alice.create_working_hours(WorkingHoursDraft(start=T0 + 9 * H))
    with pytest.raises(Conflict):
        await alice.update_working_hours(closed.id, WorkingHoursPatch(end=None))
    with pytest.raises(NotFound):
        await (await LocalBackendFactory(alice._engine).bind(ident("bob"))).delete_working_hours(second.id)


async def test_list_is_two_queries_and_uses_the_index(
    engine: AsyncEngine, factory: LocalBackendFactory
) -> None:
    alice = await factory.bind(ident("alice"))
    tags = [await alice.create_tag(TagDraft(name=f"tag{i}")) for i in range(3)]
    for i in range(30):
        start = T0 + i * H
        draft = TimeEntryDraft(start=start, end=start + H / 2, tag_ids=[x.id for x in tags])
        await alice.create_time_entry(draft)
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    for sync_engine in sync_engines(engine):
        event.listen(sync_engine, "before_cursor_execute", record)
    try:
        entries = await alice.list_time_entries(T0, T0 + 30 * H)
        await alice.current_timer()
    finally:
        for sync_engine in sync_engines(engine):
            event.remove(sync_engine, "before_cursor_execute", record)
    assert len(entries) == 30 and all(len(e.tag_ids) == 3 for e in entries)
    assert [e.start for e in entries] == sorted((e.start for e in entries), reverse=True)
    assert len(statements) == 3  # entries + their tags, then the running-timer lookup

    if engine.dialect.name == "sqlite":
        async with engine.connect() as conn:
            plan = " ".join(
                str(row[-1])
                for row in await conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT id FROM local_time_entries"
                    ' WHERE user_id = ? AND "end" IS NULL',
                    (alice.user.id,),
                )
            )
        assert "uq_local_time_entries_running" in plan


async def test_admins_add_feed_events_for_others_and_they_expire_after_180_days(engine: AsyncEngine) -> None:
    now = {"t": T0}
    factory = LocalBackendFactory(engine, clock=lambda: now["t"])
    alice = await factory.bind(ident("alice"))  # the first user: admin
    bob = await factory.bind(ident("bob"))
    eve = await factory.bind(ident("eve", tenant="t2"))
    draft = FeedEventDraft(name="1:1", start=T0, end=T0 + H, user_id=bob.user.id, category="Outlook")
    event = await alice.create_feed_event(draft)
    assert event.user_id == bob.user.id
    assert [e.id for e in await bob.list_feed_events(T0, T0 + H)] == [event.id]
    assert await alice.list_feed_events(T0, T0 + H) == []  # the admin posted it; it is Bob's
    with pytest.raises(PermissionDenied):
        await bob.create_feed_event(draft.model_copy(update={"user_id": alice.user.id}))
    with pytest.raises(NotFound):  # another tenant's user is nobody in this workspace
        await alice.create_feed_event(draft.model_copy(update={"user_id": eve.user.id}))
    with pytest.raises(NotFound):  # nor may Eve touch it
        await eve.update_feed_event(event.id, FeedEventPatch(name="x"))
    assert (await alice.update_feed_event(event.id, FeedEventPatch(dismissed=True))).dismissed
    now["t"] = T0 + timedelta(days=180) - timedelta(seconds=1)
    assert len(await bob.list_feed_events(T0, T0 + H)) == 1
    now["t"] = T0 + timedelta(days=180)
    assert await bob.list_feed_events(T0, T0 + H) == []
