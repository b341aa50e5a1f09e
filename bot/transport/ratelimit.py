"""Outbound rate limits: Teams' limits per conversation and per app per tenant, for the whole deployment.

Teams allows a bot, in each conversation, 7 messages in 1 s, 8 in 2 s, 60 in 30 s and 1,800 in an hour, and an
app 50 requests per second per tenant. So one busy tenant waits for its own bucket only; 128 tenants may
together send far more than 50/s.

`Permits` is the one API every sender uses (the connector's replies, proactive messages, notification
workers): `await permits.acquire(conversation_id, tenant_id)` waits until both buckets have room and counts
the send; `await permits.throttled(conversation_id, retry_after, tenant_id)` reports a 429 from Teams, which
blocks that conversation for `Retry-After` and halves the tenant's rate for as long (Teams does not say which
limit it enforced) — for every process.

Two implementations: `ConversationRateLimiter`, in-process sliding windows (one bot process, SQLite), and
`RedisPermits`, the same windows in Redis so that several processes share them (one Lua script per send:
both buckets are checked and counted atomically, on Redis' clock). Within a process, waiters of one
conversation are served in order (asyncio.Lock is fair), so its replies keep their order.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    max_calls: int
    period: float  # seconds


TEAMS_PER_CONVERSATION = (Window(7, 1.0), Window(8, 2.0), Window(60, 30.0), Window(1800, 3600.0))
# Teams: 50 RPS per app per tenant. 40 leaves room for how sends bunch up on their way (counted here when
# permitted, by Teams when they arrive): a second of Teams' holds at most 50 of ours even if they spread
# over 1.25 s when permitted (45/s drew 429s from a loaded machine: tests/replicas/test_two_processes.py).
TEAMS_PER_TENANT = (Window(40, 1.0),)


@dataclass(frozen=True)
class RateLimits:
    """Per-conversation and per-tenant windows (Teams' limits by default); `overall` is an optional cap on the
    whole process, off by default (Teams has no such limit)."""

    per_conversation: tuple[Window, ...] = TEAMS_PER_CONVERSATION
    overall: tuple[Window, ...] = ()
    per_tenant: tuple[Window, ...] = TEAMS_PER_TENANT
    # Forget idle per-conversation (and per-tenant) limiters once there are more than this many.
    max_tracked_conversations: int = 10_000
    # Seconds added to every per-conversation window: a send is counted when its permit is given, Teams
    # counts it when it arrives, a varying moment later (a busy event loop, the network); without the margin
    # a burst at the limit is sometimes answered 429. The tenant's 40/s already keeps below Teams' 50/s
    # (padding it too made a tenant that Teams throttles draw more 429s: tests/notify/test_fanout_http.py).
    margin: float = 0.25

    def padded(self, windows: Sequence[Window]) -> tuple[Window, ...]:
        return tuple(Window(w.max_calls, w.period + self.margin) for w in windows)

    @classmethod
    def unlimited(cls) -> RateLimits:
        return cls(per_conversation=(), overall=(), per_tenant=())


class Permits(Protocol):
    """Where a sender gets its permit to post into a conversation, and reports Teams' 429s."""

    async def acquire(self, conversation_id: str, tenant_id: str = "") -> None: ...

    async def throttled(self, conversation_id: str, retry_after: float, tenant_id: str = "") -> None: ...

    async def close(self) -> None: ...


@dataclass
class SlidingWindowLimiter:
    windows: Sequence[Window]
    clock: Callable[[], float] = time.monotonic
    _stamps: deque[float] = field(default_factory=deque)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    blocked_until: float = 0.0  # after a 429: nothing passes before this
    slowed_until: float = 0.0  # after a 429: half the rate until this

    def __post_init__(self) -> None:
        self._longest = max((w.period for w in self.windows), default=0.0)

    def delay(self, now: float) -> float:
        stamps = self._stamps
        while stamps and stamps[0] <= now - self._longest:
            stamps.popleft()
        delay = max(0.0, self.blocked_until - now)
        slowed = self.slowed_until > now
        for window in self.windows:
            limit = max(1, window.max_calls // 2) if slowed else window.max_calls
            if len(stamps) >= limit:
                # The limit-th most recent admission; while it is inside the window, the window is full.
                oldest_relevant = stamps[-limit]
                if oldest_relevant > now - window.period:
                    delay = max(delay, oldest_relevant + window.period - now)
        return delay

    def admit(self, now: float) -> None:
        self._stamps.append(now)

    async def acquire(self) -> None:
        if not self.windows and not self.blocked_until:
            return
        async with self._lock:
            while (delay := self.delay(self.clock())) > 0:  # noqa: ASYNC110 (waiting for a time, not an event)
                await asyncio.sleep(delay)
            self.admit(self.clock())

    def idle(self) -> bool:
        """Nothing waiting and nothing admitted within the longest window: safe to forget."""
        if self._lock.locked():
            return False
        now = self.clock()
        recent = self._stamps and self._stamps[-1] > now - self._longest
        return not recent and self.blocked_until <= now and self.slowed_until <= now


class ConversationRateLimiter:
    """In-process `Permits`: one limiter per conversation, one per tenant, and the optional process cap."""

    def __init__(
        self, limits: RateLimits | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or RateLimits()
        self._clock = clock
        self._overall = SlidingWindowLimiter(self.limits.overall, clock)
        self._conversations: dict[str, SlidingWindowLimiter] = {}
        self._tenants: dict[str, SlidingWindowLimiter] = {}

    def _limiter(
        self, table: dict[str, SlidingWindowLimiter], key: str, windows: Sequence[Window]
    ) -> SlidingWindowLimiter:
        limiter = table.get(key)
        if limiter is None:
            if len(table) >= self.limits.max_tracked_conversations:
                for idle in [k for k, lim in table.items() if lim.idle()]:
                    del table[idle]
            if table is self._conversations:  # the tenant's 40/s is already below Teams' 50/s
                windows = self.limits.padded(windows)
            limiter = table[key] = SlidingWindowLimiter(tuple(windows), self._clock)
        return limiter

    async def acquire(self, conversation_id: str, tenant_id: str = "") -> None:
        if self.limits.per_conversation or conversation_id in self._conversations:
            await self._limiter(self._conversations, conversation_id, self.limits.per_conversation).acquire()
        if self.limits.per_tenant or tenant_id in self._tenants:
            await self._limiter(self._tenants, tenant_id, self.limits.per_tenant).acquire()
        await self._overall.acquire()

    async def throttled(self, conversation_id: str, retry_after: float, tenant_id: str = "") -> None:
        until = self._clock() + max(0.0, retry_after)
        conversation = self._limiter(self._conversations, conversation_id, self.limits.per_conversation)
        conversation.blocked_until = max(conversation.blocked_until, until)
        tenant = self._limiter(self._tenants, tenant_id, self.limits.per_tenant)
        tenant.slowed_until = max(tenant.slowed_until, until)

    async def close(self) -> None:
        return None

    @property
    def tracked_conversations(self) -> int:
        return len(self._conversations)


# ---- shared across processes: Redis ------------------------------------------------------------------------

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local blocked = tonumber(redis.call('GET', KEYS[3]) or '0')
if blocked > now then wait = blocked - now end
local slowed = redis.call('EXISTS', KEYS[4]) == 1
local i = 2
local longest = {0, 0}
for b = 1, 2 do
  local n = tonumber(ARGV[i]); i = i + 1
  for _ = 1, n do
    local max = tonumber(ARGV[i]); local period = tonumber(ARGV[i + 1]); i = i + 2
    if b == 2 and slowed then max = math.max(1, math.floor(max / 2)) end
    if period > longest[b] then longest[b] = period end
    if redis.call('ZCOUNT', KEYS[b], now - period + 1, '+inf') >= max then
      local r = redis.call('ZREVRANGE', KEYS[b], max - 1, max - 1, 'WITHSCORES')
      local w = tonumber(r[2]) + period - now
      if w > wait then wait = w end
    end
  end
end
if wait > 0 then return wait end
for b = 1, 2 do
  if longest[b] > 0 then
    redis.call('ZADD', KEYS[b], now, ARGV[1])
    redis.call('ZREMRANGEBYSCORE', KEYS[b], '-inf', now - longest[b])
    redis.call('PEXPIRE', KEYS[b], longest[b])
  end
end
return 0
"""

_THROTTLED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ms = tonumber(ARGV[1])
local untl = now + ms
if untl > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], untl, 'PX', ms + 1000)
end
redis.call('SET', KEYS[2], 1, 'PX', math.max(ms, 1000))
return untl
"""


def _windows_args(windows: Sequence[Window]) -> list[int]:
    return [len(windows), *(v for w in windows for v in (w.max_calls, max(1, round(w.period * 1000))))]


class RedisPermits:
    """`Permits` shared by every process through Redis (redis-py asyncio; see docs/scaling.md).

    If Redis cannot be reached the sends go on under an in-process limiter (logged once), so an outage of
    the limiter never stops the replies.
    """

    def __init__(self, client: Any, limits: RateLimits | None = None, *, prefix: str = "timebot:rl:") -> None:
        self.limits = limits or RateLimits()
        self._redis = client
        self._prefix = prefix
        self._acquire = client.register_script(_ACQUIRE)
        self._throttled = client.register_script(_THROTTLED)
        self._args = [
            *_windows_args(self.limits.padded(self.limits.per_conversation)),
            *_windows_args(self.limits.per_tenant),
        ]
        self._fallback = ConversationRateLimiter(self.limits)
        self._order: dict[str, asyncio.Lock] = {}
        self._degraded = False

    @classmethod
    def from_url(
        cls, url: str, limits: RateLimits | None = None, *, prefix: str = "timebot:rl:"
    ) -> RedisPermits:
        from redis.asyncio import Redis

        return cls(Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0), limits, prefix=prefix)

    def _keys(self, conversation_id: str, tenant_id: str) -> list[str]:
        p = self._prefix
        return [
            f"{p}c:{conversation_id}",
            f"{p}t:{tenant_id}",
            f"{p}cb:{conversation_id}",
            f"{p}ts:{tenant_id}",
        ]

    async def acquire(self, conversation_id: str, tenant_id: str = "") -> None:
        lock = self._order.get(conversation_id)
        if lock is None:
            if len(self._order) >= self.limits.max_tracked_conversations:
                for key in [k for k, lk in self._order.items() if not lk.locked()]:
                    del self._order[key]
            lock = self._order[conversation_id] = asyncio.Lock()
        async with lock:
            keys = self._keys(conversation_id, tenant_id)
            while True:
                try:
                    wait_ms = int(await self._acquire(keys=keys, args=[os.urandom(6).hex(), *self._args]))
                except Exception as exc:  # redis.RedisError, OSError: keep sending, limited locally
                    self._warn(exc)
                    await self._fallback.acquire(conversation_id, tenant_id)
                    return
                if wait_ms <= 0:
                    return
                await asyncio.sleep(wait_ms / 1000)

    async def throttled(self, conversation_id: str, retry_after: float, tenant_id: str = "") -> None:
        await self._fallback.throttled(conversation_id, retry_after, tenant_id)
        keys = self._keys(conversation_id, tenant_id)
        try:
            await self._throttled(keys=[keys[2], keys[3]], args=[max(1, round(retry_after * 1000))])
        except Exception as exc:
            self._warn(exc)

    def _warn(self, exc: Exception) -> None:
        if not self._degraded:
            log.warning(
                "rate limits in Redis unavailable (%s); limiting in this process only", type(exc).__name__
            )
            self._degraded = True

    async def close(self) -> None:
        await self._redis.aclose()


def permits_from_settings(settings: Any, limits: RateLimits | None = None) -> Permits:
    """Redis when `TIMEBOT_REDIS_URL` is set (several processes), else in-process buckets (one process)."""
    url = getattr(settings, "redis_url", "")
    if url:
        prefix = f"timebot:{getattr(settings, 'app_id', '') or 'local'}:rl:"
        return RedisPermits.from_url(url, limits, prefix=prefix)
    return ConversationRateLimiter(limits)
