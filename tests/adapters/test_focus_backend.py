"""The Toggl Focus adapter against the stateful fake (tests/fakes/focus.py): groups, paging, quota, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
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
from adapters.focus import FocusBackend, FocusBackendFactory
from adapters.http import RetryPolicy
from adapters.models import (
    ClientDraft,
    ProjectDraft,
    TagDraft,
    TaskDraft,
    TimeEntryDraft,
    TimeEntryPatch,
    WorkingHoursDraft,
)
from adapters.timer import start_timer, stop_timer
from tests.fakes.focus import FakeFocus, Member, Organization

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.02, max_retry_after=1.0, deadline=5.0)
H = timedelta(hours=1)


def identity(who: str) -> Identity:
    return Identity(tenant_id="t1", aad_object_id=f"aad-{who}", name=who.title(), email=f"{who}@example.com")


@dataclass
class World:
    fake: FakeFocus
    org: Organization
    alice: Member
    bob: Member
    connections: StaticConnections
    factory: FocusBackendFactory

    @property
    def workspace_id(self) -> int:
        return next(iter(self.org.workspaces))

    def connect(self, who: str, member: Member, **extra: str) -> None:
        self.connections.add(
            identity(who),
            Connection("focus", member.token, None, {"organization_id": str(self.org.id), **extra}),
        )

    async def backend(self, who: str = "alice") -> FocusBackend:
        return await self.factory.bind(identity(who))


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with FakeFocus() as fake:
        org = fake.add_organization("Contoso", ("Main", "Lab"))
        alice = fake.add_member(org, "Alice", "alice@example.com", admin=True)
        bob = fake.add_member(org, "Bob", "bob@example.com")
        connections = StaticConnections()
        factory = FocusBackendFactory(fake.url, connections, retry=FAST, per_page=2)
        w = World(fake, org, alice, bob, connections, factory)
        w.connect("alice", alice)
        w.connect("bob", bob)
        try:
            yield w
        finally:
            await factory.close()


async def test_bind_discovers_the_workspace_and_finds_the_user_by_email(world: World) -> None:
    backend = await world.backend()
    assert isinstance(backend, Backend)
    assert backend.workspace.id == str(world.workspace_id) and backend.workspace.name == "Main"
    assert (backend.user.id, backend.user.name, backend.user.is_admin) == (str(world.alice.id), "Alice", True)
    assert all(auth == f"Bearer {world.alice.token}" for _, _, auth in world.fake.requests)
    assert any(path == "/api/users/me/settings" for _, path, _ in world.fake.requests)
    assert world.alice.token not in repr(backend)


async def test_bind_without_a_connection_or_organization(world: World) -> None:
    with pytest.raises(Unauthorized):
        await world.factory.bind(identity("carol"))
    world.connections.add(identity("carol"), Connection("focus", world.alice.token))
    with pytest.raises(ValidationFailed, match="organization id"):
        await world.factory.bind(identity("carol"))


async def test_a_track_token_or_revoked_key_is_unauthorized(world: World) -> None:
    world.connections.add(
        identity("dave"), Connection("focus", "0123456789abcdef", "1", {"organization_id": str(world.org.id)})
    )
    with pytest.raises(Unauthorized):
        await world.factory.bind(identity("dave"))
    backend = await world.backend()
    world.alice.token = "toggl_sk_rotated"  # a new key revokes the old one
    with pytest.raises(Unauthorized):
        await backend.list_projects()


async def test_someone_outside_the_organization_is_refused(world: World) -> None:
    stranger_org = world.fake.add_organization("Other")
    stranger = world.fake.add_member(stranger_org, "Eve", "eve@example.com")
    world.connect("eve", stranger)
    with pytest.raises(PermissionDenied):
        await world.factory.bind(identity("eve"))


async def test_groups_made_in_focus_are_listed_with_their_members(world: World) -> None:
    alice = await world.backend()
    bob = await world.backend("bob")
    members = {m.name: m for m in world.org.members.values()}
    world.fake.add_group(world.org, "Design", (members["Alice"], members["Bob"]))
    world.fake.add_group(world.org, "Ops", (members["Alice"],))
    groups = {g.name: g for g in await bob.list_groups()}
    assert set(groups) == {"Design", "Ops"}
    assert sorted(groups["Design"].user_ids) == sorted([alice.user.id, bob.user.id])
    assert groups["Ops"].user_ids == [alice.user.id]


async def test_paging_follows_pages_past_the_first(world: World) -> None:
    alice = await world.backend()
    for n in range(5):
        world.fake.add_member(world.org, f"User {n}", f"user{n}@example.com")
    names = [f"G{n}" for n in range(5)]
    for name in names:
        world.fake.add_group(world.org, name)
    world.fake.requests.clear()
    assert sorted(g.name for g in await alice.list_groups()) == names
    assert sorted(t.name for t in await alice.list_teams()) == names
    pages = [p for _, p, _ in world.fake.requests if "/teams?" in p]
    assert len(pages) == 6 and all("per_page=2" in p for p in pages)  # 3 pages each: 2 + 2 + 1
    users = await alice.list_users()
    assert len(users) == 7 and len({u.id for u in users}) == 7


async def test_quota_402_then_success_and_resets_in_is_reported(world: World) -> None:
    alice = await world.backend()
    world.fake.quota_exceeded(r"/projects$", resets_in=0)
    assert await alice.list_projects() == []
    world.fake.quota_exceeded(r"/projects$", resets_in=1800)
    with pytest.raises(RateLimited) as caught:
        await alice.list_projects()
    assert caught.value.retry_after == 1800
    # A quota refusal means nothing was done: even a POST is repeated.
    world.fake.quota_exceeded(r"/projects$", method="POST")
    assert (await alice.create_project(ProjectDraft(name="After quota"))).name == "After quota"
    assert [p["name"] for p in world.fake.projects.values()] == ["After quota"]


async def test_5xx_on_reads_is_retried_but_a_post_is_not(world: World) -> None:
    alice = await world.backend()
    world.fake.fail("GET", r"/teams$", 503, times=2)
    assert await alice.list_groups() == []
    world.fake.fail("POST", r"/projects$", 500)
    before = len(world.fake.requests)
    with pytest.raises(Unavailable):
        await alice.create_project(ProjectDraft(name="Maybe"))
    assert len(world.fake.requests) == before + 1
    world.fake.fail("GET", r"/projects$", 502, times=10)
    with pytest.raises(Unavailable):
        await alice.list_projects()


async def test_error_description_becomes_the_message(world: World) -> None:
    alice = await world.backend()
    with pytest.raises(NotFound, match="project not found"):
        await alice.create_task(TaskDraft(project_id="77", name="X"))


async def test_capabilities_are_truthful(world: World) -> None:
    alice = await world.backend()
    assert Capability.GROUPS in alice.capabilities and Capability.TIMER in alice.capabilities
    for missing in (Capability.CLIENTS, Capability.TAGS, Capability.WORKING_HOURS, Capability.FEED):
        assert missing not in alice.capabilities
    now = datetime.now(UTC)
    with pytest.raises(Unsupported):
        await alice.create_client(ClientDraft(name="Acme"))
    with pytest.raises(Unsupported):
        await alice.create_tag(TagDraft(name="x"))
    with pytest.raises(Unsupported):
        await alice.create_working_hours(WorkingHoursDraft(start=now))
    with pytest.raises(Unsupported):
        await alice.create_time_entry(TimeEntryDraft(start=now - H, end=now, tag_ids=["1"]))


async def test_timer_uses_tracking_endpoints(world: World) -> None:
    alice = await world.backend()
    assert await alice.current_timer() is None  # 204
    start = datetime.now(UTC).replace(microsecond=0) - H
    timer = await alice.create_time_entry(TimeEntryDraft(start=start, description="focus"))
    with pytest.raises(Conflict):
        await alice.create_time_entry(TimeEntryDraft(start=start))
    stopped = await alice.update_time_entry(timer.id, TimeEntryPatch(end=start + H / 2))
    assert stopped.end == start + H / 2
    paths = [(method, p.split("/workspaces/")[-1]) for method, p, _ in world.fake.requests]
    assert ("POST", f"{alice.workspace.id}/tracking/start") in paths
    assert ("POST", f"{alice.workspace.id}/tracking/stop") in paths
    listed = await alice.list_time_entries(start - H, start + H)
    assert [e.id for e in listed] == [timer.id]
    assert any("date_from=" in p and "T" in p for _, p, _ in world.fake.requests)


async def test_time_entries_are_listed_across_pages_and_only_ones_own(world: World) -> None:
    alice = await world.backend()
    bob = await world.backend("bob")
    base = datetime(2026, 3, 2, 8, tzinfo=UTC)
    ids = [
        (await alice.create_time_entry(TimeEntryDraft(start=base + n * H, end=base + n * H + H / 2))).id
        for n in range(5)
    ]
    await bob.create_time_entry(TimeEntryDraft(start=base, end=base + H))
    listed = await alice.list_time_entries(base, base + 6 * H)
    assert [e.id for e in listed] == ids[::-1]
    assert [e.id for e in await alice.list_time_entries(base, base + 6 * H, limit=2)] == ids[:2:-1]
    with pytest.raises(NotFound):
        await bob.get_time_entry(ids[0])
    await alice.delete_time_entry(ids[0])
    with pytest.raises(NotFound):
        await alice.get_time_entry(ids[0])


async def test_start_and_stop_are_one_call_each_and_a_switch_stops_first(world: World) -> None:
    alice = await world.backend()
    before = len(world.fake.requests)
    first = await start_timer(alice, TimeEntryDraft(start=datetime.now(UTC), description="a"))
    assert first.stopped is None and [m for m, *_ in world.fake.requests[before:]] == ["POST"]
    before = len(world.fake.requests)
    second = await start_timer(alice, TimeEntryDraft(start=datetime.now(UTC), description="b"))
    assert second.stopped is not None and second.stopped.id == first.entry.id
    tail = [p.rsplit("/", 1)[-1] for _, p, _ in world.fake.requests[before:]]
    assert tail == ["start", "stop", "start"]  # refused (409) while one runs, stopped, started
    before = len(world.fake.requests)
    stopped = await stop_timer(alice, datetime.now(UTC))
    assert stopped is not None and stopped.id == second.entry.id
    assert len(world.fake.requests) - before == 1
