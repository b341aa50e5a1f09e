"""Check a running `compose.yaml` + `deploy/compose.smoke.yaml` stack: both replicas healthy, the proxy
answering, and messages sent through the proxy answered by the bots (with replies from both replicas).

    docker compose -f compose.yaml -f deploy/compose.smoke.yaml up -d
    .venv/bin/python deploy/smoke/check.py        # exits 0 when all holds, prints what it saw

Reads MicrosoftAppId from the environment or ./.env (the audience of the tokens it mints).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp


def setting(name: str, default: str = "") -> str:
    """From the environment, else from ./.env (as compose reads it)."""
    if os.environ.get(name):
        return os.environ[name]
    env = Path(".env")
    for line in env.read_text().splitlines() if env.exists() else []:
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1].strip().strip('"')
    return default


PROXY = f"http://127.0.0.1:{setting('TIMEBOT_HTTP_PORT', '8080')}"
TEAMS = f"https://127.0.0.1:{setting('SMOKE_TEAMS_PORT', '8443')}"  # as this machine reaches it
SERVICE_URL = "https://teams:8443"  # as the bots reach it
MESSAGES = 8
COMPOSE = ["docker", "compose", "-f", "compose.yaml", "-f", "deploy/compose.smoke.yaml"]


def app_id() -> str:
    found = setting("MicrosoftAppId")
    if not found:
        sys.exit("smoke: MicrosoftAppId is neither in the environment nor in .env")
    return found


def compose(*args: str) -> str:
    command = [*COMPOSE, *args]
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0:
        command = ["docker-compose", *command[2:]]  # Compose v1
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def health(service: str) -> str:
    container = compose("ps", "-q", service).strip()
    if not container:
        return "not running"
    inspect = ["docker", "inspect", "--format", "{{.State.Health.Status}}", container]
    result = subprocess.run(inspect, capture_output=True, text=True)
    return result.stdout.strip() or result.stderr.strip()


async def wait_for(what: str, check: Any, within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            sys.exit(f"smoke: gave up waiting for {what}")
        await asyncio.sleep(1.0)


def activity(n: int) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"smoke-{uuid.uuid4().hex[:12]}",
        "channelId": "msteams",
        "serviceUrl": SERVICE_URL,
        "from": {"id": f"29:smoke-user-{n}", "name": f"Smoke {n}", "aadObjectId": f"smoke-aad-{n}"},
        "recipient": {"id": "28:timebot", "name": "timebot"},
        "conversation": {"id": f"a:smoke-{n}", "conversationType": "personal", "tenantId": "smoke-tenant"},
        "channelData": {"tenant": {"id": "smoke-tenant"}},
        "text": "help",
        "locale": "en-US",
    }


async def main() -> None:
    async def healthy() -> bool:
        states = {service: health(service) for service in ("bot-1", "bot-2", "proxy")}
        print("smoke: health", states)
        return all(state == "healthy" for state in states.values())

    await wait_for("bot-1, bot-2 and the proxy to be healthy", healthy)
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{PROXY}/healthz") as resp:
            print("smoke: GET /healthz through the proxy:", resp.status, await resp.text())
            assert resp.status == 200
        async with session.post(
            f"{TEAMS}/smoke/token", json={"audience": app_id(), "serviceUrl": SERVICE_URL}, ssl=False
        ) as resp:
            token = (await resp.json())["token"]
        sent = [activity(n) for n in range(MESSAGES)]
        for message in sent:
            headers = {"Authorization": f"Bearer {token}"}
            async with session.post(f"{PROXY}/api/messages", json=message, headers=headers) as resp:
                assert resp.status in (200, 201, 202), (resp.status, await resp.text())
        async with session.post(f"{PROXY}/api/messages", json=sent[0]) as resp:
            print("smoke: the same activity without a token:", resp.status)
            assert resp.status == 401

        async def answered() -> bool:
            async with session.get(f"{TEAMS}/smoke/activities", ssl=False) as resp:
                replies = await resp.json()
            got = {r["activity"].get("replyToId") for r in replies}
            return all(m["id"] in got for m in sent)

        await wait_for(f"replies to all {MESSAGES} messages", answered, within=60)
    served = {s: compose("logs", "--no-color", s).count("POST /api/messages") for s in ("bot-1", "bot-2")}
    print(f"smoke: {MESSAGES} messages through the proxy, all answered; requests per replica: {served}")
    assert all(n > 0 for n in served.values()), "one replica served nothing"
    print("smoke: OK")


if __name__ == "__main__":
    asyncio.run(main())
