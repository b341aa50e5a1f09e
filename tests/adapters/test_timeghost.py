"""The timeghost adapter against its fake on loopback: budget, retries, auth, headers, escaping, extras."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from adapters.backend import Backend, Capability, Identity
from adapters.credentials import Connection, Credential, StaticConnections
from adapters.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    Unauthorized,
    Unavailable,
    Unsupported,
    ValidationFailed,
)
from adapters.http import RetryPolicy
from adapters.models import (
    ClientDraft,
    FeedEventDraft,
    FeedEventPatch,
    ProjectDraft,
    TagDraft,
    TaskDraft,
    TimeEntryDraft,
)
from adapters.timeghost import TimeghostBackend, TimeghostBackendFactory
from tests.fakes.timeghost import COSMOS_THROTTLED, FakeTimeghost

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.02, max_retry_after=2.0, deadline=5.0)
H = timedelta(hours=1)
MONDAY = datetime(2025, 3, 3, tzinfo=UTC)


@dataclass
class World:
    fake: FakeTimeghost
    connections: StaticConnections
    factory: TimeghostBackendFactory
    workspace_id: str

    def identity(self, who: str) -> Identity:
        return Identity(tenant_id="t1", aad_object_id=f"aad-{who}", name=who.title(), email=f"{who}@x.test")

    def connect(self, who: str, *, admin: bool = False, **extra: str) -> tuple[Identity, str]:
        user_id, key = self.fake.add_user(self.workspace_id, who.title(), admin=admin)
        identity = self.identity(who)
        self.connections.add(identity, Connection("timeghost", key, self.workspace_id, dict(extra)))
        return identity, user_id

    async def bind(self, who: str, *, admin: bool = False) -> TimeghostBackend:
        identity, _ = self.connect(who, admin=admin)
        return await self.factory.bind(identity)


async def _world(
    rate_limit: tuple[int, float] | None = None, budget: tuple[int, float] = (100, 60.0)
) -> AsyncIterator[World]:
    fake = FakeTimeghost(rate_limit=rate_limit)
    url = await fake.start()
    connections = StaticConnections()
    factory = TimeghostBackendFactory(url, connections, retry=FAST, budget=budget, cosmos_delay=0.01)
    try:
        yield World(fake, connections, factory, fake.add_workspace("Contoso"))
    finally:
        await factory.close()
        await fake.close()
    assert not fake.violations, fake.violations


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async for made in _world():
        yield made


# ---- binding and auth ------------------------------------------------------------------------------------


async def test_bind_reads_user_and_workspace_and_declares_capabilities(world: World) -> None:
    backend = await world.bind("alice", admin=True)
    assert isinstance(backend, Backend)
    assert backend.workspace.id == world.workspace_id and backend.workspace.name == "Contoso"
    assert backend.user.is_admin and backend.user.name == "Alice"
    assert Capability.WORKING_HOURS in backend.capabilities and Capability.TIMER in backend.capabilities
    assert Capability.FEED not in backend.capabilities  # no way to list feed events
    assert Capability.WORKSPACE_SETTINGS not in backend.capabilities
    assert [p for _, p, _ in world.fake.requests] == [
        "get/currentuser",
        f"get/workspaces/{world.workspace_id}",
    ]
    headers = world.fake.headers_seen
    assert "workspace-id" not in headers[0] and headers[1]["workspace-id"] == world.workspace_id
    assert all("x-api-key" in h and "Authorization" not in h for h in headers)


async def test_bind_without_connection_or_with_a_bad_key_is_unauthorized(world: World) -> None:
    with pytest.raises(Unauthorized):
        await world.factory.bind(world.identity("nobody"))
    world.connections.add(world.identity("eve"), Connection("timeghost", "wrong-key", world.workspace_id))
    with pytest.raises(Unauthorized):
        await world.factory.bind(world.identity("eve"))


async def test_revoked_key_mid_session_is_unauthorized(world: World) -> None:
    backend = await world.bind("alice")
    world.fake.api_keys.clear()
    with pytest.raises(Unauthorized):
        await backend.current_timer()


async def test_bearer_token_auth(world: World) -> None:
    """A sign-in's AAD token goes as `Authorization: Bearer` (what the definition declares); an API key as
    `x-api-key`; the kind travels with the connection (`Connection.bearer`), so both work side by side."""
    user_id, key = world.fake.add_user(world.workspace_id, "Carol")
    token = next(t for t, u in world.fake.bearer_tokens.items() if u == user_id)
    identity = world.identity("carol")
    connection = Connection.bearer("timeghost", token)
    assert connection.credential is Credential.BEARER and token not in repr(connection)
    world.connections.add(identity, connection)
    backend = await world.factory.bind(identity)
    assert backend.user.id == user_id and backend.workspace.id == world.workspace_id  # the first workspace
    await backend.list_clients()
    for headers in world.fake.headers_seen:
        assert headers["Authorization"] == f"Bearer {token}" and "x-api-key" not in headers
    world.connections.add(identity, Connection("timeghost", key))
    assert Connection("timeghost", key).credential is Credential.API_KEY
    seen = len(world.fake.headers_seen)
    assert (await world.factory.bind(identity)).user.id == user_id
    assert all("Authorization" not in h for h in world.fake.headers_seen[seen:])
    world.connections.add(identity, Connection.bearer("timeghost", key))  # a key sent as a token: refused
    with pytest.raises(Unauthorized):
        await world.factory.bind(identity)
    world.connections.add(identity, Connection("timeghost", token, None, {"auth": "saml"}))
    with pytest.raises(Unauthorized):
        await world.factory.bind(identity)


async def test_bind_uses_the_connection_workspace_and_refuses_a_foreign_one(world: World) -> None:
    identity, user_id = world.connect("alice")
    other = world.fake.add_workspace("Globex")
    world.fake.join(other, user_id)
    world.connections.add(identity, Connection("timeghost", _key(world, user_id), other))
    assert (await world.factory.bind(identity)).workspace.name == "Globex"
    world.connections.add(identity, Connection("timeghost", _key(world, user_id), "not-mine"))
    with pytest.raises(NotFound):
        await world.factory.bind(identity)


def _key(world: World, user_id: str) -> str:
    return next(k for k, u in world.fake.api_keys.items() if u == user_id)


async def test_fake_requires_the_workspace_header(world: World) -> None:
    _, user_id = world.connect("alice")
    key = _key(world, user_id)
    async with httpx.AsyncClient(base_url=world.fake.url + "/") as raw:
        missing = await raw.get("get/clients", headers={"x-api-key": key})
        foreign = await raw.get("get/clients", headers={"x-api-key": key, "workspace-id": "other"})
        anonymous = await raw.get("get/currentuser")
    assert missing.status_code == 400 and "workspace-id" in missing.json()["message"]
    assert foreign.status_code == 403
    assert anonymous.status_code == 401
    assert world.fake.violations == ["GET /get/clients: the header parameter 'workspace-id' is required"]
    world.fake.violations.clear()


async def test_fake_refuses_what_the_definition_refuses(world: World) -> None:
    """Each of these is a request the definition does not allow; the fake answers 400 and records it, so an
    adapter regression fails its test (the four violations of issue 12 are the first four)."""
    _, user_id = world.connect("alice")
    headers = {"x-api-key": _key(world, user_id), "workspace-id": world.workspace_id}
    time = {"client": {"id": ""}, "project": {"id": ""}, "name": "x", "start": "2025-03-03T09:00:00.000Z"}
    async with httpx.AsyncClient(base_url=world.fake.url + "/", headers=headers) as raw:
        answers = [
            await raw.get("get/projects/p1/tasks", headers={"clientid": ""}),
            await raw.get("get/tags", params={"$filter": "tagType eq 1 and tolower(name) eq 'x'"}),
            await raw.post("add/times", json={**time, "billable": False, "timeZone": "UTC"}),
            await raw.post("add/times", json={**time, "billable": False, "task": {"id": "t"}}),
            await raw.post("add/times", json=time),  # `billable` is required
            await raw.get("get/times", params={"$filter-date-range": "forever"}),
            await raw.delete("delete/groups/g1"),  # not an ItemType
            await raw.post("Create_Excel_Report", params={"$filter-date-range": "today"}),
            await raw.post("add/tags", json={"name": "x", "tagType": 0}),
        ]
    assert [a.status_code for a in answers] == [400] * len(answers)
    assert len(world.fake.violations) == len(answers)
    world.fake.violations.clear()


# ---- budget and retries ----------------------------------------------------------------------------------


async def test_101_calls_in_a_window_wait_for_the_budget_instead_of_failing() -> None:
    async for world in _world(rate_limit=(100, 0.6), budget=(100, 0.6)):
        backend = await world.bind("alice")  # 2 calls
        started = time.monotonic()
        for _ in range(99):  # calls 3…101: the 101st must wait for the window to slide
            await backend.current_timer()
        elapsed = time.monotonic() - started
        assert world.fake.throttled == 0  # never provoked a 429
        assert len(world.fake.requests) == 101
        assert elapsed >= 0.3


async def test_budget_is_per_connection() -> None:
    async for world in _world(budget=(2, 30.0)):
        started = time.monotonic()
        alice = await world.bind("alice")  # uses up Alice's two calls
        bob = await world.bind("bob")  # Bob has his own budget: no wait
        assert time.monotonic() - started < 1.0 and alice.user.id != bob.user.id
        with pytest.raises(TimeoutError):  # Alice's third call waits for her window
            await asyncio.wait_for(alice.current_timer(), 0.2)
        assert world.fake.count("GET", "get/times") == 0


async def test_429_then_success(world: World) -> None:
    backend = await world.bind("alice")
    world.fake.fail(429, "Too Many Requests", headers={"Retry-After": "0"}, path="get/times")
    assert await backend.current_timer() is None
    assert world.fake.count("GET", "get/times") == 2
    # A write refused with 429 was not processed: it is repeated.
    world.fake.fail(429, headers={"Retry-After": "0"}, method="POST", path="add/times")
    entry = await backend.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H))
    assert world.fake.count("POST", "add/times") == 2
    assert len(world.fake.table(world.workspace_id, "times")) == 1 and entry.end == MONDAY + H


async def test_5xx_then_success_on_reads(world: World) -> None:
    backend = await world.bind("alice")
    world.fake.fail(503, "unavailable", path="get/times", times=2)
    assert await backend.list_time_entries(MONDAY, MONDAY + 7 * 24 * H) == []
    assert world.fake.count("GET", "get/times") == 3


async def test_no_retry_of_a_post_after_5xx(world: World) -> None:
    backend = await world.bind("alice")
    world.fake.fail(500, "boom", method="POST", path="add/times")
    with pytest.raises(Unavailable):
        await backend.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H))
    assert world.fake.count("POST", "add/times") == 1


async def test_cosmos_request_rate_too_large_500_is_retried_even_for_a_post(world: World) -> None:
    backend = await world.bind("alice")
    world.fake.fail(500, COSMOS_THROTTLED, method="POST", path="add/times")
    entry = await backend.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H))
    assert world.fake.count("POST", "add/times") == 2
    assert [e.id for e in await backend.list_time_entries(MONDAY, MONDAY + H)] == [entry.id]
    world.fake.fail(500, COSMOS_THROTTLED, method="POST", path="add/times", times=10)
    with pytest.raises(Unavailable):  # bounded: a persistent throttle fails
        await backend.create_time_entry(TimeEntryDraft(start=MONDAY + 2 * H, end=MONDAY + 3 * H))


# ---- OData escaping --------------------------------------------------------------------------------------


async def test_a_quote_in_a_name_is_escaped_end_to_end(world: World) -> None:
    backend = await world.bind("alice")
    client = await backend.create_client(ClientDraft(name="O'Brien"))
    sent = [q["$filter"] for m, p, q in world.fake.requests if p == "get/clients" and "$filter" in q]
    assert sent == ["tolower(name) eq 'o''brien'"]
    with pytest.raises(Conflict):
        await backend.create_client(ClientDraft(name="o'BRIEN"))
    await backend.create_client(ClientDraft(name="O'Brien' or 1 eq 1 or name eq '"))  # no injection
    assert {c.name for c in await backend.list_clients()} == {"O'Brien", "O'Brien' or 1 eq 1 or name eq '"}
    project = await backend.create_project(ProjectDraft(name="Bob's site", client_id=client.id))
    with pytest.raises(Conflict):
        await backend.create_project(ProjectDraft(name="BOB'S SITE", client_id=client.id))
    await backend.create_task(TaskDraft(project_id=project.id, name="it's done"))
    with pytest.raises(Conflict):
        await backend.create_task(TaskDraft(project_id=project.id, name="It's Done"))
    await backend.create_tag(TagDraft(name="can't"))
    with pytest.raises(Conflict):
        await backend.create_tag(TagDraft(name="CAN'T"))


async def test_ids_are_escaped_in_paths_and_filters(world: World) -> None:
    backend = await world.bind("alice")
    with pytest.raises(NotFound):
        await backend.get_time_entry("x' or user/id ne '")
    with pytest.raises(NotFound):
        await backend.delete_time_entry("../get/currentuser")
    assert any(q.get("$filter") == "id eq 'x'' or user/id ne '''" for _, _, q in world.fake.requests)


# ---- semantics, caching and the extra operations -------------------------------------------------------


async def test_times_carry_client_project_and_tags_and_echo_only_the_task_timeghost_stored(
    world: World,
) -> None:
    """`TimeCreate`/`TimeUpdate` declare no `task` and no `timeZone`: neither is sent (the fake refuses
    both), and the echo shows the task only when timeghost's answer carries it (set in its web app)."""
    from adapters.models import TimeEntryPatch

    world.fake.time_zone = "Europe/Berlin"
    backend = await world.bind("alice")
    client = await backend.create_client(ClientDraft(name="Acme"))
    project = await backend.create_project(ProjectDraft(name="Web", client_id=client.id, billable=True))
    task = await backend.create_task(TaskDraft(project_id=project.id, name="Design", estimate_seconds=7200))
    tag = await backend.create_tag(TagDraft(name="meeting"))
    entry = await backend.create_time_entry(
        TimeEntryDraft(start=MONDAY, end=MONDAY + H, task_id=task.id, tag_ids=[tag.id], timezone="Asia/Tokyo")
    )
    assert (entry.project_id, entry.task_id, entry.tag_ids, entry.timezone) == (
        project.id,  # the task's project
        None,  # not claimed: timeghost did not store a task
        [tag.id],
        "Europe/Berlin",  # the zone timeghost keeps, not the one asked for
    )
    stored = world.fake.table(world.workspace_id, "times")[entry.id]
    assert stored["client"]["id"] == client.id and stored["timeDiff"] == 3600 and "task" not in stored
    assert (await backend.list_tasks(project.id))[0].estimate_seconds == 7200
    world.fake.link_task(world.workspace_id, entry.id, task.id)
    assert (await backend.get_time_entry(entry.id)).task_id == task.id
    edited = await backend.update_time_entry(entry.id, TimeEntryPatch(description="review"))
    assert (edited.description, edited.task_id) == ("review", task.id)  # timeghost kept it: echoed


async def test_tasks_of_a_project_without_a_client_are_not_asked_for(world: World) -> None:
    """`get/projects/{id}/tasks` requires a `clientid` header and `TaskCreate` a client: a client-less
    project has no reachable tasks, so no request goes out with an empty header, and creating one is
    refused by name."""
    backend = await world.bind("alice")
    project = await backend.create_project(ProjectDraft(name="Internal"))
    before = len(world.fake.requests)
    assert await backend.list_tasks(project.id) == [] and await backend.list_tasks() == []
    with pytest.raises(Unsupported) as refused:
        await backend.create_task(TaskDraft(project_id=project.id, name="Design"))
    assert refused.value.capability == "tasks on projects without a client"
    assert not any("/tasks" in p for _, p, _ in world.fake.requests[before:])
    entry = await backend.create_time_entry(
        TimeEntryDraft(start=MONDAY, end=MONDAY + H, project_id=project.id)
    )
    assert entry.project_id == project.id  # times on such a project are fine


async def test_log_by_name_with_a_warm_cache_costs_one_call(world: World) -> None:
    backend = await world.bind("alice")
    project = await backend.create_project(ProjectDraft(name="Web"))
    await backend.list_projects(), await backend.list_tasks(), await backend.list_tags()  # warm
    before = len(world.fake.requests)
    await backend.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H, project_id=project.id))
    assert len(world.fake.requests) - before == 1
    again = await world.factory.bind(world.identity("alice"))  # a new turn shares the factory's cache
    before = len(world.fake.requests)
    await again.create_time_entry(TimeEntryDraft(start=MONDAY + H, end=MONDAY + 2 * H, project_id=project.id))
    assert len(world.fake.requests) - before == 1


async def test_stopped_time_cannot_be_reopened(world: World) -> None:
    from adapters.models import TimeEntryPatch

    backend = await world.bind("alice")
    entry = await backend.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H))
    with pytest.raises(ValidationFailed):
        await backend.update_time_entry(entry.id, TimeEntryPatch(end=None))


async def test_master_data_changes_as_the_definition_allows_them(world: World) -> None:
    from adapters.errors import Unsupported
    from adapters.models import ClientPatch, ProjectPatch, TagPatch, TaskPatch

    alice = await world.bind("alice", admin=True)
    bob = await world.bind("bob")
    client = await alice.create_client(ClientDraft(name="Acme"))
    await alice.create_client(ClientDraft(name="Globex"))
    renamed = await alice.update_client(client, ClientPatch(name="Acme Corp"))
    assert renamed.name == "Acme Corp" and [c.name for c in await bob.list_clients()] == [
        "Acme Corp",
        "Globex",
    ]
    with pytest.raises(Conflict):
        await alice.update_client(renamed, ClientPatch(name="globex"))
    with pytest.raises(Unsupported) as refused:  # `ClientUpdate` has no archived flag
        await alice.update_client(renamed, ClientPatch(archived=True))
    assert refused.value.capability == "archiving clients"

    project = await alice.create_project(ProjectDraft(name="Secret", client_id=client.id, private=True))
    assert await bob.list_projects() == []  # private: members only (the creator manages it)
    project = await alice.update_project(project, ProjectPatch(name="Intranet"))
    done = await alice.update_project(project, ProjectPatch(done=True))
    assert (done.name, done.done) == ("Intranet", True) and await alice.list_projects() == []
    stored = world.fake.table(world.workspace_id, "projects")[project.id]
    assert (stored["name"], stored["completed"]) == ("Intranet", True)

    task = await alice.create_task(TaskDraft(project_id=project.id, name="Plan"))
    await alice.create_task(TaskDraft(project_id=project.id, name="Build"))
    assert (await alice.update_task(task, TaskPatch(name="Planning"))).name == "Planning"
    assert sorted(t.name for t in await alice.list_tasks(project.id, include_done=True)) == [
        "Build",
        "Planning",
    ]
    with pytest.raises(Conflict):
        await alice.update_task(task, TaskPatch(name="build"))
    with pytest.raises(Unsupported):  # `TaskUpdate` has no `completed`
        await alice.update_task(task, TaskPatch(done=True))

    ptag = await alice.create_tag(TagDraft(name="internal", kind="project"))
    meeting = await alice.create_tag(TagDraft(name="meeting"))
    assert (await alice.update_tag(ptag, TagPatch(name="inhouse"))).name == "inhouse"
    await alice.create_tag(TagDraft(name="review"))
    with pytest.raises(Conflict):
        await alice.update_tag(meeting, TagPatch(name="Review"))
    assert (await alice.update_tag(meeting, TagPatch(name="Meeting"))).name == "Meeting"  # itself: fine
    await alice.update_tag(meeting, TagPatch(name="meetings"))
    await alice.delete_tag(ptag)
    assert [(t.name, t.kind) for t in await bob.list_tags()] == [("meetings", "time"), ("review", "time")]
    assert world.fake.count("DELETE", f"delete/tags/{ptag.id}") == 1


async def test_feed_events_can_be_written_but_not_listed(world: World) -> None:
    backend = await world.bind("alice")
    assert Capability.FEED_WRITE in backend.capabilities
    event = await backend.create_feed_event(
        FeedEventDraft(
            name="Review",
            start=MONDAY,
            end=MONDAY + H,
            external_id="ext-1",
            icon_url="https://example.com/i.png",
            category="Planner",
        )
    )
    assert (event.name, event.external_id, event.source) == ("Review", "ext-1", "custom")
    assert (event.icon_url, event.category, event.user_id) == (
        "https://example.com/i.png",
        "Planner",
        backend.user.id,
    )
    stored = world.fake.workspaces[world.workspace_id].tables["feed"][event.id]
    assert stored["imageUrl"] == "https://example.com/i.png" and stored["user"] == {"id": backend.user.id}
    assert "description" not in stored  # empty optional fields are left out
    moved = await backend.update_feed_event(
        event.id,
        FeedEventPatch(name="Sprint review", start=MONDAY + H, end=MONDAY + 2 * H, description="Demo"),
    )
    assert (moved.name, moved.start, moved.description, moved.category) == (
        "Sprint review",
        MONDAY + H,
        "Demo",
        "Planner",
    )
    with pytest.raises(Unsupported):
        await backend.list_feed_events(MONDAY, MONDAY + H)
    await backend.delete_feed_event(event.id)
    with pytest.raises(NotFound):
        await backend.delete_feed_event(event.id)


async def test_an_admin_adds_feed_events_for_others_and_a_member_may_not(world: World) -> None:
    admin = await world.bind("alice", admin=True)
    bob = await world.bind("bob")
    draft = FeedEventDraft(name="1:1", start=MONDAY, end=MONDAY + H, user_id=bob.user.id)
    event = await admin.create_feed_event(draft)
    assert event.user_id == bob.user.id
    assert world.fake.workspaces[world.workspace_id].tables["feed"][event.id]["user"] == {"id": bob.user.id}
    with pytest.raises(PermissionDenied):
        await bob.create_feed_event(draft.model_copy(update={"user_id": admin.user.id}))


async def test_excel_report_is_an_xlsx_file(world: World) -> None:
    backend = await world.bind("alice")
    await backend.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H, description="=1+1"))
    data = await backend.create_excel_report(MONDAY, MONDAY + 24 * H, grouped_by_project=False)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert "xl/workbook.xml" in book.namelist()
    query = next(q for m, p, q in world.fake.requests if p == "Create_Excel_Report")
    assert query["startDate"] == "2025-03-03T00:00:00.000Z" and query["groupedByProject"] == "false"
    assert query["$filter-date-range"] == "today"  # required; no preset is that day: the dates overwrite it
    assert query["$filter-user"] == backend.user.id
    world.fake.fail(503, path="Create_Excel_Report")  # a report changes nothing: repeated after a 5xx
    assert (await backend.create_excel_report(MONDAY, MONDAY + H)).startswith(b"PK")
    with pytest.raises(PermissionDenied):  # everyone's, or someone else's: admins only
        await backend.create_excel_report(MONDAY, MONDAY + H, everyone=True)
    admin = await world.bind("root", admin=True)
    await admin.create_excel_report(MONDAY, MONDAY + H, everyone=True)
    assert "$filter-user" not in world.fake.requests[-1][2]


def test_the_date_range_preset_of_a_period() -> None:
    from zoneinfo import ZoneInfo

    from adapters.timeghost.mapping import date_range

    zone = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 11, 18, 15, tzinfo=zone)  # a Wednesday

    def at(y: int, mo: int, d: int) -> datetime:
        return datetime(y, mo, d, tzinfo=zone)

    assert date_range(at(2026, 11, 18), at(2026, 11, 19), now) == "today"
    assert date_range(at(2026, 11, 16), at(2026, 11, 23), now) == "this_week"
    assert date_range(at(2026, 10, 1), at(2026, 11, 1), now) == "last_month"
    assert date_range(at(2025, 1, 1), at(2026, 1, 1), now) == "last_year"
    assert date_range(at(2026, 10, 2), at(2026, 11, 1), now) is None
    assert date_range(at(2026, 11, 18).replace(hour=1), at(2026, 11, 19), now) is None


async def test_webhook_registration_for_the_five_triggers(world: World) -> None:
    backend = await world.bind("alice", admin=True)
    for entity in ("clients", "projects", "tags", "tasks", "times"):
        await backend.register_webhook(entity, f"https://bot.test/hooks/{entity}", basic_auth=("u", "p"))
    hooks = world.fake.workspaces[world.workspace_id].webhooks
    assert [h["entity"] for h in hooks] == ["clients", "projects", "tags", "tasks", "times"]
    assert hooks[0]["config"] == {
        "url": "https://bot.test/hooks/clients",
        "basicAuth": {"userName": "u", "pass": "p"},
    }
    assert hooks[0]["events"] == ["add", "update", "delete"] and hooks[0]["active"] is True
    with pytest.raises(ValidationFailed):
        await backend.register_webhook("comego", "https://bot.test/x")
    with pytest.raises(ValidationFailed):
        await backend.register_webhook("times", "https://bot.test/x", events=["moved"])


async def test_workspace_report_is_for_admins(world: World) -> None:
    alice = await world.bind("alice", admin=True)
    bob = await world.bind("bob")
    mine = await alice.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H))
    his = await bob.create_time_entry(TimeEntryDraft(start=MONDAY + H, end=MONDAY + 2 * H, billable=True))
    await bob.create_time_entry(TimeEntryDraft(start=MONDAY + 3 * H))  # running: not in reports
    batches = [b async for b in alice.iter_workspace_time_entries(MONDAY, MONDAY + 24 * H, batch_size=1)]
    assert [[e.id for e in b] for b in batches] == [[mine.id], [his.id]]
    only_billable = [
        b async for b in alice.iter_workspace_time_entries(MONDAY, MONDAY + 24 * H, billable=True)
    ]
    assert [e.id for b in only_billable for e in b] == [his.id]
    assert {u.name for u in await alice.list_workspace_users()} == {"Alice", "Bob"}
    with pytest.raises(PermissionDenied):
        [b async for b in bob.iter_workspace_time_entries(MONDAY, MONDAY + 24 * H)]
    with pytest.raises(PermissionDenied):
        await bob.list_workspace_users()
    own = [b async for b in bob.iter_workspace_time_entries(MONDAY, MONDAY + 24 * H, [bob.user.id])]
    assert [e.id for b in own for e in b] == [his.id]


async def test_a_project_created_elsewhere_is_found_despite_a_warm_cache(world: World) -> None:
    alice = await world.bind("alice")
    assert await alice.list_projects() == []  # cache warm (and empty)
    other = TimeghostBackendFactory(world.fake.url, world.connections, retry=FAST)  # another process
    try:
        made = await (await other.bind(world.identity("alice"))).create_project(ProjectDraft(name="Web"))
    finally:
        await other.close()
    entry = await alice.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H, project_id=made.id))
    assert entry.project_id == made.id
    with pytest.raises(NotFound):
        await alice.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H, project_id="nope"))


# ---- capabilities the live API refuses -------------------------------------------------------------------


async def test_a_missing_comego_route_turns_working_hours_off_for_that_connection_only(world: World) -> None:
    from adapters.errors import CapabilityRefused
    from adapters.models import WorkingHoursDraft, WorkingHoursPatch

    alice = await world.bind("alice")
    bob = await world.bind("bob")
    entry = await alice.create_working_hours(WorkingHoursDraft(start=MONDAY, end=MONDAY + H))
    world.fake.fail(404, "working hours entry not found", path="update/comego")
    with pytest.raises(NotFound):  # on `…/{id}` a 404 is the entry, not the route
        await alice.update_working_hours(entry.id, WorkingHoursPatch(end=MONDAY + 2 * H))
    assert Capability.WORKING_HOURS in alice.capabilities
    world.fake.fail(405, "Method Not Allowed", path="update/comego")
    with pytest.raises(CapabilityRefused) as refused:
        await alice.update_working_hours(entry.id, WorkingHoursPatch(end=MONDAY + 2 * H))
    assert (refused.value.capability, refused.value.flag) == ("working hours", Capability.WORKING_HOURS)
    assert Capability.WORKING_HOURS not in alice.capabilities
    sent = len(world.fake.requests)
    with pytest.raises(Unsupported):  # known now: no request at all
        await alice.list_working_hours(MONDAY, MONDAY + H)
    assert len(world.fake.requests) == sent
    again = await world.factory.bind(world.identity("alice"))
    assert Capability.WORKING_HOURS not in again.capabilities
    assert Capability.TIMER in again.capabilities and await again.list_clients() == []
    assert Capability.WORKING_HOURS in bob.capabilities  # another connection is not affected
    assert [e.id for e in await bob.list_working_hours(MONDAY, MONDAY + H)] == []


def test_refusals_are_bounded_and_keyed_without_the_secret() -> None:
    from adapters.refusals import Refusals

    refusals = Refusals(size=2)
    keys = [Refusals.key(Connection("timeghost", f"secret-{i}", "w")) for i in range(3)]
    assert all("secret" not in k for k in keys) and len(set(keys)) == 3
    for key in keys:
        refusals.add(key, Capability.WORKING_HOURS)
    assert refusals.of(keys[0]) == Capability(0)  # the least recently used was forgotten (tried again)
    assert refusals.of(keys[2]) == Capability.WORKING_HOURS
