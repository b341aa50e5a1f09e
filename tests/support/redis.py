"""Redis for tests: the machine's server on 127.0.0.1:6379 (`TIMEBOT_TEST_REDIS_URL`), each test under its own
key prefix. Unreachable: the test fails when `CI` is set and is skipped otherwise (as for PostgreSQL)."""

from __future__ import annotations

import asyncio
import functools
import os
import uuid

import pytest

REDIS_URL = os.environ.get("TIMEBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@functools.cache
def _redis_problem() -> str | None:
    async def probe() -> None:
        from redis.asyncio import Redis

        client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        try:
            await client.ping()
        finally:
            await client.aclose()

    try:
        asyncio.run(probe())
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


async def require_redis() -> str:
    """The Redis URL, or skip/fail; returns a fresh key prefix too via `prefix()`."""
    problem = await asyncio.to_thread(_redis_problem)
    if problem is not None:
        message = f"Redis at {REDIS_URL} is unreachable ({problem}); set TIMEBOT_TEST_REDIS_URL"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


def prefix() -> str:
    return f"timebot-test:{uuid.uuid4().hex[:12]}:"
