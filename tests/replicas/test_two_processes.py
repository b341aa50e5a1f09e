"""Two real bot processes (`timebot serve`) on one PostgreSQL schema and one Redis act as one deployment.

The fake Teams connector enforces Teams' limits (429 + Retry-After): sharing one conversation's and one
tenant's traffic, the two processes together never exceed them. A tenant flooding leaves another tenant's
bucket alone. A change made through one process is what the other answers next (its caches are dropped
over LISTEN/NOTIFY), and an activity Teams delivers to both is answered once.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.transport.ratelimit import TEAMS_PER_TENANT
from tests.replicas.conftest import Replica, replicas, reply_text
from tests.support.harness import activity_json
from tests.support.redis import require_redis
from tests.support.teams_connector import TeamsConnector

pytestmark = pytest.mark.postgres

TEAMS_CONVERSATION = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
# Teams states the tenant limit as a rate (50 requests per second). The fake measures it over 3 s: still far
# below two unshared buckets (2 × 40 a second: 240 in 3 s), but not tripped by how a loaded test machine
# bunches sends up on their way (over 2 s, a process starved for half a second between permit and send drew
# 429s); the conversation limits are Teams' windows exactly.
TEAMS_TENANT = ((150, 3.0),)
BUCKETS = "timebot:local:rl:"  # the shared buckets' keys (local mode: no app id)
FLOODERS = 150  # conversations of one tenant, two messages each: ~7.5 s at 40 a second
TENANT_BUCKET = TEAMS_PER_TENANT[0].max_calls  # the bot's own per-tenant limit (40 a second)


def _ids() -> tuple[str, str]:
    run = uuid.uuid4().hex[:10]
    return f"tenant-{run}", run


async def _post_all(
    session: aiohttp.ClientSession, pairs: list[tuple[Replica, dict[str, Any]]], *, pace: float = 0.0
) -> None:
    """Post every activity (each to its replica) and wait for all answers; `pace` seconds between posts."""

    async def one(replica: Replica, activity: dict[str, Any]) -> None:
        async with session.post(f"{replica.url}/api/messages", json=activity) as resp:
            assert resp.status in (200, 201, 202), await resp.text()

    tasks = []
    for replica, activity in pairs:
        tasks.append(asyncio.create_task(one(replica, activity)))
        if pace:
            await asyncio.sleep(pace)
    await asyncio.gather(*tasks)


async def test_one_conversation_shared_by_two_processes_stays_within_teams_limits(tmp_path) -> None:
    redis_url = await require_redis()
    teams = TeamsConnector(per_conversation=TEAMS_CONVERSATION, overall=(), per_tenant=TEAMS_TENANT)
    tenant, run = _ids()
    conversation = f"a:shared-{run}"
    async with teams, replicas(tmp_path, redis_url=redis_url) as (a, b), aiohttp.ClientSession() as session:
        sent = [
            activity_json(
                "help", user=f"u-{run}", tenant=tenant, conversation_id=conversation, service_url=teams.url
            )
            for _ in range(24)
        ]
        await _post_all(session, [((a, b)[i % 2], activity) for i, activity in enumerate(sent)])
    answered = {r.json.get("replyToId") for r in teams.messages}
    assert {s["id"] for s in sent} <= answered  # every message answered
    assert teams.throttled == 0, (
        teams.refused
    )  # and Teams never had to say 429: the bucket is one for both processes
    # Each process alone may send 7 a second: had the buckets been per process, 24 sends would have come
    # faster than Teams takes them. The accepted sends show the shared pace.
    stamps = sorted(t for t, method, c, _ in teams.accepted if c == conversation and method == "POST")
    assert len(stamps) >= 24
    assert all(later - earlier >= 1.0 for earlier, later in zip(stamps, stamps[7:], strict=False))


async def test_one_tenant_flooding_through_both_processes_leaves_other_tenants_alone(tmp_path) -> None:
    """The flood keeps within Teams' limit for its tenant, for both processes together, and another tenant's
    sends never wait for a permit: its bucket holds only its own few sends while the flood's is full.
    (Structural, read from the shared buckets in Redis; how fast it is answered is the bench's.)"""
    redis_url = await require_redis()
    teams = TeamsConnector(per_conversation=TEAMS_CONVERSATION, overall=(), per_tenant=TEAMS_TENANT)
    tenant, run = _ids()
    quiet_tenant = f"quiet-{run}"
    buckets = Redis.from_url(redis_url)
    async with teams, replicas(tmp_path, redis_url=redis_url) as (a, b), aiohttp.ClientSession() as session:
        flood = [
            activity_json("help", user=f"u{i % 10}-{run}", tenant=tenant,
                          conversation_id=f"a:flood-{i}-{run}", service_url=teams.url)
            for i in range(FLOODERS) for _ in range(2)
        ]  # fmt: skip
        quiet = [
            activity_json("help", user=f"q{i}-{run}", tenant=quiet_tenant,
                          conversation_id=f"a:quiet-{i}-{run}", service_url=teams.url)
            for i in range(4)
        ]  # fmt: skip
        # Faster than the tenant's bucket lets replies out (40 a second), not so fast that sends bunch up.
        pairs = [((a, b)[i % 2], m) for i, m in enumerate(flood)]
        flooding = asyncio.create_task(_post_all(session, pairs, pace=0.02))
        # The quiet tenant speaks once the flood has filled its tenant's bucket (Teams took all of it).
        while _accepted(teams, "a:flood-") < TENANT_BUCKET:  # noqa: ASYNC110 (watching another server's log)
            await asyncio.sleep(0.01)
        quieting = asyncio.create_task(_post_all(session, [((a, b)[i % 2], m) for i, m in enumerate(quiet)]))
        flood_full, quiet_most = 0, 0
        while not quieting.done():
            flood_full = max(flood_full, await buckets.zcard(f"{BUCKETS}t:{tenant}"))
            quiet_most = max(quiet_most, await buckets.zcard(f"{BUCKETS}t:{quiet_tenant}"))
            await asyncio.sleep(0.02)
        await quieting
        slowed = await buckets.exists(f"{BUCKETS}ts:{quiet_tenant}")
        await flooding
    await buckets.aclose()
    # Teams counts sends as they arrive: a process starved of CPU between permit and send (the landing runs
    # four suites on two cores) lets a few bunch up past the 3 s window now and then (3 of 300 seen). That
    # the two processes share one bucket is checked exactly below, from the bucket itself (per-process
    # buckets would leave it empty).
    assert teams.throttled <= 5, teams.refused
    answered = {r.json.get("replyToId") for r in teams.messages}
    assert {m["id"] for m in flood + quiet} <= answered
    assert flood_full == TENANT_BUCKET  # it waited for its bucket, one for both processes (never above)
    assert 0 < quiet_most <= len(quiet) and not slowed  # the quiet tenant's bucket: its own sends, never full


def _accepted(teams: TeamsConnector, prefix: str) -> int:
    return sum(1 for _t, _m, conversation, _i in teams.accepted if conversation.startswith(prefix))


async def test_a_change_through_one_process_is_what_the_other_answers_next(tmp_path) -> None:
    redis_url = await require_redis()
    teams = TeamsConnector(per_conversation=(), overall=())
    tenant, run = _ids()
    user = f"ada-{run}"

    def say(text: str) -> dict[str, Any]:
        conversation = f"a:ada-{run}"
        return activity_json(
            text, user=user, tenant=tenant, conversation_id=conversation, service_url=teams.url, tz=None
        )  # no zone from Teams: the bot answers with the person's own setting

    async with teams, replicas(tmp_path, redis_url=redis_url) as (a, b), aiohttp.ClientSession() as session:

        async def ask(replica: Replica, text: str) -> str:
            activity = say(text)
            await _post_all(session, [(replica, activity)])
            return reply_text(teams, activity["id"])

        # B reads (and caches) preferences, reference data and today's entries.
        assert "UTC" in await ask(b, "timezone")
        assert "Kiosk" not in await ask(b, "projects")
        # Yesterday: a `log 45m` just after midnight would end in the future (asked, not logged).
        assert "45 min" not in await ask(b, "yesterday")
        # A changes each of them.
        await ask(a, "timezone Europe/Berlin")
        await ask(a, "project add Kiosk")
        await ask(a, "log 45m @Kiosk yesterday")
        # B's next answers show the changes.
        assert "Europe/Berlin" in await ask(b, "timezone")
        assert "Kiosk" in await ask(b, "projects")
        assert "45 min" in await ask(b, "yesterday")


async def test_an_activity_delivered_to_both_processes_is_answered_once(tmp_path) -> None:
    redis_url = await require_redis()
    teams = TeamsConnector(per_conversation=(), overall=())
    tenant, run = _ids()
    async with teams, replicas(tmp_path, redis_url=redis_url) as (a, b), aiohttp.ClientSession() as session:
        activity = activity_json("log 30m", user=f"u-{run}", tenant=tenant, conversation_id=f"a:dup-{run}",
                                 service_url=teams.url)  # fmt: skip
        await _post_all(session, [(a, activity), (b, json.loads(json.dumps(activity)))])
        await asyncio.sleep(0.5)
    replies = [r for r in teams.messages if r.json.get("replyToId") == activity["id"]]
    assert len(replies) == 1, [r.json for r in replies]
