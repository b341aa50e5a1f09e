"""The Toggl Track adapter against the stateful fake: binding, paging, Reports paging, retries and error
mapping, escaping, call counts, and webhook subscriptions. The fake checks every request and answer against
the vendored swagger files; a test fails if anything drifted (`violations`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from adapters.backend import Backend, Capability, Identity
from adapters.credentials import Connection, StaticConnections
from adapters.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unauthorized,
    Unavailable,
    Unsupported,
    ValidationFailed,
)
from adapters.http import RetryPolicy
from adapters.models import (
    ClientDraft,
    FeedEventDraft,
    ProjectDraft,
    TagDraft,
    TaskDraft,
    TimeEntryDraft,
    TimeEntryPatch,
    WorkingHoursDraft,
)
from adapters.timer import start_timer, stop_timer
from adapters.toggl import TogglBackend, TogglBackendFactory
from tests.fakes.toggl import Account, FakeToggl, FakeWorkspace

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.02, max_retry_after=5.0, deadline=5.0)
H = timedelta(hours=1)
ALICE = Identity(tenant_id="t", aad_object_id="aad-alice", name="Alice", email="alice@example.com")


@dataclass
class World:
    fake: FakeToggl
    workspace: FakeWorkspace
    alice: Account
    connections: StaticConnections
    factory: TogglBackendFactory
    others: list[TogglBackendFactory] = field(default_factory=list)

    async def backend(self) -> TogglBackend:
        return await self.factory.bind(ALICE)

    async def elsewhere(self) -> TogglBackend:
        """Alice in another Toggl client (the web app): same account, none of this process's memory."""
        other = TogglBackendFactory(
            self.fake.track_url, self.fake.reports_url, self.fake.webhooks_url, connections=self.connections
        )
        self.others.append(other)
        return await other.bind(ALICE)


@pytest.fixture
async def world() -> AsyncIterator[World]:
    fake = await FakeToggl().start()
    workspace = fake.add_workspace("Contoso")
    alice = fake.add_account(
        "Alice", "alice@example.com", workspace=workspace, admin=True, timezone="Europe/Berlin"
    )
    connections = StaticConnections()
    connections.add(ALICE, Connection("toggl", alice.api_token))
    factory = TogglBackendFactory(
        fake.track_url,
        fake.reports_url,
        fake.webhooks_url,
        connections=connections,
        retry=FAST,
        page_size=5,
        report_page_size=3,
    )
    world = World(fake, workspace, alice, connections, factory)
    try:
        yield world
    finally:
        for other in [factory, *world.others]:
            await other.close()
        await fake.stop()
    assert not fake.violations, fake.violations


def _monday() -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=today.weekday() + 14)


# ---- binding --------------------------------------------------------------------------------------------


async def test_bind_uses_me_and_the_default_workspace_in_two_calls(world: World) -> None:
    backend = await world.backend()
    assert isinstance(backend, Backend)
    assert (backend.user.name, backend.user.id, backend.user.is_admin) == ("Alice", str(world.alice.id), True)
    assert backend.workspace.id == str(world.workspace.id) and backend.user.timezone == "Europe/Berlin"
    assert world.factory.calls == 2
    assert (
        Capability.WORKING_HOURS not in backend.capabilities and Capability.FEED not in backend.capabilities
    )
    assert Capability.TASKS in backend.capabilities and Capability.WEBHOOKS in backend.capabilities


async def test_bind_to_a_chosen_workspace_and_refuse_a_foreign_one(world: World) -> None:
    other = world.fake.add_workspace("Side project")
    other.members[world.alice.id] = False
    world.connections.add(ALICE, Connection("toggl", world.alice.api_token, str(other.id)))
    backend = await world.backend()
    assert backend.workspace.id == str(other.id) and not backend.user.is_admin
    foreign = world.fake.add_workspace("Not mine")
    world.connections.add(ALICE, Connection("toggl", world.alice.api_token, str(foreign.id)))
    with pytest.raises(NotFound):
        await world.backend()


async def test_no_connection_or_a_bad_token_is_unauthorized(world: World) -> None:
    stranger = Identity(tenant_id="t", aad_object_id="aad-nobody", name="Nobody")
    with pytest.raises(Unauthorized):
        await world.factory.bind(stranger)
    world.connections.add(stranger, Connection("toggl", "not-a-token"))
    with pytest.raises(Unauthorized):  # the fake answers 401
        await world.factory.bind(stranger)
    world.fake.fail_next(403, "Incorrect username and/or password", path_contains="/me")
    with pytest.raises(Unauthorized):  # Toggl's documented answer to bad credentials is 403
        await world.backend()
    backend = await world.backend()
    world.fake.fail_next(401, "Unauthorized")
    with pytest.raises(Unauthorized):
        await backend.list_clients()


# ---- master data and paging -----------------------------------------------------------------------------


async def test_projects_page_past_one_page(world: World) -> None:
    backend = await world.backend()
    made = [await backend.create_project(ProjectDraft(name=f"P{i:02}")) for i in range(12)]
    before = world.fake.calls("GET", "/projects")
    listed = await backend.list_projects()
    assert [p.id for p in listed] == [p.id for p in made]
    assert world.fake.calls("GET", "/projects") - before == 3  # 5 + 5 + 2
    pages = [s.query for s in world.fake.seen if s.method == "GET" and "/projects?" in s.raw_path]
    assert [q["page"] for q in pages] == ["1", "2", "3"] and {q["per_page"] for q in pages} == {"5"}


async def test_done_projects_and_tasks_across_pages(world: World) -> None:
    backend = await world.backend()
    project = await backend.create_project(ProjectDraft(name="Web"))
    for pr in world.fake.projects.values():
        pr["active"] = False
    assert await backend.list_projects() == []
    assert [p.done for p in await backend.list_projects(include_done=True)] == [True]
    for pr in world.fake.projects.values():
        pr["active"] = True
    tasks = [await backend.create_task(TaskDraft(project_id=project.id, name=f"T{i}")) for i in range(7)]
    assert [t.id for t in await backend.list_tasks()] == [t.id for t in tasks]
    assert world.fake.calls("GET", "/tasks?") == 2  # the workspace list: envelope pages of 5
    assert len(await backend.list_tasks(project.id)) == 7


async def test_tasks_are_unsupported_on_a_free_workspace(world: World) -> None:
    world.workspace.premium = False
    backend = await world.backend()
    assert Capability.TASKS not in backend.capabilities
    calls = world.fake.calls()
    with pytest.raises(Unsupported):
        await backend.list_tasks()
    assert world.fake.calls() == calls  # known from the workspace: no call spent


async def test_a_402_without_quota_headers_on_tasks_is_the_plan(world: World) -> None:
    backend = await world.backend()
    project = await backend.create_project(ProjectDraft(name="Web"))
    world.fake.fail_next(402, "Tasks are available on paid plans only", times=4, path_contains="/tasks")
    with pytest.raises(Unsupported):
        await backend.list_tasks(project.id)
    world.fake.fail_next(403, "User does not have access to this resource.", path_contains="/tasks")
    with pytest.raises(Unsupported):
        await backend.list_tasks()


async def test_duplicates_conflict_and_project_tags_are_unsupported(world: World) -> None:
    backend = await world.backend()
    await backend.create_tag(TagDraft(name="meeting"))
    with pytest.raises(Conflict):
        await backend.create_tag(TagDraft(name="Meeting"))
    with pytest.raises(Unsupported):
        await backend.create_tag(TagDraft(name="x", kind="project"))
    with pytest.raises(NotFound):
        await backend.create_task(TaskDraft(project_id="999999", name="x"))


# ---- time entries ---------------------------------------------------------------------------------------


async def test_timer_wire_format_and_call_counts(world: World) -> None:
    backend = await world.backend()
    calls = world.fake.calls()
    assert await backend.current_timer() is None
    assert world.fake.calls() - calls == 1
    started = datetime.now(UTC) - H
    timer = await backend.create_time_entry(TimeEntryDraft(start=started, description="x"))
    assert world.fake.calls() - calls == 2  # "no timer" was just seen: no second look before starting
    post = next(s for s in world.fake.seen if s.method == "POST" and s.raw_path.endswith("/time_entries"))
    assert post.body["created_with"] == "timebot" and post.body["workspace_id"] == world.workspace.id
    assert post.body["duration"] == -1 and "stop" not in post.body and post.body["start"].endswith("Z")
    current = await backend.current_timer()
    assert current is not None and current.id == timer.id and current.running
    with pytest.raises(Conflict):  # Toggl would silently stop the running one; the protocol says Conflict
        await backend.create_time_entry(TimeEntryDraft(start=started + H / 2))
    assert len(world.fake.entries) == 1 and world.fake.entries[int(timer.id)]["duration"] == -1
    calls = world.fake.calls()
    stopped = await backend.update_time_entry(timer.id, TimeEntryPatch(end=datetime.now(UTC)))
    assert not stopped.running and world.fake.calls() - calls == 1
    assert world.fake.calls("PATCH", f"/time_entries/{timer.id}/stop") == 1
    # An end in the past on a finished entry: one PUT.
    edited = await backend.update_time_entry(timer.id, TimeEntryPatch(end=started + H / 2))
    assert edited.end == (started + H / 2).replace(microsecond=0)
    assert world.fake.calls("PUT") == 1


async def test_list_is_one_call_and_includes_an_old_running_timer_with_a_second(world: World) -> None:
    backend = await world.backend()
    monday = _monday()
    old = await backend.create_time_entry(TimeEntryDraft(start=monday + 9 * H, end=monday + 10 * H))
    calls = world.fake.calls()
    assert [e.id for e in await backend.list_time_entries(monday, monday + timedelta(days=1))] == [old.id]
    # A timer started before the window would overlap it too: the list and one look at `current` …
    assert world.fake.calls() - calls == 2
    calls = world.fake.calls()
    await backend.list_time_entries(monday, monday + timedelta(days=1))
    assert world.fake.calls() - calls == 1  # … which is trusted for a few seconds
    running = await backend.create_time_entry(TimeEntryDraft(start=datetime.now(UTC) - timedelta(days=3)))
    now = datetime.now(UTC)
    listed = await backend.list_time_entries(now - H, now + H)
    assert [e.id for e in listed] == [running.id]


async def test_long_ranges_page_through_the_reports_api(world: World) -> None:
    backend = await world.backend()
    monday = _monday()
    made = [
        await backend.create_time_entry(
            TimeEntryDraft(
                start=monday - timedelta(days=5 * i) + 9 * H, end=monday - timedelta(days=5 * i) + 10 * H
            )
        )
        for i in range(8)
    ]
    running = await backend.create_time_entry(TimeEntryDraft(start=datetime.now(UTC) - H))
    start, end = monday - timedelta(days=60), datetime.now(UTC) + H
    listed = await backend.list_time_entries(start, end)
    assert [e.id for e in listed] == [running.id] + [e.id for e in made]
    searches = [s for s in world.fake.seen if "/search/time_entries" in s.raw_path]
    assert len(searches) == 3  # 3 + 3 + 2 rows
    assert [s.body.get("first_row_number") for s in searches] == [None, 4, 7]
    assert searches[1].body["first_id"] == int(made[4].id)  # ascending: the oldest first
    assert await backend.list_time_entries(start, end, limit=2) == listed[:2]


async def test_update_moves_start_with_one_read_and_rejects_inverted_intervals(world: World) -> None:
    backend = await world.backend()
    start = _monday() + 9 * H
    entry = await backend.create_time_entry(TimeEntryDraft(start=start, end=start + H))
    calls = world.fake.calls()
    with pytest.raises(ValidationFailed):
        await backend.update_time_entry(entry.id, TimeEntryPatch(start=start + 2 * H))
    assert world.fake.calls("PUT") == 0 and world.fake.calls() - calls == 1
    moved = await backend.update_time_entry(entry.id, TimeEntryPatch(start=start - H))
    assert (moved.start, moved.end) == (start - H, start + H)
    described = await backend.update_time_entry(entry.id, TimeEntryPatch(description="plan"))
    assert described.description == "plan" and described.start == start - H


async def test_escaped_ids_and_foreign_entries(world: World) -> None:
    backend = await world.backend()
    sent = world.fake.calls()
    with pytest.raises(NotFound):  # Toggl's ids are integers (the definition says so): nothing is sent
        await backend.get_time_entry("1/../2?x=1")
    with pytest.raises(NotFound):
        await backend.delete_time_entry("../../me")
    with pytest.raises(NotFound):
        await backend.update_time_entry("1?x", TimeEntryPatch(description="x"))
    assert world.fake.calls() == sent
    with pytest.raises(NotFound):
        await backend.create_time_entry(TimeEntryDraft(start=_monday(), end=_monday() + H, project_id="x/y"))


# ---- trouble --------------------------------------------------------------------------------------------


async def test_429_then_success(world: World) -> None:
    backend = await world.backend()
    world.fake.fail_next(429, headers={"Retry-After": "0"})
    assert await backend.list_clients() == []
    assert world.fake.calls("GET", "/clients") == 2


async def test_the_leaky_bucket_is_waited_out(world: World) -> None:
    backend = await world.backend()
    # Slow enough that requests on a loaded machine still arrive faster than the bucket drains.
    world.fake.leaky_bucket(capacity=2, per_second=4)
    for i in range(4):
        await backend.create_client(ClientDraft(name=f"C{i}"))
    assert len(await backend.list_clients()) == 4
    assert any(s.status == 429 for s in world.fake.seen)


async def test_5xx_then_success_on_a_read_but_a_create_is_not_repeated(world: World) -> None:
    backend = await world.backend()
    world.fake.fail_next(503, method="GET")
    assert await backend.list_tags() == []
    assert world.fake.calls("GET", "/tags") == 2
    world.fake.fail_next(500, method="POST")
    with pytest.raises(Unavailable):
        await backend.create_client(ClientDraft(name="Acme"))
    assert world.fake.calls("POST", "/clients") == 1 and world.fake.clients == {}
    world.fake.fail_next(502, method="POST", path_contains="/search/")
    monday = _monday()
    await backend.list_time_entries(monday - timedelta(days=60), monday)  # a search is safe to repeat
    assert world.fake.calls("POST", "/search/") == 2


async def test_402_quota_honours_resets_in(world: World) -> None:
    backend = await world.backend()
    world.fake.quota_exceeded(resets_in=0)
    assert await backend.list_clients() == []
    assert world.fake.calls("GET", "/clients") == 2
    world.fake.quota_exceeded(resets_in=1800)
    with pytest.raises(RateLimited) as caught:  # beyond what a chat turn can wait: fail fast with the hint
        await backend.create_client(ClientDraft(name="Acme"))
    assert caught.value.retry_after == 1800 and world.fake.calls("POST", "/clients") == 1


async def test_no_working_hours_and_no_feed(world: World) -> None:
    backend = await world.backend()
    now = datetime.now(UTC)
    with pytest.raises(Unsupported):
        await backend.list_working_hours(now - H, now)
    with pytest.raises(Unsupported):
        await backend.create_working_hours(WorkingHoursDraft(start=now))
    with pytest.raises(Unsupported):
        await backend.create_feed_event(FeedEventDraft(name="x", start=now - H, end=now))


# ---- webhooks -------------------------------------------------------------------------------------------


async def test_webhook_subscriptions_create_validate_list_delete(world: World) -> None:
    backend = await world.backend()
    sub = await backend.create_subscription(
        "https://bot.example/hooks/toggl", ["time_entry.*", "project.created"], secret="PGuRrhCFajIyEvFlreKL"
    )
    assert sub.events == ["time_entry.*", "project.created"] and sub.enabled and not sub.validated
    assert "PGuRrhCFajIyEvFlreKL" not in repr(sub) and sub.secret == "PGuRrhCFajIyEvFlreKL"
    with pytest.raises(Conflict):  # the description is unique per workspace
        await backend.create_subscription("https://bot.example/hooks/toggl", ["tag.*"])
    with pytest.raises(ValidationFailed):
        await backend.validate_subscription(sub.id, "wrong")
    await backend.validate_subscription(sub.id, world.fake.validation_codes[int(sub.id)])
    [listed] = await backend.list_subscriptions()
    assert listed.id == sub.id and listed.validated
    await backend.delete_subscription(sub.id)
    assert await backend.list_subscriptions() == []
    with pytest.raises(NotFound):
        await backend.delete_subscription(sub.id)


async def test_start_after_a_stop_and_stop_of_a_remembered_timer_are_one_call(world: World) -> None:
    backend = await world.backend()
    await stop_timer(backend, datetime.now(UTC))  # learns "nothing runs"
    calls = world.fake.calls()
    started = await start_timer(backend, TimeEntryDraft(start=datetime.now(UTC), description="a"))
    assert world.fake.calls() - calls == 1 and started.stopped is None
    calls = world.fake.calls()
    stopped = await stop_timer(backend, datetime.now(UTC))
    assert stopped is not None and stopped.id == started.entry.id and not stopped.running
    assert world.fake.calls() - calls == 1
    assert world.fake.calls("PATCH", f"/time_entries/{started.entry.id}/stop") == 1


async def test_a_timer_stopped_and_replaced_elsewhere_is_found_after_the_409(world: World) -> None:
    backend = await world.backend()
    mine = await start_timer(backend, TimeEntryDraft(start=datetime.now(UTC) - H, description="mine"))
    web = await world.elsewhere()
    await stop_timer(web, datetime.now(UTC))
    theirs = await start_timer(web, TimeEntryDraft(start=datetime.now(UTC), description="web"))

    calls = world.fake.calls()
    stopped = await stop_timer(backend, datetime.now(UTC))
    assert stopped is not None and stopped.id == theirs.entry.id != mine.entry.id
    assert world.fake.calls() - calls == 3  # the stale PATCH (409), the lookup, the real stop
    assert await backend.current_timer() is None


async def test_a_timer_deleted_elsewhere_means_nothing_to_stop(world: World) -> None:
    backend = await world.backend()
    mine = await start_timer(backend, TimeEntryDraft(start=datetime.now(UTC) - H))
    await (await world.elsewhere()).delete_time_entry(mine.entry.id)
    assert await stop_timer(backend, datetime.now(UTC)) is None
    assert world.fake.entries == {}


async def test_switching_from_a_remembered_timer_reports_it(world: World) -> None:
    backend = await world.backend()
    first = await start_timer(backend, TimeEntryDraft(start=datetime.now(UTC) - H, description="first"))
    calls = world.fake.calls()
    second = await start_timer(backend, TimeEntryDraft(start=datetime.now(UTC), description="second"))
    assert second.stopped is not None and second.stopped.id == first.entry.id
    assert world.fake.calls() - calls == 2  # PATCH …/stop (checked by Toggl), POST


async def test_groups_with_members_for_admins_names_for_others(world: World) -> None:
    bob_account = world.fake.add_account("Bob", "bob@example.com", workspace=world.workspace, admin=False)
    bob_identity = Identity(tenant_id="t", aad_object_id="aad-bob", name="Bob", email="bob@example.com")
    world.connections.add(bob_identity, Connection("toggl", bob_account.api_token))
    world.fake.add_group(world.workspace, "Design", [world.alice, bob_account])
    world.fake.add_group(world.workspace, "Ops & Support", [])
    alice, bob = await world.backend(), await world.factory.bind(bob_identity)
    assert Capability.GROUPS in alice.capabilities

    listed = await alice.list_groups()
    assert [(g.name, sorted(g.user_ids)) for g in listed] == [
        ("Design", sorted([str(world.alice.id), str(bob_account.id)])),
        ("Ops & Support", []),
    ]
    assert world.fake.calls("GET", "/organizations/") == 1
    # Bob is no organization admin: the organization's view is refused, the workspace's names remain.
    assert [g.name for g in await bob.list_groups()] == ["Design", "Ops & Support"]


# ---- reports (the Reports API v3 detailed search) ---------------------------------------------------------


async def _report(backend: TogglBackend, start: datetime, end: datetime, **kwargs: object) -> list[str]:
    return [e.id async for batch in backend.iter_workspace_time_entries(start, end, **kwargs) for e in batch]  # type: ignore[arg-type]


async def test_a_report_pages_through_the_reports_api_for_everyone_with_filters(world: World) -> None:
    from adapters.models import ProjectDraft

    alice = await world.backend()
    bob_account = world.fake.add_account("Bob", "bob@example.com", workspace=world.workspace)
    bob_identity = Identity(tenant_id="t", aad_object_id="aad-bob", name="Bob")
    world.connections.add(bob_identity, Connection("toggl", bob_account.api_token))
    bob = await world.factory.bind(bob_identity)
    website = await alice.create_project(ProjectDraft(name="Website"))
    monday = _monday()
    mine = [
        await alice.create_time_entry(
            TimeEntryDraft(start=monday + i * H, end=monday + i * H + H / 2, project_id=website.id)
        )
        for i in range(5)
    ]
    theirs = await bob.create_time_entry(TimeEntryDraft(start=monday + 2.5 * H, end=monday + 3 * H))
    loose = await alice.create_time_entry(
        TimeEntryDraft(start=monday + 8 * H, end=monday + 9 * H, billable=True)
    )
    await alice.create_time_entry(TimeEntryDraft(start=monday - H, end=monday))  # before the period
    end = monday + timedelta(days=1)
    searches = world.fake.calls("POST", "/search/time_entries")

    everyone = await _report(alice, monday, end)
    ids = [e.id for e in mine]
    assert everyone == [*ids[:3], theirs.id, *ids[3:], loose.id]
    pages = [s for s in world.fake.seen if "/search/time_entries" in s.raw_path][searches:]
    assert len(pages) == 3 and "user_ids" not in pages[0].body  # 3 + 3 + 2 rows, everyone's
    assert [p.body.get("first_row_number") for p in pages] == [None, 4, 7]

    assert await _report(alice, monday, end, user_ids=[alice.user.id], project_ids=[website.id]) == ids
    assert world.fake.seen[-1].body["project_ids"] == [int(website.id)]
    assert world.fake.seen[-1].body["user_ids"] == [int(alice.user.id)]
    no_project = await _report(alice, monday, end, project_ids=[None])  # `[null]` is not in the schema
    assert no_project == [theirs.id, loose.id] and "project_ids" not in world.fake.seen[-1].body
    assert await _report(alice, monday, end, billable=True) == [loose.id]
    assert "billable" not in world.fake.seen[-1].body  # a premium filter: applied here instead
    by_project = await _report(alice, monday, end, by_project=True)
    assert by_project == [*ids, theirs.id, loose.id]
    assert await _report(alice, monday, end, project_ids=[]) == []

    with pytest.raises(PermissionDenied):  # a member reports on themselves only
        await _report(bob, monday, end)
    assert await _report(bob, monday, end, user_ids=[bob.user.id]) == [theirs.id]
    users = await alice.list_workspace_users()
    assert [(u.name, u.is_admin) for u in users] == [("Alice", True), ("Bob", False)]
    with pytest.raises(PermissionDenied):
        await bob.list_workspace_users()


async def test_a_report_waits_for_a_quota_that_resets_soon_and_says_when_one_does_not(world: World) -> None:
    backend = await world.backend()
    monday = _monday()
    for i in range(7):
        await backend.create_time_entry(TimeEntryDraft(start=monday + i * H, end=monday + i * H + H / 2))
    world.fake.quota_exceeded(resets_in=0)
    assert len(await _report(backend, monday, monday + timedelta(days=1), user_ids=[backend.user.id])) == 7
    world.fake.fail_next(
        402,
        "You have hit your hourly limit for API calls.",
        headers={"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": "1500"},
        path_contains="/search/time_entries",
    )
    with pytest.raises(RateLimited) as caught:
        await _report(backend, monday, monday + timedelta(days=1))
    assert caught.value.retry_after == 1500
