"""A real bot process (`python -m bot serve`) is killed with SIGKILL while it fans one change out to 200
channels, then started again on the same database: every channel gets its card, and the only repeats are
sends that were in flight at the kill — at most one per conversation, at most TIMEBOT_NOTIFY_CONCURRENCY."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from adapters.backend import Identity
from tests.support.db import DATABASES, database
from tests.support.harness import activity_json
from tests.support.notify_world import ROOTS, free_port, subscribed_channels
from tests.support.teams_connector import TEAMS_PER_CONVERSATION, TeamsConnector

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = 200
CONCURRENCY = 8
ALICE = Identity("tenant-1", "alice", "Alice")


@asynccontextmanager
async def bot_process(url: str, port: int, data_dir: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith(("microsoftapp", "microsoft_app"))}
    env.update(
        PYTHONPATH=str(ROOT),
        TIMEBOT_DATA_DIR=str(data_dir),
        TIMEBOT_DATABASE_URL=url,
        TIMEBOT_SECRET_KEY=ROOTS[0].decode(),
        TIMEBOT_LOG_LEVEL="WARNING",
        TIMEBOT_NOTIFY_LEASE_SECONDS="2",
        TIMEBOT_NOTIFY_CONCURRENCY=str(CONCURRENCY),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--port", str(port),
        cwd=data_dir, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert proc.returncode is None, "the bot process exited"
                assert time.monotonic() < deadline, "the bot did not come up"
                await asyncio.sleep(0.1)
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


async def prepare(url: str, teams_url: str) -> None:
    await subscribed_channels(url, teams_url, ALICE, CONVERSATIONS, "channel")


def delivered(teams: TeamsConnector) -> Counter[str]:
    return Counter(
        c for _t, method, c, _i in teams.accepted if method == "POST" and c.startswith("19:channel-")
    )


@pytest.mark.parametrize("kind", DATABASES)
async def test_sigkill_mid_fan_out_loses_nothing_and_repeats_only_what_was_in_flight(
    kind: str, tmp_path: Path
) -> None:
    # Teams lets 20 a second through for the app: the fan-out takes ~10 s, time enough to kill it mid-way.
    teams = TeamsConnector(per_conversation=TEAMS_PER_CONVERSATION, overall=((20, 1.0),))
    async with teams, database(kind, tmp_path) as url:
        await prepare(url, teams.url)
        port = free_port()
        async with bot_process(url, port, tmp_path) as proc:
            message = activity_json("project add Website", user="alice", name="Alice", service_url=teams.url)
            async with (
                aiohttp.ClientSession() as session,
                session.post(f"http://127.0.0.1:{port}/api/messages", json=message) as resp,
            ):
                assert resp.status == 200
            while sum(delivered(teams).values()) < 60:
                assert proc.returncode is None
                await asyncio.sleep(0.02)
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        before_restart = delivered(teams)
        assert len(before_restart) < CONVERSATIONS  # it really died mid-way
        async with bot_process(url, port, tmp_path):
            deadline = time.monotonic() + 90
            while len(delivered(teams)) < CONVERSATIONS:
                assert time.monotonic() < deadline, f"only {len(delivered(teams))} channels got the card"
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # nothing more trickles in
        final = delivered(teams)
    assert len(final) == CONVERSATIONS  # nothing lost
    repeats = {c: n for c, n in final.items() if n > 1}
    assert all(n == 2 for n in repeats.values())  # at most one repeat per conversation
    assert len(repeats) <= CONCURRENCY, repeats  # only the sends in flight at the kill
    print(f"\n{kind}: {len(before_restart)} delivered before SIGKILL, {len(repeats)} repeated after restart")
