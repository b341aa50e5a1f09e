"""One change subscribed by 200 conversations reaches each of them once, through a fake connector that
enforces Teams' limits — here stricter than the bot's own (20 per second for the app), so it answers 429
with Retry-After like Teams does and the bot has to honour it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from bot.activity import Activity
from bot.notify.subscriptions import Subscription
from tests.support.harness import activity_json
from tests.support.notify_world import notify_world, readable
from tests.support.teams_connector import TEAMS_PER_CONVERSATION, TeamsConnector

CONVERSATIONS = 200


async def test_one_change_reaches_200_conversations_once_through_teams_limits(engine: AsyncEngine) -> None:
    teams = TeamsConnector(per_conversation=TEAMS_PER_CONVERSATION, overall=((20, 1.0),))
    async with notify_world(engine, teams=teams) as world:
        await world.say("status")  # Alice exists; her workspace is the one subscribed
        alice = await world.bot.backends.bind(_alice(), "local")
        now = datetime.now(UTC)
        for i in range(CONVERSATIONS):
            conversation = f"19:channel-{i}@thread.tacv2"
            ref = activity_json(conversation_id=conversation, conversation_type="channel",
                                service_url=world.teams.url)  # fmt: skip
            await world.services.store.save_conversation_ref(
                conversation, "tenant-1", _reference(ref), scope="channel"
            )
            await world.subscriptions.put(
                Subscription(
                    conversation_id=conversation,
                    tenant_id="tenant-1",
                    scope="channel",
                    backend="local",
                    workspace_id=alice.workspace.id,
                    entity="projects",
                    events=["created", "changed", "deleted"],
                    projects=[],
                    owner_tenant_id="tenant-1",
                    owner_aad_object_id="alice",
                    owner_user_id=alice.user.id,
                    owner_name="Alice",
                    locale="de-DE" if i % 2 else "en-US",
                    timezone="Europe/Berlin",
                ),
                now,
            )
        world.teams.reset()
        await world.say("project add Website")  # one change, in Alice's personal chat
        await world.settle(within=120)
        delivered = Counter(conv for _t, method, conv, _id in world.teams.accepted if method == "POST")
        delivered.pop("a:alice", None)
        assert len(delivered) == CONVERSATIONS and set(delivered.values()) == {1}
        assert world.teams.throttled > 0  # Teams said 429 and the bot waited as told
        german = readable(world.shown("19:channel-1@thread.tacv2")[-1])
        assert "Projekt angelegt" in german and "Website" in german
        assert "Project created" in readable(world.shown("19:channel-0@thread.tacv2")[-1])
        # It backed off as told instead of hammering: far fewer 429s than sends.
        assert world.teams.throttled < CONVERSATIONS // 2, world.teams.throttled


def _alice() -> Identity:
    return Identity("tenant-1", "alice", "Alice")


def _reference(activity: dict[str, Any]) -> dict[str, Any]:
    return Activity.model_validate(activity).reference()
