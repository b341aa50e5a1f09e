"""Toggl Focus has no webhooks: the poller finds what changed since its last look, within Focus's quota.

The person subscribes their personal chat; entries made in Focus itself (another device) are reported,
the first look only records what exists, and each look costs one list call.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import BackendFactory, Identity
from adapters.credentials import Connection
from adapters.http import RetryPolicy
from adapters.models import TimeEntryDraft, TimeEntryPatch
from bot.store.connections import ConnectionStore
from bot.store.state import UserPrefs
from tests.fakes.focus import FakeFocus
from tests.support.notify_world import notify_world, readable

ALICE = Identity("tenant-1", "alice", "Alice")
FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02, max_retry_after=1.0, deadline=3.0)


async def test_entries_changed_in_focus_reach_the_personal_chat(engine: AsyncEngine) -> None:
    from adapters.focus import FocusBackendFactory

    async with FakeFocus() as focus:
        org = focus.add_organization("Contoso", ("Main",))
        member = focus.add_member(org, "Alice", "alice@example.com", admin=True)

        def remote(connections: ConnectionStore) -> dict[str, BackendFactory]:
            return {"focus": FocusBackendFactory(focus.url, connections, retry=FAST)}

        async with notify_world(engine, remote, poll_seconds=0.3) as world:
            assert world.services.connections is not None
            extra = {"organization_id": str(org.id)}
            await world.services.connections.save(ALICE, Connection("focus", member.token, None, extra))
            await world.services.store.save_prefs(
                UserPrefs(tenant_id="tenant-1", aad_object_id="alice", backend="focus")
            )
            backend = await world.bot.backends.bind(ALICE, "focus")
            start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
            existing = await backend.create_time_entry(
                TimeEntryDraft(start=start, end=start + timedelta(hours=1), description="old")
            )

            said = readable(await world.say("subscribe times"))
            assert "Toggl Focus has no webhooks: I look for changes every minute." in said
            assert world.bot.notifications is not None and world.bot.notifications.fanout is not None
            [poller] = world.bot.notifications.fanout.pollers
            await world.until(lambda: poller.polls >= 1)  # the first look: seeds, tells nothing
            await asyncio.sleep(0.5)
            assert len(world.shown("a:alice")) == 1

            # Made in Focus itself (the bot's backend object stands in for another device's app).
            later = start + timedelta(hours=1, minutes=30)
            await backend.create_time_entry(
                TimeEntryDraft(start=later, end=later + timedelta(minutes=45), description="from the app")
            )
            await backend.update_time_entry(existing.id, TimeEntryPatch(description="old, renamed"))
            await world.until(lambda: len(world.shown("a:alice")) >= 2, within=15)
            await world.settle()
            text = readable(world.shown("a:alice")[-1])
            assert ("from the app" in text and "old, renamed" in text) or "2 changes" in text
            polls = poller.polls
            await asyncio.sleep(1.0)
            assert poller.polls - polls <= 4  # one list call per look, no more
