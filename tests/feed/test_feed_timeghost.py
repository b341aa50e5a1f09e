"""On timeghost the posted event also becomes a custom feed event in the person's timeghost feed (added by
the key's admin, with the person's timeghost user id, through the connector's Add Custom Feed Event); the bot
keeps its own copy, since timeghost cannot list them, and books from it into the person's timeghost times."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.credentials import Connection, StaticConnections
from adapters.http import RetryPolicy
from adapters.timeghost import TimeghostBackendFactory
from bot.store.state import UserPrefs
from tests.fakes.timeghost import FakeTimeghost
from tests.feed.conftest import ALICE, BOB, World, make_world, secret_of
from tests.http.test_teams_http import actions, card_text
from tests.support.harness import TENANT

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 17, 17, 0, tzinfo=BERLIN)


@pytest.fixture
async def timeghost_world(engine: AsyncEngine) -> AsyncIterator[tuple[World, FakeTimeghost, str]]:
    fake = FakeTimeghost()
    url = await fake.start()
    workspace = fake.add_workspace("Contoso")
    connections = StaticConnections()
    for who, name, admin in ((ALICE, "Alice", True), (BOB, "Bob", False)):
        _, key = fake.add_user(workspace, name, f"{name.lower()}@contoso.example", admin=admin)
        connections.add(Identity(TENANT, who, name), Connection("timeghost", key, workspace))
    factory = TimeghostBackendFactory(
        url, connections, retry=RetryPolicy(base_delay=0.01, max_delay=0.02, deadline=5.0), cosmos_delay=0.01
    )
    try:
        async for world in make_world(engine, NOW, factories={"timeghost": factory}):
            for who in (ALICE, BOB):
                await world.services.store.save_prefs(
                    UserPrefs(
                        tenant_id=TENANT, aad_object_id=who, backend="timeghost", workspace_id=workspace
                    )
                )
            yield world, fake, workspace
    finally:
        await factory.close()
        await fake.close()
    assert not fake.violations, fake.violations


async def test_a_timeghost_feed_event_is_added_for_the_person_and_booked_from_the_copy(
    timeghost_world: tuple[World, FakeTimeghost, str],
) -> None:
    world, fake, workspace = timeghost_world
    key = secret_of(await world.say("feed key add Planner"))
    await world.say("help", user=BOB)  # Bob has a personal chat with the bot
    body = {
        "name": "Design review",
        "user": "bob@contoso.example",  # a UPN: timeghost knows its people's e-mail addresses
        "start": "2026-11-17T10:00:00+01:00",
        "end": "2026-11-17T11:00:00+01:00",
        "iconUrl": "https://example.com/planner.png",
        "category": "Planner",
        "externalId": "task-7",
    }
    status, stored = await world.api("POST", "/api/feed", body, key=key)
    assert status == 201, stored
    bob_id = next(u.id for u in fake.users.values() if u.name == "Bob")
    remote = fake.workspaces[workspace].tables["feed"][stored["tracker"]["id"]]
    assert remote["user"] == {"id": bob_id} and remote["imageUrl"] == "https://example.com/planner.png"
    assert (remote["name"], remote["category"], remote["externalId"]) == (
        "Design review",
        "Planner",
        "task-7",
    )
    # A change goes to timeghost too (Update Custom Feed Event).
    status, _ = await world.api("PATCH", "/api/feed/task-7", {"name": "Design review (v2)"}, key=key)
    assert status == 200 and remote["name"] == "Design review (v2)"
    # Bob's feed comes from the bot's copy (the card was pushed when the event came; the tap books what the
    # event is now) into his timeghost times.
    [pushed] = await world.delivered(world.chat(BOB))
    assert "Design review" in card_text(pushed)
    book = next(a for a in actions(pushed) if a["data"]["verb"] == "feed_book")
    booked = await world.press(book, user=BOB)
    assert "Booked **Design review (v2)**" in card_text(booked)
    bob = await world.bot.backends.bind(Identity(TENANT, BOB, "Bob"), "timeghost")
    [entry] = await bob.list_time_entries(NOW - timedelta(hours=12), NOW)
    assert entry.description == "Design review (v2)" and entry.user_id == bob_id
    assert "Nothing left to book" in card_text(await world.say("feed", user=BOB))
