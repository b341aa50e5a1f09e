"""The awork adapter against the stateful fake awork server (tests/fakes/awork.py) on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.awork import AworkBackend, AworkBackendFactory, service_account_connections
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
from adapters.models import ClientDraft, ProjectDraft, TagDraft, TaskDraft, TimeEntryDraft, TimeEntryPatch
from adapters.timer import start_timer, stop_timer
from tests.fakes.awork import FakeAwork, serve

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.02, max_retry_after=1.0, deadline=5.0)
H = timedelta(hours=1)
ALICE = Identity(tenant_id="t1", aad_object_id="aad-alice", name="Alice", email="alice@example.com")
BOB = Identity(tenant_id="t1", aad_object_id="aad-bob", name="Bob")
MONDAY = datetime(2024, 5, 13, tzinfo=UTC)


@dataclass
class World:
    fake: FakeAwork
    url: str
    connections: StaticConnections
    factory: AworkBackendFactory
    alice: AworkBackend

    def calls(self, method: str, prefix: str) -> list[str]:
        return [p for m, p in self.fake.requests if m == method and p.startswith("/api/v1/" + prefix)]


@pytest.fixture
async def world() -> AsyncIterator[World]:
    fake = FakeAwork()
    runner, url = await serve(fake)
    _, alice_token = fake.add_user("Alice")
    _, bob_token = fake.add_user("Bob")
    connections = StaticConnections()
    connections.add(ALICE, Connection("awork", alice_token))
    connections.add(BOB, Connection("awork", bob_token))
    factory = AworkBackendFactory(url, connections, retry=FAST, page_size=3)
    alice = await factory.bind(ALICE)
    try:
        yield World(fake, url, connections, factory, alice)
    finally:
        await factory.close()
        await runner.cleanup()


async def _log(backend: Backend, start: datetime, hours: float = 1) -> str:
    return (await backend.create_time_entry(TimeEntryDraft(start=start, end=start + hours * H))).id


async def test_bind_matches_the_awork_user_and_declares_capabilities(world: World) -> None:
    alice = world.alice
    assert isinstance(alice, Backend)
    assert (alice.kind, alice.user.name, alice.workspace.id) == ("awork", "Alice", world.fake.workspace_id)
    assert alice.user.aad_object_id == "aad-alice"
    assert Capability.TIMER in alice.capabilities and Capability.WORKING_HOURS not in alice.capabilities
    assert Capability.TAGS not in alice.capabilities
    assert world.calls("GET", "users/me")
    assert "aw-" not in repr(alice)  # the token never shows


async def test_bind_without_a_connection_or_with_a_bad_token_is_unauthorized(world: World) -> None:
    with pytest.raises(Unauthorized):
        await world.factory.bind(Identity(tenant_id="t1", aad_object_id="nobody", name="Nobody"))
    world.connections.add(BOB, Connection("awork", "revoked-token"))
    with pytest.raises(Unauthorized):
        await world.factory.bind(BOB)
    world.connections.add(BOB, Connection("awork", next(iter(world.fake.tokens)), workspace_id="elsewhere"))
    with pytest.raises(Unauthorized):
        await world.factory.bind(BOB)


async def test_a_401_mid_session_is_unauthorized_and_not_retried(world: World) -> None:
    world.fake.tokens.clear()  # the token was revoked in awork
    before = len(world.fake.requests)
    with pytest.raises(Unauthorized):
        await world.alice.list_clients()
    assert len(world.fake.requests) == before + 1


async def test_service_account_mode_only_with_the_env_var() -> None:
    assert await service_account_connections({}).get(ALICE, "awork") is None
    shared = service_account_connections({"TIMEBOT_AWORK_SERVICE_TOKEN": "svc"})
    for who in (ALICE, BOB):
        connection = await shared.get(who, "awork")
        assert connection is not None and connection.secret == "svc" and "svc" not in repr(connection)


async def test_master_data_and_duplicates(world: World) -> None:
    alice = world.alice
    acme = await alice.create_client(ClientDraft(name="Acme"))
    with pytest.raises(Conflict):
        await alice.create_client(ClientDraft(name="ACME"))
    web = await alice.create_project(ProjectDraft(name="Website", client_id=acme.id, billable=True))
    with pytest.raises(Conflict):
        await alice.create_project(ProjectDraft(name="website", client_id=acme.id))
    await alice.create_project(ProjectDraft(name="Website"))  # another client (none): fine
    design = await alice.create_task(TaskDraft(project_id=web.id, name="Design", estimate_seconds=3600))
    with pytest.raises(Conflict):
        await alice.create_task(TaskDraft(project_id=web.id, name="DESIGN"))
    assert [c.name for c in await alice.list_clients()] == ["Acme"]
    projects = {p.id: p for p in await alice.list_projects()}
    assert projects[web.id].client_id == acme.id and projects[web.id].billable
    assert [(t.id, t.project_id, t.estimate_seconds) for t in await alice.list_tasks()] == [
        (design.id, web.id, 3600)
    ]
    body = world.fake.tasks[design.id]
    assert (body["baseType"], body["entityId"]) == ("projecttask", web.id)
    with pytest.raises(Unsupported):
        await alice.create_tag(TagDraft(name="meeting"))
    with pytest.raises(Unsupported):
        await alice.list_tags()


async def test_reference_data_is_cached_and_invalidated_on_change(world: World) -> None:
    alice = world.alice
    await alice.list_projects()
    await alice.list_projects()
    assert len(world.calls("GET", "projects")) == 1
    await alice.create_project(ProjectDraft(name="New"))
    assert [p.name for p in await alice.list_projects()] == ["New"]


async def test_time_entry_fields_on_the_wire(world: World) -> None:
    start = MONDAY + timedelta(hours=7, minutes=30, microseconds=250)
    entry = await world.alice.create_time_entry(
        TimeEntryDraft(start=start, end=start + H, timezone="Europe/Berlin", description="standup")
    )
    stored = world.fake.entries[entry.id]
    assert stored["timezone"] == "Europe/Berlin" and stored["start"] == start
    assert world.fake.types_of_work[stored["typeOfWorkId"]]["name"] == "Development"  # the active type
    assert entry.start == start and entry.end == start + H and entry.timezone == "Europe/Berlin"
    assert await world.alice.get_time_entry(entry.id) == entry
    with pytest.raises(Unsupported):
        await world.alice.create_time_entry(TimeEntryDraft(start=start, end=start + H, tag_ids=["x"]))


async def test_timer_uses_the_user_timer_endpoints(world: World) -> None:
    alice = world.alice
    started = datetime.now(UTC) - H
    timer = await alice.create_time_entry(TimeEntryDraft(start=started, timezone="Europe/Berlin"))
    assert timer.running and abs(timer.start - started) < timedelta(seconds=1)
    assert world.calls("POST", "me/timetracking/start") and world.calls("PUT", "timeentries/")  # backdated
    with pytest.raises(Conflict):
        await alice.create_time_entry(TimeEntryDraft(start=datetime.now(UTC)))
    stopped = await alice.update_time_entry(timer.id, TimeEntryPatch(end=datetime.now(UTC)))
    assert stopped.end is not None and world.calls("POST", "me/timetracking/stop")
    assert await alice.current_timer() is None
    # stopping at an earlier time: stop, then set the end exactly
    again = await alice.create_time_entry(TimeEntryDraft(start=datetime.now(UTC)))
    end = datetime.now(UTC) - timedelta(minutes=1, microseconds=7)
    with pytest.raises(ValidationFailed):
        await alice.update_time_entry(again.id, TimeEntryPatch(end=again.start - H))
    assert (await alice.update_time_entry(again.id, TimeEntryPatch(end=end, start=end - H))).end == end
    with pytest.raises(Unsupported):
        await alice.update_time_entry(again.id, TimeEntryPatch(end=None))


async def test_list_pages_past_one_page_with_aw_totalitems(world: World) -> None:
    ids = [await _log(world.alice, MONDAY + timedelta(days=d % 5, hours=8 + d)) for d in range(7)]
    world.fake.requests.clear()
    listed = await world.alice.list_time_entries(MONDAY, MONDAY + timedelta(days=7))
    assert sorted(e.id for e in listed) == sorted(ids)
    assert [e.start for e in listed] == sorted((e.start for e in listed), reverse=True)
    pages = world.calls("GET", "timeentries")
    assert len(pages) == 3  # 7 entries, pageSize 3: the third page ends at aw-totalitems
    query = parse_qs(urlsplit(pages[0]).query)
    assert query["pageSize"] == ["3"] and query["page"] == ["1"]
    assert query["orderby"] == ["startDateUtc desc,startTimeUtc desc"]
    assert f"userId eq guid'{world.alice.user.id}'" in query["filterby"][0]
    assert "datetime'2024-05-13T00:00'" in query["filterby"][0]
    # a limit stops paging early
    world.fake.requests.clear()
    assert len(await world.alice.list_time_entries(MONDAY, MONDAY + timedelta(days=7), limit=2)) == 2
    assert len(world.calls("GET", "timeentries")) == 1


async def test_429_then_success_honours_ratelimit_reset(world: World) -> None:
    world.fake.fail(429, times=2, method="GET", path="companies")
    assert await world.alice.list_clients() == []
    assert len(world.calls("GET", "companies")) == 3


async def test_429_on_a_write_is_retried_because_nothing_was_done(world: World) -> None:
    world.fake.fail(429, method="POST", path="companies")
    await world.alice.create_client(ClientDraft(name="Acme"))
    assert len(world.calls("POST", "companies")) == 2 and len(world.fake.companies) == 1


async def test_429_for_too_long_is_rate_limited(world: World) -> None:
    world.fake.fail(429, times=5, path="companies", headers={"RateLimit-Reset": "120"})
    with pytest.raises(RateLimited) as caught:
        await world.alice.list_clients()
    assert caught.value.retry_after == 120


async def test_5xx_then_success_on_reads(world: World) -> None:
    await _log(world.alice, MONDAY + 9 * H)
    world.fake.fail(503, times=2, method="GET", path="timeentries")
    assert len(await world.alice.list_time_entries(MONDAY, MONDAY + timedelta(days=1))) == 1
    assert len(world.calls("GET", "timeentries")) == 3


async def test_no_retry_of_post_after_5xx(world: World) -> None:
    world.fake.fail(500, method="POST", path="timeentries")
    with pytest.raises(Unavailable):
        await _log(world.alice, MONDAY + 9 * H)
    assert len(world.calls("POST", "timeentries")) == 1
    world.fake.fail(502, method="POST", path="me/timetracking/start")
    with pytest.raises(Unavailable):
        await world.alice.create_time_entry(TimeEntryDraft(start=datetime.now(UTC)))
    assert len(world.calls("POST", "me/timetracking/start")) == 1


async def test_error_object_maps_to_domain_errors(world: World) -> None:
    alice = world.alice
    with pytest.raises(NotFound):
        await alice.get_time_entry("4f1c5d2e-0000-4000-8000-000000000000")
    with pytest.raises(ValidationFailed, match="ProjectId"):
        await _log_with(alice, project_id="nope")
    with pytest.raises(ValidationFailed, match="should not be empty"):
        await world.factory._client.json(  # the field message of awork's validationErrors
            next(iter(world.fake.tokens)), "POST", "companies", json={"name": ""}
        )
    world.fake.fail(401, code="unauthorized", method="POST", path="companies")
    with pytest.raises(PermissionDenied):  # awork's 401 `unauthorized` = insufficient permissions
        await alice.create_client(ClientDraft(name="Denied"))
    world.fake.fail(400, code="duplication-violation", method="POST", path="companies")
    with pytest.raises(Conflict):
        await alice.create_client(ClientDraft(name="Taken"))
    entry = await _log(alice, MONDAY)
    world.fake.fail(403, code="unauthorized", method="GET", path="timeentries")
    with pytest.raises(PermissionDenied):
        await alice.get_time_entry(entry)
    world.fake.fail(409, code="concurrency-violation", method="PUT", path="timeentries")
    with pytest.raises(Conflict):
        await alice.update_time_entry(entry, TimeEntryPatch(description="late"))


async def _log_with(backend: Backend, **fields: str) -> None:
    await backend.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H, **fields))


async def test_filter_escaping_end_to_end(world: World) -> None:
    """A type-of-work name with a quote travels as an escaped OData literal and matches exactly."""
    tricky = world.fake.add_type_of_work("Kunde's Arbeit & Co")
    world.fake.add_type_of_work("Kunde")
    token = world.fake.add_user("Carol")[1]
    carol = Identity(tenant_id="t1", aad_object_id="aad-carol", name="Carol")
    world.connections.add(carol, Connection("awork", token, extra={"type_of_work": "Kunde's Arbeit & Co"}))
    backend = await world.factory.bind(carol)
    entry = await backend.create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H))
    assert world.fake.entries[entry.id]["typeOfWorkId"] == tricky
    sent = [p for p in world.calls("GET", "typeofwork")][-1]
    assert "%26" in sent  # `&` inside the value is percent-encoded, as the docs require
    assert parse_qs(urlsplit(sent).query)["filterby"] == [
        "isArchived eq false and name eq 'Kunde''s Arbeit & Co'"
    ]


async def test_unknown_type_of_work_is_a_validation_error(world: World) -> None:
    token = world.fake.add_user("Dave")[1]
    dave = Identity(tenant_id="t1", aad_object_id="aad-dave", name="Dave")
    world.connections.add(dave, Connection("awork", token, extra={"type_of_work": "Nope"}))
    with pytest.raises(ValidationFailed, match="type of work"):
        await (await world.factory.bind(dave)).create_time_entry(TimeEntryDraft(start=MONDAY, end=MONDAY + H))


async def test_other_users_entries_are_not_found(world: World) -> None:
    mine = await _log(world.alice, MONDAY + 9 * H)
    bob = await world.factory.bind(BOB)
    for attempt in (
        bob.get_time_entry(mine),
        bob.update_time_entry(mine, TimeEntryPatch(description="hijack")),
        bob.delete_time_entry(mine),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert mine in world.fake.entries
    await world.alice.delete_time_entry(mine)
    assert mine not in world.fake.entries


async def test_fake_rejects_a_bad_filter_and_orderby(world: World) -> None:
    token = next(iter(world.fake.tokens))
    await world.alice.create_client(ClientDraft(name="Acme"))
    for params in ({"filterby": "name eq"}, {"orderby": "name, id"}, {"filterby": "nosuch eq 'x'"}):
        with pytest.raises(ValidationFailed):
            await world.factory._client.json(token, "GET", "companies", params=params)


def test_base_url_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import Settings

    assert Settings().awork_url == "https://api.awork.com/api/v1"
    monkeypatch.setenv("TIMEBOT_AWORK_URL", "http://127.0.0.1:9/api/v1")
    assert Settings().awork_url == "http://127.0.0.1:9/api/v1"


async def test_stop_is_one_call_and_start_after_it_is_one_call(world: World) -> None:
    alice = world.alice
    first = await start_timer(alice, TimeEntryDraft(start=datetime.now(UTC), description="a"))
    before = len(world.fake.requests)
    stopped = await stop_timer(alice, datetime.now(UTC))
    assert stopped is not None and stopped.id == first.entry.id and not stopped.running
    assert world.fake.requests[before:] == [("POST", "/api/v1/me/timetracking/stop")]
    before = len(world.fake.requests)
    second = await start_timer(alice, TimeEntryDraft(start=datetime.now(UTC), description="b"))
    assert second.stopped is None  # "nothing runs" was just seen: no stop call first
    assert world.fake.requests[before:] == [("POST", "/api/v1/me/timetracking/start")]


async def test_a_stop_with_nothing_running_is_told_apart_from_a_refusal(world: World) -> None:
    assert await stop_timer(world.alice, datetime.now(UTC)) is None
    await start_timer(world.alice, TimeEntryDraft(start=datetime.now(UTC)))
    world.fake.fail(400, method="POST", path="me/timetracking/stop", code="validation-failed")
    with pytest.raises(ValidationFailed):
        await stop_timer(world.alice, datetime.now(UTC))
    assert await world.alice.current_timer() is not None
