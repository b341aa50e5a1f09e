"""Webhook intake per backend, over real HTTP, from fakes that deliver like the real services: a channel
subscribes (registering the webhook with the subscriber's credentials), a valid delivery becomes one card,
and forged, replayed, malformed, unknown and oversized deliveries are refused and change nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import BackendFactory, Identity
from adapters.credentials import Connection
from adapters.http import RetryPolicy
from adapters.models import TimeEntryDraft
from bot.store import tables as t
from bot.store.connections import ConnectionStore
from bot.store.state import UserPrefs
from tests.fakes.deliveries import (
    AworkDeliveries,
    TogglDeliveries,
    compact,
    timeghost_deliver,
    toggl_signature,
)
from tests.fakes.toggl import FakeToggl
from tests.support.cards import assert_valid_card
from tests.support.harness import activity_json
from tests.support.notify_world import CHANNEL, NotifyWorld, notify_world, readable

FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02, max_retry_after=1.0, deadline=3.0)
ALICE = Identity("tenant-1", "alice", "Alice")


async def use(world: NotifyWorld, backend: str, connection: Connection) -> None:
    assert world.services.connections is not None
    await world.services.connections.save(ALICE, connection)
    await world.services.store.save_prefs(
        UserPrefs(tenant_id="tenant-1", aad_object_id="alice", backend=backend)
    )


async def subscribe(world: NotifyWorld, text: str = "subscribe times") -> str:
    card = await world.say(text, conversation_id=CHANNEL, conversation_type="channel")
    assert_valid_card(card)
    return readable(card)


async def stored_changes(world: NotifyWorld) -> int:
    async with world.queue.engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(t.changes))).scalar_one())


async def refused_changes_nothing(world: NotifyWorld, path: str, raw: bytes, headers: dict[str, str]) -> int:
    before_changes, before_cards = await stored_changes(world), len(world.shown(CHANNEL))
    status, _ = await world.webhook(path, raw, headers)
    await world.settle()
    assert await stored_changes(world) == before_changes
    assert len(world.shown(CHANNEL)) == before_cards
    return status


# ---- Toggl Track ------------------------------------------------------------------------------------------


@dataclass
class TogglWorld:
    world: NotifyWorld
    toggl: FakeToggl
    deliveries: TogglDeliveries
    workspace: int


@pytest.fixture
async def toggl(engine: AsyncEngine) -> AsyncIterator[TogglWorld]:
    from adapters.toggl.factory import TogglBackendFactory

    fake = await FakeToggl().start()
    account = fake.add_account("Alice", "alice@example.com", timezone="Europe/Berlin")

    def remote(connections: ConnectionStore) -> dict[str, BackendFactory]:
        return {
            "toggl": TogglBackendFactory(
                fake.track_url, fake.reports_url, fake.webhooks_url, connections=connections, retry=FAST
            )
        }

    try:
        async with notify_world(engine, remote) as world:
            await use(world, "toggl", Connection("toggl", account.api_token))
            assert account.default_workspace_id is not None
            yield TogglWorld(world, fake, TogglDeliveries(fake).install(), account.default_workspace_id)
    finally:
        await fake.stop()


async def toggl_entry(tw: TogglWorld, note: str) -> dict[str, Any]:
    backend = await tw.world.bot.backends.bind(ALICE, "toggl")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    made = await backend.create_time_entry(
        TimeEntryDraft(start=start, end=start + timedelta(hours=1), description=note)
    )
    return tw.toggl._entry_out(tw.toggl.entries[int(made.id)])


async def test_toggl_subscribing_registers_a_validated_signed_webhook_once(toggl: TogglWorld) -> None:
    assert "Subscribed" in await subscribe(toggl.world)
    [sub] = toggl.toggl.subscriptions.values()
    assert sub["validated_at"] is not None  # the PING during create was answered with its validation_code
    assert sub["url_callback"].startswith(toggl.world.url + "/api/webhooks/toggl/")
    assert sub["event_filters"] == [{"entity": "time_entry", "action": "*"}]
    await toggl.world.say(
        "subscribe times", conversation_id="19:other@thread.tacv2", conversation_type="channel"
    )
    assert len(toggl.toggl.subscriptions) == 1  # once per workspace, however many channels
    await subscribe(toggl.world, "subscribe projects")
    [sub] = toggl.toggl.subscriptions.values()  # replaced, with both entities
    assert {f["entity"] for f in sub["event_filters"]} == {"time_entry", "project"}
    await toggl.world.say("unsubscribe", conversation_id="19:other@thread.tacv2", conversation_type="channel")
    assert len(toggl.toggl.subscriptions) == 1
    await toggl.world.say("unsubscribe", conversation_id=CHANNEL, conversation_type="channel")
    assert toggl.toggl.subscriptions == {}  # the last subscription went: the webhook too


async def test_toggl_a_signed_event_becomes_one_card_and_its_retry_changes_nothing(toggl: TogglWorld) -> None:
    await subscribe(toggl.world)
    payload = await toggl_entry(toggl, "client call")
    [sent] = await toggl.deliveries.event(toggl.workspace, "time_entry", "created", payload)
    assert sent.status == 200
    await toggl.world.settle()
    card = toggl.world.shown(CHANNEL)[-1]
    assert_valid_card(card)
    assert "Time entry added" in readable(card) and "client call" in readable(card)
    # Toggl retries with the same event_id and a new timestamp (a new signature): accepted, not re-notified.
    body = json.loads(sent.body)
    body["timestamp"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    [sub] = toggl.toggl.subscriptions.values()
    retry = await toggl.deliveries.send(sub, body)
    assert retry.status == 200
    await toggl.world.settle()
    assert len(toggl.world.shown(CHANNEL)) == 2  # the reply to `subscribe` and the one card


async def test_toggl_refuses_forged_replayed_malformed_unknown_and_oversized(toggl: TogglWorld) -> None:
    await subscribe(toggl.world)
    payload = await toggl_entry(toggl, "x")
    [sent] = await toggl.deliveries.event(toggl.workspace, "time_entry", "created", payload)
    await toggl.world.settle()
    path = sent.url.removeprefix(toggl.world.url)
    [sub] = toggl.toggl.subscriptions.values()
    world = toggl.world

    forged = json.loads(sent.body)
    forged["event_id"] = 424242
    raw = compact(forged)
    assert (
        await refused_changes_nothing(
            world, path, raw, {"X-Webhook-Signature-256": sent.headers["X-Webhook-Signature-256"]}
        )
        == 401
    )
    assert (
        await refused_changes_nothing(
            world, path, raw, {"X-Webhook-Signature-256": toggl_signature("guess", raw)}
        )
        == 401
    )
    assert await refused_changes_nothing(world, path, raw, {}) == 401
    assert await refused_changes_nothing(world, path, sent.body, sent.headers) == 401  # the same bytes again

    stale = json.loads(sent.body)
    stale.update(event_id=777, timestamp=(datetime.now(UTC) - timedelta(hours=1)).isoformat())
    raw = compact(stale)
    assert (
        await refused_changes_nothing(
            world, path, raw, {"X-Webhook-Signature-256": toggl_signature(sub["secret"], raw)}
        )
        == 401
    )

    raw = b'{"event_id": 5, "payload": '  # signed, but not JSON
    assert (
        await refused_changes_nothing(
            world, path, raw, {"X-Webhook-Signature-256": toggl_signature(sub["secret"], raw)}
        )
        == 400
    )

    fresh = json.loads(sent.body)
    fresh.update(event_id=778, timestamp=datetime.now(UTC).isoformat())
    raw = compact(fresh)
    headers = {"X-Webhook-Signature-256": toggl_signature(sub["secret"], raw)}
    assert await refused_changes_nothing(world, "/api/webhooks/toggl/not-a-subscription", raw, headers) == 404
    assert await refused_changes_nothing(world, path.replace("/toggl/", "/awork/"), raw, headers) == 404

    huge = json.loads(sent.body)
    huge["payload"]["description"] = "x" * 300_000
    raw = compact(huge)
    assert (
        await refused_changes_nothing(
            world, path, raw, {"X-Webhook-Signature-256": toggl_signature(sub["secret"], raw)}
        )
        == 413
    )


# ---- awork ------------------------------------------------------------------------------------------------


@dataclass
class AworkWorld:
    world: NotifyWorld
    fake: Any
    deliveries: AworkDeliveries


@pytest.fixture
async def awork(engine: AsyncEngine) -> AsyncIterator[AworkWorld]:
    from adapters.awork import AworkBackendFactory
    from tests.fakes.awork import FakeAwork, serve

    fake = FakeAwork()
    runner, url = await serve(fake)
    _, token = fake.add_user("Alice", "Smith")

    def remote(connections: ConnectionStore) -> dict[str, BackendFactory]:
        return {"awork": AworkBackendFactory(url, connections, retry=FAST)}

    try:
        async with notify_world(engine, remote) as world:
            await use(world, "awork", Connection("awork", token))
            yield AworkWorld(world, fake, AworkDeliveries())
    finally:
        await runner.cleanup()


async def awork_setup(aw: AworkWorld) -> None:
    """What the awork admin does once: the URL and the secret header from `subscriptions` in personal chat."""
    channel_card = await subscribe(aw.world)
    assert "personal chat" in channel_card and "X-Timebot-Secret" not in channel_card
    personal = readable(await aw.world.say("subscriptions"))
    url = personal.split("URL: ")[1].splitlines()[0].replace("\\", "")
    header = personal.split("Header: ")[1].splitlines()[0].replace("\\", "")
    value = personal.split("Value: ")[1].splitlines()[0].replace("\\", "")
    assert url.startswith(aw.world.url + "/api/webhooks/awork/") and header == "x-timebot-secret"
    aw.deliveries.configure(url, header, value)


async def awork_entry(aw: AworkWorld, note: str) -> dict[str, Any]:
    backend = await aw.world.bot.backends.bind(ALICE, "awork")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    made = await backend.create_time_entry(
        TimeEntryDraft(
            start=start, end=start + timedelta(hours=1), description=note, timezone="Europe/Berlin"
        )
    )
    return aw.fake._entry_json(aw.fake.entries[made.id])


async def test_awork_a_delivery_with_the_secret_header_becomes_one_card(awork: AworkWorld) -> None:
    await awork_setup(awork)
    entity = await awork_entry(awork, "sprint planning")
    body = awork.deliveries.body(
        "timetracking_added", entity, entity_type="timetracking", by=("u1", "Carla", "Creative")
    )
    [sent] = await awork.deliveries.send(body)
    assert sent.status == 200
    [again] = await awork.deliveries.send(body)  # awork retries the same delivery: acknowledged, nothing new
    assert again.status == 200
    await awork.world.settle()
    cards = awork.world.shown(CHANNEL)
    assert len(cards) == 2
    text = readable(cards[-1])
    assert "Time entry added" in text and "sprint planning" in text and "by Carla Creative" in text


async def test_awork_refuses_forged_malformed_unknown_and_oversized(awork: AworkWorld) -> None:
    await awork_setup(awork)
    [hook] = awork.deliveries.webhooks
    path = hook.url.removeprefix(awork.world.url)
    entity = await awork_entry(awork, "x")
    raw = compact(
        awork.deliveries.body("timetracking_added", entity, entity_type="timetracking", by=("u", "A", "B"))
    )
    world = awork.world
    assert await refused_changes_nothing(world, path, raw, {hook.header_name: "wrong"}) == 401
    assert await refused_changes_nothing(world, path, raw, {}) == 401
    good = {hook.header_name: hook.header_value}
    assert await refused_changes_nothing(world, path, b"[1, 2", good) == 400
    assert (
        await refused_changes_nothing(world, path, compact({"eventType": "timetracking_added"}), good) == 400
    )
    assert await refused_changes_nothing(world, "/api/webhooks/awork/nope", raw, good) == 404
    assert await refused_changes_nothing(world, path, b"{" + b" " * 300_000 + b"}", good) == 413


# ---- timeghost --------------------------------------------------------------------------------------------


@dataclass
class TimeghostWorld:
    world: NotifyWorld
    fake: Any
    workspace: str
    user_id: str


@pytest.fixture
async def timeghost(engine: AsyncEngine) -> AsyncIterator[TimeghostWorld]:
    from adapters.timeghost import TimeghostBackendFactory
    from tests.fakes.timeghost import FakeTimeghost

    fake = FakeTimeghost()
    url = await fake.start()
    workspace = fake.add_workspace("Contoso")
    user_id, key = fake.add_user(workspace, "Alice", admin=True)

    def remote(connections: ConnectionStore) -> dict[str, BackendFactory]:
        return {"timeghost": TimeghostBackendFactory(url, connections, retry=FAST, cosmos_delay=0.01)}

    try:
        async with notify_world(engine, remote) as world:
            await use(world, "timeghost", Connection("timeghost", key, workspace))
            yield TimeghostWorld(world, fake, workspace, user_id)
    finally:
        await fake.close()


def times_response(tg: TimeghostWorld, note: str, status: str = "created") -> dict[str, Any]:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    return {
        "id": "time-1",
        "name": note,
        "deleted": False,
        "billable": False,
        "user": {"id": tg.user_id, "name": "Alice"},
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "timeDiff": 3600,
        "tags": [],
        "created": start.isoformat(),
        "modified": (start + timedelta(hours=1)).isoformat(),
        "status": status,
        "timeZone": "Europe/Berlin",
    }


async def test_timeghost_triggers_are_registered_per_entity_with_basic_auth_and_deliver(
    timeghost: TimeghostWorld,
) -> None:
    await subscribe(timeghost.world, "subscribe times projects")
    hooks = timeghost.fake.workspaces[timeghost.workspace].webhooks
    assert sorted(h["entity"] for h in hooks) == ["projects", "times"]
    assert all(h["config"]["basicAuth"]["userName"] == "timebot" and "timebot" in h["name"] for h in hooks)
    # The very same delivery twice (two times_response() calls a second boundary apart differ in their
    # stamps: a new change, rightly; that made the test fail now and then under load).
    delivery = times_response(timeghost, "design review")
    [sent] = await timeghost_deliver(hooks, "times", delivery)
    assert sent.status == 200
    again = await timeghost_deliver(hooks, "times", delivery)
    assert [s.status for s in again] == [200]
    await timeghost.world.settle()
    cards = timeghost.world.shown(CHANNEL)
    assert len(cards) == 2 and "design review" in readable(cards[-1]) and "by Alice" in readable(cards[-1])
    await timeghost.world.say("unsubscribe", conversation_id=CHANNEL, conversation_type="channel")
    after = await timeghost_deliver(hooks, "times", times_response(timeghost, "late", "updated"))
    assert [s.status for s in after] == []  # re-registered inactive: timeghost stops sending


async def test_timeghost_refuses_wrong_credentials_malformed_unknown_and_oversized(
    timeghost: TimeghostWorld,
) -> None:
    await subscribe(timeghost.world)
    [hook] = timeghost.fake.workspaces[timeghost.workspace].webhooks
    path = hook["config"]["url"].removeprefix(timeghost.world.url)
    raw = compact(times_response(timeghost, "x"))
    world = timeghost.world
    import base64

    def basic(user: str, password: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}

    good = basic("timebot", hook["config"]["basicAuth"]["pass"])
    assert await refused_changes_nothing(world, path, raw, basic("timebot", "guess")) == 401
    assert await refused_changes_nothing(world, path, raw, {}) == 401
    assert await refused_changes_nothing(world, path, b"not json", good) == 400
    assert await refused_changes_nothing(world, path, compact({"id": "t", "status": "weird"}), good) == 400
    assert await refused_changes_nothing(world, path.split("?")[0] + "?entity=nonsense", raw, good) == 400
    assert await refused_changes_nothing(world, "/api/webhooks/timeghost/nope?entity=times", raw, good) == 404
    assert await refused_changes_nothing(world, path, b"[" + b"0," * 200_000 + b"0]", good) == 413


async def test_toggl_removing_the_bot_forgets_the_endpoint_when_only_feed_subscriptions_remain(
    toggl: TogglWorld,
) -> None:
    await subscribe(toggl.world, "subscribe times")
    await toggl.world.say(
        "subscribe feed", conversation_id="19:feed-only@thread.tacv2", conversation_type="channel"
    )
    workspace = str(toggl.workspace)
    endpoint = await toggl.world.subscriptions.endpoint_for("toggl", workspace)
    assert endpoint is not None
    removal = activity_json(
        conversation_id=CHANNEL,
        conversation_type="channel",
        kind="conversationUpdate",
        service_url=toggl.world.teams.url,
    )
    removal["membersRemoved"] = [{"id": "28:timebot", "name": "timebot"}]
    assert (await toggl.world.post(removal))[0] == 200
    assert await toggl.world.subscriptions.endpoint_for("toggl", workspace) is None  # feed needs no webhook
    path = f"/api/webhooks/toggl/{endpoint.token}"
    assert (await toggl.world.webhook(path, b"{}", {}))[0] == 404  # its deliveries are refused now
