"""What both load harnesses share: a closed-loop load on `POST /api/messages`, what one run measured, and
the server's CPU time from /proc.

Closed loop: each of `concurrency` virtual users sends its next request as soon as the previous one was
answered, so the server's speed sets the pace (an open loop at a fixed rate would measure the queue).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count as counting
from pathlib import Path

import aiohttp


@dataclass
class Measured:
    """One scenario's run against one server."""

    scenario: str = ""
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    server_cpu: float | None = None  # seconds of CPU the server's processes used during the run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        """The `p` quantile of the latencies, in ms."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    @property
    def cpu_us(self) -> float | None:
        """Server CPU per request in µs: steadier than req/s on a machine whose cores everything shares."""
        if self.server_cpu is None or not self.requests:
            return None
        return self.server_cpu / self.requests * 1e6


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


async def wait_healthy(
    session: aiohttp.ClientSession,
    base: str,
    *,
    alive: Callable[[], bool] = lambda: True,
    within: float = 30,
) -> bool:
    """Polls `GET /healthz` until it answers 200 (True), the server died (`alive()` false) or time ran out."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and alive():
        try:
            async with session.get(base + "/healthz") as resp:
                if resp.status == 200:
                    return True
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    return False


async def closed_loop(
    session: aiohttp.ClientSession,
    url: str,
    body: Callable[[int], bytes],
    *,
    concurrency: int,
    seconds: float | None = None,
    count: int | None = None,
    headers: dict[str, str] | None = None,
) -> Measured:
    """`concurrency` users POST `body(user)` to `url` until `seconds` passed or `count` requests were sent."""
    result = Measured()
    deadline = time.monotonic() + (seconds if seconds is not None else 3600.0)
    remaining: Iterator[int] = counting() if count is None else iter(range(count))
    sent_headers = {"Content-Type": "application/json", **(headers or {})}

    async def user(n: int) -> None:
        while time.monotonic() < deadline and next(remaining, None) is not None:
            data = body(n)
            started = time.perf_counter()
            try:
                async with session.post(url, data=data, headers=sent_headers) as resp:
                    await resp.read()
                    ok = resp.status < 300
            except (TimeoutError, aiohttp.ClientError):
                ok = False
            result.latencies.append(time.perf_counter() - started)
            result.requests += 1
            result.errors += 0 if ok else 1

    started = time.monotonic()
    await asyncio.gather(*(user(n) for n in range(concurrency)))
    result.seconds = time.monotonic() - started
    return result
