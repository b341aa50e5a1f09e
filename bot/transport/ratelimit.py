"""Outbound rate limits: Teams allows a bot 7 messages/s and 60/30 s per conversation and 50 RPS per app.

A small sliding-window limiter (no dependency): a limiter remembers when it admitted its recent calls and
makes the next caller wait until every window has room. Waiters are served in FIFO order (asyncio.Lock is
fair), so the replies of one conversation keep their order.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Window:
    max_calls: int
    period: float  # seconds


@dataclass(frozen=True)
class RateLimits:
    """Per-conversation and process-wide windows; the defaults are Teams' limits (global below 50/s)."""

    per_conversation: tuple[Window, ...] = (Window(7, 1.0), Window(60, 30.0))
    overall: tuple[Window, ...] = (Window(40, 1.0),)
    # Forget idle per-conversation limiters once there are more than this many.
    max_tracked_conversations: int = 10_000

    @classmethod
    def unlimited(cls) -> RateLimits:
        return cls(per_conversation=(), overall=())


@dataclass
class SlidingWindowLimiter:
    windows: Sequence[Window]
    clock: Callable[[], float] = time.monotonic
    _stamps: deque[float] = field(default_factory=deque)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self._longest = max((w.period for w in self.windows), default=0.0)

    def _delay(self, now: float) -> float:
        stamps = self._stamps
        while stamps and stamps[0] <= now - self._longest:
            stamps.popleft()
        delay = 0.0
        for window in self.windows:
            if len(stamps) >= window.max_calls:
                # The max_calls-th most recent admission; while it is inside the window, the window is full.
                oldest_relevant = stamps[-window.max_calls]
                if oldest_relevant > now - window.period:
                    delay = max(delay, oldest_relevant + window.period - now)
        return delay

    async def acquire(self) -> None:
        if not self.windows:
            return
        async with self._lock:
            while True:
                now = self.clock()
                delay = self._delay(now)
                if delay <= 0:
                    self._stamps.append(now)
                    return
                await asyncio.sleep(delay)

    def idle(self) -> bool:
        """Nothing waiting and nothing admitted within the longest window: safe to forget."""
        if self._lock.locked():
            return False
        return not self._stamps or self._stamps[-1] <= self.clock() - self._longest


class ConversationRateLimiter:
    """One limiter per conversation plus one for the whole process."""

    def __init__(
        self, limits: RateLimits | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or RateLimits()
        self._clock = clock
        self._overall = SlidingWindowLimiter(self.limits.overall, clock)
        self._conversations: dict[str, SlidingWindowLimiter] = {}

    async def acquire(self, conversation_key: str) -> None:
        if self.limits.per_conversation:
            limiter = self._conversations.get(conversation_key)
            if limiter is None:
                if len(self._conversations) >= self.limits.max_tracked_conversations:
                    self._prune()
                limiter = SlidingWindowLimiter(self.limits.per_conversation, self._clock)
                self._conversations[conversation_key] = limiter
            await limiter.acquire()
        await self._overall.acquire()

    def _prune(self) -> None:
        for key in [k for k, lim in self._conversations.items() if lim.idle()]:
            del self._conversations[key]

    @property
    def tracked_conversations(self) -> int:
        return len(self._conversations)
