"""Two bot processes deliver the notification queue together; one is killed with SIGKILL mid-delivery. The
other takes its leased rows over: every channel gets every card, in the order the changes happened, and the
only repeats are the sends that were in flight in the killed process (at most one per conversation)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from pathlib import Path

import aiohttp
import pytest

from adapters.backend import Identity
from bot.notify.queue import NotificationQueue
from tests.replicas.conftest import replicas
from tests.support.db import engine_for, postgres_schema
from tests.support.harness import activity_json
from tests.support.notify_world import readable, subscribed_channels
from tests.support.teams_connector import TEAMS_PER_CONVERSATION, TeamsConnector

pytestmark = pytest.mark.postgres

CHANNELS = 40
PROJECTS = ("Apollo", "Borealis", "Cygnus")
CONCURRENCY = 4
ALICE = Identity("tenant-1", "alice", "Alice")


async def prepare(url: str, teams_url: str) -> None:
    await subscribed_channels(url, teams_url, ALICE, CHANNELS, "kill")


def cards_by_channel(teams: TeamsConnector) -> dict[str, list[str]]:
    """Per channel, which project each accepted card announced, in the order Teams accepted them."""
    shown: dict[str, list[str]] = defaultdict(list)
    for _t, method, conversation, activity_id in teams.accepted:
        if method != "POST" or not conversation.startswith("19:kill-"):
            continue
        body = teams.conversations[conversation][activity_id]
        text = "\n".join(readable(a["content"]) for a in body.get("attachments") or [])
        shown[conversation].extend(p for p in PROJECTS if p in text)
    return shown


async def test_sigkill_of_one_of_two_processes_loses_nothing_and_keeps_each_channels_order(
    tmp_path: Path,
) -> None:
    # Teams takes 20 cards a second for the app: 120 cards take ~6 s, time enough to kill one process.
    teams = TeamsConnector(per_conversation=TEAMS_PER_CONVERSATION, overall=((20, 1.0),))
    async with teams, postgres_schema() as url:
        await prepare(url, teams.url)
        settings = {
            "notify_window_seconds": "0",  # a card per change: three cards per channel, in order
            "notify_lease_seconds": "2",
            "notify_concurrency": str(CONCURRENCY),
        }
        async with replicas(tmp_path, url=url, **settings) as (a, b), aiohttp.ClientSession() as session:
            for project in PROJECTS:
                message = activity_json(f"project add {project}", user="alice", name="Alice",
                                        service_url=teams.url)  # fmt: skip
                async with session.post(f"{a.url}/api/messages", json=message) as resp:
                    assert resp.status == 200
            # Mid-delivery: every change fanned out into the queue (a change a process dies with while fanning
            # it out comes back after its lease, minutes later), a quarter of the cards out.
            async with engine_for(url, migrate=False) as engine:
                queue = NotificationQueue(engine)
                while sum((await queue.counts()).values()) < CHANNELS * len(PROJECTS):  # noqa: ASYNC110
                    await asyncio.sleep(0.02)
            while sum(len(v) for v in cards_by_channel(teams).values()) < 30:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
            a.kill()
            await a.process.wait()
            at_kill = sum(len(v) for v in cards_by_channel(teams).values())
            deadline = time.monotonic() + 90
            while (
                not all(set(v) == set(PROJECTS) for v in cards_by_channel(teams).values())
                or len(cards_by_channel(teams)) < CHANNELS
            ):
                assert time.monotonic() < deadline, f"{cards_by_channel(teams)}\n{b.output()}"
                await asyncio.sleep(0.1)
            await asyncio.sleep(3.0)  # past the lease: anything left would have come back by now
    shown = cards_by_channel(teams)
    assert at_kill < CHANNELS * len(PROJECTS)  # it really died mid-way
    assert len(shown) == CHANNELS
    for conversation, projects in shown.items():
        first_seen = list(dict.fromkeys(projects))
        assert first_seen == list(PROJECTS), (conversation, projects)  # nothing lost, in order
    repeats = Counter(c for c, projects in shown.items() for n in Counter(projects).values() if n > 1)
    assert all(n == 1 for n in repeats.values())  # at most one repeated card per channel
    assert len(repeats) <= CONCURRENCY, repeats  # only what the killed process had in flight
    print(f"\n{at_kill} of {CHANNELS * len(PROJECTS)} cards out at SIGKILL, {len(repeats)} repeated after it")
