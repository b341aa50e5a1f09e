"""Teams' limits per conversation and per tenant, in one process and shared by several through Redis; a 429
slows that bucket for everyone."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.activity import Activity, OutgoingMessage
from bot.transport.connector import ConnectorClient
from bot.transport.ratelimit import (
    TEAMS_PER_CONVERSATION,
    ConversationRateLimiter,
    RateLimits,
    RedisPermits,
    Window,
    permits_from_settings,
)
from tests.support.redis import prefix, require_redis
from tests.transport.conftest import FAST_RETRY, make_activity, make_settings

TENANT_LIMITS = RateLimits(per_conversation=(), per_tenant=(Window(3, 0.3),))


def test_the_defaults_are_teams_limits_and_there_is_no_process_cap() -> None:
    defaults = RateLimits()
    assert defaults.per_conversation == (
        Window(7, 1.0),
        Window(8, 2.0),
        Window(60, 30.0),
        Window(1800, 3600.0),
    )
    assert defaults.per_tenant and all(w.max_calls / w.period < 50 for w in defaults.per_tenant)
    assert defaults.overall == ()


async def test_one_tenant_at_its_limit_does_not_hold_up_another() -> None:
    limiter = ConversationRateLimiter(TENANT_LIMITS)
    started = time.monotonic()
    for i in range(3):
        await limiter.acquire(f"a{i}", "tenant-a")
    await asyncio.wait_for(limiter.acquire("b0", "tenant-b"), 0.05)
    assert time.monotonic() - started < 0.1
    await limiter.acquire("a3", "tenant-a")  # the 4th of tenant A in 0.3 s waits
    assert time.monotonic() - started >= 0.29


async def test_many_tenants_together_send_far_more_than_fifty_per_second() -> None:
    limiter = ConversationRateLimiter(RateLimits())
    started = time.monotonic()
    await asyncio.gather(*(limiter.acquire(f"c{t}-{i}", f"t{t}") for t in range(20) for i in range(10)))
    assert time.monotonic() - started < 0.5  # 200 sends of 20 tenants: no 40/s process cap any more


async def test_a_429_blocks_the_conversation_and_slows_its_tenant() -> None:
    limiter = ConversationRateLimiter(
        RateLimits(per_conversation=(Window(7, 1.0),), per_tenant=(Window(4, 0.5),))
    )
    await limiter.throttled("c", 0.6, "t")
    started = time.monotonic()
    await limiter.acquire("one", "t")  # the tenant is halved to 2 per 0.5 s while the 429 lasts
    await limiter.acquire("two", "t")
    assert time.monotonic() - started < 0.1
    await limiter.acquire("three", "t")
    assert time.monotonic() - started >= 0.45
    await asyncio.wait_for(limiter.acquire("elsewhere", "t2"), 0.05)  # other tenants are not slowed
    await limiter.acquire("c", "t")  # the throttled conversation waits out Retry-After
    assert time.monotonic() - started >= 0.59


async def test_the_connector_reports_a_429_to_the_buckets(fake_connector) -> None:
    limiter = ConversationRateLimiter(RateLimits.unlimited())
    client = ConnectorClient(permits=limiter, retry=FAST_RETRY)
    fake_connector.fail_next(429, headers={"Retry-After": "0.3"})
    activity = Activity.model_validate(make_activity(fake_connector.url))
    started = time.monotonic()
    await client.send(activity, OutgoingMessage(text="hi"))
    assert time.monotonic() - started >= 0.29
    conversation = limiter._conversations[activity.conversation.id]
    assert conversation.blocked_until > 0
    await client.close()


# ---- several processes: Redis ------------------------------------------------------------------------------


@pytest.fixture
async def redis_url() -> str:
    return await require_redis()


async def test_two_processes_share_one_conversation_bucket(redis_url: str) -> None:
    shared = prefix()
    limits = RateLimits(per_conversation=(Window(4, 0.5),), per_tenant=())
    first = RedisPermits.from_url(redis_url, limits, prefix=shared)
    second = RedisPermits.from_url(redis_url, limits, prefix=shared)
    admitted: list[float] = []

    async def send(permits: RedisPermits) -> None:
        await permits.acquire("conv", "tenant")
        admitted.append(time.monotonic())

    await asyncio.gather(*(send(first if i % 2 else second) for i in range(10)))
    admitted.sort()
    # Never more than 4 admissions in any 0.5 s, across both "processes" (a little slack for clock reads).
    for i in range(len(admitted) - 4):
        assert admitted[i + 4] - admitted[i] >= 0.45
    await first.close()
    await second.close()


async def test_the_tenant_bucket_is_shared_and_other_tenants_are_not_held_up(redis_url: str) -> None:
    shared = prefix()
    first = RedisPermits.from_url(redis_url, TENANT_LIMITS, prefix=shared)
    second = RedisPermits.from_url(redis_url, TENANT_LIMITS, prefix=shared)
    for i in range(3):
        await (first if i % 2 else second).acquire(f"c{i}", "busy")
    started = time.monotonic()
    await asyncio.wait_for(second.acquire("quiet-conv", "quiet"), 0.1)
    await first.acquire("c3", "busy")
    assert time.monotonic() - started >= 0.2
    await first.close()
    await second.close()


async def test_a_429_seen_by_one_process_slows_the_other(redis_url: str) -> None:
    shared = prefix()
    first = RedisPermits.from_url(redis_url, RateLimits(), prefix=shared)
    second = RedisPermits.from_url(redis_url, RateLimits(), prefix=shared)
    await first.throttled("conv", 0.3, "tenant")
    started = time.monotonic()
    await second.acquire("conv", "tenant")
    assert time.monotonic() - started >= 0.25
    await first.close()
    await second.close()


async def test_redis_down_means_local_limits_not_lost_replies() -> None:
    permits = RedisPermits.from_url("redis://127.0.0.1:1/0", RateLimits(), prefix=prefix())
    await asyncio.wait_for(permits.acquire("conv", "tenant"), 5)
    await permits.throttled("conv", 0.01, "tenant")
    await permits.close()


def test_settings_choose_redis_when_configured() -> None:
    assert isinstance(permits_from_settings(make_settings()), ConversationRateLimiter)
    assert isinstance(
        permits_from_settings(make_settings(redis_url="redis://127.0.0.1:6379/0")), RedisPermits
    )
    assert TEAMS_PER_CONVERSATION[0] == Window(7, 1.0)


def test_every_window_carries_a_margin_for_the_way_to_teams() -> None:
    """A send is counted when its permit is given and by Teams when it arrives, a varying moment later: the
    bot's windows are a little longer than Teams' so that a burst at the limit is not answered 429."""
    from bot.transport.ratelimit import SlidingWindowLimiter

    limits = RateLimits(per_conversation=(Window(2, 1.0),), margin=0.25)
    limiter = SlidingWindowLimiter(limits.padded(limits.per_conversation), clock=lambda: 0.0)
    limiter.admit(0.0)
    limiter.admit(0.0)
    assert limiter.delay(1.0) == pytest.approx(0.25)  # Teams' window is over; ours waits the margin more
    assert limiter.delay(1.25) == 0
    assert RateLimits().margin > 0
