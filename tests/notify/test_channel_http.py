"""A channel subscribes and sees changes made elsewhere, over real HTTP, on the local backend (its writes
record their changes in the same transaction), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity, WorkspaceSettingsWriter
from adapters.models import TimeEntryDraft
from tests.http.test_teams_http import action, card_text
from tests.support.cards import assert_valid_card
from tests.support.harness import activity_json
from tests.support.notify_world import CHANNEL, NotifyWorld, notify_world, readable


@pytest.fixture
async def world(engine: AsyncEngine) -> AsyncIterator[NotifyWorld]:
    async with notify_world(engine) as made:
        yield made


async def channel(world: NotifyWorld, text: str, **kw: Any) -> str:
    card = await world.say(text, conversation_id=CHANNEL, conversation_type="channel", **kw)
    assert_valid_card(card)
    return card_text(card)


async def test_a_project_made_in_another_chat_appears_in_the_subscribed_channel_once(
    world: NotifyWorld,
) -> None:
    said = await channel(world, "subscribe projects")
    assert "Subscribed to projects" in said
    await world.say("project add Website")  # Alice, in her personal chat
    await world.settle()
    [shown] = world.shown(CHANNEL)[1:]  # after the bot's reply to `subscribe`
    assert_valid_card(shown)
    text = card_text(shown)
    assert "Project created" in text and "Website" in text and "by Alice" in text
    await world.settle()
    assert len(world.shown(CHANNEL)) == 2  # the card came once


async def test_time_entries_show_what_changed_old_to_new(world: NotifyWorld) -> None:
    await world.say("project add Website")
    await channel(world, "subscribe times")
    await world.say("log 9:00-10:00 @website design review yesterday")  # past whatever the clock
    await world.settle()
    first = card_text(world.shown(CHANNEL)[-1])
    assert "Time entry added" in first and "design review" in first and "Website" in first
    await world.say("edit last 9:00-11:00")
    await world.settle()
    # Two changes within the window: one message, updated in place into the digest.
    cards = world.shown(CHANNEL)
    assert len(cards) == 2
    digest = card_text(cards[-1])
    assert "2 changes" in digest and "Time entry changed" in digest
    assert [r.method for r in world.teams.messages if r.conversation_id == CHANNEL][-1] == "PUT"


async def test_without_coalescing_a_change_card_shows_old_to_new(engine: AsyncEngine) -> None:
    async with notify_world(engine, window=timedelta(0)) as world:  # every change is its own card
        await world.say("project add Website")
        await channel(world, "subscribe times changed")
        await world.say("log 9:00-10:00 @website review yesterday")
        await world.settle()
        assert len(world.shown(CHANNEL)) == 1  # `created` is not subscribed: only the bot's reply
        await world.say("edit last 9:00-11:00")
        await world.settle()
        text = readable(world.shown(CHANNEL)[-1])
        assert "Time entry changed" in text
        assert re.search(r"^End: \w+ \d+ \w+ 10:00 → \w+ \d+ \w+ 11:00$", text, re.MULTILINE), text
        assert "Start:" not in text  # only what changed


async def test_personal_subscribe_times_hears_of_changes_made_elsewhere_only(world: NotifyWorld) -> None:
    said = card_text(await world.say("subscribe times"))
    assert "your time entries change elsewhere" in said
    await world.say('log 1h "review" yesterday')  # in the personal chat itself: its reply says so
    await world.settle()
    assert len(world.shown("a:alice")) == 2  # the two replies, no notification
    await world.say('log 30m "standup"', conversation_id="19:team@thread.v2", conversation_type="groupChat")
    await world.settle()
    text = card_text(world.shown("a:alice")[-1])
    assert "Time entry added" in text and "standup" in text


async def test_personal_chat_takes_times_only(world: NotifyWorld) -> None:
    assert "own time entries only" in card_text(await world.say("subscribe projects"))


async def test_only_admins_subscribe_where_only_admins_create_projects(world: NotifyWorld) -> None:
    await world.say("project add Website")  # Alice is the first user: the workspace's admin
    alice = await world.bot.backends.bind(_identity("alice", "Alice"), "local")
    assert isinstance(alice, WorkspaceSettingsWriter)
    policy = alice.workspace.settings.model_copy(update={"admin_only_master_data": True})
    await alice.set_workspace_settings(policy)
    said = await channel(world, "subscribe projects", user="bob", name="Bob")
    assert "only admins may subscribe" in said
    assert await world.subscriptions.of_conversation(CHANNEL) == []
    assert "Subscribed" in await channel(world, "subscribe projects")


async def test_unsubscribe_and_the_subscriptions_card(world: NotifyWorld) -> None:
    await channel(world, "subscribe times projects created")
    listed = await world.say("subscriptions", conversation_id=CHANNEL, conversation_type="channel")
    assert_valid_card(listed)
    text = card_text(listed)
    assert "**time entries**: created" in text and "**projects**: created" in text
    assert "No more notifications here for projects" in await channel(world, "unsubscribe projects")
    assert [s.entity for s in await world.subscriptions.of_conversation(CHANNEL)] == ["times"]
    assert "had no such subscription" in await channel(world, "unsubscribe tags")


async def test_the_toggles_card_subscribes_and_unsubscribes(world: NotifyWorld) -> None:
    card = await world.say("subscriptions", conversation_id=CHANNEL, conversation_type="channel")
    save = action(card, "subscriptions_save")
    value = {
        "action": {
            "type": "Action.Execute",
            "verb": save["verb"],
            "data": {
                **save["data"],
                "sub_tags": "true",
                "sub_times": "true",
                "sub_projects": "false",
                "events": "created,deleted",
            },
        }
    }
    status, body = await world.post(
        activity_json(
            value=value,
            kind="invoke",
            invoke_name="adaptiveCard/action",
            user="alice",
            name="Alice",
            conversation_id=CHANNEL,
            conversation_type="channel",
            service_url=world.teams.url,
        )
    )
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert_valid_card(body["value"])
    subs = {s.entity: s.events for s in await world.subscriptions.of_conversation(CHANNEL)}
    assert subs == {"times": ["created", "deleted"], "tags": ["created", "deleted"]}


async def test_removing_the_bot_forgets_the_channel(world: NotifyWorld) -> None:
    await channel(world, "subscribe projects")
    removal = activity_json(
        conversation_id=CHANNEL,
        conversation_type="channel",
        kind="conversationUpdate",
        service_url=world.teams.url,
    )
    removal["membersRemoved"] = [{"id": "28:timebot", "name": "timebot"}]
    assert (await world.post(removal))[0] == 200
    assert await world.subscriptions.of_conversation(CHANNEL) == []
    await world.say("project add Website")
    await world.settle()
    assert len(world.shown(CHANNEL)) == 1  # only the reply to `subscribe`


async def test_a_403_from_teams_drops_the_channel_instead_of_retrying(world: NotifyWorld) -> None:
    await channel(world, "subscribe projects")
    world.teams.gone.add(CHANNEL)
    await world.say("project add Website")
    await world.settle()
    assert await world.subscriptions.of_conversation(CHANNEL) == []
    rows = await world.queue.rows(CHANNEL)
    assert [r["status"] for r in rows] == ["dropped"] and "403" in rows[0]["last_error"]
    await world.say("project add Intranet")
    await world.settle()
    assert sum(1 for r in world.teams.requests if r.conversation_id == CHANNEL and r.method == "POST") == 2


async def test_undo_from_the_card_is_for_the_author_only(world: NotifyWorld) -> None:
    await channel(world, "subscribe times")
    # Yesterday: a `log 1h` just after midnight would reach into the future, which is asked, not logged.
    await world.say('log 1h "review" yesterday')
    await world.settle()
    card = world.shown(CHANNEL)[-1]
    undo = action(card, "change_undo")

    async def press(user: str, name: str) -> str:
        value = {"action": {"type": "Action.Execute", "verb": undo["verb"], "data": undo["data"]}}
        status, body = await world.post(
            activity_json(
                value=value,
                kind="invoke",
                invoke_name="adaptiveCard/action",
                user=user,
                name=name,
                conversation_id=CHANNEL,
                conversation_type="channel",
                service_url=world.teams.url,
            )
        )
        assert status == 200
        return card_text(body["value"])

    assert "Only the person who made this change" in await press("bob", "Bob")
    assert "Undone: review" in await press("alice", "Alice")
    alice = await world.bot.backends.bind(_identity("alice", "Alice"), "local")
    now = datetime.now(UTC)
    assert await alice.list_time_entries(now - timedelta(days=2), now + timedelta(days=1)) == []


async def test_a_bulk_import_of_500_entries_is_one_digest_updated_in_place(engine: AsyncEngine) -> None:
    # A window long enough that a slow machine imports all 500 within it (30 s was not, under load).
    async with notify_world(engine, window=timedelta(minutes=15)) as world:
        await _bulk_import_is_one_digest(world)


async def _bulk_import_is_one_digest(world: NotifyWorld) -> None:
    await world.say("status")  # Alice exists
    await channel(world, "subscribe times")
    alice = await world.bot.backends.bind(_identity("alice", "Alice"), "local")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
    for i in range(500):
        at = start + timedelta(hours=i)
        await alice.create_time_entry(
            TimeEntryDraft(start=at, end=at + timedelta(minutes=30), description=f"import {i}")
        )
    await world.settle(within=60)
    cards = world.shown(CHANNEL)
    assert len(cards) == 2  # the reply to `subscribe`, and one digest
    digest = cards[-1]
    assert_valid_card(digest)
    assert "500 changes" in card_text(digest)
    posts = [r for r in world.teams.messages if r.conversation_id == CHANNEL and r.method == "POST"]
    puts = [r for r in world.teams.messages if r.conversation_id == CHANNEL and r.method == "PUT"]
    assert len(posts) == 2 and 1 <= len(puts) < 60  # updated in place, not a message per change


def _identity(user: str, name: str) -> Identity:
    return Identity("tenant-1", user, name)
