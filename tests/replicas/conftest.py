"""Several real `timebot serve` processes on one fresh PostgreSQL schema (and Redis), as a deployment runs."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.support.db import postgres_schema
from tests.support.notify_world import ROOTS, readable
from tests.support.processes import free_port
from tests.support.teams_connector import TeamsConnector

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Replica:
    name: str
    port: int
    process: asyncio.subprocess.Process
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no shutdown, no drain, leases left behind."""
        self.process.send_signal(signal.SIGKILL)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def replica_env(url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith(("microsoftapp", "microsoft_app"))}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",  # the log is complete when a test reads it
        TIMEBOT_DATA_DIR=str(data_dir),
        TIMEBOT_DATABASE_URL=url,
        TIMEBOT_SECRET_KEY=ROOTS[0].decode(),
        TIMEBOT_LOG_LEVEL="WARNING",
        **extra,
    )
    return env


async def _healthy(replica: Replica, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"{replica.url}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            assert replica.process.returncode is None, f"{replica.name} exited:\n{replica.output()}"
            assert time.monotonic() < deadline, f"{replica.name} did not come up:\n{replica.output()}"
            await asyncio.sleep(0.1)


async def start_replica(name: str, url: str, data_dir: Path, **env: str) -> Replica:
    port = free_port()
    log = data_dir / f"{name}.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", "--port", str(port),
            cwd=data_dir, env=replica_env(url, data_dir, **env), stdout=out, stderr=out,
        )  # fmt: skip
    replica = Replica(name, port, process, log)
    await _healthy(replica)
    return replica


async def stop_replica(replica: Replica) -> None:
    if replica.process.returncode is None:
        replica.process.terminate()
        try:
            await asyncio.wait_for(replica.process.wait(), 15)
        except TimeoutError:
            replica.process.kill()
            await replica.process.wait()


@asynccontextmanager
async def replicas(
    tmp_path: Path, *, count: int = 2, url: str | None = None, **env: str
) -> AsyncIterator[list[Replica]]:
    """`count` bot processes on one fresh PostgreSQL schema (or `url`), started together (they migrate
    once: the advisory lock), stopped afterwards. `redis_url=` shares their rate limits."""
    settings = {f"TIMEBOT_{k.upper()}": v for k, v in env.items()}
    async with _schema(url) as database:
        started = await asyncio.gather(
            *(start_replica(f"bot-{i + 1}", database, tmp_path, **settings) for i in range(count)),
            return_exceptions=True,
        )
        running = [r for r in started if isinstance(r, Replica)]
        try:
            for failure in started:
                if isinstance(failure, BaseException):
                    raise failure
            yield running
        finally:
            await asyncio.gather(*(stop_replica(r) for r in running))


@asynccontextmanager
async def _schema(url: str | None) -> AsyncIterator[str]:
    if url is not None:
        yield url
        return
    async with postgres_schema() as fresh:
        yield fresh


def reply_text(teams: TeamsConnector, activity_id: str) -> str:
    """Everything the bot posted in reply to `activity_id`, as a person reads it."""
    texts = []
    for request in teams.messages:
        if request.json.get("replyToId") != activity_id:
            continue
        texts.append(request.json.get("text") or "")
        for attachment in request.json.get("attachments") or []:
            content = attachment.get("content")
            if isinstance(content, dict):
                texts.append(readable(content))
    assert texts, f"no reply to {activity_id}"
    return "\n".join(texts)
